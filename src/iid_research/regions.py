"""Matching region codes and names to pemda.

A pemda (pemerintah daerah) is identified by its Kemendagri code
``kode_wilayah`` ("33.16" = Kabupaten Blora).  People write regions in many
ways: BPS codes ("3316"), names with or without prefixes ("Kab. Blora",
"Kabupaten Blora", "BLORA", "Pemkab Blora", "Kota Semarang",
"Prov. Jawa Tengah", "Kab. Kep. Seribu").  :class:`RegionMatcher` turns any of
these into the Kemendagri code, and refuses, with the closest candidates, a
name that matches nothing or more than one pemda.  It never drops a value
silently.

Former names ("Kabupaten Toba Samosir" is today's Kabupaten Toba, 12.12),
former codes and former provinces (the kabupaten of the four provinces formed
in 2022, listed in a 2021 annex under Papua or Papua Barat) are read from
``mappings/region_changes.csv`` (see ``mappings/README_region_changes.md``).
"""

from __future__ import annotations

import datetime as _dt
import difflib
import re
import unicodedata
from dataclasses import dataclass

import pandas as pd

from . import config

LEVELS = ("provinsi", "kabupaten", "kota")

# prefix -> level it implies; longest first so "kabupaten administrasi" wins over "kabupaten"
_PREFIXES = [
    ("pemerintah provinsi", "provinsi"),
    ("pemerintah kabupaten", "kabupaten"),
    ("pemerintah kota", "kota"),
    ("kabupaten administrasi", "kabupaten"),
    ("kota administrasi", "kota"),
    ("provinsi", "provinsi"),
    ("kabupaten", "kabupaten"),
    ("pemprov", "provinsi"),
    ("pemkab", "kabupaten"),
    ("pemkot", "kota"),
    ("prov", "provinsi"),
    ("propinsi", "provinsi"),
    ("kab", "kabupaten"),
    ("kota", "kota"),
    ("kot", "kota"),
]
# spelling variants people use for provinces, keyed by the compact form
_ALIASES = {
    "dkijakarta": "daerah khusus ibukota jakarta",
    "jakarta": "daerah khusus ibukota jakarta",
    "diy": "daerah istimewa yogyakarta",
    "diyogyakarta": "daerah istimewa yogyakarta",
    "dki": "daerah khusus ibukota jakarta",
    "babel": "kepulauan bangka belitung",
    "bangkabelitung": "kepulauan bangka belitung",
    "ntb": "nusa tenggara barat",
    "ntt": "nusa tenggara timur",
}

_KEMENDAGRI = re.compile(r"^\d{2}(\.\d{2})?$")
_BPS = re.compile(r"^\d{2}(\d{2})?$")


class RegionMatchError(LookupError):
    """A region code or name matched no pemda, or more than one.

    Attributes
    ----------
    query : str
        The value as given.
    candidates : list of str
        The closest pemda, as ``"kode_wilayah nama"`` strings.
    """

    def __init__(self, query: str, reason: str, candidates: list[str], context: str = ""):
        self.query = query
        self.reason = reason
        self.candidates = candidates
        where = f"{context}: " if context else ""
        hint = f" Closest candidates: {'; '.join(candidates)}." if candidates else ""
        super().__init__(f"{where}region {query!r} {reason}.{hint}")


def normalise_name(text: str) -> str:
    """Lower-case, drop punctuation and collapse spaces: ``"Kab. Blora"`` -> ``"kab blora"``.

    Unicode is NFKC-normalised (full-width letters become ASCII) and zero-width characters are removed.
    """
    s = unicodedata.normalize("NFKC", str(text)).lower().replace("\u00a0", " ")
    s = re.sub(r"[\u200b-\u200d\u2060\ufeff]", "", s)
    s = re.sub(r"[.,;:()/\\'\"`-]", " ", s)
    return re.sub(r"\s+", " ", s).strip()


def split_prefix(text: str) -> tuple[str | None, str]:
    """Split a normalised name into (implied level or None, bare name)."""
    s = normalise_name(text)
    if s.startswith("pemda "):
        s = s[len("pemda "):]
    for prefix, level in _PREFIXES:
        if s == prefix:
            break
        if s.startswith(prefix + " "):
            bare = s[len(prefix) + 1 :].strip()
            return level, bare
    return None, s


