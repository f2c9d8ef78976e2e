"""From a raw folder to validated tables: find and read the files, apply the mapping, validate.

``subscriptions`` are expanded to monthly ``revenue`` (see :mod:`.subscriptions`).
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..config import Config
from ..errors import InputError
from ..paths import MAPPING_FILE_NAME
from .coverage import latest_date
from .contract import VALIDATION_ORDER
from .loading import find_sources
from .mapping import load_mapping
from .readahead import read_ahead
from .subscriptions import subscriptions_to_revenue
from .validation import ValidatedData, validate_tables


def resolve_mapping(raw_dir: Path, mapping: Path | None):
    """The mapping given, else ``<raw>/mapping.yml`` when present, else none."""
    if mapping is not None:
        if not Path(mapping).exists():
            raise InputError("mapping file not found", file=str(mapping))
        return load_mapping(Path(mapping))
    default = Path(raw_dir) / MAPPING_FILE_NAME
    return load_mapping(default) if default.exists() else None


def load_and_validate(raw_dir: Path, mapping: Path | None = None, lenient: bool = False,
                      config: Config | None = None) -> ValidatedData:
    """Read every table in ``raw_dir`` through the mapping and check it against the contract.

    ``subscriptions`` are expanded to monthly ``revenue`` (see :mod:`partner_analysis.subscriptions`).
    """
    raw_dir = Path(raw_dir)
    if not raw_dir.is_dir():
        raise InputError("input folder not found", file=str(raw_dir))
    mapping = resolve_mapping(raw_dir, mapping)
    files = find_sources(raw_dir, mapping)
    if "subscriptions" in files and "revenue" in files:
        raise InputError("give either revenue or subscriptions, not both", file=str(raw_dir))
    config = config or Config()
    with read_ahead(files, mapping, raw_dir, VALIDATION_ORDER) as sources:  # read while validating
        data = validate_tables(sources, lenient=lenient, timezone=config.timezone)
    if "subscriptions" in data.tables and data.report.ok:
        as_of = pd.Timestamp(config.as_of) if config.as_of else latest_date(data.tables)
        data.tables["revenue"] = subscriptions_to_revenue(data.tables.pop("subscriptions"), as_of)
        data.report.notes.append(
            f"subscriptions expanded to {len(data.tables['revenue']):,} monthly revenue rows (month-end MRR)")
    return data
