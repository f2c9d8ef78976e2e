"""Write the demo dataset to a folder as a user's export would look: CSV (or Parquet at large scale)."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from ..atomic import write_atomic
from .effects import PLANTED_EFFECTS
from .generator import generate_demo_data


def _iso_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Dates as ``2025-03-31`` and datetimes as ``2025-03-31T14:05``, as a CSV export writes them."""
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[column]):
            values = out[column]
            has_time = (values.dropna() != values.dropna().dt.normalize()).any()
            out[column] = values.dt.strftime("%Y-%m-%dT%H:%M" if has_time else "%Y-%m-%d")
    return out


def write_demo_data(out_dir, partners: int = 300, seed: int = 7, scale: str = "small",
                    file_format: str | None = None) -> dict[str, Path]:
    """Write every table (CSV for ``small``, Parquet for ``large``) and ``planted_effects.json``.

    Each file is written atomically; the same arguments give byte-identical files.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    fmt = file_format or ("parquet" if scale == "large" else "csv")
    written = {}
    for name, frame in generate_demo_data(partners, seed, scale).items():
        path = out / f"{name}.{fmt}"
        if fmt == "csv":
            write_atomic(path, lambda tmp, f=_iso_text(frame): f.to_csv(tmp, index=False, lineterminator="\n"))
        else:
            write_atomic(path, lambda tmp, f=frame: f.to_parquet(tmp, index=False))
        written[name] = path
    effects = {**PLANTED_EFFECTS, "generated_with": {"seed": seed, "scale": scale, "partners": partners}}
    path = out / "planted_effects.json"
    write_atomic(path, lambda tmp: Path(tmp).write_text(json.dumps(effects, indent=2) + "\n", encoding="utf-8"))
    written["planted_effects"] = path
    return written
