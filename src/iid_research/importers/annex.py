"""The national ranking annex (lampiran) of the Kepmendagri decree: :func:`import_annex`."""

from __future__ import annotations

import dataclasses
import math
import re
from pathlib import Path

import pandas as pd

from ..frameworks import PREDICATES, index_scale_first_year, normalise_predicate
from ..numbers import parse_number
from ..regions import RegionMatcher, RegionMatchError
from ..scoring import assign_predicates
from .cells import cell_text, column_letter, norm_header, region_text
from .output import (
    ANNEX_COLUMNS,
    DataImportError,
    ImportReport,
    Rejects,
    check_year,
    finish_import,
    get_matcher,
    new_report,
)
from .sheets import (
    HEADER_SEARCH_ROWS,
    Column,
    Sheet,
    first_rows_text,
    found_columns,
    header_cells,
    read_rows,
    row_text,
)

_ANNEX_HEADERS = {
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


_NAME_HEADER_LEVEL = {"provinsi": "provinsi", "kabupaten": "kabupaten", "kota": "kota"}


_SECTION_RE = re.compile(r"^(?:[a-z]|[ivx]+|\d+)?\s?(?:klaster|kluster|cluster|kelompok|pemerintah)?\s?"
                         r"(provinsi|kabupaten|kota|kabupaten kota|kab kota)$")


def _annex_header(row) -> dict[str, Column] | None:
    found: dict[str, Column] = {}
    for i, text, key in header_cells(row):
        if key == "provinsi" and "name" in found and "province" not in found:
            found["province"] = Column(i, text, "province")  # NO | KABUPATEN/KOTA | PROVINSI | ...
            continue
        if key != "provinsi" and key in _ANNEX_HEADERS["name"] and found.get("name") and \
                norm_header(found["name"].header) == "provinsi":
            # NO | PROVINSI | KABUPATEN/KOTA | ...: the first column names the province of the row
            found["province"] = dataclasses.replace(found["name"], role="province")
            found["name"] = Column(i, text, "name")
            continue
        for role, words in _ANNEX_HEADERS.items():
            if key in words and role not in found:
                found[role] = Column(i, text, role)
                break
    if "name" in found and len(found) >= 2:
        return found
    return None


def _merge_subheader(header: dict[str, Column], row) -> bool:
    """Fold a second header row ("NILAI", "PREDIKAT" under a merged "INDEKS INOVASI DAERAH") into ``header``."""
    cells = header_cells(row)
    if not cells:
        return False
    found = {}
    for i, text, key in cells:
        role = next((r for r, words in _ANNEX_HEADERS.items() if key in words and r != "name"), None)
        if role is None:
            return False
        found[role] = Column(i, text, role)
    header.update(found)
    return True


def _names_pemda(m: RegionMatcher, text: str, level: str | None) -> bool:
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


def _vertical_merges(sheet: Sheet, start: int) -> dict[int, list[tuple[int, int]]]:
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


def import_annex(path, year: int, *, out_dir=None, strict: bool = False, max_bad_share: float = 0.05,
                 write: bool = True, sheet=None, matcher: RegionMatcher | None = None) -> ImportReport:
    """Import the national ranking annex of the Kepmendagri IID decree (XLSX or CSV).

    Parameters
    ----------
    path : path-like
        The annex as converted from the decree's PDF (layout: module docstring).
    year : int
        Assessment year of the decree (must have rules: :func:`~iid_research.frameworks.assessment_years`).
    out_dir : path-like, optional
        Output folder; default ``config.PROCESSED_DIR``.  The table goes to
        ``annex_<year>_<file stem>.csv`` with a ``.meta.json`` beside it
        (input SHA-256, counts).
    strict : bool, default False
        Refuse the file if any row is bad.
    max_bad_share : float, default 0.05
        Otherwise refuse it when more than this share of data rows is bad.
    write : bool, default True
        False validates only.
    sheet : str, optional
        One sheet of a workbook; default every visible sheet that holds an annex table.
    matcher : RegionMatcher, optional
        Default :func:`iid_research.data.region_matcher`.

    Returns
    -------
    ImportReport
        ``report.table`` has columns [kode_wilayah, nama, level, year,
        iid_score (0-100), predicate, rank (Int64), source_file, source_row].

    Raises
    ------
    DataImportError
        Empty or unreadable file, no header row, a missing score column, a year
        without rules, or too many bad rows (the error lists each: file, row,
        column, reason).  Predicates contradicting the year's thresholds are
        warnings, not errors.
    """
    path = Path(path)
    report = new_report("annex", path, year)
    year = report.year = check_year(year, report)
    sheets = read_rows(path, report, sheet)
    m = get_matcher(matcher)
    names = m.regions.set_index("kode_wilayah")
    rejects = Rejects()
    records = []
    seen: dict[str, list] = {}
    found_header = False
    footnotes = []
    merged_read = []  # cells read from a merged range above them (ties)
    for sh in sheets:
        header = None
        # locate the first header row
        start = None
        for i, row in enumerate(sh.rows[:HEADER_SEARCH_ROWS]):
            header = _annex_header(row)
            if header:
                start = i
                break
        if header is None:
            if len(sheets) > 1:
                report.warnings.append(f"{sh.label}: no annex header in the first {HEADER_SEARCH_ROWS} rows; "
                                       "sheet skipped")
                continue
            raise DataImportError(
                f"{sh.label}: no header row found in the first {HEADER_SEARCH_ROWS} rows. Expected a row "
                "with the column names 'NO', 'PEMERINTAH DAERAH' (or 'KABUPATEN/KOTA', 'PROVINSI'), "
                "'NILAI INDEKS' (or 'SKOR', 'NILAI'), 'PREDIKAT', in any case. First rows found: "
                + first_rows_text(sh), report)
        found_header = True
        for i in range(start):
            if any(v is not None for v in sh.rows[i]):
                report.rows_skipped.append((sh.label, i + 1, row_text(sh.rows[i])))
        candidates = []  # (row_no, row, header, level_hint, province_hint, names_pemda)
        merges = _vertical_merges(sh, start)
        level_hint = _NAME_HEADER_LEVEL.get(norm_header(header["name"].header))
        province_hint = None
        sub_row = start + 1
        for i in range(start, len(sh.rows)):
            row = sh.rows[i]
            row_no = i + 1
            if not any(v is not None for v in row):
                continue
            if i == sub_row and _merge_subheader(header, row):
                report.rows_skipped.append((sh.label, row_no, "second header row"))
                continue
            new_header = _annex_header(row)
            if new_header:
                sub_row = i + 1
                if "score" not in new_header and not (i + 1 < len(sh.rows) and _merge_subheader(
                        dict(new_header), sh.rows[i + 1]) and any(
                        norm_header(cell_text(v)) in _ANNEX_HEADERS["score"] for v in sh.rows[i + 1] if v is not None)):
                    raise DataImportError(
                        f"{sh.label} row {row_no}: missing required column for the IID score: expected "
                        "'NILAI INDEKS', 'SKOR' or 'NILAI' (any case); columns found: "
                        f"{found_columns(row)}", report)
                if i != start:
                    # a header repeated after a page break keeps the section and province in force,
                    # unless its name column says the cluster ("KOTA")
                    report.rows_skipped.append((sh.label, row_no, "repeated header"))
                    level_hint = _NAME_HEADER_LEVEL.get(norm_header(new_header["name"].header), level_hint)
                header = new_header
                continue
            for c, r0 in merges.get(i, ()):
                anchor = sh.rows[r0][c] if c < len(sh.rows[r0]) else None
                if anchor is not None and (c >= len(row) or row[c] is None):
                    row = list(row) + [None] * (c + 1 - len(row))
                    row[c] = anchor
                    merged_read.append(f"{sh.label} {column_letter(c)}{row_no} = {column_letter(c)}{r0 + 1}")

            def cell(role):
                col = header.get(role)  # noqa: B023 - called within this iteration
                return None if col is None or col.index >= len(row) else row[col.index]  # noqa: B023

            score, pred, no = cell("score"), cell("predicate"), cell("no")
            name = cell("name")
            no_is_int = isinstance(no, (int, float)) or (isinstance(no, str) and no.strip().rstrip(".").isdigit())
            if score is not None or pred is not None:
                candidates.append((row_no, row, header, level_hint, province_hint, True))
                continue
            # no score, no predicate: a section or province heading, a title, a footnote, or a pemda row
            # whose score is missing (rejected below, never skipped)
            texts = [cell_text(v) for v in row if v is not None]
            joined = " ".join(texts)
            key = norm_header(joined)
            sec = _SECTION_RE.match(key)
            if sec:
                level_hint = _NAME_HEADER_LEVEL.get(sec.group(1))
                province_hint = None
                report.rows_skipped.append((sh.label, row_no, joined))
                continue
            if name is not None and level_hint != "provinsi" and len(norm_header(name)) < 60:
                try:
                    province_hint = m.match(cell_text(name), level="provinsi")
                    report.rows_skipped.append((sh.label, row_no, joined))
                    continue
                except RegionMatchError:
                    pass
            if len(texts) == 1 and len(key) < 60 and level_hint != "provinsi":
                try:
                    province_hint = m.match(texts[0], level="provinsi")
                    report.rows_skipped.append((sh.label, row_no, joined))
                    continue
                except RegionMatchError:
                    pass
            named = name is not None and _names_pemda(m, cell_text(name), level_hint)
            if named or (no_is_int and name is not None):
                candidates.append((row_no, row, header, level_hint, province_hint, named))
                continue
            footnotes.append((row_no, joined, sh.label))
        # rows after the last row with a score are footnotes when they lack score and predicate
        # (unless they name a pemda: then the score is missing)
        last_scored = max((c[0] for c in candidates if (c[2].get("score") and c[2]["score"].index < len(c[1])
                                                        and c[1][c[2]["score"].index] is not None)), default=0)
        for row_no, row, hdr, lvl, prov, named in candidates:
            def get(role, row=row, hdr=hdr):
                col = hdr.get(role)
                return None if col is None or col.index >= len(row) else row[col.index]

            def colname(role, hdr=hdr):
                return hdr[role].header if role in hdr else ""

            def cellref(role, hdr=hdr, row_no=row_no):
                return f"{column_letter(hdr[role].index)}{row_no}" if role in hdr else ""

            if row_no > last_scored and not named and get("score") is None and get("predicate") is None:
                footnotes.append((row_no, " ".join(cell_text(v) for v in row if v is not None), sh.label))
                continue
            report.rows_read += 1
            bad = False

            def reject(role, reason):
                nonlocal bad
                bad = True
                rejects.add(sh.label, row_no, colname(role), reason, cellref(role))  # noqa: B023

            # pemda
            name = get("name")
            kode = None
            if name is None:
                reject("name", "pemda name is empty")
            else:
                prov_written = get("province")
                if prov_written is not None:
                    try:
                        prov = m.match(cell_text(prov_written), level="provinsi")
                    except RegionMatchError as exc:
                        reject("province", str(exc))
                try:
                    try:
                        kode = m.match(cell_text(name), level=lvl)
                    except RegionMatchError as ambiguous:
                        if not (prov and len(ambiguous.candidates) > 1 and "pemda;" in ambiguous.reason):
                            raise
                        kode = m.match(cell_text(name), level=lvl, province=prov)  # the province column decides
                    if prov and kode.split(".")[0] != prov.split(".")[0]:
                        reject("province", f"{cell_text(name)!r} is {kode} {names.loc[kode, 'nama']} in "
                                           f"{names.loc[kode, 'province']}, not in {names.loc[prov, 'nama']}")
                except RegionMatchError as exc:
                    msg = str(exc)
                    if lvl:
                        try:
                            other = m.match(cell_text(name))
                            msg = (f"{cell_text(name)!r} is {other} {names.loc[other, 'nama']} (a "
                                   f"{names.loc[other, 'level']}) but the row is in the {lvl.upper()} table")
                        except RegionMatchError:
                            pass
                    reject("name", msg)
            code_written = get("kode")
            if kode and code_written is not None:
                try:
                    by_code = m.match(region_text(code_written))
                    if by_code != kode:
                        reject("kode", f"code {cell_text(code_written)!r} is {by_code} {names.loc[by_code, 'nama']} "
                                       f"but the name {cell_text(name)!r} is {kode} {names.loc[kode, 'nama']}")
                except RegionMatchError as exc:
                    reject("kode", str(exc))
            # score
            score_value = math.nan
            raw = get("score")
            if raw is not None:
                try:
                    score_value = parse_number(raw, scale="index")
                    if math.isnan(score_value):
                        reject("score", f"score {cell_text(raw)!r} is not a number; expected a number such as 60,01 "
                                        "or 60.01")
                    elif not 0 <= score_value <= 100:
                        reject("score", f"score {score_value:g} (written {cell_text(raw)!r}) outside 0-100 "
                                        f"(the IID scale since {index_scale_first_year()})")
                except ValueError as exc:
                    reject("score", f"{exc}; expected a number such as 60,01 or 60.01")
            # predicate
            predicate = None
            if get("predicate") is not None:
                try:
                    predicate = normalise_predicate(cell_text(get("predicate")))
                except ValueError:
                    reject("predicate", f"unknown predikat {cell_text(get('predicate'))!r}; expected one of "
                                        f"{', '.join(PREDICATES)}")
            if raw is None and not bad and predicate != "Tidak Dapat Dinilai":
                reject("score" if "score" in hdr else "name",
                       "score missing: the row names a pemda but its score cell is empty (for a tie, give the "
                       "score on each row)")
            # rank
            rank = None
            if get("rank") is not None:
                try:
                    rv = parse_number(get("rank"), scale="raw")
                    if not (rv >= 1 and float(rv).is_integer()):
                        raise ValueError
                    rank = int(rv)
                except ValueError:
                    reject("rank", f"rank {cell_text(get('rank'))!r} is not a whole number ≥ 1")
            if kode:
                seen.setdefault(kode, []).append((sh.label, row_no, hdr))
            records.append({"kode_wilayah": kode, "nama": names.loc[kode, "nama"] if kode else None,
                            "level": names.loc[kode, "level"] if kode else None, "year": year,
                            "iid_score": score_value, "predicate": predicate, "rank": rank,
                            "source_file": sh.label, "source_row": row_no, "_bad": bad})
    if not found_header:
        raise DataImportError(f"{path.name}: no sheet holds an annex table (expected header words 'NO', "
                              "'PEMERINTAH DAERAH', 'NILAI INDEKS', 'PREDIKAT')", report)
    for kode, where in seen.items():
        if len(where) > 1:
            rows = ", ".join(f"{lab} row {r}" for lab, r, _ in where)
            for lab, r, hdr in where:
                rejects.add(lab, r, hdr["name"].header, f"duplicate pemda-year: {kode} {names.loc[kode, 'nama']} "
                            f"{year} appears {len(where)} times ({rows})", f"{column_letter(hdr['name'].index)}{r}")
    if merged_read:
        report.warnings.append(f"{len(merged_read)} empty cell(s) inside a merged range read as the range's value "
                               "(a tie written once for several rows): " + "; ".join(merged_read[:10])
                               + (" ..." if len(merged_read) > 10 else ""))
    if footnotes:
        report.rows_skipped.extend((lab, r, t) for r, t, lab in footnotes)
        report.warnings.append(f"{len(footnotes)} row(s) without a score read as titles/footnotes and skipped: "
                               + "; ".join(f"{lab} row {r}: {t[:60]!r}" for r, t, lab in footnotes[:10])
                               + (" ..." if len(footnotes) > 10 else ""))
    table = pd.DataFrame.from_records(records, columns=[*ANNEX_COLUMNS, "_bad"])
    if len(table):
        bad_keys = rejects.keys
        keep = [(f, r) not in bad_keys for f, r in zip(table["source_file"], table["source_row"])]
        table = table[keep]
    table = table.drop(columns="_bad").reset_index(drop=True)
    table["year"] = table["year"].astype(int)
    table["iid_score"] = table["iid_score"].astype(float)
    table["rank"] = pd.array(table["rank"].tolist(), dtype="Int64")
    table["source_row"] = table["source_row"].astype(int)
    # predicates that contradict the year's thresholds: warn with the list
    if len(table):
        expected = assign_predicates(table["iid_score"].to_numpy(), year)
        given = table["predicate"].to_numpy(dtype=object)
        clash = [(r, e) for r, e, g in zip(table.itertuples(index=False), expected, given)
                 if g is not None and e is not None and g != e]
        if clash:
            lines = [f"{r.source_file} row {r.source_row}: {r.nama} IID {r.iid_score:.2f} published as "
                     f"{r.predicate!r}, the {year} thresholds give {e!r}" for r, e in clash]
            report.warnings.append(f"{len(clash)} predicate(s) contradict the {year} thresholds (kept as "
                                   "published): " + "; ".join(lines[:20]) + (" ..." if len(lines) > 20 else ""))
    return finish_import(report, table, rejects, kind="annex", stem=path.stem, out_dir=out_dir, strict=strict,
                   max_bad_share=max_bad_share, write=write)
