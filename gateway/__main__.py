"""python -m gateway: run the gate gateway until SIGINT or SIGTERM."""

import logging
import signal
import sys
import threading

from gateway.mqtt import MqttTransport
from registry.config import Config, ConfigError


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s gateway: %(message)s")
    try:
        config = Config()
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    transport = MqttTransport(config.MQTT, config.GATEWAY_CLIENT_ID)
    logging.info("gateway starting; broker %s", config.MQTT_URL)
    transport.run_forever(stop)
    logging.info("gateway stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
