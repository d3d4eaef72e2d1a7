"""`reflexbot serve` and `reflexbot telegram ...`: wiring the runtime, the channels and the ASGI server.

One process (`--workers 1`) or several: uvicorn's supervisor starts N worker processes on one socket,
each builds its own `Service` (store connection, trigger, channels), and they share the database
(PostgreSQL), the send budget (Redis) and, through a private directory of files, their metrics.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
from collections.abc import AsyncIterator, Callable, Generator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import uvicorn
from starlette.applications import Starlette
from telegram import Bot, Update

from bot.assembly import build_knowledge, newcomer
from bot.body_limits import BodyLimits
from bot.channels.calendar import CalendarFiles
from bot.channels.links import DataLinks
from bot.channels.my_data import DataFiles, link_text
from bot.channels.pacing import Pace, Pacer, SharedPacer
from bot.channels.telegram.app import TelegramChannel, build_application
from bot.config import ConfigError, Settings, load_settings
from bot.desk import Desk, DeskOptions, Passwords, desk_secret
from bot.engine import Knowledge, Record, Reply
from bot.engine.retention_flow import privacy_text
from bot.inbox import Inbox
from bot.logs import configure as configure_logs
from bot.logs import log_file
from bot.metrics import Metrics, export_workers, multiprocess_directory, workers_directory
from bot.metrics_endpoint import MetricsPort, metrics_token
from bot.pictures.library import Pictures
from bot.runtime import Deliver, NotServedHereError, OnErase, OnRecord, Runtime
from bot.server import create_app, create_deferred_app
from bot.store import SqlStore, database_url
from bot.version import version
from scheduler import Trigger, utc_now

if TYPE_CHECKING:  # twilio and aiohttp are imported only when WhatsApp is enabled (see _whatsapp)
    # Imported here: twilio and aiohttp are loaded only when WhatsApp is on.
    from bot.channels.whatsapp.app import WhatsAppChannel

log = logging.getLogger("reflexbot.serve")


def telegram_token() -> str:
    """The bot token, from the environment only."""
    token = os.environ.get("TELEGRAM_BOT_TOKEN", "")
    if not token:
        raise ConfigError("TELEGRAM_BOT_TOKEN is not set (create a bot with @BotFather)")
    return token


def preflight(settings: Settings, workers: int, port: int | None = None) -> None:
    """Refuse, before anything starts, what cannot work: missing secrets, workers that cannot share, or
    metrics on the public port (`port`, when given) as if it were a port of their own."""
    if port is not None and settings.metrics.port == port:
        raise ConfigError(f"[metrics] port {port} is the port the server listens on: use another, or 0")
    if settings.telegram.enabled:
        telegram_token()
    _whatsapp_credentials(settings)
    if settings.desk.enabled:
        desk_secret()
    if workers > 1:
        if database_url(settings.storage_url).get_backend_name() == "sqlite":
            raise ConfigError(
                "several workers need a database server: set [storage] url to PostgreSQL (SQLite is for one process)"
            )
        if settings.telegram.enabled and settings.telegram.mode == "polling":
            raise ConfigError("Telegram polling allows one poller: use webhook mode with several workers")


@dataclass
class Outlets:
    """Where the runtime's replies and records go. The runtime is built first (the channels need it), so
    each channel registers its sender and its staff forwarding here as it is built."""

    senders: dict[str, Deliver] = field(default_factory=dict)
    staff: list[OnRecord] = field(default_factory=list)
    forgetters: list[OnErase] = field(default_factory=list)

    async def deliver(self, key: str, reply: Reply) -> None:
        """Send through the channel named by the key's prefix ("telegram:42")."""
        channel = key.partition(":")[0]
        if channel not in self.senders:
            raise NotServedHereError(f"channel {channel} is not served here; reply kept")
        await self.senders[channel](key, reply)

    async def forward(self, key: str, record: Record) -> None:
        """A record (a booking request) to every staff channel configured."""
        for forward in self.staff:
            await forward(key, record)

    async def forget(self, key: str) -> None:
        """A person was erased: every channel drops what it holds in memory about them."""
        for forget in self.forgetters:
            await forget(key)


