"""[desk] is read like every section; its secret comes from the environment only, and `serve` refuses to
start the desk without one; the service mounts /desk only when it is enabled."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from bot.config import REPO_CONFIG, ConfigError, load_settings
from bot.serve import build_service, preflight


def test_the_desk_is_off_by_default() -> None:
    settings = load_settings(str(REPO_CONFIG), environ={})
    assert settings.desk.enabled is False and settings.desk.session_minutes == 30


def test_the_secret_is_not_a_key_and_the_keys_can_come_from_the_environment(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("")
    env = {"REFLEXBOT_DESK_SECRET": "s" * 40, "REFLEXBOT_DESK_ENABLED": "true", "REFLEXBOT_DESK_SESSION_MINUTES": "10"}
    settings = load_settings(str(config), environ=env)
    assert settings.desk.enabled and settings.desk.session_minutes == 10


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[desk]\nsession_minutes = 0\n", "desk.session_minutes: must be at least 1"),
        ('[desk]\nenabled = "yes"\n', "desk.enabled: expected true or false"),
        ('[desk]\nsecret = "in the file"\n', "desk.secret: unknown key"),
    ],
)
def test_a_bad_desk_section_is_refused(tmp_path: Path, text: str, expected: str) -> None:
    config = tmp_path / "config.toml"
    config.write_text(text)
    with pytest.raises(ConfigError, match=expected):
        load_settings(str(config), environ={})


@pytest.mark.parametrize("secret", [None, "too short"])
def test_serve_refuses_the_desk_without_a_good_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, secret: str | None
) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[desk]\nenabled = true\n")
    if secret is None:
        monkeypatch.delenv("REFLEXBOT_DESK_SECRET", raising=False)
    else:
        monkeypatch.setenv("REFLEXBOT_DESK_SECRET", secret)
    with pytest.raises(ConfigError, match="REFLEXBOT_DESK_SECRET"):
        preflight(load_settings(str(config), environ={}), 1)


@pytest.mark.parametrize("enabled", [True, False])
async def test_the_service_mounts_the_desk_only_when_enabled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, enabled: bool
) -> None:
    config = tmp_path / "config.toml"
    on = "true" if enabled else "false"
    config.write_text(f'[desk]\nenabled = {on}\n[server]\npublic_url = "https://bot.example.com"\n')
    monkeypatch.setenv("REFLEXBOT_DESK_SECRET", "s" * 40)
    settings = load_settings(str(config), db=str(tmp_path / "serve.sqlite3"), environ={})
    service = await build_service(settings)
    try:
        transport = httpx.ASGITransport(app=service.app())
        async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
            login = await client.get("/desk/login")
            big = await client.post("/desk/login", content=b"x" * (settings.server.max_body_bytes + 1))
    finally:
        await service.stop()
    if enabled:
        assert login.status_code == 200 and "__Host-reflexbot-desk" in login.headers["set-cookie"]
        assert big.status_code == 413, "desk forms are bounded like every body"
    else:
        assert login.status_code == 404
