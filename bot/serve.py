"""`reflexbot serve` and `reflexbot telegram ...`: wiring the runtime, the channels and the ASGI server."""

from __future__ import annotations

import os
from typing import Any

import uvicorn
from telegram import Bot, Update

from bot.assembly import build_knowledge
from bot.channels.telegram.app import TelegramChannel, build_application
from bot.channels.whatsapp.app import WhatsAppChannel
from bot.channels.whatsapp.parse import timezone_of
from bot.channels.whatsapp.sender import Template, WhatsAppSender, make_client
from bot.config import ConfigError, Settings
from bot.engine import Conversation, Knowledge, Record, Reply
from bot.runtime import Deliver, Runtime
from bot.server import create_app
from bot.store import SqlStore
from scheduler import Trigger, utc_now

TELEGRAM_API = "https://api.telegram.org/bot"


def telegram_section(settings: Settings) -> dict[str, Any]:
    """The [telegram] table of config.toml."""
    section: dict[str, Any] = settings.raw.get("telegram", {})
    return section


def telegram_token() -> str:
    """The bot token, from the environment only."""
    token = os.environ.get("TELEGRAM_BOT_TOKEN", "")
    if not token:
        raise ConfigError("TELEGRAM_BOT_TOKEN is not set (create a bot with @BotFather)")
    return token


async def serve(settings: Settings, host: str, port: int) -> int:
    """Run the webhook server (and Telegram polling, if configured) until interrupted."""
    store = await SqlStore.open(settings.storage_url)
    kb = build_knowledge(settings)
    senders: dict[str, Deliver] = {}

    async def deliver(key: str, reply: Reply) -> None:
        channel = key.partition(":")[0]
        if channel not in senders:
            raise LookupError(f"channel {channel} is not enabled; reply kept")
        await senders[channel](key, reply)

    runtime = Runtime(kb, store, deliver, default_tz=settings.policy.default_tz)
    trigger = Trigger(runtime.run_due)
    runtime.wake_at = trigger.wake_at
    telegram: TelegramChannel | None = None
    section = telegram_section(settings)
    polling = section.get("mode") == "polling"
    if section.get("enabled"):
        application = build_application(telegram_token(), str(section.get("api_base_url") or TELEGRAM_API),
                                        polling=polling)
        staff = int(settings.raw.get("clinic", {}).get("telegram_staff_chat_id") or 0)
        telegram = TelegramChannel(application, runtime, store, kb, utc_now, staff_chat_id=staff)
        senders["telegram"] = telegram.sender.deliver
        runtime.on_record = telegram.forward_record

    async def health() -> dict[str, object]:
        try:
            await store.next_due_at()
            database = True
        except Exception:
            database = False
        return {"ok": database and trigger.running, "database": database, "scheduler": trigger.running}

    whatsapp = _whatsapp(settings, runtime, store, kb)
    if whatsapp is not None:
        senders["whatsapp"] = whatsapp.sender.deliver
        per_round = settings.raw.get("whatsapp", {}).get("session_pacing", "per-round") == "per-round"
        window = 0 if "reminder" in whatsapp.sender.templates else 24  # no template: say so when they set one

        def newcomer(key: str) -> Conversation:
            if key.startswith("whatsapp:"):  # time zone from the number's country; sessions a round a message
                return Conversation(tz=timezone_of(key, settings.policy.default_tz), per_round=per_round,
                                    window_hours=window)
            return Conversation(tz=settings.policy.default_tz)

        runtime.newcomer = newcomer
        previous = runtime.on_record

        async def on_record(key: str, record: Record) -> None:
            for forward in (previous, whatsapp.forward_record):  # to every staff channel configured
                if forward is not None:
                    await forward(key, record)

        runtime.on_record = on_record

    app = create_app(telegram=telegram, telegram_secret=os.environ.get("TELEGRAM_WEBHOOK_SECRET", ""),
                     whatsapp=whatsapp, health=health, metrics=runtime.metrics)
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="off"))
    try:
        if telegram is not None:
            await telegram.start(polling=polling)
        trigger.start()
        await runtime.flush(utc_now())
        await server.serve()
    finally:
        # Graceful: no new triggers, turns in flight finish, then the channels and the store close.
        trigger.shutdown()
        if whatsapp is not None:
            await whatsapp.drain()
        if telegram is not None:
            await telegram.stop()
        await store.close()
    return 0


def _whatsapp(settings: Settings, runtime: Runtime, store: SqlStore, kb: Knowledge) -> WhatsAppChannel | None:
    """The WhatsApp channel from [whatsapp] and TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN, if enabled."""
    section: dict[str, Any] = settings.raw.get("whatsapp", {})
    if not section.get("enabled"):
        return None
    account, token = os.environ.get("TWILIO_ACCOUNT_SID", ""), os.environ.get("TWILIO_AUTH_TOKEN", "")
    if not account or not token:
        raise ConfigError("TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN must be set for WhatsApp")
    if not settings.public_url:
        raise ConfigError("[server] public_url is needed to check Twilio's signatures")
    templates = {
        name: Template(str(t["content_sid"]), {str(k): str(v) for k, v in t.get("content_variables", {}).items()})
        for name, t in section.get("templates", {}).items()
    }
    client = make_client(account, token, str(section.get("api_base_url") or ""))
    sender = WhatsAppSender(client, str(section.get("from", "")), store, utc_now, templates=templates,
                            status_callback=settings.public_url.rstrip("/") + "/whatsapp/status",
                            hint=kb.content.message("en", "channel.reply-with-number"),
                            choice_templates={str(k): str(v) for k, v in section.get("choice_templates", {}).items()})
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
            print(f"url: {info.url or '(none)'}\npending updates: {info.pending_update_count}\n"
                  f"last error: {info.last_error_message or '(none)'}")
    return 0
