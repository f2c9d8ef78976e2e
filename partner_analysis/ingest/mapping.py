"""The YAML mapping that lets a real export be used as it is.

Per table: which file, column renames, value maps, constants, date formats, lookups from
other files, fills for missing values, number formats and conditional clearing. The file is
checked against a typed schema (pydantic): an unknown key or a value of the wrong type is an
error naming the key, so a typo never passes silently. Example (see ``examples/mappings/``)::

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
        numbers: {amount: {thousands: ",", decimal: ".", strip: ["$"]}}
        clear_when: {partner_id: {attribution: direct}}

Order of steps: columns, values, constants, dates, lookups, fill, numbers, clear_when.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import pydantic
import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from .contract import TABLES
from ..config import describe_schema_error
from ..errors import EXAMPLES_SHOWN, DataIssue, InputError
from .readers import read_table_file



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


class _Schema(BaseModel):
    # numbers in YAML (a column named 2024, a value map key 0) are names, i.e. text
    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)


#: Named number formats: (thousands separator, decimal separator).
NUMBER_PRESETS = {"us": (",", "."), "european": (".", ","), "swiss": ("'", "."), "french": (" ", ",")}
#: Blanks that exports put between digit groups: space, no-break space, narrow no-break space.
_GROUP_BLANKS = (" ", "\u00a0", "\u202f")


class NumberFormat(_Schema):
    """How one column writes its numbers: ``"$1,234.50"``, ``1.234,50 €``, ``12.5 %``.

    ``preset`` names separators (``us``, ``european``, ``swiss``, ``french``); ``thousands`` and
    ``decimal`` set or override them; ``strip`` lists currency signs or codes to remove;
    ``percent: true`` reads every value as a percentage (a trailing ``%`` is allowed) and divides
    it by 100. A mapping may also give a preset name alone: ``numbers: {amount: european}``.
    """

    preset: Literal["us", "european", "swiss", "french"] | None = None
    thousands: str | None = Field(default=None, max_length=1)
    decimal: str | None = Field(default=None, min_length=1, max_length=1)
    strip: list[str] = []
    percent: bool = False

    @model_validator(mode="before")
    @classmethod
    def _preset_name(cls, data: Any) -> Any:
        return {"preset": data} if isinstance(data, str) else data

    @model_validator(mode="after")
    def _distinct_separators(self) -> "NumberFormat":
        if self.separators[0] == self.separators[1]:
            raise ValueError(f"thousands and decimal separators must differ (both {self.separators[1]!r})")
        return self

    @property
    def separators(self) -> tuple[str, str]:
        """(thousands, decimal); no thousands separator is ``""``."""
        thousands, decimal = NUMBER_PRESETS.get(self.preset, ("", "."))
        return (thousands if self.thousands is None else self.thousands,
                decimal if self.decimal is None else self.decimal)


class Lookup(_Schema):
    """Take a column's values from another file: ``value`` where its ``key`` equals this table's ``by``.

    ``match`` maps this table's values to the other file's keys first; ``values`` maps the
    found values; ``aggregate`` picks one when a key repeats.
    """

    file: str
    by: str
    key: str
    value: str
    match: dict[str, str] = {}
    values: dict[str, str | None] = {}
    aggregate: Literal["first", "last", "min", "max"] = "first"


class TableMapping(_Schema):
    """How one canonical table is made from one file."""

    file: str | None = None
    sheet: int | str | None = None
    columns: dict[str, str] = {}
    values: dict[str, dict[str, Any]] = {}
    constants: dict[str, Any] = {}
    dates: dict[str, str] = {}
    lookups: dict[str, Lookup] = {}
    fill: dict[str, Any] = {}
    numbers: dict[str, NumberFormat] = {}
    clear_when: dict[str, dict[str, Any]] = {}


class _MappingFile(_Schema):
    tables: dict[str, TableMapping] = {}
    required_tables: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Mapping:
    """A whole mapping file."""

    tables: dict[str, TableMapping]
    source: Path | None = None
    required_tables: tuple[str, ...] | None = None


def _level(loc: tuple) -> type[BaseModel] | None:
    """The schema of the level of a mapping file at ``loc``, to list its keys in a message."""
    if len(loc) == 0:
        return _MappingFile
    if len(loc) == 2 and loc[0] == "tables":
        return TableMapping
    if len(loc) == 4 and loc[2] in ("lookups", "numbers"):
        return Lookup if loc[2] == "lookups" else NumberFormat
    return None


def _messages(errors: list[dict]) -> list[str]:
    """pydantic's errors as lines that name the mapping key and what it should be."""
    unknown: dict[tuple, list[str]] = {}
    missing: dict[tuple, list[str]] = {}
    lines = []
    for e in errors:
        loc = tuple(str(p) for p in e["loc"] if not str(p).startswith("function-"))
        where = ".".join(loc)
        if e["type"] == "extra_forbidden":
            unknown.setdefault(loc[:-1], []).append(loc[-1])
        elif e["type"] == "missing":
            missing.setdefault(loc[:-1], []).append(loc[-1])
        elif e["type"] in ("dict_type", "model_type", "model_attributes_type"):
            lines.append(f"{where} must be a mapping of name: value")
        elif e["type"] == "literal_error":
            choices = sorted(re.findall(r"'([^']*)'", e["ctx"]["expected"]))
            lines.append(f"{where} must be one of {choices}")
        else:
            lines.append(describe_schema_error(e))
    for parent, keys in unknown.items():
        level = _level(parent)
        allowed = f"; allowed: {sorted(level.model_fields)}" if level else ""
        lines.append(f"unknown key(s) {sorted(keys)} in {'.'.join(parent) or 'the mapping'}{allowed}")
    lines += [f"{'.'.join(parent)} needs {', '.join(keys)}" for parent, keys in missing.items()]
    return lines


