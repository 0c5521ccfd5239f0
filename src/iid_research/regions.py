"""Matching region codes and names to pemda.

A pemda (pemerintah daerah) is identified by its Kemendagri code
``kode_wilayah`` ("33.16" = Kabupaten Blora).  People write regions in many
ways: BPS codes ("3316"), names with or without prefixes ("Kab. Blora",
"Kabupaten Blora", "BLORA", "Pemkab Blora", "Kota Semarang",
"Prov. Jawa Tengah").  :class:`RegionMatcher` turns any of these into the
Kemendagri code, and refuses, with the closest candidates, a name that
matches nothing or more than one pemda.  It never drops a value silently.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

import pandas as pd

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

    def __init__(self, regions: pd.DataFrame):
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
            for key in {bare, normalise_name(row.nama_short)}:
                self._by_name.setdefault(_compact(key), []).append(entry)
        self._labels = {e.label for e in self._by_code.values()}

    def candidates(self, query: str, n: int = 5) -> list[str]:
        """Return up to ``n`` pemda labels closest to ``query`` (difflib ratio)."""
        _, bare = split_prefix(query)
        keys = difflib.get_close_matches(_compact(bare), list(self._by_name), n=n, cutoff=0.6)
        out: list[str] = []
        for key in keys:
            out.extend(e.label for e in self._by_name[key] if e.label not in out)
        return out[:n]

    def match(self, query, *, level: str | None = None, province: str | None = None,
              context: str = "") -> str:
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
            implied = None
        if implied and level and implied != level:
            raise RegionMatchError(text, f"names a {implied}, not a {level}", [e.label for e in found], context)
        want_level = implied or level
        if want_level:
            found = [e for e in found if e.level == want_level]
        if prov_code is not None:
            in_prov = [e for e in found if e.kode.split(".")[0] == prov_code]
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
        key = _compact(bare)
        found = list(self._by_name.get(key, []))
        if not found and key in _ALIASES:
            found = list(self._by_name.get(_compact(_ALIASES[key]), []))
        return found

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
