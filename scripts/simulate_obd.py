"""Play trucks' remote emission terminals against the receiver (gateway.terminals), as the field does:
each terminal connects over TCP, logs in, and sends a frame of ten 1 Hz samples every ten seconds; now and
then its link drops for a while, and when it is back it sends what it kept meanwhile as resends (0x03)
before going on. The demo's China VI trucks by default (registry.demo.terminals: one with a nearly empty
urea tank, one with its lamp on, one well), or N synthetic terminals for a load.

    .venv/bin/python scripts/simulate_obd.py                       # the demo's terminals, until Ctrl-C
    .venv/bin/python scripts/simulate_obd.py --terminals 500 --minutes 5 --port 7018

`make run` starts it for the demo. The frames are built by the project's own encoder
(registry.obd.simulation, registry.obd.protocol)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import random
import signal
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from registry.identifiers.vin import check_digit
from registry.obd.protocol.frames import Command
from registry.obd.simulation import PlayedTruck

log = logging.getLogger("simulate_obd")
PERIOD = 10.0  # seconds between two frames
ANSWER = 25  # an empty answer frame: header, no data, BCC


def synthetic_vin(number: int) -> str:
    base = f"LSNM{number:05d}0B{number % 1000000:06d}"[:17]
    return base[:8] + check_digit(base) + base[9:]


def synthetic_trucks(count: int, seed: int = 0, layout: str = "gb17691") -> list[PlayedTruck]:
    rng = random.Random(seed)
    return [
        PlayedTruck(
            synthetic_vin(n), (38.41 + rng.uniform(-0.1, 0.1), 112.73 + rng.uniform(-0.1, 0.1)), "normal", layout, seed
        )
        for n in range(1, count + 1)
    ]


@dataclass
class Tally:
    """What the terminals sent and what came back: latency from a frame's last byte to its answer (the
    receiver answers after the commit when OBD_ACK_COMMANDS names 02 and 03)."""

    sent: int = 0
    resent: int = 0
    answered: int = 0
    latencies: list[float] = field(default_factory=list)
    reconnects: int = 0
    failures: int = 0


class Terminal:
    def __init__(self, truck: PlayedTruck, host: str, port: int, tally: Tally, *, answers: bool,
                 outage: float, offset: float) -> None:  # fmt: skip
        self.truck, self.host, self.port, self.tally = truck, host, port, tally
        self.answers, self.outage, self.offset = answers, outage, offset
        self.rng = random.Random(truck.vin)

    async def run(self, stop: asyncio.Event) -> None:
        await asyncio.sleep(self.offset)
        logins, backlog = 0, []
        while not stop.is_set():
            try:
                reader, writer = await asyncio.open_connection(self.host, self.port)
            except OSError:
                self.tally.failures += 1
                backlog.append(datetime.now(UTC))
                await asyncio.sleep(PERIOD)
                continue
            try:
                logins += 1
                await self._send(reader, writer, self.truck.login(datetime.now(UTC), logins), Command.LOGIN)
                for at in backlog:  # what it kept while the link was down, oldest first
                    await self._send(reader, writer, self.truck.frame(at, Command.RESEND), Command.RESEND)
                    self.tally.resent += 1
                backlog = []
                while not stop.is_set():
                    await self._send(reader, writer, self.truck.frame(datetime.now(UTC)), Command.REALTIME)
                    self.tally.sent += 1
                    if self.rng.random() < self.outage:  # the link drops: frames are kept for later
                        raise ConnectionResetError("outage")
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), PERIOD)
            except (OSError, TimeoutError, asyncio.IncompleteReadError):
                self.tally.reconnects += 1
                for _ in range(self.rng.randint(1, 6)):  # a minute or less without a link
                    backlog.append(datetime.now(UTC))
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), PERIOD)
            finally:
                writer.close()
                with contextlib.suppress(OSError):
                    await writer.wait_closed()

    async def _send(self, reader, writer, raw: bytes, command: int) -> None:
        writer.write(raw)
        await writer.drain()
        started = time.perf_counter()
        if self.answers and command in (Command.REALTIME, Command.RESEND, Command.LOGIN):
            await asyncio.wait_for(reader.readexactly(ANSWER), 30)
            self.tally.answered += 1
            self.tally.latencies.append(time.perf_counter() - started)


async def play(trucks: list[PlayedTruck], host: str, port: int, minutes: float | None, answers: bool,
               outage: float) -> Tally:  # fmt: skip
    tally, stop = Tally(), asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    spread = PERIOD / max(len(trucks), 1)
    tasks = [
        asyncio.create_task(
            Terminal(truck, host, port, tally, answers=answers, outage=outage, offset=n * spread).run(stop)
        )
        for n, truck in enumerate(trucks)
    ]
    if minutes:
        loop.call_later(minutes * 60, stop.set)
    await stop.wait()
    await asyncio.gather(*tasks, return_exceptions=True)
    return tally


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=None, help="the receiver's (default OBD_PORT, 7018)")
    parser.add_argument("--terminals", type=int, default=0, help="N synthetic terminals instead of the demo's")
    parser.add_argument("--layout", choices=("gb17691", "hj1239"), default="gb17691", help="of synthetic ones")
    parser.add_argument("--minutes", type=float, default=None, help="stop after (default: until Ctrl-C)")
    parser.add_argument("--answers", action="store_true", help="wait for each frame's answer (OBD_ACK_COMMANDS)")
    parser.add_argument("--outage", type=float, default=0.002, help="chance a frame is followed by an outage")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s simulate_obd: %(message)s")
    port = args.port or int(os.environ.get("OBD_PORT", "7018"))
    if args.terminals:
        trucks = synthetic_trucks(args.terminals, layout=args.layout)
    else:
        from registry.demo.terminals import played_trucks

        trucks = [truck for truck in played_trucks() if truck.profile != "silent"]
    log.info("%d terminals to %s:%d", len(trucks), args.host, port)
    tally = asyncio.run(play(trucks, args.host, port, args.minutes, args.answers, args.outage))
    log.info("sent %d frames, %d resent, %d answered, %d reconnects", tally.sent, tally.resent, tally.answered,
             tally.reconnects)  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
