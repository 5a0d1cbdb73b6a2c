"""python -m gateway.terminals: run the terminal receiver until SIGINT or SIGTERM.

With OBD_WORKERS above 1 (PostgreSQL), the process starts that many workers, each a receiver of its own
listening on the same port (SO_REUSEPORT: the kernel spreads the connections), each with its own writer
and database connection: one process parses and writes about 750 frames a second (docs/BENCHMARKS.md).
A worker that exits stops the others and the process exits with its status, for the supervisor (make
run, docker-compose) to start it again."""

import asyncio
import logging
import os
import signal
import subprocess
import sys
import time

from gateway.process import start

WORKER = "--worker"


def main() -> int:
    app = start("terminals")
    if app is None:
        return 2
    workers = app.config["OBD_WORKERS"]
    if workers > 1 and WORKER not in sys.argv:
        return _supervise(app, workers)
    from gateway.terminals.server import Receiver, Settings

    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        await Receiver(app, Settings.of(app.config), shared_port=workers > 1).serve(stop)

    asyncio.run(run())
    logging.info("terminal receiver stopped")
    return 0


def _supervise(app, workers: int) -> int:
    """The workers, each `python -m gateway.terminals --worker`; the frames' days made once, here."""
    from gateway.terminals.server import make_days

    make_days(app)
    children = [subprocess.Popen([sys.executable, "-m", "gateway.terminals", WORKER]) for _ in range(workers)]
    stopping = False

    def stop(*_args):
        nonlocal stopping
        stopping = True
        for child in children:
            if child.poll() is None:
                child.terminate()

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, stop)
    logging.info("%d terminal receiver workers started (pid %s)", workers, os.getpid())
    status = 0
    while any(child.poll() is None for child in children):
        exited = [child for child in children if child.poll() is not None]
        if exited and not stopping:
            status = exited[0].returncode or 1
            logging.warning("a receiver worker exited (%s): stopping the others", exited[0].returncode)
            stop()
        time.sleep(0.5)
    return 0 if stopping and not status else status


if __name__ == "__main__":
    sys.exit(main())
