"""/metrics: bounded labels, the bearer token (401 without it), a port of its own (in-process and in a real
`reflexbot serve`), and the settings that choose between them."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.config import ConfigError, load_settings
from bot.metrics import MAX_ERROR_CODES, Metrics
from bot.metrics_endpoint import MetricsPort, bearer_allows
from bot.serve import preflight
from bot.server import create_app

TOKEN = "a-long-random-metrics-token"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def failure_codes(metrics: Metrics) -> dict[str, float]:
    text = metrics.export().decode()
    return {
        s.labels["error_code"]: s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
        if s.name == "reflexbot_whatsapp_delivery_failures_total"
    }


def test_error_codes_past_the_first_few_dozen_are_other() -> None:
    metrics = Metrics()
    codes = [str(63000 + n) for n in range(MAX_ERROR_CODES + 10)]
    for code in codes:
        metrics.delivery_status("failed", code)
    metrics.delivery_status("failed", codes[0])  # one already seen keeps its label
    counted = failure_codes(metrics)
    assert len(counted) == MAX_ERROR_CODES + 1
    assert counted["other"] == 10 and counted[codes[0]] == 2
    assert sum(counted.values()) == len(codes) + 1


def test_only_failures_are_counted_by_error_code() -> None:
    metrics = Metrics()
    metrics.delivery_status("delivered", "63016")  # a code with a status that is no failure
    metrics.delivery_status("sent", "")
    assert failure_codes(metrics) == {}


@pytest.mark.parametrize(
    ("header", "allowed"),
    [
        (f"Bearer {TOKEN}", True),
        (f"bearer {TOKEN}", True),  # the scheme is case-insensitive
        (f"Bearer  {TOKEN} ", True),
        ("", False),
        (TOKEN, False),
        (f"Basic {TOKEN}", False),
        ("Bearer wrong", False),
        (f"Bearer {TOKEN}x", False),
        (f"Bearer {TOKEN[:-1]}", False),
        ("Bearer ", False),
    ],
)
def test_the_bearer_token(header: str, allowed: bool) -> None:
    assert bearer_allows(header, TOKEN) is allowed
    assert bearer_allows(header, "") is True, "no token set: open, as without one"


async def test_the_public_metrics_ask_for_the_token_when_one_is_set() -> None:
    metrics = Metrics()
    metrics.updates.labels("telegram").inc()
    app = create_app(metrics=metrics, metrics_token=TOKEN)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bot.test") as http:
        refused = await http.get("/metrics")
        assert refused.status_code == 401 and refused.headers["www-authenticate"].startswith("Bearer")
        assert "reflexbot" not in refused.text
        assert (await http.get("/metrics", headers={"Authorization": "Bearer nope"})).status_code == 401
        allowed = await http.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
        assert allowed.status_code == 200 and 'reflexbot_updates_total{channel="telegram"} 1.0' in allowed.text
        assert (await http.get("/healthz")).status_code == 200, "the token guards /metrics only"


async def test_no_metrics_on_the_public_port_when_they_have_their_own() -> None:
    app = create_app(metrics=None)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bot.test") as http:
        assert (await http.get("/metrics")).status_code == 404


def test_a_port_of_their_own_in_a_thread() -> None:
    metrics = Metrics()
    metrics.timers.inc(3)
    port = free_port()
    served = MetricsPort("127.0.0.1", port, metrics.export, TOKEN).start()
    try:
        with pytest.raises(OSError, match="in use"):
            MetricsPort("127.0.0.1", port, metrics.export, TOKEN)  # taken: an error at once, not in a thread
        url = f"http://127.0.0.1:{port}/metrics"
        with httpx.Client(transport=httpx.HTTPTransport(retries=20), timeout=30) as client:
            assert client.get(url).status_code == 401
            answer = client.get(url, headers={"Authorization": f"Bearer {TOKEN}"})
            assert answer.status_code == 200 and "reflexbot_timers_fired_total 3.0" in answer.text
            assert client.get(f"http://127.0.0.1:{port}/healthz").status_code == 404, "only /metrics there"
    finally:
        served.stop()
    with pytest.raises(httpx.ConnectError):
        httpx.get(url, timeout=5)


def test_the_metrics_port_must_not_be_the_public_one(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[server]\nport = 8080\n[metrics]\nport = 8080\n")
    with pytest.raises(ConfigError, match=r"metrics\.port: 8080 is the public port"):
        load_settings(str(config), db=str(tmp_path / "a.sqlite3"))
    config.write_text("[metrics]\nport = 9100\n")
    settings = load_settings(str(config), db=str(tmp_path / "a.sqlite3"))
    assert settings.metrics.port == 9100
    with pytest.raises(ConfigError, match="port 9100 is the port the server listens on"):
        preflight(settings, 1, 9100)  # `serve --port 9100`
    assert load_settings(environ={}).metrics.port == 0, "by default /metrics stays on the public port"


def test_the_token_is_a_secret_not_a_config_key() -> None:
    settings = load_settings(environ={"REFLEXBOT_METRICS_TOKEN": TOKEN, "REFLEXBOT_METRICS_PORT": "9100"})
    assert settings.metrics.port == 9100


@pytest.mark.slow
def test_serve_moves_metrics_to_their_own_port_behind_the_token(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    db = tmp_path / "serve.sqlite3"
    port, metrics_port = free_port(), free_port()
    config.write_text(
        f'[storage]\nurl = "sqlite:///{db}"\n[telegram]\nenabled = false\n[whatsapp]\nenabled = false\n'
        f"[metrics]\nport = {metrics_port}\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "TWILIO_", "REFLEXBOT_"))}
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--config", str(config), "--port", str(port)],
        env={**env, "REFLEXBOT_CONFIG": str(config), "REFLEXBOT_METRICS_TOKEN": TOKEN},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
    )
    try:
        with httpx.Client(transport=httpx.HTTPTransport(retries=50), timeout=30) as client:
            assert client.get(f"http://127.0.0.1:{port}/healthz").status_code == 200
            assert client.get(f"http://127.0.0.1:{port}/metrics").status_code == 404
            url = f"http://127.0.0.1:{metrics_port}/metrics"
            assert client.get(url).status_code == 401
            answer = client.get(url, headers={"Authorization": f"Bearer {TOKEN}"})
        assert answer.status_code == 200 and "reflexbot_timers_fired_total" in answer.text
    finally:
        process.terminate()
        _out, err = process.communicate(timeout=30)
    assert "Traceback" not in err, err
    with pytest.raises(httpx.ConnectError):
        httpx.get(url, timeout=5)
