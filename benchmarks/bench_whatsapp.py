"""WhatsApp webhook throughput and latency, end to end with SQLite, against a local Twilio stand-in.

    .venv/bin/python benchmarks/bench_whatsapp.py [--updates 400] [--people 100]

Signed POSTs (RequestValidator) go over real HTTP to `reflexbot serve`'s app under uvicorn; replies go
through the real twilio SDK (async client) over HTTP to a stand-in that answers 201 at once. Pacing is
opened wide (Twilio's per-sender rate would measure the limit, not the code).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from twilio.request_validator import RequestValidator

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.assembly import build_knowledge
from bot.channels.pacing import Pacer
from bot.channels.whatsapp.app import WhatsAppChannel
from bot.channels.whatsapp.sender import WhatsAppSender, make_client
from bot.config import REPO_CONFIG, load_settings
from bot.engine import Reply
from bot.runtime import Runtime
from bot.server import create_app
from bot.store import SqlStore
from scheduler import utc_now
from tests.channels.telegram.fake_bot_api import ListeningServer

ACCOUNT, TOKEN, FROM, PUBLIC = "AC" + "1" * 32, "bench-token", "whatsapp:+14155238886", "https://bot.example.com"


async def serve(app: Starlette) -> tuple[ListeningServer, asyncio.Task[None], str]:
    """Run an ASGI app on a free port."""
    server = ListeningServer(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off"))
    task = asyncio.create_task(server.serve())
    await server.ready.wait()
    return server, task, f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"


async def main(updates: int, people: int) -> None:
    """Print throughput and latency."""
    created = [0]

    async def messages(request: Request) -> JSONResponse:
        await request.body()
        created[0] += 1
        return JSONResponse({"sid": "SM" + "a" * 32, "status": "queued"}, status_code=201)

    twilio, twilio_task, twilio_url = await serve(
        Starlette(routes=[Route("/2010-04-01/Accounts/{a}/Messages.json", messages, methods=["POST"])])
    )
    kb = build_knowledge(load_settings(str(REPO_CONFIG)))
    with tempfile.TemporaryDirectory() as tmp:
        store = await SqlStore.open(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
        client = make_client(ACCOUNT, TOKEN, twilio_url)
        sender = WhatsAppSender(client, FROM, store, utc_now, pacer=Pacer(per_chat_seconds=0, per_second=1e9))
        holder: list[WhatsAppChannel] = []

        async def deliver(key: str, reply: Reply) -> None:
            await holder[0].sender.deliver(key, reply)

        runtime = Runtime(kb, store, deliver)
        channel = WhatsAppChannel(runtime, store, kb, utc_now, sender, TOKEN, PUBLIC)
        holder.append(channel)
        ours, ours_task, url = await serve(create_app(whatsapp=channel))
        validator = RequestValidator(TOKEN)
        sid = iter(range(1, 10**9))

        def signed(person: int, body: str) -> tuple[dict[str, str], dict[str, str]]:
            form = {
                "MessageSid": f"SM{next(sid):032x}",
                "From": f"whatsapp:+9715{person:08d}",
                "To": FROM,
                "Body": body,
                "NumMedia": "0",
            }
            return form, {"X-Twilio-Signature": validator.compute_signature(PUBLIC + "/whatsapp/webhook", form)}

        try:
            async with httpx.AsyncClient(base_url=url) as http:
                done = 0
                for p in range(people):  # intros out of the way
                    form, headers = signed(p, "hi")
                    await http.post("/whatsapp/webhook", data=form, headers=headers)
                done += people
                await channel.wait_processed(done)
                latencies = []
                for n in range(50):
                    form, headers = signed(n % people, "I feel bloated")
                    started = time.perf_counter()
                    await http.post("/whatsapp/webhook", data=form, headers=headers)
                    done += 1
                    await channel.wait_processed(done)
                    latencies.append((time.perf_counter() - started) * 1000)
                batch = [signed(n % people, "I feel bloated") for n in range(updates)]
                started = time.perf_counter()
                await asyncio.gather(*(http.post("/whatsapp/webhook", data=f, headers=h) for f, h in batch))
                await channel.wait_processed(done + updates)
                rate = updates / (time.perf_counter() - started)
        finally:
            ours.should_exit = True
            await ours_task
            await client.http_client.close()
            await store.close()
    twilio.should_exit = True
    await twilio_task
    latencies.sort()
    print(
        f"whatsapp webhook: {rate:.0f} updates/s ({updates} in flight, {people} people); latency one at a time: "
        f"p50 {statistics.median(latencies):.1f} ms, p99 {latencies[int(len(latencies) * 0.99) - 1]:.1f} ms; "
        f"{created[0]} messages created"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--updates", type=int, default=400)
    parser.add_argument("--people", type=int, default=100)
    args = parser.parse_args()
    asyncio.run(main(args.updates, args.people))
