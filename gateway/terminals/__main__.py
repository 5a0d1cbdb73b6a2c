"""python -m gateway.terminals: run the terminal receiver until SIGINT or SIGTERM."""

import asyncio
import logging
import signal
import sys

from registry.config import ConfigError


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s terminals: %(message)s")
    try:
        from registry import create_app

        app = create_app()
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    from gateway.terminals.server import Receiver, Settings

    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        await Receiver(app, Settings.of(app.config)).serve(stop)

    asyncio.run(run())
    logging.info("terminal receiver stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
