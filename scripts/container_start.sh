#!/bin/sh
# Container entrypoint: `web` migrates then serves under gunicorn; `gateway` runs the MQTT gateway;
# `uplink` runs the relay that reports upward (registry.uplink).
set -eu
export FLASK_APP=wsgi
case "${1:-web}" in
    web)
        flask db upgrade
        exec gunicorn wsgi:app --bind "0.0.0.0:${PORT:-8000}" --workers "${WEB_CONCURRENCY:-2}" \
            --access-logfile - --forwarded-allow-ips "${FORWARDED_ALLOW_IPS:-127.0.0.1}"
        ;;
    gateway)
        exec python -m gateway
        ;;
    uplink)
        exec flask uplink relay
        ;;
    seed-demo)
        flask db upgrade
        exec flask demo seed
        ;;
    *)
        exec "$@"
        ;;
esac
