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
from functools import cached_property

import numpy as np
import pandas as pd
from scipy import sparse

from ..codes import combined_codes

#: Rows a level needs to get its own coefficient.
MIN_LEVEL_ROWS = 20
OTHER, MISSING = "(other)", "(missing)"


@dataclass(frozen=True)
class Design:
    """A design matrix kept as its distinct rows, and what went into it.

    ``rows`` holds each distinct row once (in the lexicographic order of the groups' and dimensions'
    levels), ``index`` says which row each observation is and ``counts`` how many observations each row
    has; ``exog`` is the whole matrix, one row per observation.
    """

    rows: np.ndarray
    index: np.ndarray
    counts: np.ndarray
    names: tuple[str, ...]
    adjusted_for: tuple[str, ...]
    notes: tuple[str, ...]

    @cached_property
    def exog(self) -> np.ndarray:
        """The design matrix, one row per observation."""
        return self.rows[self.index]

    def column(self, name: str) -> int:
        """Position of a named column (a group indicator)."""
        return self.names.index(name)

    def sums(self, values: np.ndarray) -> np.ndarray:
        """Sum of ``values`` over the observations of each distinct row."""
        return np.bincount(self.index, weights=values, minlength=len(self.counts))

    def cluster_scores(self, residuals: np.ndarray, clusters: np.ndarray) -> np.ndarray:
        """Per-cluster sums of the scores ``x_i * residual_i`` (clusters x columns): the (cluster x distinct
        row) sums of the residuals times the distinct rows."""
        _, cluster = np.unique(clusters, return_inverse=True)
        cluster = cluster.ravel()
        by_row = sparse.csr_matrix((residuals, (cluster, self.index)), shape=(cluster.max() + 1, len(self.counts)))
        return np.asarray(by_row @ self.rows)


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


def _columns(flags: list[np.ndarray], candidates: list, constant: bool) -> list[np.ndarray]:
    """Columns of the design on the given rows: constant, group indicators, then each dimension's dummies."""
    n = len(flags[0]) if flags else len(candidates[0][1])
    return ([np.ones(n)] if constant else []) + [flag.astype("float64") for flag in flags] + [
        (codes == k).astype("float64") for _, codes, _, keep, _, _ in candidates for k in keep]


def design(frame: pd.DataFrame, indicators: dict[str, np.ndarray], dimensions: tuple[str, ...],
           constant: bool = True) -> Design:
    """Group indicators (and a constant) plus dummies of each usable dimension of ``frame``.

    The matrix is built on the distinct combinations of group and levels only (a few thousand however
    many rows there are); its cross-product, which decides the dimensions that can enter, is their
    count-weighted sum (exact: sums of whole numbers).

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
    flags = [np.asarray(v, dtype=bool) for v in indicators.values()]
    names = (["const"] if constant else []) + list(indicators)
    candidates = []
    for dim in dimensions:
        if dim not in frame.columns:
            continue
        codes, labels, pooled = _pooled(*_codes(frame[dim]))
        if len(labels) < 2:
            continue
        reference = int(np.argmax(np.bincount(codes, minlength=len(labels))))
        keep = [k for k in range(len(labels)) if k != reference]
        candidates.append((dim, codes, len(labels), keep, [f"{dim}[{labels[k]}]" for k in keep], pooled))

    def distinct_rows(chosen: list) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The design's distinct rows with the chosen dimensions, each observation's row, the rows' counts."""
        parts = [(flag.astype(np.int64), 2) for flag in flags] + [(c[1], c[2]) for c in chosen]
        _, first, index, counts = np.unique(combined_codes(parts, n), return_index=True, return_inverse=True,
                                            return_counts=True)
        rows = np.column_stack(_columns([f[first] for f in flags], [(c[0], c[1][first], *c[2:]) for c in chosen],
                                        constant))
        return rows, index.ravel(), counts.astype("float64")

    exog, index, counts = distinct_rows(candidates)
    gram = (exog * counts[:, None]).T @ exog
    tol = 1e-8 * max(1.0, float(np.abs(gram).max()))
    chosen = list(range(len(names)))
    used, kept, notes = [], [], []
    position = len(names)
    for candidate in candidates:
        dim, codes, n_levels, keep, block_names, pooled = candidate
        span = list(range(position, position + len(keep)))
        position += len(keep)
        trial = chosen + span
        if np.linalg.matrix_rank(gram[np.ix_(trial, trial)], tol=tol) < len(trial):
            notes.append(f"{dim} left out: confounded with the groups or another dimension")
            continue
        chosen = trial
        names += block_names
        used.append(dim)
        kept.append(candidate)
        if pooled:
            notes.append(f"{dim}: {pooled:,} rows of levels with fewer than {MIN_LEVEL_ROWS} rows pooled as {OTHER}")
    if len(kept) < len(candidates):
        exog, index, counts = distinct_rows(kept)
    return Design(exog, index, counts, tuple(names), tuple(used), tuple(notes))
