"""python -m gateway: run the gate gateway until SIGINT or SIGTERM."""

import logging
import os
import signal
import sys
import threading

from gateway import metrics
from gateway.service import Gateway
from registry.common.heap import freeze_startup_objects
from registry.config import ConfigError


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s gateway: %(message)s")
    try:
        from registry import create_app

        app = create_app()
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    freeze_startup_objects()
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    metrics.serve(app.config["GATEWAY_METRICS_PORT"], os.environ.get("GATEWAY_METRICS_ADDR", "127.0.0.1"))
    logging.info("gateway starting; broker %s", app.config["MQTT_URL"])
    status = Gateway(app, worker=app.config["GATEWAY_WORKER"]).run(stop)
    logging.info("gateway stopped")
    return status


if __name__ == "__main__":
    sys.exit(main())