def load_mapping(path: Path) -> Mapping:
    """Read and check a mapping file against its typed schema.

    Raises
    ------
    InputError
        Not YAML, unknown tables or keys, a value of the wrong type (the message names the key
        and what was expected), a bad lookup, aggregate or number format.
    """
    path = Path(path)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Yaml12Loader) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InputError(f"not a valid YAML mapping: {exc}", file=str(path)) from exc
    if not isinstance(data, dict):
        raise InputError("a mapping file holds `tables:` with one entry per table", file=str(path))
    tables = data.get("tables")
    if isinstance(tables, dict):
        for name in map(str, tables):
            if name not in TABLES:
                raise InputError(f"unknown table {name!r}; tables are {', '.join(TABLES)}", file=str(path))
    required = data.get("required_tables")
    if isinstance(required, list):
        unknown = [t for t in required if t not in TABLES]
        if unknown:
            raise InputError(f"required_tables names unknown table(s) {unknown}", file=str(path))
    try:
        parsed = _MappingFile.model_validate(data)
    except pydantic.ValidationError as exc:
        raise InputError("\n".join(_messages(exc.errors())), file=str(path)) from exc
    return Mapping(parsed.tables, path, parsed.required_tables)


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


def read_numbers(values: pd.Series, number_format: NumberFormat) -> pd.Series:
    """Numbers written as text in ``number_format`` (``"$1,234.50"``, ``"1.234,50"``, ``"12,5 %"``)
    as floats; numbers that are already numbers pass as they are.

    A text that does not fit the format (a thousands separator out of place, as in ``1,23``, or
    stray characters) is left as it is, so validation reports it with its row and value.
    """
    text = values.where(values.map(type) == str) if values.dtype == object else values
    if not (pd.api.types.is_string_dtype(text) or text.dtype == object) or text.notna().sum() == 0:
        return values
    thousands, decimal = number_format.separators
    cleaned = text.astype("str").str.strip()
    for token in number_format.strip:
        cleaned = cleaned.str.replace(token, "", regex=False)
    if number_format.percent:
        cleaned = cleaned.str.strip().str.removesuffix("%")
    cleaned = cleaned.str.strip()
    group = "|".join(map(re.escape, _GROUP_BLANKS if thousands == " " else (thousands,))) if thousands else None
    digits = rf"\d{{1,3}}(?:(?:{group})\d{{3}})+|\d+" if group else r"\d+"
    fits = cleaned.str.fullmatch(rf"[+-]?(?:(?:{digits})(?:{re.escape(decimal)}\d*)?|{re.escape(decimal)}\d+)")
    fits = fits.fillna(False).astype(bool).to_numpy() & text.notna().to_numpy()
    plain = cleaned.str.replace(group, "", regex=True) if group else cleaned
    number = pd.to_numeric(plain.str.replace(decimal, ".", regex=False).where(fits), errors="coerce")
    if number_format.percent:
        number = number / 100
    out = values.astype(object).copy()
    out[fits] = number[fits].to_numpy()
    return out


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
    for column, number_format in spec.numbers.items():
        _require_columns(out, [column], file, f"numbers.{column}")
        out[column] = read_numbers(out[column], number_format)
    for column, condition in spec.clear_when.items():
        hit = np.zeros(len(out), bool)
        for other, values in condition.items():
            _require_columns(out, [other], file, f"clear_when.{column}")
            wanted = values if isinstance(values, list) else [values]
            hit |= out[other].astype("str").isin([str(v) for v in wanted]).to_numpy()
        out.loc[hit, column] = None
    return out
