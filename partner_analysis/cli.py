"""The ``partner-analysis`` command line (design section 5)."""
from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from .config import load_config
from .errors import BuildLocked, InputError, ValidationError
from .paths import CONFIG_FILE, PROCESSED_DIR, RAW_DIR, REPORTS_DIR

app = typer.Typer(
    help="Measure a B2B partner ecosystem: validate CRM exports, compute the KPI catalog, report.",
    no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
)

RawOpt = Annotated[Path, typer.Option("--raw", help="Folder of input tables (only read).")]
ProcessedOpt = Annotated[Path, typer.Option("--processed", help="Folder of validated tables and the KPI store.")]
MappingOpt = Annotated[Optional[Path], typer.Option("--mapping", help="YAML mapping file (default: <raw>/mapping.yml).")]
ConfigOpt = Annotated[Path, typer.Option("--config", help="Settings file (fiscal year, currency, windows...).")]


class Scale(str, Enum):
    small = "small"
    large = "large"


class Period(str, Enum):
    quarter = "quarter"
    month = "month"


class Audience(str, Enum):
    internal = "internal"
    partner = "partner"


class RankingMetric(str, Enum):
    win_rate = "win_rate"
    avg_deal_size = "avg_deal_size"


class CatalogFormat(str, Enum):
    table = "table"
    markdown = "markdown"
    json = "json"


def _fail(exc: Exception) -> None:
    typer.echo(str(exc), err=True)
    raise typer.Exit(1)


@app.command("demo-data")
def demo_data(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the tables into.")] = RAW_DIR,
    partners: Annotated[int, typer.Option("--partners", min=10, help="Number of partners (small scale).")] = 300,
    seed: Annotated[int, typer.Option("--seed", help="Random seed; the same seed gives the same bytes.")] = 7,
    scale: Annotated[Scale, typer.Option("--scale", help="small (demo) or large (benchmark).")] = Scale.small,
) -> None:
    """Write a realistic synthetic dataset, every table, with documented planted effects."""
    from .demo import write_demo_data

    written = write_demo_data(out, partners=partners, seed=seed, scale=scale.value)
    typer.echo(f"wrote {len(written)} files to {out} (planted effects in {out / 'planted_effects.json'})")


@app.command()
def validate(raw: RawOpt = RAW_DIR, mapping: MappingOpt = None, config: ConfigOpt = CONFIG_FILE) -> None:
    """Check the input against the data contract; exit 0 when valid, 1 with the report when not."""
    from .ingest.prepare import load_and_validate

    try:
        data = load_and_validate(raw, mapping, config=load_config(config))
    except InputError as exc:
        _fail(exc)
    typer.echo(data.report.render())
    if not data.report.ok:
        raise typer.Exit(1)


@app.command()
def build(
    raw: RawOpt = RAW_DIR, processed: ProcessedOpt = PROCESSED_DIR, mapping: MappingOpt = None,
    lenient: Annotated[bool, typer.Option("--lenient", help="Set bad rows aside in <processed>/rejected/.")] = False,
    config: ConfigOpt = CONFIG_FILE,
    wait: Annotated[float, typer.Option("--wait", min=0, help="Seconds to wait for another build writing the "
                                                              "same processed folder (default: refuse at once).")] = 0,
) -> None:
    """Validate the input and write the tables and the KPI store to the processed folder."""
    from .build import build as run_build

    try:
        result = run_build(raw, processed, mapping, lenient, load_config(config), progress=sys.stderr.isatty(),
                           wait=wait)
    except (InputError, ValidationError, BuildLocked) as exc:
        _fail(exc)
    typer.echo(result.data.report.render())
    unavailable = "".join(f"\n  {m}: {why}" for m, why in sorted(result.unavailable.items()))
    typer.echo(f"KPI store: {result.kpi_rows['quarter']:,} quarterly and {result.kpi_rows['month']:,} monthly rows "
               f"in {processed} (as of {result.as_of.date()})" + (f"\nunavailable metrics:{unavailable}" if unavailable else ""))