def _compact(s: str) -> str:
    return s.replace(" ", "")


_ABBREVIATIONS = [(re.compile(r"\b(?:kep|kepl)\b"), "kepulauan")]
"""Words annexes abbreviate: "Kep." for "Kepulauan" ("Kab. Kep. Seribu", "Kota Tidore Kep.")."""


def expand_abbreviations(bare: str) -> str:
    """A normalised bare name with its abbreviations written out (``"kep seribu"`` -> ``"kepulauan seribu"``)."""
    for pattern, repl in _ABBREVIATIONS:
        bare = pattern.sub(repl, bare)
    return bare


def load_region_changes(path=None) -> pd.DataFrame:
    """The table of former names, codes and provinces (``mappings/region_changes.csv``).

    Returns
    -------
    DataFrame with columns [kode_wilayah, change, former_name, former_kode, former_province, until, basis]
        ``until`` as a ``datetime.date``; empty cells as "".
    """
    frame = pd.read_csv(path or config.MAPPINGS_DIR / "region_changes.csv", dtype=str, keep_default_na=False)
    frame["until"] = [_dt.date.fromisoformat(d) for d in frame["until"]]
    return frame


@dataclass(frozen=True)
class _Entry:
    kode: str
    level: str
    label: str


class RegionMatcher:
    """Resolve Kemendagri codes, BPS codes and written names to ``kode_wilayah``.

    Parameters
    ----------
    regions : DataFrame with columns [kode_wilayah, nama, nama_short, level, province, kode_bps]
        The pemda table, as returned by :func:`iid_research.data.load_regions`.

    Examples
    --------
    >>> from iid_research.data import load_regions
    >>> m = RegionMatcher(load_regions())
    >>> m.match("Kab. Blora"), m.match("3316"), m.match("BLORA")
    ('33.16', '33.16', '33.16')
    """

    def __init__(self, regions: pd.DataFrame, changes: pd.DataFrame | None = None):
        self.regions = regions
        self._by_code = {}
        self._by_bps = {}
        self._by_name: dict[str, list[_Entry]] = {}
        for row in regions.itertuples(index=False):
            entry = _Entry(row.kode_wilayah, row.level, f"{row.kode_wilayah} {row.nama}")
            self._by_code[row.kode_wilayah] = entry
            if isinstance(row.kode_bps, str) and row.kode_bps:
                self._by_bps[row.kode_bps] = entry
            _, bare = split_prefix(row.nama)
            short = normalise_name(row.nama_short)
            # the table's own names may abbreviate too ("Kep. Siau Tagulandang Biaro"): index both spellings
            for key in {_compact(k) for k in (bare, short, expand_abbreviations(bare), expand_abbreviations(short))}:
                self._by_name.setdefault(key, []).append(entry)
        self._labels = {e.label for e in self._by_code.values()}
        self.changes = load_region_changes() if changes is None else changes
        self._former_names: dict[str, list[tuple[_Entry, object]]] = {}
        self._former_codes: dict[str, tuple[_Entry, object]] = {}
        self._former_provinces: dict[str, list] = {}
        for ch in self.changes.itertuples(index=False):
            entry = self._by_code.get(ch.kode_wilayah)
            if entry is None:
                continue
            if ch.former_name:
                _, bare = split_prefix(ch.former_name)
                self._former_names.setdefault(_compact(bare), []).append((entry, ch))
            if ch.former_kode and ch.former_kode not in self._by_code:
                self._former_codes[ch.former_kode] = (entry, ch)
            if ch.former_province:
                self._former_provinces.setdefault(ch.kode_wilayah, []).append(ch)

    def candidates(self, query: str, n: int = 5) -> list[str]:
        """Return up to ``n`` pemda labels closest to ``query`` (difflib ratio)."""
        _, bare = split_prefix(query)
        keys = difflib.get_close_matches(_compact(expand_abbreviations(bare)), list(self._by_name), n=n, cutoff=0.6)
        out: list[str] = []
        for key in keys:
            out.extend(e.label for e in self._by_name[key] if e.label not in out)
        return out[:n]

    def match(self, query, *, level: str | None = None, province: str | None = None,
              context: str = "", year: int | None = None) -> str:
        """Return the ``kode_wilayah`` of one pemda.

        Parameters
        ----------
        query : str
            A Kemendagri code (``"33.16"``), a BPS code (``"3316"``) or a name
            with or without prefix (``"Kab. Blora"``, ``"BLORA"``,
            ``"Kota Semarang"``, ``"Prov. Jawa Tengah"``).
        level : {"provinsi", "kabupaten", "kota"}, optional
            Restricts a bare name ("Semarang") to one level.
        province : str, optional
            Restricts a bare name to pemda in (or equal to) this province.
        context : str, optional
            Text put in front of the error message, e.g. ``"file.csv row 12"``.
        year : int, optional
            The year the data describe: a pemda is also "in" the province it belonged to then
            (``mappings/region_changes.csv``); without a year only today's province counts.

        Returns
        -------
        str
            The Kemendagri code.

        Raises
        ------
        RegionMatchError
            If the query matches no pemda or more than one; the message lists
            the closest candidates.
        """
        if query is None or (isinstance(query, float) and pd.isna(query)) or str(query).strip() == "":
            raise RegionMatchError(str(query), "is empty", [], context)
        text = str(query).strip()
        if _KEMENDAGRI.match(text) and text in self._by_code:
            return self._check_level(self._by_code[text], level, text, context)
        if _BPS.match(text) and text in self._by_bps:
            return self._check_level(self._by_bps[text], level, text, context)
        if _KEMENDAGRI.match(text) and text in self._former_codes:
            return self._check_level(self._former_codes[text][0], level, text, context)
        if re.fullmatch(r"[\d.]+", text):
            raise RegionMatchError(text, "is not a known Kemendagri or BPS code", [], context)
        if level is not None and level not in LEVELS:
            raise ValueError(f"level must be one of {LEVELS} or None, got {level!r}")
        prov_code = None
        if province is not None:
            prov_code = self._province_code(province)
            if prov_code is None:
                close = [c for c in self.candidates(province, n=20) if "." not in c.split()[0]][:5]
                raise ValueError(f"{context + ': ' if context else ''}province {province!r} matches no province; "
                                 f"closest: {'; '.join(close) or 'none'}")
        implied, bare = split_prefix(text)
        found = self._lookup(bare)
        if not found and implied is not None:
            # "Kota Baru" is Kabupaten Kotabaru: the "prefix" belongs to the name
            found = self._lookup(normalise_name(text))
            if found:
                implied = None
        if not found:
            found = self._lookup_former(bare, implied)
        if implied and level and implied != level:
            raise RegionMatchError(text, f"names a {implied}, not a {level}", [e.label for e in found], context)
        want_level = implied or level
        if want_level:
            found = [e for e in found if e.level == want_level]
        if prov_code is not None:
            in_prov = [e for e in found if self.in_province(e.kode, prov_code, year)]
            if found and not in_prov:
                raise RegionMatchError(text, f"is not in province {province!r}", [e.label for e in found], context)
            found = in_prov
        if len(found) == 1:
            return found[0].kode
        if not found:
            raise RegionMatchError(text, "matches no pemda" + (f" at level {want_level}" if want_level else ""),
                                   self.candidates(text), context)
        raise RegionMatchError(
            text, f"matches {len(found)} pemda; add a prefix (Kabupaten/Kota/Provinsi) or a code",
            [e.label for e in found], context)

    def _lookup(self, bare: str) -> list[_Entry]:
        key = _compact(expand_abbreviations(bare))
        found = list(self._by_name.get(key, []))
        if not found and key in _ALIASES:
            found = list(self._by_name.get(_compact(_ALIASES[key]), []))
        return found

    def continues(self, query: str, level: str | None = None, rest: str = "") -> bool:
        """Whether a longer pemda name starts with ``query`` ("Kota Tangerang" -> Kota Tangerang Selatan).

        A name cut by a PDF converter that wraps long names onto a second line looks like this; the
        importers then join it with the next line, or refuse both, but never match it alone.  With
        ``rest`` (the text of the next line) the longer name must also go on with its first two letters
        ("Selatn" still may be the rest of Tangerang Selatan, "MENTERI DALAM NEGERI" is not).
        """
        implied, bare = split_prefix(query)
        bare = expand_abbreviations(bare) + " " + normalise_name(rest)[:2]
        bare = bare.rstrip()
        want = implied or level
        if not bare:
            return False
        if not hasattr(self, "_spaced"):
            self._spaced = [(expand_abbreviations(split_prefix(e.label.split(" ", 1)[1])[1]), e)
                            for e in self._by_code.values()]
        stem = bare if rest else bare + " "
        return any(name.startswith(stem) and len(name) > len(bare) and (want is None or e.level == want)
                   for name, e in self._spaced)

    def _lookup_former(self, bare: str, implied: str | None) -> list[_Entry]:
        hits = self._former_names.get(_compact(expand_abbreviations(bare)), [])
        return [e for e, _ in hits if implied is None or e.level == implied]

    def in_province(self, kode: str, province_code: str, year: int | None = None) -> bool:
        """Whether pemda ``kode`` is in province ``province_code`` today, or was in the data's ``year``.

        A kabupaten moved to a new province (``mappings/region_changes.csv``) counts as in its former
        province for data of a year up to the year of the change.
        """
        prov = province_code.split(".")[0]
        if kode.split(".")[0] == prov:
            return True
        if year is None:
            return False
        return any(ch.former_province == prov and year <= ch.until.year
                   for ch in self._former_provinces.get(kode, ()))

    def province_change(self, kode: str, province_code: str) -> str | None:
        """How ``kode`` left province ``province_code`` ("moved to ... on 2022-07-25 (UU 14/2022 ...)"), or None."""
        for ch in self._former_provinces.get(kode, ()):
            if ch.former_province == province_code.split(".")[0]:
                def label(code):
                    return self._by_code[code].label if code in self._by_code else code

                return (f"{label(kode)} was in {label(ch.former_province)} until {ch.until.isoformat()} and has "
                        f"been in {label(kode.split('.')[0])} since ({ch.basis})")
        return None

    def former_note(self, query, kode: str) -> str | None:
        """Why ``query`` is ``kode`` when it is a former name or code of it (for a warning), else None."""
        text = str(query).strip()
        if text in self._former_codes and self._former_codes[text][0].kode == kode:
            ch = self._former_codes[text][1]
            return f"{text!r} is the code of {self._by_code[kode].label} until {ch.until.isoformat()} ({ch.basis})"
        if _KEMENDAGRI.match(text) or _BPS.match(text):
            return None
        implied, bare = split_prefix(text)
        if self._lookup(bare) or (implied is not None and self._lookup(normalise_name(text))):
            return None
        for e, ch in self._former_names.get(_compact(expand_abbreviations(bare)), []):
            if e.kode == kode:
                return (f"{text!r} is the former name of {e.label} (renamed on {ch.until.isoformat()}: "
                        f"{ch.basis})")
        return None

    def match_many(self, values, *, level=None, province=None, context: str = "") -> list[str]:
        """Match every value; raise one :class:`ValueError` listing every failure."""
        codes, errors = [], []
        values = list(values)
        levels = list(level) if isinstance(level, (list, tuple, pd.Series)) else [level] * len(values)
        provs = list(province) if isinstance(province, (list, tuple, pd.Series)) else [province] * len(values)
        if not len(levels) == len(provs) == len(values):
            raise ValueError(f"match_many: {len(values)} values but {len(levels)} levels and {len(provs)} provinces")
        for i, (value, lv, pv) in enumerate(zip(values, levels, provs)):
            try:
                codes.append(self.match(value, level=lv, province=pv))
            except (RegionMatchError, ValueError) as exc:
                codes.append(None)
                errors.append(f"row {i + 2}: {exc}")
        if errors:
            where = f"{context}: " if context else ""
            raise ValueError(f"{where}{len(errors)} region value(s) could not be matched:\n  " + "\n  ".join(errors))
        return codes

    def _province_code(self, province: str) -> str | None:
        try:
            return self.match(province, level="provinsi")
        except (RegionMatchError, ValueError):
            return None

    def _check_level(self, entry: _Entry, level, text, context) -> str:
        if level and entry.level != level:
            raise RegionMatchError(text, f"is a {entry.level}, not a {level}", [entry.label], context)
        return entry.kode
