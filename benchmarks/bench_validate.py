"""Benchmark: load + validate `demo-data --scale large` against a plain pyarrow read of the same files.

Goal (issue 10): load + validate within 3x of the plain read. Each step runs in its own process,
twice, alternating, and the faster run of each counts (the machine is shared: the slower run
mostly measures the neighbours). The baseline reads every raw Parquet file with
``pyarrow.parquet.read_table`` into Arrow tables and nothing more; load + validate is
``partner_analysis.load_and_validate`` on the same folder (read, mapping, every contract check,
typed pandas tables out). Usage: ``python benchmarks/bench_validate.py [--raw DIR] [--seed N]``
(without ``--raw`` the large demo data is generated into a temporary folder first).
"""
from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from measure import measure, print_table

RUNS = 2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--raw", type=Path, default=None, help="an existing large demo dataset (Parquet)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    work = None if args.raw else Path(tempfile.mkdtemp(prefix="pa-bench-validate-"))
    raw = args.raw or work / "raw"
    try:
        if work is not None:
            measure(f"""
                from partner_analysis.demo import write_demo_data
                write_demo_data({str(raw)!r}, seed={args.seed}, scale="large")
            """)
        read_step = f"""
            import pathlib, pyarrow.parquet as pq
            tables = [pq.read_table(p) for p in sorted(pathlib.Path({str(raw)!r}).glob("*.parquet"))]
            EXTRA = {{"rows": sum(t.num_rows for t in tables)}}
        """
        validate_step = f"""
            from partner_analysis.ingest.prepare import load_and_validate
            data = load_and_validate({str(raw)!r})
            assert data.report.ok, data.report.render()
            EXTRA = {{"rows": sum(data.report.rows_kept.values())}}
        """
        reads, validations = [], []
        for _ in range(RUNS):
            reads.append(measure(read_step))
            validations.append(measure(validate_step))
        read = min(reads, key=lambda m: m["seconds"])
        validate = min(validations, key=lambda m: m["seconds"])
        print(f"dataset: {read['extra']['rows']:,} rows in {len(list(raw.glob('*.parquet')))} Parquet files")
        print_table([("baseline: pyarrow read_table of every file", read), ("load + validate", validate)])
        print("runs (s): read " + ", ".join(f"{m['seconds']:.2f}" for m in reads)
              + "; load + validate " + ", ".join(f"{m['seconds']:.2f}" for m in validations))
        ratio = validate["seconds"] / read["seconds"]
        print(f"\nload + validate / plain read: {ratio:.1f}x (goal <= 3x); rows kept {validate['extra']['rows']:,}")
    finally:
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
