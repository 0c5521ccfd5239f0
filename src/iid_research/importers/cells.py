"""Reading single cells of pemda spreadsheets: text, blanks, levels and parameter texts, dates."""

from __future__ import annotations

import datetime as _dt
import difflib
import math
import re
import unicodedata

import numpy as np
import pandas as pd


def norm_header(text) -> str:
    """Lower-case, NFKC, punctuation to spaces, collapsed: ``"KABUPATEN/KOTA"`` -> ``"kabupaten kota"``."""
    s = unicodedata.normalize("NFKC", str(text)).lower()
    s = s.replace("≤", " le ").replace("≥", " ge ").replace("<=", " le ").replace(">=", " ge ")
    s = s.replace("<", " lt ").replace(">", " gt ").replace("sampai dengan", " s d ")
    s = re.sub(r"[^0-9a-z]+", " ", s)
    return re.sub(r"\s+", " ", s).strip()


def is_blank(value) -> bool:
    """Whether a cell is empty (None, NaN, or only spaces)."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value.strip() in ("", "-", "–", "—")


def cell_text(value) -> str:
    """Cell value as display text (numbers without a trailing ``.0``)."""
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (_dt.datetime, _dt.date)):
        return value.isoformat()
    return str(value).strip()


def column_letter(index: int) -> str:
    """0-based column index -> spreadsheet letter (0 -> "A", 27 -> "AB")."""
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def region_text(value) -> str:
    """A pemda cell as text; a Kemendagri code typed as a number (33.1) gets its two decimals back ("33.10")."""
    if isinstance(value, float) and not value.is_integer() and 10 <= value < 100:
        return f"{value:.2f}"
    return cell_text(value)


def slug(text: str) -> str:
    """File-name-safe lower-case form of a text ("Daftar Inovasi.xlsx" -> "daftar_inovasi_xlsx")."""
    return re.sub(r"[^0-9a-z]+", "_", str(text).lower()).strip("_") or "input"


_BLANK_TEXTS = frozenset(("", "-", "–", "—"))


def clean_row(row: list) -> list:
    """Empty strings, dashes and NaN -> None; text stripped of surrounding spaces."""
    out = []
    for v in row:
        if v.__class__ is str:
            v = v.strip()
            if v in _BLANK_TEXTS:
                v = None
        elif v.__class__ is float and v != v:
            v = None
        out.append(v)
    return out


_ZERO_TEXTS = {"tidak ada", "belum ada", "tidak diisi", "nihil", "tidak", "none"}


_LEVEL_RE = re.compile(r"^(?:level|tingkat|lv|l)?\s*([+-]?\d+(?:[.,]\d+)?)$")


_TERM_SYNONYMS = [
    # a Peraturan Bupati/Wali Kota/Gubernur is the Peraturan Kepala Daerah of a kabupaten/kota/provinsi
    (re.compile(r"\b(?:peraturan (?:bupati|walikota|wali kota|gubernur)|perbup|perwal|perwali|perwalkot|pergub|"
                r"perkada)\b"), "peraturan kepala daerah"),
    (re.compile(r"\bperda\b"), "peraturan daerah"),
    (re.compile(r"\b(?:sk|surat keputusan|keputusan) (?:bupati|walikota|wali kota|gubernur|kepala daerah)\b"),
     "sk kepala daerah"),
]


def _canon_terms(key: str) -> str:
    """Map common abbreviations of legal instruments onto the guideline's words (on normalised text)."""
    for pattern, repl in _TERM_SYNONYMS:
        key = pattern.sub(repl, key)
    return key


