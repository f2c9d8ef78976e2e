"""Benchmark: `demo-data --scale large` then `build` (goal: under 2 minutes and 6 GiB on 2 cores).

Baseline in the same script: reading the same raw Parquet files with plain pandas, the floor
that any build has to pay; the ratio build / plain read shows what validation and the KPI
store cost on top. Usage: ``python benchmarks/bench_build.py [--workdir DIR] [--seed N]``.
"""
from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from measure import measure, print_table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="pa-bench-"))
    raw, processed = work / "raw", work / "processed"
    try:
        generate = measure(f"""
            from partner_analysis.demo import write_demo_data
            write_demo_data({str(raw)!r}, seed={args.seed}, scale="large")
            import pandas as pd
            EXTRA = {{"deals": len(pd.read_parquet({str(raw / 'deals.parquet')!r}, columns=["deal_id"])),
                      "activities": len(pd.read_parquet({str(raw / 'activities.parquet')!r}, columns=["activity"])),
                      "partners": len(pd.read_parquet({str(raw / 'partners.parquet')!r}, columns=["partner_id"]))}}
        """)
        read = measure(f"""
            import pandas as pd, pathlib
            frames = [pd.read_parquet(p) for p in sorted(pathlib.Path({str(raw)!r}).glob("*.parquet"))]
        """)
        build = measure(f"""
            from partner_analysis.build import build
            result = build({str(raw)!r}, {str(processed)!r})
            EXTRA = {{"kpi_rows": result.kpi_rows}}
        """)
        sizes = generate["extra"]
        print(f"dataset: {sizes['partners']:,} partners, {sizes['deals']:,} deals, {sizes['activities']:,} activity rows")
        print_table([("demo-data --scale large", generate), ("baseline: plain pandas read of raw Parquet", read),
                     ("build (validate, tables, KPI stores)", build)])
        total = generate["seconds"] + build["seconds"]
        peak = max(generate["peak_gib"], build["peak_gib"])
        print(f"\ndemo-data + build: {total:.1f} s (goal < 120 s), peak {peak:.2f} GiB (goal < 6 GiB)")
        print(f"build / plain read: {build['seconds'] / read['seconds']:.1f}x time, "
              f"{build['peak_gib'] / read['peak_gib']:.1f}x memory; KPI rows {build['extra']['kpi_rows']}")
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
