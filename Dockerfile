# Production image: the registry (gunicorn) and, with `gateway` as command, the MQTT gateway.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    INSTANCE_PATH=/app/instance \
    PORT=8000

# A CJK font for the Chinese text on evidence pictures (registry/pictures/evidence.py): the small
# WenQuanYi Micro Hei keeps the image lean; the development bootstrap installs fonts-noto-cjk.
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-wqy-microhei \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY registry ./registry
COPY gateway ./gateway
COPY migrations ./migrations
COPY scripts ./scripts
COPY wsgi.py ./

RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin registry \
    && mkdir -p /app/instance && chown registry:registry /app/instance
USER registry

EXPOSE 8000 7018
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'), timeout=4)"

ENTRYPOINT ["sh", "/app/scripts/container_start.sh"]
CMD ["web"]
