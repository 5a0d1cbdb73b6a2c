"""Benchmark the pure rules engine: microseconds per verdict over a realistic mix of reads.

.venv/bin/python scripts/bench_rules.py [--n 200000]
"""

import argparse
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from registry.rules import AlertFacts, FirmFacts, Read, VehicleFacts, evaluate
from registry.rules.plan_2021 import as_policies

CST = timezone(timedelta(hours=8))


def cases(count: int, rng: random.Random):
    stages = ["0", "3", "4", "5", "6", "6", "6", "D", None]
    grades = ["A", "B", "C", "D", "leading", "unrated"]
    alert = AlertFacts(1, "orange", None, datetime(2022, 2, 1, tzinfo=CST), datetime(2022, 2, 4, tzinfo=CST))
    for i in range(count):
        stage = rng.choice(stages)
        fuel = "electric" if stage == "D" else rng.choice(["diesel", "diesel", "gas"])
        vehicle = (
            None
            if i % 10 == 0
            else VehicleFacts(
                f"晋H{i % 100000:05d}",
                "yellow_green" if stage == "D" else "yellow",
                stage,
                fuel,
                rng.choice(["heavy_truck", "tractor", "medium_truck", "light_truck"]),
                date(2015 + i % 9, 1 + i % 12, 1),
            )
        )
        firm = FirmFacts(
            1,
            rng.choice(["power", "coking", "steel"]),
            rng.choice([0, 1_500_000, 3_000_000]),
            rng.random() < 0.5,
            rng.choice(grades),
            "城区",
        )
        moment = datetime(2022, 2, 1, tzinfo=CST) + timedelta(hours=rng.randrange(24 * 6))
        plate = f"晋H{i % 100000:05d}" if i % 50 else "晋H12"
        yield Read(plate, "yellow", moment), vehicle, firm, [alert], frozenset({1} if i % 7 == 0 else ())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=2021)
    args = parser.parse_args()
    policies = as_policies()
    inputs = list(cases(args.n, random.Random(args.seed)))
    for read, vehicle, firm, alerts, exempted in inputs[:1000]:  # warm up
        evaluate(read, vehicle, firm, alerts, exempted, policies)
    timings = []
    decisions = {"pass": 0, "deny": 0, "review": 0}
    started = time.perf_counter()
    for read, vehicle, firm, alerts, exempted in inputs:
        t0 = time.perf_counter_ns()
        verdict = evaluate(read, vehicle, firm, alerts, exempted, policies)
        timings.append(time.perf_counter_ns() - t0)
        decisions[verdict.decision] += 1
    total = time.perf_counter() - started
    timings.sort()
    micro = [t / 1000 for t in timings]
    print(f"verdicts: {args.n}  ({', '.join(f'{k} {v}' for k, v in decisions.items())})")
    print(f"throughput: {args.n / total:,.0f} verdicts/s on one core")
    print(
        f"per verdict: mean {statistics.fmean(micro):.1f} us, p50 {micro[len(micro) // 2]:.1f} us, "
        f"p99 {micro[int(len(micro) * 0.99)]:.1f} us, max {micro[-1]:.1f} us"
    )


if __name__ == "__main__":
    main()
