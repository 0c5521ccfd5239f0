"""The rows of one sheet as read (:class:`Sheet`) and cells that hold a spreadsheet error (:class:`CellError`)."""

from __future__ import annotations

import dataclasses

EXCEL_ERRORS = ("#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!",
                "#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#UNKNOWN!", "#CONNECT!", "#BUSY!")
"""The error values Excel and LibreOffice show in a cell whose formula failed."""

_ERROR_KEYS = {e.lower(): e for e in EXCEL_ERRORS} | {"#n/a!": "#N/A", "#na": "#N/A", "#div/0": "#DIV/0!",
                                                       "#value": "#VALUE!", "#ref": "#REF!", "#name": "#NAME?"}


@dataclasses.dataclass(frozen=True)
class CellError:
    """A cell that holds no value: an Excel error (``#N/A``) or a formula saved without its result.

    Attributes
    ----------
    code : str
        The error as Excel shows it (``"#DIV/0!"``), or ``""`` for a formula without a saved value.
    formula : str
        The cell's formula (``"=VLOOKUP(B2,Data!A:C,3,0)"``) when known, else ``""``.
    """

    code: str
    formula: str = ""

    def __str__(self) -> str:
        return self.code or (self.formula or "=?")

    def describe(self) -> str:
        """What the cell holds and what to do, for a rejection message."""
        if self.code:
            shown = f" (formula {self.formula})" if self.formula else ""
            return (f"the cell holds the spreadsheet error {self.code}{shown}, not a value; fix the formula or type "
                    "the value")
        return (f"the cell holds a formula ({self.formula or 'unknown'}) saved without its result; open the file "
                "in Excel or LibreOffice, let it calculate, save it, and import again (or type the value)")


def as_cell_error(text: str) -> CellError | None:
    """A :class:`CellError` when ``text`` is an Excel error value as exported to CSV (``"#N/A"``), else None."""
    if not text or text[0] != "#" or len(text) > 16:
        return None
    code = _ERROR_KEYS.get(text.strip().lower())
    return CellError(code) if code else None


@dataclasses.dataclass
class Sheet:
    """The rows of one sheet (or of a CSV file) as read, with its label for messages.

    Attributes
    ----------
    label : str
        ``"file.xlsx"`` or ``"file.xlsx!Sheet"``, used in every message.
    rows : list of list
        ``rows[i]`` is spreadsheet row ``i + 1``, a list of cell values (None where empty,
        :class:`CellError` where a formula failed).
    merged : list of (row0, col0, row1, col1)
        Merged ranges, 0-based, inclusive.
    hidden_rows, hidden_cols : set of int
        0-based rows and columns hidden in the workbook.
    delimiter : str or None
        The separator of a CSV file; None for a workbook.
    """

    label: str
    rows: list
    merged: list = dataclasses.field(default_factory=list)
    hidden_rows: set = dataclasses.field(default_factory=set)
    hidden_cols: set = dataclasses.field(default_factory=set)
    delimiter: str | None = None