class LevelReader:
    """Reads one indicator's answers: a level 0-3 or one of its three parameter texts."""

    def __init__(self, label: str, params: tuple, framework_year: int):
        self.label = label
        self.params = [str(p) for p in params]
        self.framework_year = framework_year
        self.lookup: dict[str, int] = {}
        alternatives: dict[str, set] = {}
        for level, text in enumerate(self.params, start=1):
            self.lookup[_canon_terms(norm_header(text))] = level
            for part in re.split(r"\s+/\s+", text):
                alternatives.setdefault(_canon_terms(norm_header(part)), set()).add(level)
        for key, levels in alternatives.items():
            if key and len(levels) == 1 and key not in self.lookup:
                self.lookup[key] = levels.pop()

    def read(self, value) -> tuple[int | None, str | None, bool]:
        """Return (level, error, was_blank)."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return 0, None, True
        if isinstance(value, bool):
            return None, f"{value!r} is not a level 0-3", False
        if isinstance(value, (int, float, np.integer, np.floating)):
            return self._number(float(value), value)
        text = str(value).strip()
        if is_blank(text):
            return 0, None, True
        key = _canon_terms(norm_header(text))
        if key in _ZERO_TEXTS:
            return 0, None, False
        m = _LEVEL_RE.match(text.lower().strip())
        if m:
            if re.search(r"[.,]\d{3}$", m.group(1)):
                return None, (f"level {text!r} is ambiguous (a thousands separator in Indonesian notation, a "
                              "decimal point in English); levels are whole numbers 0-3: write 0, 1, 2 or 3"), False
            return self._number(float(m.group(1).replace(",", ".")), text)
        if key in self.lookup:
            return self.lookup[key], None, False
        expected = "; ".join(f"{i} = {p!r}" for i, p in enumerate(self.params, start=1))
        close = difflib.get_close_matches(key, list(self.lookup), n=1, cutoff=0.75)
        hint = ""
        if close:
            hint = f" Did you mean level {self.lookup[close[0]]} ({self.params[self.lookup[close[0]] - 1]!r})?"
        return None, (f"{text!r} is not a level 0-3 or a parameter text of {self.label} "
                      f"(framework {self.framework_year}): {expected}.{hint}"), False

    @staticmethod
    def _number(number: float, shown) -> tuple:
        if not number.is_integer():
            return None, f"level {shown!r} is not a whole number 0-3", False
        if not 0 <= number <= 3:
            return None, f"level {int(number)} outside 0-3", False
        return int(number), None, False


def map_levels(values: pd.Series, reader: LevelReader):
    """Vectorised read of one column: (levels Int64, errors dict index->msg, blank count)."""
    cache: dict = {}
    levels, errors, blanks = [], {}, 0
    for idx, v in zip(values.index, values.tolist()):
        key = (type(v).__name__, v if not (isinstance(v, float) and math.isnan(v)) else "nan")
        try:
            res = cache[key]
        except KeyError:
            res = cache[key] = reader.read(v)
        except TypeError:  # unhashable
            res = reader.read(v)
        level, err, blank = res
        if err:
            errors[idx] = err
        blanks += blank
        levels.append(level)
    return pd.array(levels, dtype="Int64"), errors, blanks


_MONTHS = {"januari": 1, "februari": 2, "pebruari": 2, "maret": 3, "april": 4, "mei": 5, "juni": 6, "juli": 7,
           "agustus": 8, "september": 9, "oktober": 10, "november": 11, "nopember": 11, "desember": 12,
           "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "agu": 8, "agt": 8, "aug": 8, "sep": 9,
           "okt": 10, "oct": 10, "nov": 11, "des": 12, "dec": 12, "may": 5}


def parse_date(value):
    """Return (Timestamp or NaT, error)."""
    if value is None:
        return pd.NaT, None
    if isinstance(value, (_dt.datetime, _dt.date)):
        if not 1900 <= value.year <= 2100:
            return pd.NaT, f"date {value.isoformat()!r} has a year outside 1900-2100"
        return pd.Timestamp(value.year, value.month, value.day), None
    s = str(value).strip()
    m = re.match(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$", s)
    parts = None
    if m:
        parts = (int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m2 = re.match(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$", s)
    if m2:
        parts = (int(m2.group(3)), int(m2.group(2)), int(m2.group(1)))  # day first, as written in Indonesia
    m3 = re.match(r"^(\d{1,2})\s+([A-Za-z]+)\.?\s+(\d{4})$", s)
    if m3 and m3.group(2).lower() in _MONTHS:
        parts = (int(m3.group(3)), _MONTHS[m3.group(2).lower()], int(m3.group(1)))
    if parts and not 1900 <= parts[0] <= 2100:
        return pd.NaT, f"date {s!r} has a year outside 1900-2100"
    if parts:
        try:
            return pd.Timestamp(_dt.date(*parts)), None
        except ValueError:
            pass
    return pd.NaT, (f"{s!r} is not a date (expected e.g. 2024-03-01, 2024-03-01 00:00:00, 01/03/2024 or "
                    "1 Maret 2024)")
