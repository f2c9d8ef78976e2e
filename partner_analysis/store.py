"""Read what ``build`` wrote: validated tables and the KPI store, as tidy DataFrames for notebooks.

Every query checks what it is asked for against what the build holds and says what exists when
it cannot match (an unknown partner, a period label of the wrong form, an attribution view the
metric does not have), so a typo never returns a silently empty or partial frame. Every result is
a copy: changing it never changes a later result.
"""
from __future__ import annotations

import dataclasses
import difflib
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from .config import Config
from .errors import InputError, NotInStore
from .ingest.contract import TABLES
from .ingest.coverage import Coverage, covered_periods
from .kpis import KpiContext, compute_metric
from .kpis.registry import ALL_ATTRIBUTIONS, REGISTRY, Metric, MetricSpec
from .paths import MANIFEST, PROCESSED_DIR, REJECTED_SUBDIR, attribution_store_file, kpi_store_file, resolve
from .periods import FREQUENCIES, label_code, period_codes
from .versions import current_build

_KPI_COLUMNS = ["metric", "period", "partner_id", "attribution", "value", "numerator", "denominator", "n"]


class KpiStore:
    """The processed data of one build, for notebooks and reports.

    Parameters
    ----------
    processed_dir : path, optional
        The build's folder (default ``data/processed``); a relative path is found from the
        project folder too, so the same code runs at the repository root, in ``notebooks/`` and
        under papermill (see :func:`partner_analysis.paths.resolve`).

    Examples
    --------
    >>> store = KpiStore("data/processed")                                # doctest: +SKIP
    >>> store.kpi("win_rate", partner="P00042", periods=("2024Q1", "2025Q4"))  # doctest: +SKIP
    >>> store.ranking("sourced_revenue", period="2025Q4").head(10)          # doctest: +SKIP
    """

    def __init__(self, processed_dir: Path | str = PROCESSED_DIR):
        self.processed_dir = current_build(resolve(processed_dir))  # one build, read whole
        manifest = self.processed_dir / MANIFEST
        if not manifest.exists():
            raise InputError("no build found here; run `partner-analysis build` first", file=str(self.processed_dir))
        self.manifest = json.loads(manifest.read_text(encoding="utf-8"))
        self._tables: dict[str, pd.DataFrame] = {}
        self._kpis: dict[str, pd.DataFrame] = {}
        self._contexts: dict[str, KpiContext] = {}
        self._computed: dict[tuple[str, str], tuple[Metric, pd.DataFrame]] = {}

    def __repr__(self) -> str:
        return (f"KpiStore({str(self.processed_dir)!r}: as of {self.as_of.date()}, "
                f"{len(self.table_names)} tables, quarters {self._span('quarter')})")

    # -- what the build holds --------------------------------------------------------------
    @property
    def as_of(self) -> pd.Timestamp:
        """The build's reference date: nothing after it is counted."""
        return pd.Timestamp(self.manifest["as_of"])

    @property
    def config(self) -> Config:
        """The settings the build ran with (fiscal calendar, windows, weights, tiers)."""
        recorded = self.manifest.get("config")
        if recorded is None:  # a build written before settings were recorded
            return Config(fiscal_year_start_month=self.manifest.get("fiscal_year_start_month", 1),
                          currency=self.manifest.get("currency", "USD"))
        return Config.model_validate(recorded)

    @property
    def currency(self) -> str:
        return self.manifest.get("currency", "USD")

    @property
    def unavailable(self) -> dict[str, str]:
        """Metric id -> why it could not be computed (a table or column it needs is missing)."""
        return dict(self.manifest.get("unavailable_metrics", {}))

    @property
    def coverage(self) -> pd.DataFrame:
        """Each table's first and last event date (and whether it is a roster, covering the periods up
        to the as-of date), as ``build`` recorded it: one row per table."""
        recorded = self.manifest.get("coverage", {})
        frame = pd.DataFrame([{"table": name, **span} for name, span in recorded.items()],
                             columns=["table", "first", "last", "columns", "roster"])
        return frame.astype({"first": "datetime64[ns]", "last": "datetime64[ns]"})

    def notes(self, freq: str = "quarter") -> dict[str, list[str]]:
        """Metric id -> what the metric leaves out of the KPI table and why (rows of its tables
        outside the periods it reports, join cohorts that cannot be judged, customers without revenue)."""
        recorded = self.manifest.get("metric_notes", {}).get(_checked_freq(freq), {})
        return {metric: list(texts) for metric, texts in recorded.items()}

    @property
    def table_names(self) -> list[str]:
        """The validated input tables of this build, in contract order."""
        return [name for name in TABLES if (self.processed_dir / f"{name}.parquet").exists()]

    def table(self, name: str) -> pd.DataFrame:
        """A validated input table (a copy).

        Raises
        ------
        NotInStore
            The table is not in this build; the message lists those that are.
        """
        if name not in self._tables:
            path = self.processed_dir / f"{name}.parquet"
            if not path.exists():
                raise NotInStore(_unknown("table", name, self.table_names))
            self._tables[name] = _read(path)
        return self._tables[name].copy()

    def rejected(self) -> dict[str, pd.DataFrame]:
        """Rows a lenient build set aside, per table: the raw values, the data-row number ``_row`` and
        the reason ``_reason`` (empty for a strict build, which sets nothing aside)."""
        folder = self.processed_dir / REJECTED_SUBDIR
        return {path.stem: pd.read_csv(path, dtype=str, keep_default_na=False)
                for path in sorted(folder.glob("*.csv"))} if folder.is_dir() else {}

    def kpis(self, freq: str = "quarter") -> pd.DataFrame:
        """The whole KPI table (long format) for ``quarter`` or ``month`` periods (a copy)."""
        return self._kpi_rows(freq).copy()

    def attribution(self, freq: str = "quarter") -> pd.DataFrame:
        """Credited won partner revenue per period and partner, one column per attribution model."""
        path = self.processed_dir / attribution_store_file(_checked_freq(freq))
        if not path.exists():
            raise InputError(f"no {freq} attribution table in this build", file=str(self.processed_dir))
        return pd.read_parquet(path)

    def periods(self, freq: str = "quarter") -> list[str]:
        """Every period label of the build's KPI store, oldest first."""
        return list(self._indexed(freq).periods)

    def select_periods(self, periods: str | tuple[str, str] | None = None, last: int | None = None,
                       freq: str = "quarter") -> list[str]:
        """The build's period labels asked for (one label, an inclusive range, or the last N), checked
        as :meth:`kpi` checks them; every period when neither is given."""
        return self._checked_periods(periods, last, freq) or self.periods(freq)

    def check_partner(self, partner: str) -> str:
        """The partner id if the build has it; otherwise :class:`NotInStore` naming close ids."""
        if partner not in set(self._partner_ids()):
            raise NotInStore(_unknown("partner", partner, self._partner_ids()))
        return partner

    def latest_period(self, freq: str = "quarter") -> str:
        """The period holding the as-of date (the current, possibly partial, period)."""
        return self.periods(freq)[-1]

    def partners(self) -> pd.DataFrame:
        """The partners table (a copy), or an empty frame for a build without partners."""
        if "partners" not in self.table_names:
            return pd.DataFrame({"partner_id": pd.Series([], dtype="str"), "partner_name": pd.Series([], dtype="str")})
        return self.table("partners")

    def partner_names(self) -> dict[str, str]:
        """partner_id -> partner_name."""
        partners = self.partners()
        return dict(zip(partners["partner_id"], partners["partner_name"]))

    def spec(self, metric: str) -> MetricSpec:
        """The definition of a metric: the catalog's, one declared in this session, or one a project
        metric file gave the build."""
        if metric in REGISTRY:
            return REGISTRY[metric].spec
        recorded = self.manifest.get("user_metrics", {}).get(metric)
        if recorded is not None:
            fields = {f.name for f in dataclasses.fields(MetricSpec)}
            return MetricSpec(**{k: tuple(v) if isinstance(v, list) else v for k, v in recorded.items() if k in fields})
        raise NotInStore(_unknown("metric", metric, self._known_metrics()))

    # -- queries ---------------------------------------------------------------------------
    def kpi(self, metric: str, partner: str | Sequence[str] | None = None, *,
            periods: str | tuple[str, str] | None = None, last: int | None = None,
            attribution: str = "all", freq: str = "quarter", program: bool | None = None) -> pd.DataFrame:
        """Rows of one metric, in the long KPI format, oldest period first.

        Parameters
        ----------
        metric : str
            Metric id (``partner-analysis metrics`` lists them; your own metrics work too).
        partner : str or list of str, optional
            Only these partners' rows. Without it, the program-wide rows.
        periods : str or (str, str), optional
            One period label, or the inclusive first and last, e.g. ``("2024Q1", "2025Q4")``.
        last : int, optional
            Only the last ``last`` periods of the build (ending with the current one).
        attribution : str
            One view: ``all``, ``sourced``, ``influenced``, ``direct`` or ``partner``, among those the
            metric has.
        freq : str
            ``quarter`` or ``month``.
        program : bool, optional
            ``program=False`` without ``partner`` gives every partner's rows; ``True`` the program's.
            By default program rows and partner rows are never mixed.

        Raises
        ------
        NotInStore
            Unknown metric or partner id; the message says what exists.
        ValueError
            A period label of the wrong form or outside the build, an attribution view the metric
            does not have, or arguments that contradict each other.
        LookupError
            The metric could not be computed for this data (a table or column is missing).
        """
        spec = self.spec(metric)
        partners = self._checked_partners(partner, program, spec)
        rows = self._metric_rows(metric, freq)
        _check_attribution(spec, attribution, partner_rows=partners is not None)
        sel = (rows["attribution"] == attribution).to_numpy().copy()
        if partners is None:
            sel &= rows["partner_id"].isna().to_numpy()
        elif partners == "all":
            sel &= rows["partner_id"].notna().to_numpy()
        else:
            sel &= rows["partner_id"].isin(partners).to_numpy()
        wanted = self._checked_periods(periods, last, freq)
        if wanted is not None:
            sel &= rows["period"].isin(wanted).to_numpy()
        out = rows[sel].sort_values(["period", "partner_id"], na_position="first", kind="stable")
        return out.reset_index(drop=True)

    def ranking(self, metric: str, period: str | None = None, *, attribution: str = "all",
                freq: str = "quarter") -> pd.DataFrame:
        """One metric for every partner in one period, best first, with partner names.

        ``period`` defaults to the latest period in which any partner has a value. Best is the
        largest value for metrics where higher is better (and neutral ones), the smallest where
        lower is better; partners without a value come last, unranked. ``rank`` ties share the
        better rank.
        """
        spec = self.spec(metric)
        if not spec.partner_grain:
            raise ValueError(f"{metric} has program-wide rows only: there is nothing to rank")
        if period is None:
            rows = self.kpi(metric, program=False, attribution=attribution, freq=freq).dropna(subset=["value"])
            if rows.empty:
                raise ValueError(f"no partner has a value of {metric} ({attribution}) in this build")
            period = rows["period"].max()
        rows = self.kpi(metric, program=False, periods=period, attribution=attribution, freq=freq)
        ascending = spec.direction == "lower"
        rows = rows.sort_values(["value", "partner_id"], ascending=[ascending, True], na_position="last", kind="stable")
        rows = rows.assign(rank=rows["value"].rank(method="min", ascending=ascending).astype("Int64"),
                           partner_name=rows["partner_id"].map(self.partner_names()))
        first = ["rank", "partner_id", "partner_name", "period", "value", "numerator", "denominator", "n"]
        return rows[first + ["metric", "attribution"]].reset_index(drop=True)

    def wide(self, metric: str, by: str = "partner", *, partner: str | Sequence[str] | None = None,
             periods: str | tuple[str, str] | None = None, last: int | None = None, attribution: str = "all",
             freq: str = "quarter", values: str = "value") -> pd.DataFrame:
        """A metric as a table of periods (rows) by partners or by attribution views (columns).

        ``by="partner"``: one column per partner (``partner`` limits them; default every partner),
        in the view ``attribution``. ``by="attribution"``: one column per view the metric has, for
        the program (or for the one ``partner`` given). ``values`` picks the column shown
        (``value``, ``numerator``, ``denominator`` or ``n``).
        """
        if values not in ("value", "numerator", "denominator", "n"):
            raise ValueError(f"values must be value, numerator, denominator or n, got {values!r}")
        if by == "partner":
            rows = self.kpi(metric, partner, program=False, periods=periods, last=last, attribution=attribution,
                            freq=freq)
            table = rows.pivot(index="period", columns="partner_id", values=values)
        elif by == "attribution":
            if partner is not None and not isinstance(partner, str):
                raise ValueError("by='attribution' shows one partner or the program: give one partner id")
            spec = self.spec(metric)
            views = spec.partner_attributions if partner is not None else spec.attributions
            rows = pd.concat([self.kpi(metric, partner, periods=periods, last=last, attribution=view, freq=freq)
                              for view in views], ignore_index=True)
            table = rows.pivot(index="period", columns="attribution", values=values)
            table = table.reindex(columns=[v for v in views if v in table.columns])
        else:
            raise ValueError(f"by must be 'partner' or 'attribution', got {by!r}")
        table.columns.name = by
        return table.sort_index()

    def series(self, metric: str, partner: str | None = None, *, attribution: str = "all",
               periods: str | tuple[str, str] | None = None, last: int | None = None,
               freq: str = "quarter") -> pd.Series:
        """One metric over time for the program or one partner, indexed by period label.

        The index holds every period of the build that the tables the metric needs cover (for a
        partner: those in which it was in the program, from its join period to the period it left).
        Additive metrics (counts and sums) are 0 in such a period without events; other metrics are
        missing there (no population, no value). Periods the metric's tables do not cover are not in
        the index: nothing is known of them.
        """
        if partner is not None and not isinstance(partner, str):
            raise ValueError("series() follows one partner: give one partner id")
        rows = self.kpi(metric, partner, periods=periods, last=last, attribution=attribution, freq=freq)
        covered = set(self._covered_periods(metric, freq))
        index = [p for p in self._checked_periods(periods, last, freq) or self.periods(freq) if p in covered]
        if partner is not None:
            index = [p for p in index if p in set(self._in_program_periods(partner, freq))]
        series = rows.set_index("period")["value"].reindex(index)
        if self.spec(metric).aggregation == "sum":
            series = series.fillna(0.0)
        series.index.name = "period"
        series.name = metric
        return series

    def compute(self, metric: str, freq: str = "quarter") -> pd.DataFrame:
        """Compute a metric on this build's tables, without rebuilding, in the KPI format.

        For a metric declared in this session (a notebook cell, see :func:`partner_analysis.metric`):
        the same grains, attribution views, zero-fill and numerator/denominator rules as the
        catalog. The tables and derived frames are loaded once per store and grain.
        """
        if metric not in REGISTRY:
            raise NotInStore(_unknown("metric", metric, self._known_metrics()))
        current = REGISTRY[metric]
        key = (metric, _checked_freq(freq))
        cached = self._computed.get(key)
        if cached is None or cached[0] is not current:  # declared again: compute anew
            rows = compute_metric(metric, self._context(freq))
            rows["metric"] = rows["metric"].astype("category")
            rows["attribution"] = rows["attribution"].astype("category")
            self._computed[key] = (current, rows)
        return self._computed[key][1].copy()

    # -- internals -------------------------------------------------------------------------
    def _kpi_rows(self, freq: str) -> pd.DataFrame:
        freq = _checked_freq(freq)
        if freq not in self._kpis:
            path = self.processed_dir / kpi_store_file(freq)
            if not path.exists():
                raise InputError(f"no {freq} KPI store in this build", file=str(self.processed_dir))
            self._kpis[freq] = _read(path)
        return self._kpis[freq]

    def _metric_rows(self, metric: str, freq: str) -> pd.DataFrame:
        """A metric's rows: computed here for a metric declared in this session, else the build's."""
        if metric in REGISTRY and REGISTRY[metric].spec.origin == "user":
            return self.compute(metric, freq)
        if metric in self.unavailable:
            raise LookupError(f"{metric} is unavailable in this build: {self.unavailable[metric]}")
        found = self._indexed(freq).by_metric.get(metric)
        if found is None:
            if metric in REGISTRY:
                return self.compute(metric, freq)  # a catalog metric newer than this build
            return self._kpi_rows(freq).iloc[:0][_KPI_COLUMNS]
        return found

    def _indexed(self, freq: str) -> "_Indexed":
        """The KPI rows by metric, and the period labels, worked out once per file and process."""
        self._kpi_rows(freq)
        path = self.processed_dir / kpi_store_file(freq)
        stat = path.stat()
        return _index_file(str(path), stat.st_mtime_ns, stat.st_size)

    def _context(self, freq: str) -> KpiContext:
        freq = _checked_freq(freq)
        if freq not in self._contexts:
            tables = {name: self.table(name) for name in self.table_names}
            self._contexts[freq] = KpiContext(tables, self.config, freq, self.as_of)
        return self._contexts[freq]

    def _known_metrics(self) -> list[str]:
        stored = set(self._kpi_rows("quarter")["metric"].cat.categories)
        return sorted(stored | set(REGISTRY) | set(self.unavailable))

    def _partner_ids(self) -> list[str]:
        if "partners" in self.table_names:
            return self.table("partners")["partner_id"].tolist()
        return sorted(self._kpi_rows("quarter")["partner_id"].dropna().unique())

    def _checked_partners(self, partner, program: bool | None, spec: MetricSpec) -> list[str] | str | None:
        """None for program rows, ``"all"`` for every partner, or the list of ids asked for."""
        if program and partner is not None:
            raise ValueError("program=True gives program-wide rows: leave partner out, or drop program=True")
        if partner is None:
            wanted = "all" if program is False else None
        else:
            wanted = [partner] if isinstance(partner, str) else list(partner)
            known = set(self._partner_ids())
            for pid in wanted:
                if pid not in known:
                    raise NotInStore(_unknown("partner", pid, sorted(known)))
        if wanted is not None and not spec.partner_grain:
            raise ValueError(f"{spec.id} has program-wide rows only (no per-partner rows)")
        return wanted

    def _checked_periods(self, periods, last: int | None, freq: str) -> list[str] | None:
        """The period labels asked for, checked against the build's periods; None for all."""
        available = self.periods(freq)
        if periods is not None and last is not None:
            raise ValueError("give periods or last, not both")
        if last is not None:
            if int(last) < 1:
                raise ValueError(f"last must be at least 1, got {last}")
            return available[-int(last):]
        if periods is None:
            return None
        if isinstance(periods, str):
            periods = (periods, periods)
        if len(periods) != 2:
            raise ValueError(f"periods is one label or (first, last), got {periods!r}")
        first, final = periods
        for label in (first, final):
            label_code(label, freq)  # raises on the wrong form, naming the expected one
            if label not in available:
                raise ValueError(f"period {label!r} is not in this build: its {freq}s run from "
                                 f"{available[0]} to {available[-1]}")
        if first > final:
            raise ValueError(f"periods run from first to last: {first!r} comes after {final!r}")
        return [p for p in available if first <= p <= final]

    def _covered_periods(self, metric: str, freq: str) -> list[str]:
        """The build's periods that every table the metric needs covers (``build.json`` coverage;
        every period for a build that did not record it)."""
        recorded = self.manifest.get("coverage")
        periods = self.periods(freq)
        if recorded is None:
            return periods
        spans = {name: Coverage.from_record(span) for name, span in recorded.items()}
        codes = np.array([label_code(p, freq) for p in periods], dtype=np.int64)
        kept = set(covered_periods(spans, self.spec(metric).requires, codes, freq,
                                   self.config.fiscal_year_start_month).tolist())
        return [p for p, code in zip(periods, codes.tolist()) if code in kept]

    def _in_program_periods(self, partner: str, freq: str) -> list[str]:
        """Labels of the build's periods in which the partner was in the program."""
        partners = self.partners().set_index("partner_id")
        if partner not in partners.index:
            return self.periods(freq)
        fiscal = self.config.fiscal_year_start_month
        joined = partners.at[partner, "joined_at"]
        left = partners.at[partner, "left_at"] if "left_at" in partners.columns else None
        first = int(period_codes(pd.Series([joined]), freq, fiscal)[0])
        last = int(period_codes(pd.Series([left]), freq, fiscal)[0]) if pd.notna(left) else None
        available = self.periods(freq)
        codes = np.array([label_code(p, freq) for p in available])
        inside = (codes >= first) & ((codes <= last) if last is not None else True)
        return list(np.asarray(available, dtype=object)[inside])

    def _span(self, freq: str) -> str:
        periods = self.periods(freq)
        return f"{periods[0]}..{periods[-1]}" if periods else "none"