@dataclass
class Service:
    """One process's share of the bot: its store connection, runtime, trigger, channels and web app."""

    settings: Settings
    store: SqlStore
    runtime: Runtime
    trigger: Trigger
    inbox: Inbox
    telegram: TelegramChannel | None = None
    whatsapp: WhatsAppChannel | None = None
    pacers: list[Pace] = field(default_factory=list)
    pictures: Pictures | None = None
    desk: Desk | None = None
    links: DataLinks | None = None  # WhatsApp's links to a person's data file
    _stopped: bool = False

    async def start(self) -> None:
        """Channels up, then the trigger; replies a stopped process left behind go out."""
        if self.store.single_process:  # nobody else can hold what a killed run of this process held
            doubtful = await self.store.release_all()
            if doubtful:
                log.warning("%d replies were being sent when the last run stopped: sending them again", doubtful)
        if self.telegram is not None:
            await self.telegram.start(polling=self.settings.telegram.mode == "polling")
        self.trigger.start()
        await self.inbox.start()  # what an earlier run saved and did not process, before anything new
        await self.runtime.flush(utc_now())

    async def stop(self) -> None:
        """Graceful: turns in flight finish (timers not started are given back), then no more triggers,
        then the channels and the store close. The runtime stops first: stopping APScheduler cancels a
        job that is running. Stopping twice does nothing more."""
        if self._stopped:
            return
        self._stopped = True
        await self.inbox.stop()  # updates being processed finish; those waiting stay saved for the next start
        await self.runtime.stop()
        self.trigger.shutdown()
        if self.telegram is not None:
            await self.telegram.stop()
        for pacer in self.pacers:
            if isinstance(pacer, SharedPacer):
                await pacer.close()
        await self.store.close()
        log.warning("reflexbot stopped gracefully (pid %d)", os.getpid())

    @asynccontextmanager
    async def lifespan(self, app: Starlette) -> AsyncIterator[None]:
        """Starlette's lifespan: started before the first request, stopped after the last (or at once
        if starting failed part-way)."""
        try:
            await self.start()
            yield
        finally:
            await self.stop()

    def app(self) -> Starlette:
        """The webhook server for this service, starting and stopping it with its lifespan."""
        return create_app(
            telegram=self.telegram,
            whatsapp=self.whatsapp,
            health=self.health,
            metrics=None if self.settings.metrics.port else self.runtime.metrics,  # else on its own port
            metrics_token=metrics_token(),
            telegram_secret=os.environ.get("TELEGRAM_WEBHOOK_SECRET", ""),
            pictures=self.pictures,
            desk=self.desk,
            calendars=CalendarFiles(self.store, self.runtime.kb.clinic),
            data_files=DataFiles(self.store, self.settings.bot.default_timezone),
            links=self.links,
            lifespan=self.lifespan,
            privacy=privacy_text(self.runtime.kb, self.settings.bot.default_language),
            limits=BodyLimits(
                max_bytes=self.settings.server.max_body_bytes,
                seconds=self.settings.server.body_timeout_seconds,
                max_fields=self.settings.server.max_form_fields,
            ),
        )

    async def health(self) -> dict[str, object]:
        """/healthz: able to work: the database takes a write, the trigger runs, Redis (if used) answers."""
        database = await self.store.writable()
        running = self.trigger.running
        report: dict[str, object] = {"ok": database and running, "database": database, "scheduler": running}
        shared = [p for p in self.pacers if isinstance(p, SharedPacer)]
        if shared:
            redis = all([await p.ping() for p in shared])
            report["redis"] = redis
            report["ok"] = bool(report["ok"]) and redis
        return report


def _pace(settings: Settings, channel: str, workers: int, per_chat_seconds: float, per_second: float) -> Pace:
    """Redis when configured (one budget for every worker); else each of `workers` gets its share."""
    if settings.server.redis_url:
        key = f"{settings.server.redis_prefix}:pace:{channel}"
        return SharedPacer.from_url(settings.server.redis_url, key, per_chat_seconds, per_second)
    if workers > 1:
        log.warning("no redis_url: each of %d workers sends at 1/%d of the %s rate", workers, workers, channel)
    return Pacer(per_chat_seconds, per_second / workers)


