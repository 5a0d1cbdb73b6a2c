"""python -m gateway: run the gate gateway until SIGINT or SIGTERM."""

import logging
import os
import signal
import sys
import threading

from gateway import metrics
from gateway.process import start
from gateway.service import Gateway
from registry.common.heap import freeze_startup_objects


def main() -> int:
    app = start("gateway")
    if app is None:
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
