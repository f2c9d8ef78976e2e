"""Benchmark: load + validate `demo-data --scale large` against a plain pyarrow read of the same files.

Goal (issue 10): load + validate within 3x of the plain read. Each step runs in its own process,
three times, alternating, and the fastest run of each counts (the machine is shared: the slower
runs mostly measure the neighbours). The baseline reads every raw Parquet file with
``pyarrow.parquet.read_table`` into Arrow tables and nothing more; load + validate is
``partner_analysis.load_and_validate`` on the same folder (read, mapping, every contract check,
typed pandas tables out). The ratio is of the work on the data; each step's imports (pyarrow;
the package, pandas and pandera) are timed apart and printed too, with the ratio they give. Usage: ``python benchmarks/bench_validate.py [--raw DIR] [--seed N]``
(without ``--raw`` the large demo data is generated into a temporary folder first).
"""
from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from measure import measure, print_table

RUNS = 3


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
        read_imports = "import pathlib, pyarrow.parquet as pq"
        read_step = f"""
            tables = [pq.read_table(p) for p in sorted(pathlib.Path({str(raw)!r}).glob("*.parquet"))]
            EXTRA = {{"rows": sum(t.num_rows for t in tables)}}
        """
        validate_imports = "from partner_analysis.ingest.prepare import load_and_validate"
        validate_step = f"""
            data = load_and_validate({str(raw)!r})
            assert data.report.ok, data.report.render()
            EXTRA = {{"rows": sum(data.report.rows_kept.values())}}
        """
        reads, validations = [], []
        for _ in range(RUNS):
            reads.append(measure(read_step, setup=read_imports))
            validations.append(measure(validate_step, setup=validate_imports))
        read = min(reads, key=lambda m: m["seconds"])
        validate = min(validations, key=lambda m: m["seconds"])
        print(f"dataset: {read['extra']['rows']:,} rows in {len(list(raw.glob('*.parquet')))} Parquet files")
        print_table([("baseline: pyarrow read_table of every file", read), ("load + validate", validate)])
        print("runs (s): read " + ", ".join(f"{m['seconds']:.2f}" for m in reads)
              + "; load + validate " + ", ".join(f"{m['seconds']:.2f}" for m in validations))
        imports = {name: min(m["setup_seconds"] for m in runs) for name, runs in (("read", reads), ("validate", validations))}
        print(f"imports (s, fastest): pyarrow {imports['read']:.2f}; the package {imports['validate']:.2f}")
        ratio = validate["seconds"] / read["seconds"]
        print(f"\nload + validate / plain read: {ratio:.1f}x (goal <= 3x); rows kept {validate['extra']['rows']:,}")
        with_imports = (validate["seconds"] + imports["validate"]) / (read["seconds"] + imports["read"])
        print(f"with each step's imports: {with_imports:.1f}x")
    finally:
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
