"""Benchmark: ``partner-analysis compare`` on ``demo-data --scale large`` (1.1 M deals; goal: under 60 s and
6 GiB on 2 cores).

Baseline in the same script: a plain read of the tables compare reads (deals, customers, revenue, surveys)
from the processed folder. Prints seconds and peak memory of each step, each in its own process, and their
ratio. Usage: ``python benchmarks/bench_compare.py [--processed DIR]`` (a large dataset is generated and
built when omitted, which takes about two minutes more).
"""
from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from measure import measure, print_table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--processed", type=Path, default=None, help="a build of the large demo data")
    args = parser.parse_args()
    work = None
    processed = args.processed
    if processed is None:
        work = Path(tempfile.mkdtemp(prefix="pa-bench-"))
        processed = work / "processed"
        measure(f"from partner_analysis.demo import write_demo_data\n"
                f"from partner_analysis.build import build\n"
                f"write_demo_data({str(work / 'raw')!r}, scale='large')\n"
                f"build({str(work / 'raw')!r}, {str(processed)!r})")
    try:
        read = measure(f"""
from partner_analysis.store import KpiStore
store = KpiStore({str(processed)!r})
frames = [store.table(name) for name in ("deals", "customers", "revenue", "surveys")]
EXTRA = {{"rows": {{name: len(f) for name, f in zip(("deals", "customers", "revenue", "surveys"), frames)}}}}
""")
        compare = measure(f"""
from partner_analysis.stats import partner_vs_direct
result = partner_vs_direct({str(processed)!r})
EXTRA = {{"rows": len(result.table), "insufficient": len(result.insufficient)}}
""")
        print_table([("plain read of deals, customers, revenue, surveys", read), ("compare (all analyses)", compare)])
        print(f"rows read: {read['extra']['rows']}")
        print(f"compare: {compare['extra']['rows']} comparison rows, {compare['extra']['insufficient']} insufficient")
        print(f"compare / plain read: {compare['seconds'] / read['seconds']:.1f}x the time; goal < 60 s and 6 GiB")
    finally:
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
