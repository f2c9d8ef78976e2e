"""Read what ``build`` wrote: validated tables and the KPI store, as tidy DataFrames for notebooks."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from .errors import InputError
from .paths import MANIFEST, PROCESSED_DIR, attribution_store_file, kpi_store_file


class KpiStore:
    """The processed data of one build.

    Examples
    --------
    >>> store = KpiStore("data/processed")                       # doctest: +SKIP
    >>> store.kpi("win_rate", partner="P0001", periods=("2024Q1", "2025Q4"))  # doctest: +SKIP
    """

    def __init__(self, processed_dir: Path | str = PROCESSED_DIR):
        self.processed_dir = Path(processed_dir)
        manifest = self.processed_dir / MANIFEST
        if not manifest.exists():
            raise InputError("no build found here; run `partner-analysis build` first", file=str(self.processed_dir))
        self.manifest = json.loads(manifest.read_text(encoding="utf-8"))
        self._kpis: dict[str, pd.DataFrame] = {}

    @property
    def as_of(self) -> pd.Timestamp:
        return pd.Timestamp(self.manifest["as_of"])

    @property
    def unavailable(self) -> dict[str, str]:
        """Metric id -> why it could not be computed (a table it needs is missing)."""
        return dict(self.manifest.get("unavailable_metrics", {}))

    def table(self, name: str) -> pd.DataFrame:
        """A validated input table."""
        path = self.processed_dir / f"{name}.parquet"
        if not path.exists():
            raise InputError(f"table {name!r} is not in this build", file=str(self.processed_dir))
        return pd.read_parquet(path)

    def kpis(self, freq: str = "quarter") -> pd.DataFrame:
        """The whole KPI table (long format) for ``quarter`` or ``month`` periods."""
        if freq not in self._kpis:
            path = self.processed_dir / kpi_store_file(freq)
            if not path.exists():
                raise InputError(f"no {freq} KPI store in this build", file=str(self.processed_dir))
            self._kpis[freq] = pd.read_parquet(path)
        return self._kpis[freq]

    def attribution(self, freq: str = "quarter") -> pd.DataFrame:
        """Credited won partner revenue per period and partner, one column per attribution model."""
        path = self.processed_dir / attribution_store_file(freq)
        if not path.exists():
            raise InputError(f"no {freq} attribution table in this build", file=str(self.processed_dir))
        return pd.read_parquet(path)

    def kpi(self, metric: str, partner: str | None = None, periods: tuple[str, str] | None = None,
            attribution: str | None = "all", freq: str = "quarter", program: bool | None = None) -> pd.DataFrame:
        """Rows of one metric, filtered.

        Parameters
        ----------
        metric : str
            Metric id.
        partner : str, optional
            Only this partner's rows.
        periods : (str, str), optional
            Inclusive first and last period label, e.g. ``("2024Q1", "2025Q4")``.
        attribution : str or None
            One attribution view; None keeps all.
        freq : str
            ``quarter`` or ``month``.
        program : bool, optional
            True keeps only program-wide rows, False only partner rows.
        """
        rows = self.kpis(freq)
        if metric in self.unavailable:
            raise LookupError(f"{metric} is unavailable: {self.unavailable[metric]}")
        sel = rows["metric"] == metric
        if not sel.any() and metric not in set(rows["metric"].cat.categories):
            raise KeyError(f"unknown metric {metric!r}")
        if partner is not None:
            sel &= rows["partner_id"] == partner
        if program is not None:
            sel &= rows["partner_id"].isna() if program else rows["partner_id"].notna()
        if periods is not None:
            sel &= (rows["period"] >= periods[0]) & (rows["period"] <= periods[1])
        if attribution is not None:
            sel &= rows["attribution"] == attribution
        return rows[sel].reset_index(drop=True)
