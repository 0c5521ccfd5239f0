"""Reading single cells of pemda spreadsheets: text, blanks, levels and parameter texts, dates."""

from __future__ import annotations

import datetime as _dt
import difflib
import math
import re
import unicodedata

import numpy as np
import pandas as pd

from .dates import parse_date  # noqa: F401  (read here before the dates module existed)
from .grid import CellError, as_cell_error


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
            elif v[0] == "#":
                v = as_cell_error(v) or v
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
    # the opinions of the audit board (BPK) by their full names; the guideline writes the abbreviations
    (re.compile(r"\bwajar tanpa pengecualian\b"), "wtp"),
    (re.compile(r"\bwajar dengan pengecualian\b"), "wdp"),
    (re.compile(r"\btidak memberikan pendapat\b|\btidak menyatakan pendapat\b"), "tmp"),
    (re.compile(r"\btidak wajar\b"), "tw"),
    (re.compile(r"^opini (?:bpk )?(?=\w+$)"), ""),  # "Opini WTP" is WTP
]


_NOT_ALONE = frozenset({"lebih", "setara", "kurang dari", "lainnya"})


def _alternatives(text: str) -> list[str]:
    """The alternatives a parameter text offers: parts joined by `` / `` or ``atau``, and both halves of a
    code pair such as ``"TMP/Disclaimer"`` (``"TMP/Disclaimer atau TW/Adverse"`` gives TMP, Disclaimer, TW,
    Adverse, ...)."""
    out = []
    for part in re.split(r"\s+/\s+", text):
        out.append(part)
        subs = re.split(r"\s+atau\s+", part)
        if len(subs) > 1:
            out.extend(subs)
        for sub in subs:
            pair = re.fullmatch(r"\s*([A-Za-z]+)/([A-Za-z]+)\s*", sub)
            if pair:
                out.extend(pair.groups())
    return out


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
            for part in _alternatives(text):
                alternatives.setdefault(_canon_terms(norm_header(part)), set()).add(level)
        for key, levels in alternatives.items():
            if len(key) >= 2 and key not in _NOT_ALONE and len(levels) == 1 and key not in self.lookup:
                self.lookup[key] = levels.pop()

    def read(self, value) -> tuple[int | None, str | None, bool]:
        """Return (level, error, was_blank)."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return 0, None, True
        if isinstance(value, CellError):
            return None, value.describe(), False
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