@app.command()
def kpis(
    out: Annotated[Path, typer.Option("--out", help="Output file: .parquet or .csv.")],
    processed: ProcessedOpt = PROCESSED_DIR,
    period: Annotated[Period, typer.Option("--period", help="Period grain.")] = Period.quarter,
) -> None:
    """Write the KPI table (metric, period, partner_id, attribution, value, numerator, denominator, n)."""
    from .atomic import write_atomic
    from .store import KpiStore

    if out.suffix.lower() not in (".parquet", ".csv"):
        _fail(InputError("expected a .parquet or .csv file name", file=str(out)))
    try:
        rows = KpiStore(processed).kpis(period.value)
    except InputError as exc:
        _fail(exc)
    if out.suffix.lower() == ".csv":
        write_atomic(out, lambda tmp: rows.to_csv(tmp, index=False))
    else:
        write_atomic(out, lambda tmp: rows.to_parquet(tmp, index=False))
    typer.echo(f"wrote {len(rows):,} KPI rows to {out}")


@app.command()
def attribution(
    processed: ProcessedOpt = PROCESSED_DIR,
    period: Annotated[Period, typer.Option("--period", help="Period grain.")] = Period.quarter,
    out: Annotated[Optional[Path], typer.Option("--out", help="Write all periods to this .csv instead.")] = None,
    top: Annotated[int, typer.Option("--top", help="Partners shown for the latest period.")] = 15,
) -> None:
    """Credited partner revenue under each attribution model, side by side (multi-touch)."""
    from .atomic import write_text_atomic
    from .store import KpiStore

    try:
        table = KpiStore(processed).attribution(period.value)
    except InputError as exc:
        _fail(exc)
    if out is not None:
        write_text_atomic(out, table.to_csv(index=False))
        typer.echo(f"wrote {len(table):,} rows to {out}")
        return
    latest = table[table["period"] == table["period"].max()]
    shown = latest[latest["partner_id"].notna()].sort_values("even_split", ascending=False).head(top)
    typer.echo(f"Credited won partner revenue, {latest['period'].iloc[0]} (top {len(shown)} by even split)")
    typer.echo(shown.drop(columns="period").to_string(index=False, float_format=lambda v: f"{v:,.0f}"))
    typer.echo("program total: " + f"{latest.loc[latest['partner_id'].isna(), 'even_split'].sum():,.0f}")


def _with_project_metrics(config: Path):
    """The settings, with the project metric files they list loaded into the catalog."""
    from .kpis import load_metric_files

    settings = load_config(config)
    load_metric_files(settings.metrics)
    return settings


@app.command()
def metrics(fmt: Annotated[CatalogFormat, typer.Option("--format", help="Output format.")] = CatalogFormat.table,
            config: ConfigOpt = CONFIG_FILE) -> None:
    """List the metric catalog (with your project metrics, marked origin=user)."""
    from .report.glossary import glossary_markdown
    from .kpis import catalog

    try:
        _with_project_metrics(config)
    except InputError as exc:
        _fail(exc)
    frame = catalog()
    if fmt is CatalogFormat.json:
        typer.echo(json.dumps(frame.to_dict(orient="records"), indent=2))
    elif fmt is CatalogFormat.markdown:
        typer.echo(glossary_markdown())
    else:
        listing = frame[["id", "family", "unit", "direction", "requires", "origin"]]
        typer.echo(listing.to_string(index=False))


@app.command()
def glossary(out: Annotated[Path, typer.Option("--out", help="Folder for glossary.md and glossary.html.")] = REPORTS_DIR,
             config: ConfigOpt = CONFIG_FILE) -> None:
    """Write the KPI glossary as Markdown and HTML."""
    from .report.glossary import write_glossary

    try:
        settings = _with_project_metrics(config)
    except InputError as exc:
        _fail(exc)
    md_path, html_path = write_glossary(out, settings.currency)
    typer.echo(f"wrote {md_path} and {html_path}")


