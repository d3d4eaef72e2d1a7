"""The deployment files a clinic's IT person starts from (Dockerfile, compose.yaml, deploy/Caddyfile,
.env.example): read as text, since these machines run no container engine. What they promise is checked:
two stages, an unprivileged user, a health check on /healthz, no secret baked in, every secret the code
reads named in .env.example, and the services compose wires together."""

from __future__ import annotations

import re
from pathlib import Path

from bot.config import SECRET_VARIABLES as CONFIG_SECRETS
from bot.redaction import KEY_VARIABLE
from bot.redaction import SECRET_VARIABLES as CHANNEL_SECRETS

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = (ROOT / "Dockerfile").read_text()
COMPOSE = (ROOT / "compose.yaml").read_text()
ENV_EXAMPLE = (ROOT / ".env.example").read_text()
SECRETS = {*CONFIG_SECRETS, *CHANNEL_SECRETS, KEY_VARIABLE}


def test_the_image_is_built_in_two_stages_and_runs_unprivileged() -> None:
    stages = re.findall(r"^FROM\s+(\S+)", DOCKERFILE, flags=re.M)
    assert len(stages) == 2 and all("slim" in s for s in stages), stages
    users = re.findall(r"^USER\s+(\S+)", DOCKERFILE, flags=re.M)
    assert users and users[-1] not in ("root", "0"), users
    assert "/healthz" in DOCKERFILE.split("HEALTHCHECK", 1)[1], "the health check asks /healthz"
    assert "COPY --from=build /wheels" in DOCKERFILE, "the image holds only the wheel and what it needs"


def test_no_secret_is_baked_into_the_image_or_the_compose_file() -> None:
    for name in SECRETS:
        assert not re.search(rf"{name}\s*[=:]\s*\S", DOCKERFILE), name
        assert not re.search(rf"^\s*{name}\s*:", COMPOSE, flags=re.M), f"{name} belongs in .env"


def test_env_example_names_every_secret_and_holds_no_value_for_them() -> None:
    named = dict(re.findall(r"^([A-Z_]+)=(.*)$", ENV_EXAMPLE, flags=re.M))
    assert set(named) >= SECRETS, SECRETS - set(named)
    assert all(named[name] == "" for name in SECRETS), "secrets are left blank in the example"
    assert "POSTGRES_PASSWORD" in named and named["POSTGRES_PASSWORD"] == ""


def test_compose_wires_the_bot_to_postgres_redis_and_a_tls_proxy() -> None:
    for service in ("reflexbot:", "postgres:", "redis:", "caddy:"):
        assert re.search(rf"^  {service}", COMPOSE, flags=re.M), service
    assert "reflexbot db upgrade" in COMPOSE and "--workers" in COMPOSE
    assert "REFLEXBOT_DATABASE_URL: postgresql://" in COMPOSE and "REFLEXBOT_REDIS_URL: redis://" in COMPOSE
    caddy = (ROOT / "deploy" / "Caddyfile").read_text()
    assert "reverse_proxy reflexbot:8080" in caddy and "{$PUBLIC_HOST}" in caddy
