"""`reflexbot serve` and `reflexbot telegram ...`: wiring the runtime, the channels and the ASGI server.

One process (`--workers 1`) or several: uvicorn's supervisor starts N worker processes on one socket,
each builds its own `Service` (store connection, trigger, channels), and they share the database
(PostgreSQL) and the send budget (Redis).
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import uvicorn
from starlette.types import Receive, Scope, Send
from telegram import Bot, Update

from bot.assembly import build_knowledge
from bot.channels.pacing import Pace, Pacer, SharedPacer
from bot.channels.telegram.app import TelegramChannel, build_application
from bot.channels.whatsapp.app import WhatsAppChannel
from bot.channels.whatsapp.parse import timezone_of
from bot.channels.whatsapp.sender import Template, WhatsAppSender, make_client
from bot.config import ConfigError, Settings, load_settings
from bot.engine import Conversation, Knowledge, Record, Reply
from bot.runtime import Deliver, Runtime
from bot.server import create_app
from bot.store import SqlStore, database_url
from scheduler import Trigger, utc_now

log = logging.getLogger("reflexbot.serve")
TELEGRAM_API = "https://api.telegram.org/bot"


def telegram_section(settings: Settings) -> dict[str, Any]:
    """The [telegram] table of config.toml."""
    section: dict[str, Any] = settings.raw.get("telegram", {})
    return section


def server_section(settings: Settings) -> dict[str, Any]:
    """The [server] table of config.toml."""
    section: dict[str, Any] = settings.raw.get("server", {})
    return section


def telegram_token() -> str:
    """The bot token, from the environment only."""
    token = os.environ.get("TELEGRAM_BOT_TOKEN", "")
    if not token:
        raise ConfigError("TELEGRAM_BOT_TOKEN is not set (create a bot with @BotFather)")
    return token


def redis_url(settings: Settings) -> str:
    """Where the shared send budget lives: $REFLEXBOT_REDIS_URL, else [server] redis_url, else nowhere."""
    return os.environ.get("REFLEXBOT_REDIS_URL") or str(server_section(settings).get("redis_url") or "")


def preflight(settings: Settings, workers: int) -> None:
    """Refuse, before anything starts, what cannot work: missing secrets, or workers that cannot share."""
    if telegram_section(settings).get("enabled"):
        telegram_token()
    _whatsapp_credentials(settings)
    if workers > 1:
        if database_url(settings.storage_url).get_backend_name() == "sqlite":
            raise ConfigError(
                "several workers need a database server: set [storage] url to PostgreSQL (SQLite is for one process)"
            )
        if telegram_section(settings).get("enabled") and telegram_section(settings).get("mode") == "polling":
            raise ConfigError("Telegram polling allows one poller: use webhook mode with several workers")


@dataclass
class Service:
    """One process's share of the bot: its store connection, runtime, trigger, channels and web app."""

    settings: Settings
    store: SqlStore
    runtime: Runtime
    trigger: Trigger
    telegram: TelegramChannel | None = None
    whatsapp: WhatsAppChannel | None = None
    pacers: list[Pace] = field(default_factory=list)
    app: Any = None

    async def start(self) -> None:
        """Channels up, then the trigger; replies a stopped process left behind go out."""
        if self.store.single_process:  # nobody else can hold what a killed run of this process held
            doubtful = await self.store.release_all()
            if doubtful:
                log.warning("%d replies were being sent when the last run stopped: sending them again", doubtful)
        if self.telegram is not None:
            await self.telegram.start(polling=telegram_section(self.settings).get("mode") == "polling")
        self.trigger.start()
        await self.runtime.flush(utc_now())

    async def stop(self) -> None:
        """Graceful: turns in flight finish (timers not started are given back), then no more triggers,
        then the channels and the store close. The runtime stops first: stopping APScheduler cancels a
        job that is running."""
        await self.runtime.stop()
        self.trigger.shutdown()
        if self.whatsapp is not None:
            await self.whatsapp.drain()
        if self.telegram is not None:
            await self.telegram.stop()
        for pacer in self.pacers:
            if isinstance(pacer, SharedPacer):
                await pacer.close()
        await self.store.close()