@app.command()
def report(
    notebook: Annotated[str, typer.Argument(help="A notebook in notebooks/ (e.g. 70_partner_scorecard) or a path.")],
    quarter: Annotated[Optional[str], typer.Option("--quarter", help="Fiscal quarter, e.g. 2025Q4 (default: latest).")] = None,
    partner: Annotated[Optional[list[str]], typer.Option("--partner", help="A partner id (repeatable).")] = None,
    all_partners: Annotated[bool, typer.Option("--all-partners", help="Every partner in the program in the quarter.")] = False,
    audience: Annotated[Audience, typer.Option("--audience", help="internal, or partner: safe to send to that partner.")] = Audience.internal,
    jobs: Annotated[int, typer.Option("--jobs", min=1, help="Reports rendered in parallel.")] = 2,
    resume: Annotated[bool, typer.Option("--resume", help="Re-run only reports missing, failed or stale.")] = False,
    out: Annotated[Path, typer.Option("--out", help="Reports folder.")] = REPORTS_DIR,
    timeout: Annotated[int, typer.Option("--timeout", min=1, help="Seconds a notebook cell may run.")] = 600,
    processed: ProcessedOpt = PROCESSED_DIR,
    config: ConfigOpt = CONFIG_FILE,
) -> None:
    """Run a notebook with papermill per partner / per quarter and export offline HTML (exit 1 if any failed)."""
    from .report.publish import publish

    try:
        _with_project_metrics(config)  # the glossary beside the reports documents them too
        result = publish([notebook], processed, out, quarter=quarter, partners=partner or None,
                         all_partners=all_partners, audience=audience.value, n_jobs=jobs, resume=resume,
                         timeout=timeout, progress=sys.stderr.isatty())
    except (InputError, ValueError, KeyError, FileNotFoundError) as exc:
        _fail(exc)
    typer.echo(result.summary())
    typer.echo(f"index: {result.out_dir / 'index.html'}")
    if result.interrupted:
        raise typer.Exit(130)
    if not result.ok:
        raise typer.Exit(1)


@app.command()
def demo(raw: RawOpt = RAW_DIR, processed: ProcessedOpt = PROCESSED_DIR,
         reports: Annotated[Path, typer.Option("--reports", help="Folder for the reports.")] = REPORTS_DIR,
         config: ConfigOpt = CONFIG_FILE,
         jobs: Annotated[int, typer.Option("--jobs", min=1, help="Reports rendered in parallel.")] = 2,
         partners: Annotated[int, typer.Option("--partners", min=10, help="Partners of a demo dataset made here.")] = 300,
         ) -> None:
    """The main job on the embedded demo: make demo data if the raw folder is empty, build, summarise, render
    every report for the latest quarter and every partner's scorecard, and print where the index is."""
    from .build import build as run_build
    from .demo import write_demo_data
    from .report.publish import publish_everything
    from .store import KpiStore
    from .report.summary import comparison_summary, headline_table
    from .stats import partner_vs_direct

    settings = load_config(config)
    if not any(p for p in raw.glob("*") if p.name != ".gitkeep"):
        typer.echo(f"{raw} is empty: writing the demo dataset")
        write_demo_data(raw, partners=partners)
    try:
        result = run_build(raw, processed, config=settings, progress=sys.stderr.isatty())
    except (InputError, ValidationError, BuildLocked) as exc:
        _fail(exc)
    typer.echo(result.data.report.render())
    store = KpiStore(processed)
    kpi_rows = store.kpis("quarter")
    latest = max(kpi_rows["period"].unique())
    typer.echo(f"\nKPI summary, {latest} (as of {result.as_of.date()}; program-wide):")
    typer.echo(headline_table(kpi_rows, latest, settings.currency).to_string(index=False))
    typer.echo("\nPartner vs direct, adjusted for mix (ratios; 95% CI; raw = unadjusted, misleading where the mix differs):")
    typer.echo(comparison_summary(partner_vs_direct(store, config=settings)).to_string(index=False))
    typer.echo(f"\nKPI store: {processed} ({result.kpi_rows['quarter']:,} quarterly rows). Rendering the reports...")
    batch = publish_everything(processed, reports, n_jobs=jobs, progress=sys.stderr.isatty())
    typer.echo(batch.summary())
    typer.echo(f"\nReports: {(batch.out_dir / 'index.html')}")
    if not batch.ok:
        raise typer.Exit(1)


