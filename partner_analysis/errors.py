"""Error and issue types shared by loading, mapping and validation.

Every problem with the input is described by a :class:`DataIssue` that names the file, the
table, the column, how many rows are affected, the first few of them and what was expected,
so that an analyst can fix the export without reading code.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: How many offending rows an issue quotes.
EXAMPLES_SHOWN = 5


@dataclass(frozen=True)
class DataIssue:
    """One problem found in one column (or one rule) of one input file.

    ``rows`` are 1-based data-row numbers: row 1 is the first row after the header.
    """

    table: str
    file: str
    column: str | None
    expected: str
    n_rows: int = 0
    rows: tuple[int, ...] = ()
    values: tuple[Any, ...] = ()

    def render(self) -> str:
        """Human-readable, one issue per paragraph."""
        where = f"{self.file}" + (f", column '{self.column}'" if self.column else "")
        if self.n_rows == 0:
            return f"{where}: expected {self.expected}"
        head = f"{where}: {self.n_rows} row{'s' if self.n_rows != 1 else ''} - expected {self.expected}"
        shown = ", ".join(
            f"row {r} ({v!r})" if v is not None else f"row {r}" for r, v in zip(self.rows, self.values)
        )
        more = f" and {self.n_rows - len(self.rows)} more" if self.n_rows > len(self.rows) else ""
        return f"{head}\n    {shown}{more}"


@dataclass
class ValidationReport:
    """All issues found in one input directory, plus row accounting."""

    issues: list[DataIssue] = field(default_factory=list)
    rows_in: dict[str, int] = field(default_factory=dict)
    rows_kept: dict[str, int] = field(default_factory=dict)
    rows_rejected: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.issues

    def render(self) -> str:
        """The report shown by ``partner-analysis validate``."""
        lines: list[str] = []
        for table in self.rows_in:
            kept = self.rows_kept.get(table, self.rows_in[table])
            rejected = self.rows_rejected.get(table, 0)
            lines.append(f"  {table:<20} rows in {self.rows_in[table]:>10,}   kept {kept:>10,}   rejected {rejected:>8,}")
        body = "\n".join(lines)
        if self.ok:
            head = "Input is valid."
        else:
            head = f"Input has {len(self.issues)} problem{'s' if len(self.issues) != 1 else ''}:"
            body = "\n".join(f"- {i.render()}" for i in self.issues) + "\n\nTables:\n" + body
        notes = "".join(f"\nnote: {n}" for n in self.notes)
        return f"{head}\n{body}{notes}"


class InputError(Exception):
    """The input cannot be read at all (missing file, not a table, bad encoding, bad mapping)."""

    def __init__(self, message: str, *, file: str | None = None):
        self.file = file
        super().__init__(f"{file}: {message}" if file else message)


class ValidationError(Exception):
    """The input was read but breaks the data contract; carries the full report."""

    def __init__(self, report: ValidationReport):
        self.report = report
        super().__init__(report.render())


class NotInStore(KeyError):
    """A query names something the build does not hold (a metric, partner or table); the message
    says what exists."""

    def __str__(self) -> str:  # KeyError would quote the whole message
        return str(self.args[0]) if self.args else ""


class BuildLocked(Exception):
    """Another build is writing into the same processed folder (one writer at a time)."""

    def __init__(self, folder: str, holder: str, waited: float):
        self.folder = folder
        self.holder = holder
        waited_text = f" after waiting {waited:g} s" if waited > 0 else ""
        super().__init__(f"{folder}: another build is writing here ({holder}){waited_text}; "
                         "let it finish, or pass --wait SECONDS to wait for it")
