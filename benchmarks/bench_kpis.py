"""Benchmark: the full KPI catalog on `demo-data --scale large` (goal: under 60 s and 6 GiB on 2 cores).

Baseline in the same script: the straightforward way, a Python loop over partners that
filters every table to one partner and computes the catalog on that slice, timed on a sample
of partners and extrapolated to all of them. Prints the vectorised time, the loop's estimate
and their ratio. Usage: ``python benchmarks/bench_kpis.py [--raw DIR] [--sample N]``.
"""
from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from measure import measure, print_table

LOAD = """
from partner_analysis.ingest.prepare import load_and_validate
tables = load_and_validate({raw!r}).tables
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--raw", type=Path, default=None, help="a large demo dataset (made when omitted)")
    parser.add_argument("--sample", type=int, default=40, help="partners timed in the per-partner loop")
    args = parser.parse_args()
    work = None
    raw = args.raw
    if raw is None:
        work = Path(tempfile.mkdtemp(prefix="pa-bench-"))
        raw = work / "raw"
        measure(f"from partner_analysis.demo import write_demo_data\n"
                f"write_demo_data({str(raw)!r}, scale='large')")
    try:
        load = measure(LOAD.format(raw=str(raw)))
        results = {}
        for freq in ("quarter", "month"):
            results[freq] = measure(LOAD.format(raw=str(raw)) + f"""
import time
from partner_analysis.kpis import compute_kpis
t0 = time.perf_counter()
result = compute_kpis(tables, freq={freq!r})
EXTRA = {{"compute_seconds": time.perf_counter() - t0, "rows": len(result.rows),
          "metrics": int(result.rows["metric"].nunique()), "unavailable": len(result.unavailable)}}
""")
        loop = measure(LOAD.format(raw=str(raw)) + f"""
import time
import numpy as np
from partner_analysis.kpis import compute_kpis, REGISTRY
partner_metrics = [m for m in REGISTRY if REGISTRY[m].spec.partner_grain]
ids = tables["partners"]["partner_id"].sample({args.sample}, random_state=0).tolist()
t0 = time.perf_counter()
for pid in ids:
    subset = {{}}
    for name, frame in tables.items():
        subset[name] = frame[frame["partner_id"] == pid] if "partner_id" in frame.columns else frame
    accounts = subset["customers"]["account_id"] if "customers" in subset else None
    if accounts is not None and "revenue" in subset:
        subset["revenue"] = tables["revenue"][tables["revenue"]["account_id"].isin(accounts)]
    compute_kpis(subset, metrics=partner_metrics)
per_partner = (time.perf_counter() - t0) / len(ids)
EXTRA = {{"per_partner": per_partner, "estimate": per_partner * len(tables["partners"]), "partners": len(tables["partners"])}}
""")
        print_table([("load + validate raw (shared by all steps)", load)]
                    + [(f"catalog, {freq} (incl. load)", m) for freq, m in results.items()]
                    + [(f"per-partner loop, {args.sample} partners (incl. load)", loop)])
        for freq, m in results.items():
            e = m["extra"]
            print(f"\n{freq}: catalog computed in {e['compute_seconds']:.1f} s (goal < 60 s), peak {m['peak_gib']:.2f} GiB "
                  f"(goal < 6 GiB); {e['rows']:,} rows, {e['metrics']} metrics, {e['unavailable']} unavailable")
        q = results["quarter"]["extra"]
        le = loop["extra"]
        print(f"per-partner loop: {le['per_partner']:.2f} s per partner -> {le['estimate']:.0f} s for "
              f"{le['partners']:,} partners; vectorised catalog is {le['estimate'] / q['compute_seconds']:.0f}x faster")
    finally:
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
