# reflexbot in production: `docker compose up -d` (compose.yaml beside this file starts it with PostgreSQL,
# Redis and Caddy for TLS). Two stages: the first builds the wheel, the second installs only the wheel and
# its dependencies into a slim image and runs as an unprivileged user. No secrets in the image: they come
# from the environment (.env.example names each one).
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY content ./content
COPY scheduler ./scheduler
RUN pip install --no-cache-dir build==1.* && python -m build --wheel --outdir /wheels

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN groupadd --system reflexbot && useradd --system --gid reflexbot --home-dir /var/lib/reflexbot \
        --create-home reflexbot
COPY requirements.lock /tmp/requirements.lock
COPY --from=build /wheels /wheels
# the locked dependencies, each checked against its hash, then the wheel alone
RUN pip install --require-hashes -r /tmp/requirements.lock && pip install --no-deps /wheels/*.whl \
    && rm -rf /wheels /tmp/requirements.lock
COPY config.toml /etc/reflexbot/config.toml
USER reflexbot
WORKDIR /var/lib/reflexbot
ENV REFLEXBOT_CONFIG=/etc/reflexbot/config.toml REFLEXBOT_SERVER_HOST=0.0.0.0 REFLEXBOT_SERVER_PORT=8080 \
    XDG_DATA_HOME=/var/lib/reflexbot XDG_CACHE_HOME=/var/lib/reflexbot/cache
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4).status != 200)"]
CMD ["reflexbot", "serve"]
