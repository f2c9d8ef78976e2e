"""Benchmark: coverage of the planted effects by the 95% intervals, over many demo datasets.

For each seed, a 300-partner demo program is generated and validated, and partner vs direct, the leading
indicators and the partner cohorts are computed; each adjusted interval is checked against the value the
generator planted (``PLANTED_EFFECTS``). A 95% interval should cover about 95% of the time; the script prints
each interval's coverage and mean estimate. Not part of the test suite.
Usage: ``python benchmarks/bench_recovery.py [--seeds 30] [--partners 300] [--first-seed 100] [--engagement-only]``
(``--engagement-only``: the leading-indicator elasticity alone, a few seconds a seed, for many seeds).
"""
from __future__ import annotations

import argparse
import time

import numpy as np
from scipy import stats

from partner_analysis.demo import PLANTED_EFFECTS, generate_demo_data
from partner_analysis.ingest.validation import validate_tables
from partner_analysis.stats import StatsSource, leading_indicators, partner_cohorts, partner_vs_direct


def _nps_difference(shift: float, sd: float = 1.8, mean: float = 7.0) -> float:
    """NPS points implied by the planted score shift (score = round(normal) clipped to 0..10)."""
    nps = lambda m: 100 * (stats.norm.sf((8.5 - m) / sd) - stats.norm.cdf((6.5 - m) / sd))  # noqa: E731
    return nps(mean + shift) - nps(mean)


def planted_targets() -> dict[tuple[str, str], float]:
    p = PLANTED_EFFECTS
    targets = {}
    for group in ("sourced", "influenced"):
        targets[("deal_size", group)] = p["deal_size_ratio"][group]
        targets[("win_rate", group)] = p["win_rate_odds_ratio"][group]
        targets[("sales_cycle", group)] = p["sales_cycle_ratio"][group]
    for group in ("sourced", "influenced", "partner"):
        targets[("customer_churn", group)] = p["churn_hazard_ratio"]["partner"]
    targets[("nps", "partner")] = _nps_difference(p["customer_nps_difference"]["partner"])
    targets[("engagement", "activity_volume_corrected")] = p["engagement_pipeline_elasticity"]["value"]
    share, median = p["activation"]["productive_share"], p["activation"]["median_days_to_first_deal"]
    targets[("first_deal", "within_90d")] = share * (1 - 0.5 ** (90 / median))
    targets[("first_deal", "median_days")] = median * np.log2(share / (share - 0.5))
    return targets


def intervals(source: StatsSource, engagement_only: bool = False) -> dict[tuple[str, str], tuple[float, float, float]]:
    out = {}
    lead = leading_indicators(source).table.set_index("indicator").loc["activity_volume_corrected"]
    out[("engagement", "activity_volume_corrected")] = (lead["estimate"], lead["ci_low"], lead["ci_high"])
    if engagement_only:
        return out
    table = partner_vs_direct(source, analyses=("deal_size", "win_rate", "sales_cycle", "customer_churn", "nps")).table
    for r in table[table["adjusted_for"].map(bool)].itertuples():
        out[(r.analysis, r.group)] = (r.estimate, r.ci_low, r.ci_high)
    cohort = partner_cohorts(source).table.set_index("cohort").loc["all"]
    out[("first_deal", "within_90d")] = (cohort["within_90d"], cohort["within_90d_low"], cohort["within_90d_high"])
    out[("first_deal", "median_days")] = (cohort["median_days"], cohort["median_low"], cohort["median_high"])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=30)
    parser.add_argument("--partners", type=int, default=300)
    parser.add_argument("--first-seed", type=int, default=100)
    parser.add_argument("--engagement-only", action="store_true", help="the leading-indicator elasticity alone")
    args = parser.parse_args()
    targets = planted_targets()
    if args.engagement_only:
        targets = {k: v for k, v in targets.items() if k[0] == "engagement"}
    hits = {k: [] for k in targets}
    estimates = {k: [] for k in targets}
    started = time.perf_counter()
    for seed in range(args.first_seed, args.first_seed + args.seeds):
        tables = generate_demo_data(partners=args.partners, seed=seed)
        validated = validate_tables({n: (f"{n}.csv", f) for n, f in tables.items()})
        found = intervals(StatsSource.from_tables(validated.tables), args.engagement_only)
        for key, target in targets.items():
            est, low, high = found[key]
            hits[key].append(bool(low < target < high))
            estimates[key].append(est)
    print(f"{args.seeds} seeds ({args.first_seed}-{args.first_seed + args.seeds - 1}), {args.partners} partners each, "
          f"{time.perf_counter() - started:.0f} s")
    print(f"{'interval':<44}{'planted':>10}{'mean est.':>11}{'coverage':>10}{'95% CI of coverage':>22}")
    for key, target in targets.items():
        band = stats.binomtest(int(np.sum(hits[key])), len(hits[key])).proportion_ci()
        print(f"{key[0] + ' / ' + key[1]:<44}{target:>10.3f}{np.mean(estimates[key]):>11.3f}{np.mean(hits[key]):>10.0%}"
              f"{f'{band.low:.0%}-{band.high:.0%}':>22}")
    print(f"all intervals together: {np.mean([h for v in hits.values() for h in v]):.1%} (nominal 95%)")


if __name__ == "__main__":
    main()
