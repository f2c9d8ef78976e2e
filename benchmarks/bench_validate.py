"""Benchmark: load + validate `demo-data --scale large` against a plain pyarrow read of the same files.

Goal (issue 10): load + validate within 3x of the plain read. Each run is its own process; each
step runs three times back to back, and the fastest run of each counts (the machine is shared:
the slower runs mostly measure the neighbours). Back to back, not alternating: on a virtual
machine that hands freed memory back to its host, a page fault costs several times more when the
page comes from the host (the same 37 k faults: 0.3-0.5 s of kernel time right after a run that
freed as much memory, 2-3 s after a pause or after a run that freed less), so alternating would
give the step that needs more memory the host's pages and the other the guest's. The baseline
reads every raw Parquet file with ``pyarrow.parquet.read_table`` into Arrow tables and nothing
more; load + validate is ``partner_analysis.load_and_validate`` on the same folder (read, mapping,
every contract check, typed pandas tables out). The ratio is of the work on the data; each
step's imports (pyarrow; the package, pandas and pandera) are timed apart and printed, with the
ratio they give, and so are the CPU seconds (user and kernel, all threads) and page faults of the
fastest runs. Usage: ``python benchmarks/bench_validate.py [--raw DIR] [--seed N]`` (without
``--raw`` the large demo data is generated into a temporary folder first).
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
        reads = [measure(read_step, setup=read_imports) for _ in range(RUNS)]
        validations = [measure(validate_step, setup=validate_imports) for _ in range(RUNS)]
        read = min(reads, key=lambda m: m["seconds"])
        validate = min(validations, key=lambda m: m["seconds"])
        print(f"dataset: {read['extra']['rows']:,} rows in {len(list(raw.glob('*.parquet')))} Parquet files")
        print_table([("baseline: pyarrow read_table of every file", read), ("load + validate", validate)])
        print("runs (s): read " + ", ".join(f"{m['seconds']:.2f}" for m in reads)
              + "; load + validate " + ", ".join(f"{m['seconds']:.2f}" for m in validations))
        imports = {name: min(m["setup_seconds"] for m in runs) for name, runs in (("read", reads), ("validate", validations))}
        print(f"imports (s, fastest): pyarrow {imports['read']:.2f}; the package {imports['validate']:.2f}")
        for name, m in (("read", read), ("load + validate", validate)):
            print(f"{name} (fastest run): CPU {m['user_seconds']:.2f} s user + {m['system_seconds']:.2f} s kernel, "
                  f"{m['page_faults']:,} page faults")
        ratio = validate["seconds"] / read["seconds"]
        print(f"\nload + validate / plain read: {ratio:.1f}x (goal <= 3x); rows kept {validate['extra']['rows']:,}")
        with_imports = (validate["seconds"] + imports["validate"]) / (read["seconds"] + imports["read"])
        print(f"with each step's imports: {with_imports:.1f}x")
    finally:
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
