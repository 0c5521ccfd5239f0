"""Reading date cells: ISO, day-first or month-first numbers (order found per column), Excel date cells and
serial numbers, Indonesian and English month names."""

from __future__ import annotations

import datetime as _dt
import math
import re

import numpy as np
import pandas as pd

from .grid import CellError

_MONTHS = {"januari": 1, "februari": 2, "pebruari": 2, "maret": 3, "april": 4, "mei": 5, "juni": 6, "juli": 7,
           "agustus": 8, "september": 9, "oktober": 10, "november": 11, "nopember": 11, "desember": 12,
           "january": 1, "february": 2, "march": 3, "may": 5, "june": 6, "july": 7, "august": 8, "october": 10,
           "december": 12, "jan": 1, "feb": 2, "peb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "agu": 8,
           "agt": 8, "ags": 8, "aug": 8, "sep": 9, "sept": 9, "okt": 10, "oct": 10, "nov": 11, "nop": 11,
           "des": 12, "dec": 12}
_WEEKDAYS = r"(?:senin|selasa|rabu|kamis|jumat|jum'at|sabtu|minggu|ahad|monday|tuesday|wednesday|thursday|friday|" \
            r"saturday|sunday)"
_TIME = r"(?:[ T]\d{1,2}[:.]\d{2}(?:[:.]\d{2}(?:\.\d+)?)?)?"
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})" + _TIME + "$")
_NUMERIC = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})" + _TIME + "$")
_NAMED = re.compile(r"^(?:" + _WEEKDAYS + r",?\s+)?(\d{1,2})[\s\-/.]+([a-z]+)\.?[\s\-/.,]+(\d{4})" + _TIME + "$")
_SERIAL_TEXT = re.compile(r"^\d{5}(?:[.,]\d+)?$")
_EXCEL_EPOCH = _dt.date(1899, 12, 30)
SERIAL_RANGE = (10_000, 73_050)
"""Numbers read as Excel date serials: 10000 (1927-05-18) to 73050 (2099-12-31)."""

EXPECTED = "expected e.g. 2024-03-01, 2024-03-01 00:00:00, 01/03/2024, 1 Maret 2024 or an Excel date"


def date_order(values) -> tuple[str, dict]:
    """The order of numeric dates (``"01/03/2024"``) in one column: ``"dmy"``, ``"mdy"`` or ``"mixed"``.

    A value whose first number exceeds 12 (``"25/03/2024"``) can only be day-first, one whose second
    does (``"03/25/2024"``) only month-first.  With evidence for one order only, that order is used;
    with none, day-first (as written in Indonesia).

    Returns
    -------
    (order, evidence)
        evidence: {"dmy": [values], "mdy": [values], "ambiguous": [values]} as written.
    """
    evidence = {"dmy": [], "mdy": [], "ambiguous": []}
    for v in values:
        if not isinstance(v, str):
            continue
        m = _NUMERIC.match(v.strip())
        if not m:
            continue
        a, b = int(m.group(1)), int(m.group(2))
        if a > 12 >= b:
            evidence["dmy"].append(v)
        elif b > 12 >= a:
            evidence["mdy"].append(v)
        elif a != b and a <= 12 and b <= 12:
            evidence["ambiguous"].append(v)
    if evidence["dmy"] and evidence["mdy"]:
        return "mixed", evidence
    return ("mdy" if evidence["mdy"] else "dmy"), evidence


