"""What a picture costs per turn on Telegram: the first send of a picture (drawn, then uploaded), every
later send (by the file_id Telegram gave: no drawing, no upload), and the same reply without a picture.

    .venv/bin/python benchmarks/bench_picture_sends.py [--sends 200]

Real python-telegram-bot over HTTP to the spec-checked fake Bot API on 127.0.0.1, pacing opened wide.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


from bot.channels.pacing import Pacer
from bot.channels.telegram.sender import TelegramSender
from bot.channels.telegram.transport import telegram_bot
from bot.engine import Reply
from bot.pictures.library import Pictures
from bot.store import SqlStore
from content.loader import default_content
from tests.channels.telegram.fake_bot_api import TOKEN, FakeBotApi


async def timed(sender: TelegramSender, reply: Reply, sends: int) -> list[float]:
    """Milliseconds per delivery of `reply`, `sends` times."""
    spent = []
    for _ in range(sends):
        start = time.perf_counter()
        await sender.deliver("telegram:4242", reply)
        spent.append((time.perf_counter() - start) * 1000)
    return spent


def summary(name: str, ms: list[float]) -> str:
    ordered = sorted(ms)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    mean, p50 = statistics.fmean(ms), statistics.median(ms)
    return f"{name:<34} n={len(ms):<4} mean {mean:6.2f} ms  p50 {p50:6.2f}  p95 {p95:6.2f}"


async def main(sends: int) -> None:
    text = "Left foot: find the point. In the web between the 2nd and 3rd toes, just behind the edge."
    with tempfile.TemporaryDirectory() as folder:
        store = await SqlStore.open(f"sqlite:///{Path(folder) / 'b.sqlite3'}")
        pictures = Pictures(default_content(), Path(folder) / "pictures")
        async with FakeBotApi.running() as api:
            bot = telegram_bot(TOKEN, api.base_url)
            await bot.initialize()
            sender = TelegramSender(bot, Pacer(per_chat_seconds=0, per_second=1e9), pictures=pictures, store=store)
            first = await timed(sender, Reply(text, image="ST44.left"), 1)
            uploaded = sum(int(u["size"]) for u in api.uploads)
            later = await timed(sender, Reply(text, image="ST44.left"), sends)
            plain = await timed(sender, Reply(text), sends)
            assert api.violations == [], api.violations
            print(summary("first send (draw + upload)", first))
            print(summary("later sends (file_id)", later))
            print(summary("same reply without a picture", plain))
            print(f"uploads: {len(api.uploads)} ({uploaded} bytes, all on the first send); drawings: 1")
            await bot.shutdown()
        await store.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sends", type=int, default=200)
    asyncio.run(main(parser.parse_args().sends))