async def build_service(settings: Settings, workers: int = 1, metrics: Metrics | None = None) -> Service:
    """Everything one process runs, wired through constructors; nothing started yet. Without `metrics`, a
    worker of several counts into the workers' shared directory, a single process in memory."""
    preflight(settings, workers)
    store = await SqlStore.open(settings.storage_url, timedelta(seconds=settings.server.claim_seconds), clock=utc_now)
    kb = build_knowledge(settings)
    # The knowledge (content, lexicon, indexes) lives as long as the process: keep its many objects out
    # of the garbage collector's full scans, whose pauses otherwise grow with the content and make paced
    # senders wake late (a lost send slot each time).
    gc.freeze()
    outlets = Outlets()
    # The trigger runs the runtime's due timers and the runtime asks the trigger to wake: the trigger
    # calls through to the runtime made just after it.
    trigger = Trigger(lambda now: runtime.run_due(now))
    runtime = Runtime(
        kb,
        store,
        outlets.deliver,
        default_tz=settings.bot.default_timezone,
        wake_at=trigger.wake_at,
        on_record=outlets.forward,
        newcomer=newcomer(settings),
        parallel=settings.server.parallel_timers,
        clock=utc_now,
        metrics=metrics or Metrics(directory=multiprocess_directory()),
        on_erase=outlets.forget,
    )
    pictures = Pictures(kb.content)
    # Kept in the database, which every worker shares: any worker opens any link.
    links = DataLinks(store) if settings.whatsapp.enabled else None
    server = settings.server
    inbox = Inbox(
        store,
        utc_now,
        capacity=server.inbox_size,
        per_person=server.inbox_per_person,
        parallel=server.parallel_updates,
        recover_seconds=min(30.0, max(1.0, server.claim_seconds / 2)),
        metrics=runtime.metrics,
    )
    telegram = _telegram(settings, runtime, store, kb, workers, pictures, inbox)
    whatsapp = _whatsapp(settings, runtime, store, kb, workers, pictures, inbox, links)
    pacers: list[Pace] = []
    for channel, name in ((telegram, "telegram"), (whatsapp, "whatsapp")):
        if channel is not None:
            outlets.senders[name] = channel.sender.deliver
            outlets.staff.append(channel.forward_record)
            outlets.forgetters.append(channel.sender.forget)
            pacers.append(channel.sender.pacer)
    return Service(
        settings,
        store,
        runtime,
        trigger,
        inbox,
        telegram=telegram,
        whatsapp=whatsapp,
        pacers=pacers,
        pictures=pictures,
        desk=_desk(settings, store, runtime, pictures),
        links=links,
    )


def _desk(settings: Settings, store: SqlStore, runtime: Runtime, pictures: Pictures) -> Desk | None:
    """The staff desk at /desk from [desk] and REFLEXBOT_DESK_SECRET, if enabled."""
    if not settings.desk.enabled:
        return None
    options = DeskOptions(
        secret=desk_secret(),
        session_minutes=settings.desk.session_minutes,
        poll_seconds=settings.desk.poll_seconds,
        secure_cookies=settings.server.public_url.startswith("https://"),
        branches={b.id: b.name for b in settings.clinic.branches},
        passwords=Passwords(),
        clock=utc_now,
        # A confirmed time reaches the person as StaffHandled does: an event through the runtime.
        notify=lambda key, event: runtime.handle(key, event, utc_now()),
        zones={b.id: b.timezone for b in settings.clinic.branches if b.timezone},
        default_zone=settings.bot.default_timezone,
        pictures=pictures,  # the same library the channels and /media use: drawn once per process
    )
    return Desk(store, options)


