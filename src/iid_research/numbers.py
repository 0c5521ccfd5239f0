"""Reading numbers written in Indonesian notation.

Indonesian writes ``.`` as the thousands separator and ``,`` as the decimal
mark: ``"60,01"`` is 60.01 and ``"74.400"`` is 74 400.  Spreadsheets exported
with an English locale write ``"60.01"``.  The two readings of a string such as
``"74.400"`` can only be told apart by the scale the number lives on, so the
functions here take that scale as an argument instead of guessing.
"""

from __future__ import annotations

import math
import re

_GROUPED_DOTS = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+$")
_GROUPED_COMMAS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+$")
_PLAIN = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


def parse_number(text, *, scale: str = "index") -> float:
    """Parse a number written in Indonesian or English notation.

    Parameters
    ----------
    text : str, int, float or None
        The value as written, e.g. ``"60,01"``, ``"74.400"``, ``"1.234,5"``,
        ``" 54.28 "``.  Numbers pass through unchanged; ``None``, ``""`` and
        ``"-"`` give NaN.
    scale : {"index", "raw"}, default="index"
        How to read a string whose only separator is one or more dots
        grouping exactly three digits (``"74.400"``):

        * ``"index"``: the IID 0-100 scale (2021 onward).  ``"74.400"`` is
          74.4 (a decimal point; no IID score reaches 1000).
        * ``"raw"``: the old additive scale of 2019-2020, whose values run into
          the tens of thousands; ``"74.400"`` is 74400.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If ``text`` is not a number in either notation, or ``scale`` is unknown.

    Examples
    --------
    >>> parse_number("60,01")
    60.01
    >>> parse_number("74.400", scale="raw")
    74400.0
    >>> parse_number("1.234,5")
    1234.5
    """
    if scale not in ("index", "raw"):
        raise ValueError(f"scale must be 'index' or 'raw', got {scale!r}")
    if text is None:
        return math.nan
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return float(text)
    s = str(text).strip().replace("\u00a0", "").replace(" ", "")
    if s in ("", "-", "–", "nan", "NaN"):
        return math.nan
    if "," in s and "." in s:
        # the separator that comes last is the decimal mark; the other must group thousands
        decimal, group = (",", ".") if s.rfind(",") > s.rfind(".") else (".", ",")
        whole, _, frac = s.rpartition(decimal)
        grouped = _GROUPED_DOTS if group == "." else _GROUPED_COMMAS
        if decimal in whole or not grouped.match(whole) or not frac.isdigit():
            raise ValueError(f"cannot read {text!r} as a number: '{group}' must group thousands "
                             f"before the decimal '{decimal}' (e.g. 1.234,5 or 1,234.5)")
        s = whole.replace(group, "") + "." + frac
    elif "," in s:
        if scale == "raw" and _GROUPED_COMMAS.match(s):
            s = s.replace(",", "")
        elif s.count(",") == 1:
            s = s.replace(",", ".")
        else:
            raise ValueError(f"cannot read {text!r} as a number: several decimal commas")
    elif s.count(".") > 1 or (scale == "raw" and _GROUPED_DOTS.match(s)):
        if not _GROUPED_DOTS.match(s):
            raise ValueError(f"cannot read {text!r} as a number: dots do not group thousands")
        s = s.replace(".", "")
    if not _PLAIN.match(s):
        raise ValueError(f"cannot read {text!r} as a number")
    return float(s)


def written_decimals(text) -> int:
    """How many decimals a number is written with: ``"64.02"`` -> 2, ``"60,3"`` -> 1, ``"59"`` -> 0.

    The published precision of a quoted score: the Kepmendagri annexes give 2 decimals, a
    quote such as "skor 59" is rounded to 0.  A separator followed by exactly three digits in a
    number with several separators (``"1.234,5"``) is read as grouping, like :func:`parse_number`.

    >>> written_decimals("64.02"), written_decimals("60,3"), written_decimals(" 59 "), written_decimals("1.234,5")
    (2, 1, 0, 1)
    """
    s = str(text).strip().replace("\u00a0", "").replace(" ", "")
    if "," in s and "." in s:
        sep = "," if s.rfind(",") > s.rfind(".") else "."
        return len(s.rpartition(sep)[2])
    for sep in (",", "."):
        if s.count(sep) == 1:
            return len(s.rpartition(sep)[2])
    return 0