JsonOpt = Annotated[Optional[Path], typer.Option("--json", help="Write the machine-readable result to this file.")]


@app.command()
def compare(processed: ProcessedOpt = PROCESSED_DIR, json_file: JsonOpt = None, config: ConfigOpt = CONFIG_FILE) -> None:
    """Partner vs direct, adjusted for mix: deal size, win rate, sales cycle, churn, NPS, lifetime value."""
    from .atomic import write_text_atomic
    from .stats import comparison_json, partner_vs_direct

    try:
        result = partner_vs_direct(processed, config=load_config(config))
    except InputError as exc:
        _fail(exc)
    if json_file is not None:
        write_text_atomic(json_file, json.dumps(comparison_json(result), indent=2))
        typer.echo(f"wrote {len(result.table)} comparisons to {json_file}")
        return
    typer.echo(result.to_text())


@app.command()
def rankings(
    processed: ProcessedOpt = PROCESSED_DIR,
    metric: Annotated[RankingMetric, typer.Option("--metric", help="What partners are ranked on.")] = RankingMetric.win_rate,
    periods: Annotated[Optional[tuple[str, str]], typer.Option(
        "--periods", help="First and last quarter of the deals' closing dates, e.g. 2024Q1 2025Q4.")] = None,
    json_file: JsonOpt = None, config: ConfigOpt = CONFIG_FILE,
) -> None:
    """Honest per-partner rankings: shrunk estimates with intervals, flags after multiple-comparison control."""
    from .atomic import write_text_atomic
    from .periods import label_code
    from .stats import partner_rankings, rankings_json

    try:
        if periods is not None:
            for label in periods:
                label_code(label, "quarter")
        result = partner_rankings(processed, metric.value, periods, config=load_config(config))
    except (InputError, ValueError) as exc:
        _fail(exc)
    if json_file is not None:
        write_text_atomic(json_file, json.dumps(rankings_json(result), indent=2))
        typer.echo(f"wrote {len(result.table)} partner rankings to {json_file}")
        return
    typer.echo(result.to_text(max_rows=40))


@app.command()
def tiers(processed: ProcessedOpt = PROCESSED_DIR,
          quarter: Annotated[Optional[str], typer.Option("--quarter", help="Quarter, e.g. 2025Q4 (default: the latest complete one).")] = None,
          out: Annotated[Optional[Path], typer.Option("--out", help="Write every partner's row to this .csv.")] = None,
          config: ConfigOpt = CONFIG_FILE) -> None:
    """Recommended tier per partner under the configured thresholds, gaps to the next tier, partners at risk."""
    from .atomic import write_text_atomic
    from .stats import partner_tiers

    try:
        result = partner_tiers(processed, quarter, config=load_config(config))
    except (InputError, ValueError) as exc:
        _fail(exc)
    if out is not None:
        write_text_atomic(out, result.table.to_csv(index=False))
        typer.echo(f"wrote {len(result.table)} partners to {out}")
        return
    typer.echo(result.to_text(max_rows=40))


@app.command()
def forecast(processed: ProcessedOpt = PROCESSED_DIR, config: ConfigOpt = CONFIG_FILE) -> None:
    """Partner-sourced and influenced revenue for the next four quarters, with intervals and a backtest."""
    from .stats import revenue_forecast

    try:
        result = revenue_forecast(processed, config=load_config(config))
    except InputError as exc:
        _fail(exc)
    typer.echo(result.to_text())
    if len(result.details["backtest_summary"]):
        typer.echo("\nBacktest (held-out quarters):\n" + result.details["backtest_summary"].to_string(index=False))