def _pace(settings: Settings, channel: str, workers: int, per_chat_seconds: float, per_second: float) -> Pace:
    """Redis when configured (one budget for every worker); else each of `workers` gets its share."""
    url = redis_url(settings)
    if url:
        prefix = str(server_section(settings).get("redis_prefix") or "reflexbot")
        return SharedPacer.from_url(url, f"{prefix}:pace:{channel}", per_chat_seconds, per_second)
    if workers > 1:
        log.warning("no redis_url: each of %d workers sends at 1/%d of the %s rate", workers, workers, channel)
    return Pacer(per_chat_seconds, per_second / workers)


async def build_service(settings: Settings, workers: int = 1) -> Service:
    """Everything one process runs, wired; nothing started yet."""
    preflight(settings, workers)
    server = server_section(settings)
    store = await SqlStore.open(
        settings.storage_url, timedelta(seconds=float(server.get("claim_seconds", 120))), clock=utc_now
    )
    kb = build_knowledge(settings)
    senders: dict[str, Deliver] = {}

    async def deliver(key: str, reply: Reply) -> None:
        channel = key.partition(":")[0]
        if channel not in senders:
            raise LookupError(f"channel {channel} is not enabled; reply kept")
        await senders[channel](key, reply)

    runtime = Runtime(
        kb, store, deliver, default_tz=settings.policy.default_tz, parallel=int(server.get("parallel_timers", 8))
    )
    trigger = Trigger(runtime.run_due)
    runtime.wake_at = trigger.wake_at
    service = Service(settings, store, runtime, trigger)
    section = telegram_section(settings)
    if section.get("enabled"):
        polling = section.get("mode") == "polling"
        application = build_application(
            telegram_token(),
            str(section.get("api_base_url") or TELEGRAM_API),
            polling=polling,
            timeout=float(section.get("timeout_seconds", 10)),
        )
        staff = int(settings.raw.get("clinic", {}).get("telegram_staff_chat_id") or 0)
        pacer = _pace(
            settings,
            "telegram",
            workers,
            float(section.get("per_chat_seconds", 1.0)),
            float(section.get("per_second", 30)),
        )
        service.pacers.append(pacer)
        service.telegram = TelegramChannel(application, runtime, store, kb, utc_now, staff_chat_id=staff, pacer=pacer)
        senders["telegram"] = service.telegram.sender.deliver
        runtime.on_record = service.telegram.forward_record

    async def health() -> dict[str, object]:
        try:
            await store.next_due_at()
            database = True
        except Exception:
            database = False
        return {"ok": database and trigger.running, "database": database, "scheduler": trigger.running}

    whatsapp = _whatsapp(settings, runtime, store, kb, workers)
    if whatsapp is not None:
        service.whatsapp = whatsapp
        service.pacers.append(whatsapp.sender.pacer)
        senders["whatsapp"] = whatsapp.sender.deliver
        per_round = settings.raw.get("whatsapp", {}).get("session_pacing", "per-round") == "per-round"
        window = 0 if "reminder" in whatsapp.sender.templates else 24  # no template: say so when they set one

        def newcomer(key: str) -> Conversation:
            if key.startswith("whatsapp:"):  # time zone from the number's country; sessions a round a message
                return Conversation(
                    tz=timezone_of(key, settings.policy.default_tz), per_round=per_round, window_hours=window
                )
            return Conversation(tz=settings.policy.default_tz)

        runtime.newcomer = newcomer
        previous = runtime.on_record

        async def on_record(key: str, record: Record) -> None:
            for forward in (previous, whatsapp.forward_record):  # to every staff channel configured
                if forward is not None:
                    await forward(key, record)

        runtime.on_record = on_record

    service.app = create_app(
        telegram=service.telegram,
        whatsapp=whatsapp,
        health=health,
        metrics=runtime.metrics,
        telegram_secret=os.environ.get("TELEGRAM_WEBHOOK_SECRET", ""),
    )
    return service


async def serve(settings: Settings, host: str, port: int) -> int:
    """Run one process: the webhook server (and Telegram polling, if configured) until interrupted."""
    service = await build_service(settings)
    server = uvicorn.Server(uvicorn.Config(service.app, host=host, port=port, log_level="warning", lifespan="off"))
    try:
        await service.start()
        await server.serve()
    finally:
        await service.stop()
    return 0


