"""The layout of a ranking annex: header words, two-row headers and score sub-columns, section and
summary rows, ties merged over rows, and pemda names wrapped onto a second row."""

from __future__ import annotations

import dataclasses
import re

from ..regions import RegionMatcher, RegionMatchError
from .cells import cell_text, column_letter, norm_header
from .grid import CellError, Sheet
from .output import DataImportError, ImportReport
from .sheets import SUMMARY_LABELS, Column, header_cells

ANNEX_HEADERS = {
    "no": {"no", "nomor", "no urut"},
    "name": {"pemerintah daerah", "kabupaten kota", "provinsi", "kabupaten", "kota", "nama daerah", "daerah",
             "nama pemda", "pemda", "nama pemerintah daerah", "provinsi kabupaten kota", "nama",
             "provinsi kabupaten", "kab kota", "kabupaten kota provinsi"},
    "score": {"nilai indeks", "skor", "nilai", "indeks", "nilai iid", "skor iid", "indeks inovasi daerah",
              "nilai indeks inovasi daerah", "skor indeks", "total skor", "nilai akhir", "nilai index",
              "skor akhir", "iid"},
    "predicate": {"predikat", "predikat inovasi", "predikat iid", "kategori"},
    "rank": {"peringkat", "ranking", "rangking", "rank", "urutan", "peringkat nasional"},
    "kode": {"kode", "kode wilayah", "kode daerah", "kode pemda", "kode kemendagri"},
}


NAME_HEADER_LEVEL = {"provinsi": "provinsi", "kabupaten": "kabupaten", "kota": "kota"}


SECTION_RE = re.compile(r"^(?:[a-z]|[ivx]+|\d+)?\s?(?:klaster|kluster|cluster|kelompok|pemerintah)?\s?"
                         r"(provinsi|kabupaten|kota|kabupaten kota|kab kota)$")


def annex_header(row) -> dict[str, Column] | None:
    """The columns of an annex header row by role (name, score, predicate, ...), or None when it is not one."""
    found: dict[str, Column] = {}
    for i, text, key in header_cells(row):
        if key == "provinsi" and "name" in found and "province" not in found:
            found["province"] = Column(i, text, "province")  # NO | KABUPATEN/KOTA | PROVINSI | ...
            continue
        if key != "provinsi" and key in ANNEX_HEADERS["name"] and found.get("name") and \
                norm_header(found["name"].header) == "provinsi":
            # NO | PROVINSI | KABUPATEN/KOTA | ...: the first column names the province of the row
            found["province"] = dataclasses.replace(found["name"], role="province")
            found["name"] = Column(i, text, "name")
            continue
        for role, words in ANNEX_HEADERS.items():
            if key in words and role not in found:
                found[role] = Column(i, text, role)
                break
    if "name" in found and len(found) >= 2:
        return found
    return None


def merge_subheader(header: dict[str, Column], row) -> bool:
    """Fold a second header row ("NILAI", "PREDIKAT" under a merged "INDEKS INOVASI DAERAH") into ``header``."""
    cells = header_cells(row)
    if not cells:
        return False
    found = {}
    for i, text, key in cells:
        role = next((r for r, words in ANNEX_HEADERS.items() if key in words and r != "name"), None)
        if role is None:
            return False
        found[role] = Column(i, text, role)
    header.update(found)
    return True


def names_pemda(m: RegionMatcher, text: str, level: str | None) -> bool:
    """True when ``text`` names a pemda (at ``level`` or any level, or ambiguously): a data row, not a footnote."""
    if len(norm_header(text)) >= 60:
        return False
    for lv in (level, None):
        try:
            m.match(text, level=lv)
            return True
        except RegionMatchError as exc:
            if "pemda;" in exc.reason:  # "matches 2 pemda; add a prefix ..."
                return True
    return False


def vertical_merges(sheet: Sheet, start: int) -> dict[int, list[tuple[int, int]]]:
    """Cells covered by a one-column merge below its first cell, as {row index: [(column, anchor row)]}.

    A tie in the annex is often one merged score (and predikat) cell over two
    pemda rows; only the first row holds the value.
    """
    out: dict[int, list[tuple[int, int]]] = {}
    for r0, c0, r1, c1 in sheet.merged:
        if c0 == c1 and r1 > r0 and r0 >= start:
            for r in range(r0 + 1, r1 + 1):
                out.setdefault(r, []).append((c0, r0))
    return {r: sorted(cells) for r, cells in out.items()}


_IID_WORDS = {"iid", "indeks", "nilai iid", "nilai indeks", "indeks inovasi daerah", "skor iid", "nilai akhir",
              "skor akhir", "total", "total skor", "nilai indeks inovasi daerah", "index", "nilai index"}


