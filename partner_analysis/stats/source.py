"""Where an analysis gets its data: the validated tables, the settings, the as-of date and KPI rows,
either from a build (``KpiStore``) or from tables in memory (tests, notebooks)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..config import Config
from ..ingest.contract import TABLES
from ..ingest.coverage import latest_date
from ..kpis import compute_kpis
from ..store import KpiStore


@dataclass
class StatsSource:
    """Validated tables, settings, the as-of date and the KPI rows an analysis reads.

    Build one with :meth:`from_store` (a processed folder) or :meth:`from_tables` (validated tables
    in memory). Tables and KPI rows are read once and cached.
    """

    config: Config
    as_of: pd.Timestamp
    _store: KpiStore | None = field(default=None, repr=False)
    _tables: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)
    _kpis: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)

    @classmethod
    def from_store(cls, store: KpiStore, config: Config | None = None) -> "StatsSource":
        """A build's data. Without ``config``, the settings the build ran with (fiscal calendar, tiers...)."""
        return cls(config=config or store.config, as_of=store.as_of, _store=store)

    @classmethod
    def from_tables(cls, tables: dict[str, pd.DataFrame], config: Config | None = None,
                    as_of: pd.Timestamp | str | None = None) -> "StatsSource":
        """Validated tables in memory (see :func:`partner_analysis.validate_tables`); ``as_of`` defaults
        to the settings' date, else the latest date in the data, as in the KPI engine."""
        config = config or Config()
        if as_of is None:
            as_of = config.as_of or latest_date(tables)
        return cls(config=config, as_of=pd.Timestamp(as_of), _tables=dict(tables))

    def has(self, name: str) -> bool:
        """Whether the data holds table ``name``."""
        if name in self._tables:
            return True
        if self._store is None or name not in self._store.table_names:
            return False
        self._tables[name] = self._store.table(name)
        return True

    def table(self, name: str) -> pd.DataFrame:
        """A validated table.

        Raises
        ------
        LookupError
            The data has no such table.
        """
        if name not in TABLES:
            raise KeyError(f"unknown table {name!r}")
        if not self.has(name):
            raise LookupError(f"the data has no {name} table")
        return self._tables[name]

    def kpis(self, metrics: list[str], freq: str = "quarter") -> pd.DataFrame:
        """KPI rows of ``metrics`` (the build's store, or computed on the tables in memory)."""
        if self._store is not None:
            rows = self._store.kpis(freq)
            return rows[rows["metric"].isin(metrics)].reset_index(drop=True)
        key = f"{freq}:{','.join(sorted(metrics))}"
        if key not in self._kpis:
            self._kpis[key] = compute_kpis(self._tables, self.config, freq, metrics=list(metrics), as_of=self.as_of).rows
        return self._kpis[key]


def as_source(data: "StatsSource | KpiStore | Path | str | dict[str, pd.DataFrame]",
              config: Config | None = None) -> StatsSource:
    """What every analysis accepts: a :class:`StatsSource`, a :class:`KpiStore`, a processed folder,
    or a dict of validated tables."""
    if isinstance(data, StatsSource):
        return data
    if isinstance(data, KpiStore):
        return StatsSource.from_store(data, config)
    if isinstance(data, (str, Path)):
        return StatsSource.from_store(KpiStore(data), config)
    if isinstance(data, dict):
        return StatsSource.from_tables(data, config)
    raise TypeError(f"expected a KpiStore, a processed folder or a dict of tables, got {type(data).__name__}")
