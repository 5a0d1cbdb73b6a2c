#!/bin/sh
# Container entrypoint: `web` migrates then serves under gunicorn; `gateway` runs the MQTT gateway;
# `terminals` the receiver of trucks' remote emission terminals (TCP, OBD_PORT); `uplink` runs the relay
# that reports upward (registry.uplink).
set -eu
export FLASK_APP=wsgi
case "${1:-web}" in
    web)
        flask db upgrade
        # Threaded workers (gthread): a worker's main loop keeps telling the arbiter it is alive while a
        # thread streams a long report, so gunicorn's timeout (30 s) stops a worker that hangs, never an
        # export that is still being written.
        exec gunicorn wsgi:app --bind "0.0.0.0:${PORT:-8000}" --workers "${WEB_CONCURRENCY:-2}" \
            --worker-class gthread --threads "${WEB_THREADS:-4}" \
            --access-logfile - --forwarded-allow-ips "${FORWARDED_ALLOW_IPS:-127.0.0.1}"
        ;;
    gateway)
        exec python -m gateway
        ;;
    terminals)
        exec python -m gateway.terminals
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