def parse_date(value, order: str = "dmy"):
    """Return (Timestamp or NaT, error) for one cell.

    Parameters
    ----------
    value : str, datetime, date, int, float, CellError or None
        None is NaT without error.  Numbers 10000-73050 are Excel date serials.
    order : {"dmy", "mdy", "mixed"}
        How to read ``"01/03/2024"`` (see :func:`date_order`); under ``"mixed"`` an ambiguous one is an
        error.
    """
    if value is None:
        return pd.NaT, None
    if isinstance(value, CellError):
        return pd.NaT, value.describe()
    if isinstance(value, (_dt.datetime, _dt.date)):
        if not 1900 <= value.year <= 2100:
            return pd.NaT, f"date {value.isoformat()!r} has a year outside 1900-2100"
        return pd.Timestamp(value.year, value.month, value.day), None
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        return _serial(float(value), value)
    s = str(value).strip()
    if _SERIAL_TEXT.match(s):
        return _serial(float(s.replace(",", ".")), s)
    parts = None
    m = _ISO.match(s)
    if m:
        parts = (int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = _NUMERIC.match(s)
    if m:
        a, b, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if order == "mixed" and a != b and a <= 12 and b <= 12:
            return pd.NaT, (f"{s!r} could be day-first or month-first and this column has dates of both orders; "
                            "write it as 2024-03-01")
        day_first = order != "mdy" if (a <= 12 and b <= 12) else a > 12
        parts = (y, b, a) if day_first else (y, a, b)
    m = _NAMED.match(s.lower())
    if m and m.group(2) in _MONTHS:
        parts = (int(m.group(3)), _MONTHS[m.group(2)], int(m.group(1)))
    if parts and not 1900 <= parts[0] <= 2100:
        return pd.NaT, f"date {s!r} has a year outside 1900-2100"
    if parts:
        try:
            return pd.Timestamp(_dt.date(*parts)), None
        except ValueError:
            pass
    return pd.NaT, f"{s!r} is not a date ({EXPECTED})"


def _serial(number: float, shown):
    if math.isnan(number):
        return pd.NaT, None
    lo, hi = SERIAL_RANGE
    if not lo <= number <= hi:
        return pd.NaT, (f"{shown!r} is a number, not a date (an Excel date serial is {lo}-{hi}, e.g. 45352 = "
                        f"2024-03-01); {EXPECTED}")
    day = _EXCEL_EPOCH + _dt.timedelta(days=int(number))
    return pd.Timestamp(day), None


def read_date_column(values: pd.Series, column: str, others: dict | None = None) -> tuple[list, dict, list[str]]:
    """Read one date column: (Timestamps or NaT per row, {row: error}, warnings).

    The order of numeric dates is found from the column (:func:`date_order`); a column that does not
    settle it follows the other date columns of the file (``others``: {header: values}), which were
    written by the same spreadsheet, else is read day-first.  A warning says when dates are read
    month-first, when a column mixes orders, and when the order could not be told.  Excel serial
    numbers are read as dates and counted in a warning.
    """
    order, evidence = date_order(values.tolist())
    warnings = []
    if order == "dmy" and not evidence["dmy"]:
        for name, other_values in (others or {}).items():
            other_order, other_evidence = date_order(list(other_values))
            if other_order == "mdy":
                order = "mdy"
                if evidence["ambiguous"]:
                    warnings.append(f"column {column!r}: no date tells whether the day or the month comes first "
                                    f"(e.g. {evidence['ambiguous'][0]!r}); read MONTH first like column {name!r} "
                                    f"({other_evidence['mdy'][0]!r})")
                evidence = {**evidence, "ambiguous": []}
                break
    if order == "mdy" and evidence["mdy"]:
        warnings.append(f"column {column!r}: dates read MONTH first (US order), as {evidence['mdy'][0]!r} shows "
                        f"({len(evidence['mdy'])} such date(s), none day-first); e.g. "
                        f"{(evidence['ambiguous'] or evidence['mdy'])[0]!r} read as month/day/year")
    elif order == "mixed":
        warnings.append(f"column {column!r} has day-first ({evidence['dmy'][0]!r}) and month-first "
                        f"({evidence['mdy'][0]!r}) dates; each unambiguous date read as written, ambiguous ones "
                        "rejected")
    elif order == "dmy" and evidence["ambiguous"] and not evidence["dmy"]:
        warnings.append(f"column {column!r}: no date tells whether the day or the month comes first (e.g. "
                        f"{evidence['ambiguous'][0]!r}); read DAY first, as written in Indonesia. If the file comes "
                        "from an Excel set to US format, write the dates as 2024-03-01")
    out, errors, serials, cache = [], {}, [], {}
    for row_no, v in values.items():
        key = (type(v).__name__, v)
        try:
            ts, err = cache[key]
        except KeyError:
            ts, err = cache[key] = parse_date(v, order)
        except TypeError:
            ts, err = parse_date(v, order)
        if err:
            errors[row_no] = err
        elif ts is not pd.NaT and (isinstance(v, (int, float, np.integer, np.floating))
                                   or (isinstance(v, str) and _SERIAL_TEXT.match(v.strip()))):
            serials.append((row_no, v, ts))
        out.append(ts)
    if serials:
        r, v, ts = serials[0]
        warnings.append(f"column {column!r}: {len(serials)} number(s) read as Excel date serials (row {r}: "
                        f"{v!r} = {ts.date().isoformat()})")
    return out, errors, warnings