def _read(path: Path) -> pd.DataFrame:
    """A Parquet file of a build, read once per process while the file stays the same (a report batch
    reads one build many times; a build's files are never changed in place)."""
    stat = path.stat()
    return _read_file(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=16)
def _read_file(path: str, mtime_ns: int, size: int) -> pd.DataFrame:
    return pd.read_parquet(path)


@dataclasses.dataclass(frozen=True)
class _Indexed:
    by_metric: dict[str, pd.DataFrame]
    periods: tuple[str, ...]


@lru_cache(maxsize=16)
def _index_file(path: str, mtime_ns: int, size: int) -> _Indexed:
    rows = _read_file(path, mtime_ns, size)
    by_metric = {str(m): group[_KPI_COLUMNS] for m, group in rows.groupby("metric", observed=True, sort=False)}
    return _Indexed(by_metric, tuple(sorted(rows["period"].unique())))


def _checked_freq(freq: str) -> str:
    if freq not in FREQUENCIES:
        raise ValueError(f"freq must be one of {', '.join(FREQUENCIES)}, got {freq!r}")
    return freq


def _check_attribution(spec: MetricSpec, attribution: str, partner_rows: bool) -> None:
    views = spec.partner_attributions if partner_rows else spec.attributions
    if attribution not in ALL_ATTRIBUTIONS:
        raise ValueError(f"unknown attribution {attribution!r}; views are {', '.join(ALL_ATTRIBUTIONS)}")
    if attribution not in views:
        rows = "partner rows" if partner_rows else "program rows"
        raise ValueError(f"{spec.id} has no {attribution!r} view for {rows}; it has {', '.join(views)}")


def _unpadded(name: str) -> str:
    return re.sub(r"(?<!\d)0+(?=\d)", "", name)


def _unknown(kind: str, name: str, known: Iterable[str]) -> str:
    """``unknown partner 'P0042'; did you mean P00042? ...`` with a few examples of what exists."""
    known = list(known)
    unpadded = {_unpadded(k): k for k in known}  # P0042 -> P00042: the same number, other zero padding
    close = [unpadded[_unpadded(str(name))]] if _unpadded(str(name)) in unpadded else []
    close += [c for c in difflib.get_close_matches(str(name), known, n=3, cutoff=0.6) if c not in close]
    hint = f"; did you mean {', '.join(close)}?" if close else "."
    shown = ", ".join(known[:5]) + (f" ... ({len(known)} in all)" if len(known) > 5 else "")
    return f"unknown {kind} {name!r}{hint} This build has: {shown}"
