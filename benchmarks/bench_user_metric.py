"""Benchmark: your own metric computed on an existing build (goal: well under a second on the demo data).

Baseline in the same script: the way without it, a full ``build`` of the same raw data with the
metric added. Prints seconds for opening the store and computing a declared metric the first time
(tables loaded), again after re-declaring it (tables cached), and the rebuild, with the ratio.
Usage: ``python benchmarks/bench_user_metric.py [--partners N] [--repeat R]``.
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
import warnings
from pathlib import Path

from partner_analysis import KpiStore, MetricReplaced, build, define_metric, write_demo_data


def declare() -> None:
    define_metric("enterprise_sourced_revenue", label="Sourced revenue from enterprise accounts",
                  source="won_deals", where={"attribution": "sourced", "segment": "enterprise"}, measure="sum:amount")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--partners", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="pa-bench-"))
    warnings.simplefilter("ignore", MetricReplaced)
    try:
        write_demo_data(work / "raw", partners=args.partners)
        build(work / "raw", work / "processed")
        first, again, rebuild = [], [], []
        for _ in range(args.repeat):
            started = time.perf_counter()
            declare()
            store = KpiStore(work / "processed")
            store.kpi("enterprise_sourced_revenue", program=False)
            first.append(time.perf_counter() - started)
            started = time.perf_counter()
            declare()
            store.kpi("enterprise_sourced_revenue", program=False)
            again.append(time.perf_counter() - started)
            started = time.perf_counter()
            build(work / "raw", work / "processed")
            rebuild.append(time.perf_counter() - started)
        print(f"demo data: {args.partners} partners; median of {args.repeat} runs")
        for name, runs in (("open store + declare + compute (first)", first),
                           ("declare again + compute (tables cached)", again),
                           ("baseline: rebuild", rebuild)):
            print(f"{name:<44}{statistics.median(runs):>8.3f} s   (min {min(runs):.3f}, max {max(runs):.3f})")
        print(f"rebuild / first compute: {statistics.median(rebuild) / statistics.median(first):.0f}x; "
              f"rebuild / recompute: {statistics.median(rebuild) / statistics.median(again):.0f}x")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