def serve_workers(settings: Settings, host: str, port: int, workers: int) -> int:
    """Run `workers` processes on one socket (uvicorn's supervisor restarts any that dies)."""
    preflight(settings, workers)
    os.environ["REFLEXBOT_WORKERS"] = str(workers)  # each worker process reads its config again
    uvicorn.run(
        "bot.serve:worker_app", factory=True, host=host, port=port, workers=workers, lifespan="on", log_level="warning"
    )
    return 0


class WorkerApp:
    """A worker process's ASGI app: builds and starts its Service at lifespan start, stops it at the end."""

    def __init__(self, settings: Settings, workers: int) -> None:
        self.settings = settings
        self.workers = workers
        self.service: Service | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Lifespan events here; requests to the service's app."""
        if scope["type"] != "lifespan":
            assert self.service is not None, "lifespan startup first"
            await self.service.app(scope, receive, send)
            return
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    self.service = await build_service(self.settings, self.workers)
                    await self.service.start()
                except Exception as error:
                    log.exception("worker could not start")
                    if self.service is not None:
                        await self.service.stop()
                    await send({"type": "lifespan.startup.failed", "message": str(error)})
                    return
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self.service is not None:
                    await self.service.stop()
                await send({"type": "lifespan.shutdown.complete"})
                return


def worker_app() -> WorkerApp:
    """uvicorn's factory, called in each worker process: the config comes from $REFLEXBOT_CONFIG."""
    return WorkerApp(load_settings(), int(os.environ.get("REFLEXBOT_WORKERS", "1")))


def _whatsapp_credentials(settings: Settings) -> tuple[str, str] | None:
    """TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN when WhatsApp is enabled (refused if missing)."""
    if not settings.raw.get("whatsapp", {}).get("enabled"):
        return None
    account, token = os.environ.get("TWILIO_ACCOUNT_SID", ""), os.environ.get("TWILIO_AUTH_TOKEN", "")
    if not account or not token:
        raise ConfigError("TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN must be set for WhatsApp")
    if not settings.public_url:
        raise ConfigError("[server] public_url is needed to check Twilio's signatures")
    return account, token


def _whatsapp(
    settings: Settings, runtime: Runtime, store: SqlStore, kb: Knowledge, workers: int
) -> WhatsAppChannel | None:
    """The WhatsApp channel from [whatsapp] and TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN, if enabled."""
    credentials = _whatsapp_credentials(settings)
    if credentials is None:
        return None
    account, token = credentials
    section: dict[str, Any] = settings.raw.get("whatsapp", {})
    templates = {
        name: Template(str(t["content_sid"]), {str(k): str(v) for k, v in t.get("content_variables", {}).items()})
        for name, t in section.get("templates", {}).items()
    }
    client = make_client(account, token, str(section.get("api_base_url") or ""))
    pacer = _pace(settings, "whatsapp", workers, 0.0, float(section.get("per_second", 10)))
    sender = WhatsAppSender(
        client,
        str(section.get("from", "")),
        store,
        utc_now,
        templates=templates,
        status_callback=settings.public_url.rstrip("/") + "/whatsapp/status",
        pacer=pacer,
        hint=kb.content.message("en", "channel.reply-with-number"),
        choice_templates={str(k): str(v) for k, v in section.get("choice_templates", {}).items()},
    )
    staff = str(settings.raw.get("clinic", {}).get("whatsapp_staff_number") or "")
    return WhatsAppChannel(runtime, store, kb, utc_now, sender, token, settings.public_url, staff_number=staff)


async def telegram_admin(settings: Settings, action: str) -> int:
    """set-webhook | delete-webhook | info."""
    section = telegram_section(settings)
    bot = Bot(telegram_token(), base_url=str(section.get("api_base_url") or TELEGRAM_API))
    async with bot:
        if action == "set-webhook":
            secret = os.environ.get("TELEGRAM_WEBHOOK_SECRET", "")
            if not secret or not settings.public_url:
                raise ConfigError("set TELEGRAM_WEBHOOK_SECRET and [server] public_url first")
            url = settings.public_url.rstrip("/") + "/telegram/webhook"
            await bot.set_webhook(url, secret_token=secret, allowed_updates=Update.ALL_TYPES)
            print(f"webhook set: {url}")
        elif action == "delete-webhook":
            await bot.delete_webhook()
            print("webhook deleted")
        else:
            info = await bot.get_webhook_info()
            print(
                f"url: {info.url or '(none)'}\npending updates: {info.pending_update_count}\n"
                f"last error: {info.last_error_message or '(none)'}"
            )
    return 0
