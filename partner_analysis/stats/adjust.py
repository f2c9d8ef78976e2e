"""Design matrices for adjusted comparisons: group indicators plus dummies of the dimensions the
data has, so that a partner-vs-direct effect is estimated within comparable mix.

One rule for which dimensions are used: a dimension enters when it has at least two levels among
the rows analysed; a level with fewer than :data:`MIN_LEVEL_ROWS` rows is pooled into ``(other)``
(a handful of rows cannot anchor a coefficient); a missing value is its own level ``(missing)``
(rows are never dropped for it); a dimension that would make the design rank-deficient (it is
confounded with the groups or with another dimension) is left out, and the notes say so.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

#: Rows a level needs to get its own coefficient.
MIN_LEVEL_ROWS = 20
OTHER, MISSING = "(other)", "(missing)"


@dataclass(frozen=True)
class Design:
    """A design matrix and what went into it; ``cells`` numbers the distinct rows of ``exog``."""

    exog: np.ndarray
    names: tuple[str, ...]
    adjusted_for: tuple[str, ...]
    notes: tuple[str, ...]
    cells: np.ndarray

    def column(self, name: str) -> int:
        """Position of a named column (a group indicator)."""
        return self.names.index(name)


def _codes(values: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Integer level codes with ``(missing)`` as a level of its own, and the level labels."""
    categorical = values if isinstance(values.dtype, pd.CategoricalDtype) else values.astype("category")
    codes = categorical.cat.codes.to_numpy().astype(np.int64)
    labels = [str(c) for c in categorical.cat.categories]
    if (codes < 0).any():
        codes = np.where(codes < 0, len(labels), codes)
        labels.append(MISSING)
    return codes, labels


def _pooled(codes: np.ndarray, labels: list[str]) -> tuple[np.ndarray, list[str], int]:
    """Levels with fewer than :data:`MIN_LEVEL_ROWS` rows merged into ``(other)``; present levels only."""
    counts = np.bincount(codes, minlength=len(labels))
    rare = (counts > 0) & (counts < MIN_LEVEL_ROWS)
    kept = np.flatnonzero(counts >= MIN_LEVEL_ROWS)
    new_labels = [labels[k] for k in kept] + ([OTHER] if rare.any() else [])
    remap = np.full(len(labels), len(kept), dtype=np.int64)
    remap[kept] = np.arange(len(kept))
    return remap[codes], new_labels, int(counts[rare].sum())


def design(frame: pd.DataFrame, indicators: dict[str, np.ndarray], dimensions: tuple[str, ...],
           constant: bool = True) -> Design:
    """Group indicators (and a constant) plus dummies of each usable dimension of ``frame``.

    Parameters
    ----------
    frame : DataFrame
        The rows analysed, with the dimension columns.
    indicators : dict
        Column name -> boolean array (a group's rows); the baseline is the rows where all are False.
    dimensions : tuple of str
        Candidate dimensions, in order; those absent from ``frame`` are skipped.
    constant : bool
        Include an intercept (not for Cox models).
    """
    n = len(frame)
    columns = ([np.ones(n)] if constant else []) + [np.asarray(v, dtype="float64") for v in indicators.values()]
    names = (["const"] if constant else []) + list(indicators)
    cells = np.zeros(n, dtype=np.int64)
    for flag in indicators.values():
        cells = cells * 2 + np.asarray(flag, dtype=np.int64)
    candidates = []
    for dim in dimensions:
        if dim not in frame.columns:
            continue
        codes, labels, pooled = _pooled(*_codes(frame[dim]))
        if len(labels) < 2:
            continue
        reference = int(np.argmax(np.bincount(codes, minlength=len(labels))))
        keep = [k for k in range(len(labels)) if k != reference]
        candidates.append((dim, codes, len(labels), [codes == k for k in keep],
                           [f"{dim}[{labels[k]}]" for k in keep], pooled))
    exog = np.column_stack(columns + [col for c in candidates for col in c[3]]) if candidates else np.column_stack(columns)
    gram = exog.T @ exog
    tol = 1e-8 * max(1.0, float(np.abs(gram).max()))
    chosen = list(range(len(columns)))
    used, notes = [], []
    position = len(columns)
    for dim, codes, n_levels, block, block_names, pooled in candidates:
        span = list(range(position, position + len(block)))
        position += len(block)
        trial = chosen + span
        if np.linalg.matrix_rank(gram[np.ix_(trial, trial)], tol=tol) < len(trial):
            notes.append(f"{dim} left out: confounded with the groups or another dimension")
            continue
        chosen = trial
        names += block_names
        used.append(dim)
        cells = cells * n_levels + codes
        if pooled:
            notes.append(f"{dim}: {pooled:,} rows of levels with fewer than {MIN_LEVEL_ROWS} rows pooled as {OTHER}")
    if len(chosen) < exog.shape[1]:
        exog = exog[:, chosen]
    return Design(exog, tuple(names), tuple(used), tuple(notes), cells)
