"""`reflexbot serve` wiring: refuses to start without its secrets, and answers /healthz when it does."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from starlette.types import Receive, Scope, Send

from bot.config import ConfigError, load_settings
from bot.serve import preflight, serve, worker_app


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_whatsapp_needs_twilio_credentials(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[whatsapp]\nenabled = true\n[server]\npublic_url = "https://bot.example.com"\n')
    monkeypatch.delenv("TWILIO_ACCOUNT_SID", raising=False)
    monkeypatch.delenv("TWILIO_AUTH_TOKEN", raising=False)
    settings = load_settings(str(config), db=str(tmp_path / "s.sqlite3"))
    with pytest.raises(ConfigError, match="TWILIO"):
        await serve(settings, "127.0.0.1", free_port())


@pytest.mark.slow
def test_serve_answers_healthz_and_stops_cleanly(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    db = tmp_path / "serve.sqlite3"
    config.write_text(f'[storage]\nurl = "sqlite:///{db}"\n[telegram]\nenabled = false\n[whatsapp]\nenabled = false\n')
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "TWILIO_"))}
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--config", str(config), "--port", str(port)],
        env={**env, "REFLEXBOT_CONFIG": str(config)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
    )
    try:
        with httpx.Client(transport=httpx.HTTPTransport(retries=50)) as client:
            response = client.get(f"http://127.0.0.1:{port}/healthz", timeout=30)
        assert response.status_code == 200
        assert response.json() == {"ok": True, "database": True, "scheduler": True}
        with httpx.Client() as client:
            metrics = client.get(f"http://127.0.0.1:{port}/metrics", timeout=30)
        assert metrics.status_code == 200 and "reflexbot_timers_fired_total" in metrics.text
        with httpx.Client() as client:
            privacy = client.get(f"http://127.0.0.1:{port}/privacy", timeout=30)
        assert privacy.status_code == 200 and "delete my data" in privacy.text
    finally:
        process.terminate()
        _out, err = process.communicate(timeout=30)
    assert "Traceback" not in err
    assert f"serving on 127.0.0.1:{port}: channels none, database sqlite, 1 worker(s)" in err, err
    assert "no channel is enabled" in err


def test_the_version_is_printed() -> None:
    done = subprocess.run([sys.executable, "-m", "bot", "--version"], capture_output=True, text=True, check=False)
    assert done.returncode == 0 and done.stdout.startswith("reflexbot ")


def test_several_workers_need_a_database_server(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[telegram]\nenabled = false\n[whatsapp]\nenabled = false\n")
    settings = load_settings(str(config), db=str(tmp_path / "one.sqlite3"))
    preflight(settings, 1)
    with pytest.raises(ConfigError, match="PostgreSQL"):
        preflight(settings, 2)


def test_polling_allows_one_worker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        '[storage]\nurl = "postgresql://postgres@127.0.0.1:5432/test"\n'
        '[telegram]\nenabled = true\nmode = "polling"\n[whatsapp]\nenabled = false\n'
    )
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "1:x")
    with pytest.raises(ConfigError, match="polling"):
        preflight(load_settings(str(config)), 2)


def test_the_cli_says_why_it_will_not_start_workers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.cli import main

    config = tmp_path / "config.toml"
    config.write_text(f'[storage]\nurl = "sqlite:///{tmp_path / "x.sqlite3"}"\n[telegram]\nenabled = false\n')
    monkeypatch.setenv("REFLEXBOT_CONFIG", str(config))  # so it is undone after: the CLI sets it for its workers
    assert main(["serve", "--config", str(config), "--workers", "2"]) == 2
    assert "PostgreSQL" in capsys.readouterr().err


def test_the_database_url_may_come_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REFLEXBOT_DATABASE_URL", "postgresql://bot:secret@db:5432/reflexbot")
    config = tmp_path / "config.toml"
    config.write_text('[storage]\nurl = "sqlite:///elsewhere.sqlite3"\n')
    assert load_settings(str(config)).storage_url == "postgresql://bot:secret@db:5432/reflexbot"


async def test_a_worker_builds_starts_and_stops_its_service_in_the_lifespan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[telegram]\nenabled = false\n[whatsapp]\nenabled = false\n")
    for variable in [v for v in os.environ if v.startswith("REFLEXBOT_")]:
        monkeypatch.delenv(variable)
    monkeypatch.setenv("REFLEXBOT_CONFIG", str(config))
    monkeypatch.setenv("REFLEXBOT_STORAGE_URL", f"sqlite:///{tmp_path / 'w.sqlite3'}")
    app = worker_app()
    async with app.router.lifespan_context(app) as state:
        assert state is not None

        async def with_state(scope: Scope, receive: Receive, send: Send) -> None:
            await app({**scope, "state": dict(state)}, receive, send)  # as uvicorn passes the lifespan's state

        transport = httpx.ASGITransport(app=with_state)
        async with httpx.AsyncClient(transport=transport, base_url="http://worker") as client:
            health = await client.get("/healthz")
            missing = await client.post("/telegram/webhook", json={})
    assert health.status_code == 200 and health.json() == {"ok": True, "database": True, "scheduler": True}
    assert missing.status_code == 404  # Telegram is off
