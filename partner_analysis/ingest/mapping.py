"""The YAML mapping that lets a real export be used as it is.

Per table: which file, column renames, value maps, constants, date formats, lookups from
other files, fills for missing values and conditional clearing. Unknown keys are errors, so a
typo never passes silently. Example (see ``examples/mappings/`` for complete ones)::

    tables:
      deals:
        file: sales_pipeline.csv
        columns: {deal_id: opportunity_id, stage: deal_stage, created_at: engage_date}
        values: {stage: {Won: won, Lost: lost, Engaging: open}}
        constants: {attribution: sourced}
        dates: {created_at: "%Y-%m-%d"}
        lookups:
          amount: {file: products.csv, by: product, key: product, value: sales_price,
                   match: {GTXPro: GTX Pro}}
        fill: {region: unknown}
        clear_when: {partner_id: {attribution: direct}}

Order of steps: columns, values, constants, dates, lookups, fill, clear_when.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from .contract import TABLES
from ..errors import EXAMPLES_SHOWN, DataIssue, InputError
from .readers import read_table_file

_TABLE_KEYS = {"file", "sheet", "columns", "values", "constants", "dates", "lookups", "fill", "clear_when"}
_LOOKUP_KEYS = {"file", "by", "key", "value", "match", "values", "aggregate"}
_AGGREGATES = {"first", "last", "min", "max"}
_TOP_KEYS = {"tables", "required_tables"}


class _Yaml12Loader(yaml.SafeLoader):
    """YAML with the 1.2 booleans only: ``Yes``, ``No``, ``On``, ``Off`` stay text, so that a value
    map like ``{Yes: won}`` matches the text ``Yes`` in an export."""


_Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


class MappingError(InputError):
    """Values that the mapping could not convert (e.g. dates not in the stated format)."""

    def __init__(self, issues: list[DataIssue]):
        self.issues = issues
        super().__init__("\n".join(i.render() for i in issues))


@dataclass(frozen=True)
class Lookup:
    """Take a column's values from another file: ``value`` where its ``key`` equals this table's ``by``.

    ``match`` maps this table's values to the other file's keys first; ``values`` maps the
    found values; ``aggregate`` picks one when a key repeats.
    """

    file: str
    by: str
    key: str
    value: str
    match: dict[str, str] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)
    aggregate: str = "first"


@dataclass(frozen=True)
class TableMapping:
    """How one canonical table is made from one file."""

    file: str | None = None
    sheet: str | int | None = None
    columns: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, Any]] = field(default_factory=dict)
    constants: dict[str, Any] = field(default_factory=dict)
    dates: dict[str, str] = field(default_factory=dict)
    lookups: dict[str, Lookup] = field(default_factory=dict)
    fill: dict[str, Any] = field(default_factory=dict)
    clear_when: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class Mapping:
    """A whole mapping file."""

    tables: dict[str, TableMapping]
    source: Path | None = None
    required_tables: tuple[str, ...] | None = None


def _check_keys(given: dict, allowed: set[str], where: str, path: Path) -> None:
    unknown = sorted(set(given) - allowed)
    if unknown:
        raise InputError(f"unknown key(s) {unknown} in {where}; allowed: {sorted(allowed)}", file=str(path))


def _as_str_map(value: Any, where: str, path: Path) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InputError(f"{where} must be a mapping of name: value", file=str(path))
    return {str(k): v for k, v in value.items()}


def load_mapping(path: Path) -> Mapping:
    """Read and check a mapping file.

    Raises
    ------
    InputError
        Not YAML, unknown tables or keys, bad lookup or aggregate.
    """
    path = Path(path)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Yaml12Loader) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InputError(f"not a valid YAML mapping: {exc}", file=str(path)) from exc
    if not isinstance(data, dict):
        raise InputError("a mapping file holds `tables:` with one entry per table", file=str(path))
    _check_keys(data, _TOP_KEYS, "the mapping", path)
    tables = {}
    for name, spec in (_as_str_map(data.get("tables"), "tables", path)).items():
        if name not in TABLES:
            raise InputError(f"unknown table {name!r}; tables are {', '.join(TABLES)}", file=str(path))
        spec = _as_str_map(spec, f"tables.{name}", path)
        _check_keys(spec, _TABLE_KEYS, f"tables.{name}", path)
        lookups = {}
        for column, lk in _as_str_map(spec.get("lookups"), f"tables.{name}.lookups", path).items():
            lk = _as_str_map(lk, f"tables.{name}.lookups.{column}", path)
            _check_keys(lk, _LOOKUP_KEYS, f"tables.{name}.lookups.{column}", path)
            missing = [k for k in ("file", "by", "key", "value") if k not in lk]
            if missing:
                raise InputError(f"tables.{name}.lookups.{column} needs {', '.join(missing)}", file=str(path))
            if lk.get("aggregate", "first") not in _AGGREGATES:
                raise InputError(f"tables.{name}.lookups.{column}.aggregate must be one of {sorted(_AGGREGATES)}",
                                 file=str(path))
            lookups[column] = Lookup(**{k: ({str(a): (None if b is None else str(b)) for a, b in v.items()}
                                            if isinstance(v, dict) else v) for k, v in lk.items()})
        tables[name] = TableMapping(
            file=spec.get("file"), sheet=spec.get("sheet"),
            columns={k: str(v) for k, v in _as_str_map(spec.get("columns"), f"tables.{name}.columns", path).items()},
            values={k: _as_str_map(v, f"tables.{name}.values.{k}", path)
                    for k, v in _as_str_map(spec.get("values"), f"tables.{name}.values", path).items()},
            constants=_as_str_map(spec.get("constants"), f"tables.{name}.constants", path),
            dates={k: str(v) for k, v in _as_str_map(spec.get("dates"), f"tables.{name}.dates", path).items()},
            lookups=lookups,
            fill=_as_str_map(spec.get("fill"), f"tables.{name}.fill", path),
            clear_when={k: _as_str_map(v, f"tables.{name}.clear_when.{k}", path)
                        for k, v in _as_str_map(spec.get("clear_when"), f"tables.{name}.clear_when", path).items()},
        )
    required = data.get("required_tables")
    if required is not None:
        unknown = [t for t in required if t not in TABLES]
        if unknown:
            raise InputError(f"required_tables names unknown table(s) {unknown}", file=str(path))
        required = tuple(required)
    return Mapping(tables, path, required)


def _require_columns(frame: pd.DataFrame, needed: list[str], file: Path, what: str) -> None:
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise InputError(f"{what} names column(s) {', '.join(missing)} that the file does not have; "
                         f"its columns are: {', '.join(map(str, frame.columns))}", file=str(file))


def _map_values(series: pd.Series, table: dict[str, Any]) -> pd.Series:
    """Map values by the table; a value mapped to null becomes missing; others pass through or take ``_default``."""
    pairs = {k: v for k, v in table.items() if k != "_default"}
    as_text = series.astype("str").where(series.notna())
    listed = as_text.isin(list(pairs)).to_numpy()
    unlisted = series.notna().to_numpy() & ~listed
    out = series.astype(object).copy()
    out[listed] = as_text[listed].map(pairs).to_numpy()
    if "_default" in table:  # `_default: null` clears every value not listed
        out[unlisted] = table["_default"]
    return out


def _parse_dates(frame: pd.DataFrame, column: str, fmt: str, table: str, file: Path) -> tuple[pd.Series, DataIssue | None]:
    raw = frame[column]
    text = raw.astype("str").str.strip().where(raw.notna())
    parsed = pd.to_datetime(text, format=fmt, errors="coerce")
    bad = (text.notna() & (text != "") & parsed.isna()).to_numpy()
    if not bad.any():
        return parsed, None
    rows = np.flatnonzero(bad)[:EXAMPLES_SHOWN]
    issue = DataIssue(table, file.name, column, f"a date in the format {fmt!r} (mapping)", int(bad.sum()),
                      tuple(int(r) + 1 for r in rows), tuple(raw.iloc[rows].tolist()))
    return parsed, issue


def _lookup(frame: pd.DataFrame, column: str, spec: Lookup, raw_dir: Path, file: Path) -> pd.Series:
    other_path = raw_dir / spec.file
    if not other_path.is_file():
        raise InputError(f"lookup for {column!r} names {spec.file!r}, which is not there", file=str(raw_dir))
    other = read_table_file(other_path)
    _require_columns(other, [spec.key, spec.value], other_path, f"the lookup for {column!r}")
    _require_columns(frame, [spec.by], file, f"the lookup for {column!r} (by)")
    other = other.dropna(subset=[spec.key])
    agg = other.groupby(other[spec.key].astype("str"))[spec.value]
    table = getattr(agg, spec.aggregate)()
    if spec.values:
        table = _map_values(table, spec.values)
    keys = frame[spec.by].astype("str").where(frame[spec.by].notna())
    if spec.match:
        keys = keys.map(lambda k: spec.match.get(k, k) if isinstance(k, str) else k)
    return keys.map(table)


def apply_mapping(table: str, frame: pd.DataFrame, spec: TableMapping, file: Path, raw_dir: Path) -> pd.DataFrame:
    """Turn one file's frame into the canonical table the mapping describes.

    Columns the mapping does not mention pass through unchanged.

    Raises
    ------
    InputError
        The mapping names a column the file (or a lookup file) does not have.
    MappingError
        Values not in a stated date format (names file, column, rows and the format).
    """
    _require_columns(frame, list(spec.columns.values()), file, "the mapping")
    renamed = {canonical: frame[source] for canonical, source in spec.columns.items()}
    sources = set(spec.columns.values())
    out = frame.drop(columns=[c for c in sources if c not in spec.columns]).assign(**renamed)
    for column, table_map in spec.values.items():
        _require_columns(out, [column], file, f"values.{column}")
        out[column] = _map_values(out[column], table_map)
    for column, value in spec.constants.items():
        out[column] = value
    issues = []
    for column, fmt in spec.dates.items():
        _require_columns(out, [column], file, f"dates.{column}")
        out[column], issue = _parse_dates(out, column, fmt, table, file)
        if issue:
            issues.append(issue)
    if issues:
        raise MappingError(issues)
    for column, lookup in spec.lookups.items():
        found = _lookup(out, column, lookup, raw_dir, file)
        out[column] = out[column].where(out[column].notna(), found) if column in out.columns else found
    for column, value in spec.fill.items():
        out[column] = out[column].astype(object).fillna(value) if column in out.columns else value
    for column, condition in spec.clear_when.items():
        hit = np.zeros(len(out), bool)
        for other, values in condition.items():
            _require_columns(out, [other], file, f"clear_when.{column}")
            wanted = values if isinstance(values, list) else [values]
            hit |= out[other].astype("str").isin([str(v) for v in wanted]).to_numpy()
        out.loc[hit, column] = None
    return out