def resolve_subcolumns(sh: Sheet, start: int, header: dict[str, Column], year: int, column,
                       report: ImportReport) -> bool:
    """Pick the score column when its header spans sub-columns, or when ``column`` names one.

    "NILAI IID" merged over "2023 | 2024" takes the sub-column of ``year``; "NILAI" over
    "SPD | SID | IID" takes the one saying IID or INDEKS; ``column`` (a sub-column's or a header's text,
    or a column letter) overrides both.  Otherwise the import is refused with the candidates.  Changes
    ``header`` in place; returns True when the row below the header was such a sub-header row.
    """
    rows = sh.rows
    row = rows[start]
    nxt = rows[start + 1] if start + 1 < len(rows) else []
    sc = header.get("score")
    subs: list[tuple[int, str]] = []
    if sc is not None:
        end = sc.index
        spans = [m for m in sh.merged if m[0] == start and m[1] == sc.index and m[3] > sc.index]
        if spans:
            end = spans[0][3]
        else:
            j = sc.index + 1
            while j < len(nxt) and (j >= len(row) or row[j] is None) and nxt[j] is not None:
                j += 1
            end = j - 1
        subs = [(j, cell_text(nxt[j])) for j in range(sc.index, end + 1) if j < len(nxt) and nxt[j] is not None
                and not isinstance(nxt[j], CellError)]
        name = header.get("name")
        numbers = [t for _, t in subs if re.fullmatch(r"[\d.,\s%+-]+", t) and not (t.isdigit() and len(t) == 4)]
        if len(subs) < 2 or numbers or (name is not None and name.index < len(nxt) and nxt[name.index] is not None):
            subs = []  # the row below is data, not sub-headers
        elif merge_subheader(dict(header), nxt) and sum(
                norm_header(t) in ANNEX_HEADERS["score"] for _, t in subs) <= 1:
            subs = []  # "NILAI | PREDIKAT" under "INDEKS INOVASI DAERAH": an ordinary two-row header
    label = sh.label

    def ref(j, r):
        return f"{column_letter(j)}{r + 1}"

    if column is not None:
        want = str(column).strip()
        pool = [(j, t, start + 1) for j, t in subs] + [(i, t, start) for i, t, _ in header_cells(row)]
        hit = [(j, t, r) for j, t, r in pool if norm_header(t) == norm_header(want) or column_letter(j) == want.upper()]
        if not hit:
            shown = ", ".join(f"{t!r} ({ref(j, r)})" for j, t, r in pool)
            raise DataImportError(f"{label}: column={want!r} (--column) names no column of the header; columns are "
                                  f"{shown}", report)
        j, t, r = hit[0]
        header["score"] = Column(j, t if r == start or sc is None else f"{sc.header} / {t}", "score")
        return bool(subs)
    if not subs:
        return False
    years = [(j, t) for j, t in subs if t.isdigit() and len(t) == 4]
    pick = [(j, t) for j, t in years if int(t) == year]
    if not years:
        pick = [(j, t) for j, t in subs if norm_header(t) in _IID_WORDS]
    if len(pick) != 1:
        why = (f"none is the year {year}" if years else "none says IID or INDEKS") if not pick else \
            "more than one could be the IID score"
        shown = ", ".join(f"{t!r} ({ref(j, start + 1)})" for j, t in subs)
        raise DataImportError(
            f"{label} row {start + 1}: the score header {sc.header!r} ({ref(sc.index, start)}) spans "
            f"{len(subs)} sub-columns: {shown}; {why}. Say which holds the IID score with column= "
            f"(--column), e.g. --column {subs[-1][1]!r}", report)
    j, t = pick[0]
    header["score"] = Column(j, f"{sc.header} / {t}", "score")
    for i, text, key in header_cells(nxt):  # other words of the sub-header row ("PREDIKAT")
        role = next((r for r, words in ANNEX_HEADERS.items() if key in words and r not in ("name", "score")), None)
        if role and not any(i == k for k, _ in subs):
            header[role] = Column(i, text, role)
    report.warnings.append(f"{label}: the score header {sc.header!r} spans sub-columns "
                           + ", ".join(repr(t) for _, t in subs) + f"; the IID score is read from {t!r} "
                           f"({ref(j, start + 1)})")
    return True


def summary_row_label(row, header: dict[str, Column]) -> str | None:
    """The label of a summary row ("RATA-RATA", "NILAI TERTINGGI", "JUMLAH") of an annex table, else None.

    Its text cells outside the score, predikat and rank columns are all summary labels.
    """
    skip = {header[r].index for r in ("score", "predicate", "rank") if r in header}
    label = None
    for i, v in enumerate(row):
        if v is None or i in skip or isinstance(v, (int, float, CellError)):
            continue
        key = norm_header(cell_text(v))
        if not key or key.replace(" ", "").isdigit():
            continue
        if key not in SUMMARY_LABELS:
            return None
        label = cell_text(v)
    return label


def wrapped_fragment(m: RegionMatcher, header: dict[str, Column], row, nxt, level: str | None) -> str | None:
    """The rest of a pemda name a PDF converter wrapped onto the next row, or None.

    ``nxt`` is such a fragment when it has no number, a text in the name column that names no pemda by
    itself, nothing in the columns ``row`` fills, and the name in ``row`` begins a longer pemda name
    ("Kota Tangerang" / "Selatan").
    """
    name_col = header["name"].index
    if nxt is None or name_col >= len(nxt) or nxt[name_col] is None or isinstance(nxt[name_col], CellError):
        return None
    if name_col >= len(row) or row[name_col] is None or isinstance(row[name_col], CellError):
        return None
    no = header.get("no")
    if no is not None and no.index < len(nxt) and nxt[no.index] is not None:
        return None
    for i, v in enumerate(nxt):
        if i != name_col and v is not None and i < len(row) and row[i] is not None:
            return None
    frag = cell_text(nxt[name_col])
    if len(frag) > 40 or SECTION_RE.match(norm_header(frag)) or norm_header(frag) in SUMMARY_LABELS:
        return None
    if not m.continues(cell_text(row[name_col]), level, frag) or names_pemda(m, frag, level):
        return None
    return frag