def _telegram(
    settings: Settings,
    runtime: Runtime,
    store: SqlStore,
    kb: Knowledge,
    workers: int,
    pictures: Pictures,
    inbox: Inbox,
) -> TelegramChannel | None:
    """The Telegram channel from [telegram] and TELEGRAM_BOT_TOKEN, if enabled."""
    section = settings.telegram
    if not section.enabled:
        return None
    application = build_application(
        telegram_token(),
        section.api_base_url,
        polling=section.mode == "polling",
        timeout=section.timeout_seconds,
        connections=section.connections,
    )
    pacer = _pace(settings, "telegram", workers, section.per_chat_seconds, section.per_second)
    staff = settings.clinic.telegram_staff_chat_id
    return TelegramChannel(
        application, runtime, store, kb, utc_now, staff_chat_id=staff, pacer=pacer, pictures=pictures, inbox=inbox
    )


def event_loop() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """The event loop `serve` runs on: uvloop where it is installed (as uvicorn itself picks it for the
    workers of `serve --workers N`), else asyncio's own (None)."""
    try:
        import uvloop
    except ImportError:  # not on this platform (Windows): asyncio's loop does the same, a little slower
        return None
    return uvloop.new_event_loop


async def serve(settings: Settings, host: str, port: int) -> int:
    """Run one process: the webhook server (and Telegram polling, if configured) until interrupted."""
    preflight(settings, 1, port)
    metrics = Metrics()
    metrics_port = _metrics_port(settings, host, metrics.export)  # a port that cannot be had stops us here
    try:
        service = await build_service(settings, metrics=metrics)
        announce(settings, host, port, workers=1)
        server = _Server(
            uvicorn.Config(service.app(), host=host, port=port, log_level="warning", lifespan="on", log_config=None)
        )
        try:
            await server.serve()
        finally:
            await service.stop()  # if the lifespan never ran (nothing to do if it did)
    finally:
        if metrics_port is not None:
            metrics_port.stop()
    if not server.started:
        log.error("the server did not start (see above)")
        return 1
    return 0


class _Server(uvicorn.Server):
    """uvicorn's server without re-raising the stop signal once `serve()` returns (uvicorn 0.29+ does, and
    the default action of SIGTERM then ends the process there): the service's graceful stop has run in the
    lifespan, and what follows `serve()` (the metrics port, the exit status 0) runs too."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        with super().capture_signals():
            yield
            self._captured_signals.clear()


def _metrics_port(settings: Settings, host: str, export: Callable[[], bytes]) -> MetricsPort | None:
    """/metrics on `[metrics] port` (same host), started, when one is configured."""
    if not settings.metrics.port:
        return None
    try:
        return MetricsPort(host, settings.metrics.port, export, metrics_token()).start()
    except OSError as error:
        raise ConfigError(f"[metrics] port {settings.metrics.port}: cannot listen on {host}: {error}") from error


def announce(settings: Settings, host: str, port: int, workers: int) -> None:
    """One line at start for whoever runs the service (shown at the default level), and a warning when
    no channel is on: such a server only answers /healthz."""
    channels = [
        name for name, on in (("telegram", settings.telegram.enabled), ("whatsapp", settings.whatsapp.enabled)) if on
    ]
    database = settings.storage_url.split(":", 1)[0].split("+", 1)[0]
    log.warning(
        "reflexbot %s serving on %s:%d: channels %s, database %s, %d worker(s)",
        version(),
        host,
        port,
        ", ".join(channels) or "none",
        database,
        workers,
    )
    if not channels:
        log.warning("no channel is enabled ([telegram] / [whatsapp] enabled = true): nobody can reach the bot")


def serve_workers(settings: Settings, host: str, port: int, workers: int) -> int:
    """Run `workers` processes on one socket (uvicorn's supervisor restarts any that dies); their metrics
    meet in a directory made for this run, and `[metrics] port` is served from here, summing them all."""
    preflight(settings, workers, port)
    announce(settings, host, port, workers)
    os.environ["REFLEXBOT_WORKERS"] = str(workers)  # each worker process reads its config again
    with workers_directory() as directory:
        metrics_port = _metrics_port(settings, host, lambda: export_workers(directory))
        try:
            uvicorn.run(
                "bot.serve:worker_app",
                factory=True,
                host=host,
                port=port,
                workers=workers,
                lifespan="on",
                log_level="warning",
                log_config=None,  # uvicorn's records go to our (redacting) handler
            )
        finally:
            if metrics_port is not None:
                metrics_port.stop()
    return 0


def worker_app() -> Starlette:
    """uvicorn's factory, called in each worker process (the config comes from $REFLEXBOT_CONFIG): the
    service is built and started by the app's lifespan, in the worker's event loop."""
    # A worker is a new process: its logs get the same (redacting) set-up as the command's.
    configure_logs(
        os.environ.get("REFLEXBOT_LOG_LEVEL", "WARNING"),
        os.environ.get("REFLEXBOT_LOG_FORMAT", "text"),
        log_file(False),
    )
    settings = load_settings()
    workers = int(os.environ.get("REFLEXBOT_WORKERS", "1"))

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[Mapping[str, Any]]:
        service = await build_service(settings, workers)
        try:
            async with service.lifespan(app):
                yield {"app": service.app()}
        finally:
            await service.stop()  # if starting failed before the service's own lifespan took over

    return create_deferred_app(lifespan)


def _whatsapp_credentials(settings: Settings) -> tuple[str, str] | None:
    """TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN when WhatsApp is enabled (refused if missing)."""
    if not settings.whatsapp.enabled:
        return None
    account, token = os.environ.get("TWILIO_ACCOUNT_SID", ""), os.environ.get("TWILIO_AUTH_TOKEN", "")
    if not account or not token:
        raise ConfigError("TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN must be set for WhatsApp")
    if not settings.server.public_url:
        raise ConfigError("[server] public_url is needed to check Twilio's signatures")
    return account, token


def _whatsapp(
    settings: Settings,
    runtime: Runtime,
    store: SqlStore,
    kb: Knowledge,
    workers: int,
    pictures: Pictures,
    inbox: Inbox,
    links: DataLinks | None = None,
) -> WhatsAppChannel | None:
    """The WhatsApp channel from [whatsapp] and TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN, if enabled."""
    credentials = _whatsapp_credentials(settings)
    if credentials is None:
        return None
    # Imported here: twilio and aiohttp are loaded only when WhatsApp is on.
    from bot.channels.whatsapp.app import WhatsAppChannel
    from bot.channels.whatsapp.sender import Template, WhatsAppSender, make_client

    account, token = credentials
    section = settings.whatsapp
    public_url = settings.server.public_url
    templates = {name: Template(t.content_sid, dict(t.content_variables)) for name, t in section.templates.items()}
    client = make_client(account, token, section.api_base_url)
    pacer = _pace(settings, "whatsapp", workers, 0.0, section.per_second)
    sender = WhatsAppSender(
        client,
        section.sender,
        store,
        utc_now,
        templates=templates,
        status_callback=public_url.rstrip("/") + "/whatsapp/status",
        pacer=pacer,
        hint=kb.content.message(settings.bot.default_language, "channel.reply-with-number"),
        choice_templates=dict(section.choice_templates),
        pictures=pictures,
        media_base=public_url.rstrip("/") + "/media",
        calendars=CalendarFiles(store, kb.clinic),
        links=links,
        link_text=link_text(kb.content),
    )
    staff = settings.clinic.whatsapp_staff_number
    return WhatsAppChannel(runtime, store, kb, utc_now, sender, token, public_url, staff_number=staff, inbox=inbox)


async def telegram_admin(settings: Settings, action: str) -> int:
    """set-webhook | delete-webhook | info."""
    bot = Bot(telegram_token(), base_url=settings.telegram.api_base_url)
    async with bot:
        if action == "set-webhook":
            secret = os.environ.get("TELEGRAM_WEBHOOK_SECRET", "")
            if not secret or not settings.server.public_url:
                raise ConfigError("set TELEGRAM_WEBHOOK_SECRET and [server] public_url first")
            url = settings.server.public_url.rstrip("/") + "/telegram/webhook"
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
