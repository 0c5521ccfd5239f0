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
from .annex_layout import (
    ANNEX_HEADERS,
    NAME_HEADER_LEVEL,
    SECTION_RE,
    annex_header,
    merge_subheader,
    names_pemda,
    resolve_subcolumns,
    summary_row_label,
    vertical_merges,
    wrapped_fragment,
)
from .cells import cell_text, column_letter, norm_header, region_text
from .grid import CellError, Sheet
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
from .sheets import HEADER_SEARCH_ROWS, check_width, first_rows_text, found_columns, read_rows, row_text
from .simulated import refuse_simulated


def import_annex(path, year: int, *, out_dir=None, strict: bool = False, max_bad_share: float = 0.05,
                 write: bool = True, sheet=None, matcher: RegionMatcher | None = None, column=None,
                 skip_hidden: bool = False, simulated_ok: bool = False) -> ImportReport:
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
    column : str, optional
        The column holding the IID score, by its header text or letter, when the score header spans
        sub-columns that neither the year nor the words IID/INDEKS decide ("NILAI" over
        "SPD | SID | IID" is decided; "NILAI" over "A | B" is not).
    skip_hidden : bool, default False
        Leave out rows and columns hidden in the workbook (by default they are imported, with a warning).
    simulated_ok : bool, default False
        Accept the labelled SIMULATED demo data (only the demo workspace does, :mod:`iid_research.demo`);
        otherwise a file whose title rows or document properties carry the demo's marker is refused
        (:func:`~iid_research.importers.simulated.refuse_simulated`).

    Returns
    -------
    ImportReport
        ``report.table`` has columns [kode_wilayah, nama, level, year,
        iid_score (0-100), predicate, rank (Int64), source_file, source_row].

    Raises
    ------
    DataImportError
        Empty or unreadable file, no header row, a missing score column, a year
        without rules, the labelled SIMULATED demo data, or too many bad rows
        (the error lists each: file, row, column, reason).  Predicates contradicting the year's thresholds are
        warnings, not errors.
    """
    path = Path(path)
    report = new_report("annex", path, year)
    year = report.year = check_year(year, report)
    sheets = read_rows(path, report, sheet, skip_hidden)
    m = get_matcher(matcher)
    state = _AnnexState(m, year, report)
    found_header = False
    for sh in sheets:
        start, header = None, None
        for i, row in enumerate(sh.rows[:HEADER_SEARCH_ROWS]):
            header = annex_header(row)
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
        refuse_simulated(path, report, sheets, allowed=simulated_ok, warn=False)  # before any row's rejection
        _read_sheet(sh, start, header, state, column)
    if not found_header:
        raise DataImportError(f"{path.name}: no sheet holds an annex table (expected header words 'NO', "
                              "'PEMERINTAH DAERAH', 'NILAI INDEKS', 'PREDIKAT')", report)
    table = state.finish()
    refuse_simulated(path, report, sheets, allowed=simulated_ok)  # and the footnote rows
    return finish_import(report, table, state.rejects, kind="annex", stem=path.stem, out_dir=out_dir, strict=strict,
                         max_bad_share=max_bad_share, write=write)


@dataclasses.dataclass
class _Candidate:
    """A row that may be a pemda row, with what was in force where it stands."""

    row_no: int
    row: list
    header: dict
    level: str | None
    province: str | None          # province code from a heading row above, if any
    province_row: int | None      # that heading's row number
    named: bool                   # the name cell names a pemda
    label: str
    forced: tuple | None = None   # (role, reason): rejected whatever it holds


class _AnnexState:
    """What :func:`import_annex` collects over the sheets."""

    def __init__(self, m: RegionMatcher, year: int, report: ImportReport):
        self.m, self.year, self.report = m, year, report
        self.names = m.regions.set_index("kode_wilayah")
        self.rejects = Rejects()
        self.records: list[dict] = []
        self.seen: dict[str, list] = {}
        self.footnotes: list = []
        self.summary: list = []
        self.merged_read: list = []
        self.wrapped: list = []
        self.former: list = []
        self.former_province: list = []

    def finish(self) -> pd.DataFrame:
        """Duplicates, warnings and the table of the rows kept."""
        report, names, year = self.report, self.names, self.year
        for kode, where in self.seen.items():
            if len(where) > 1:
                rows = ", ".join(f"{lab} row {r}" for lab, r, _ in where)
                for lab, r, hdr in where:
                    self.rejects.add(lab, r, hdr["name"].header, f"duplicate pemda-year: {kode} "
                                     f"{names.loc[kode, 'nama']} {year} appears {len(where)} times ({rows})",
                                     f"{column_letter(hdr['name'].index)}{r}")
        _warn_list(report, self.merged_read, "empty cell(s) inside a merged range read as the range's value (a tie "
                   "written once for several rows)")
        _warn_list(report, self.wrapped, "pemda name(s) wrapped onto a second row joined")
        _warn_list(report, self.former, "pemda written by a former name or code, read as today's pemda")
        _warn_list(report, self.former_province, f"pemda listed under the province they belonged to in {year}")
        if self.footnotes:
            report.rows_skipped.extend((lab, r, t) for r, t, lab in self.footnotes)
            report.warnings.append(f"{len(self.footnotes)} row(s) without a score read as titles/footnotes and "
                                   "skipped: " + "; ".join(f"{lab} row {r}: {t[:60]!r}"
                                                          for r, t, lab in self.footnotes[:10])
                                   + (" ..." if len(self.footnotes) > 10 else ""))
        if self.summary:
            report.rows_skipped.extend((lab, r, t) for r, t, lab in self.summary)
            report.warnings.append(f"{len(self.summary)} summary row(s) skipped (not a pemda): "
                                   + "; ".join(f"{lab} row {r}: {t!r}" for r, t, lab in self.summary[:10]))
        table = pd.DataFrame.from_records(self.records, columns=ANNEX_COLUMNS)
        if len(table):
            keep = [(f, r) not in self.rejects.keys for f, r in zip(table["source_file"], table["source_row"])]
            table = table[keep]
        table = table.reset_index(drop=True)
        table["year"] = table["year"].astype(int)
        table["iid_score"] = table["iid_score"].astype(float)
        table["rank"] = pd.array(table["rank"].tolist(), dtype="Int64")
        table["source_row"] = table["source_row"].astype(int)
        if len(table):  # predicates that contradict the year's thresholds: warn with the list
            expected = assign_predicates(table["iid_score"].to_numpy(), year)
            given = table["predicate"].to_numpy(dtype=object)
            clash = [(r, e) for r, e, g in zip(table.itertuples(index=False), expected, given)
                     if g is not None and e is not None and g != e]
            if clash:
                lines = [f"{r.source_file} row {r.source_row}: {r.nama} IID {r.iid_score:.2f} published as "
                         f"{r.predicate!r}, the {year} thresholds give {e!r}" for r, e in clash]
                report.warnings.append(f"{len(clash)} predicate(s) contradict the {year} thresholds (kept as "
                                       "published): " + "; ".join(lines[:20]) + (" ..." if len(lines) > 20 else ""))
        return table


def _warn_list(report: ImportReport, items: list, what: str) -> None:
    if items:
        report.warnings.append(f"{len(items)} {what}: " + "; ".join(items[:10]) + (" ..." if len(items) > 10 else ""))


def _is_int_text(v) -> bool:
    return (isinstance(v, (int, float)) and not isinstance(v, bool)) or (
        isinstance(v, str) and v.strip().rstrip(".").isdigit())


def _read_sheet(sh: Sheet, start: int, header: dict, state: _AnnexState, column) -> None:
    """Classify the rows of one sheet below its first header, then read the pemda rows."""
    m, report = state.m, state.report
    candidates: list[_Candidate] = []
    merges = vertical_merges(sh, start)
    level_hint = NAME_HEADER_LEVEL.get(norm_header(header["name"].header))
    province_hint = province_row = None
    sub_rows = {start + 1} if resolve_subcolumns(sh, start, header, state.year, column, report) else set()
    sub_row = start + 1

    def is_data(row):
        no = header.get("no")
        name = header["name"].index
        return (no is not None and no.index < len(row) and _is_int_text(row[no.index])) or (
            name < len(row) and row[name] is not None and names_pemda(m, cell_text(row[name]), level_hint))

    too_wide = check_width(sh, start + (1 if sub_rows else 0), header, ("score",), state.rejects, report,
                           skip=lambda row: not is_data(row))
    consumed: set[int] = set()
    for i in range(start, len(sh.rows)):
        row = sh.rows[i]
        row_no = i + 1
        if i in consumed or not any(v is not None for v in row):
            continue
        if i in sub_rows:
            report.rows_skipped.append((sh.label, row_no, "second header row (sub-columns)"))
            continue
        if i == sub_row and merge_subheader(header, row):
            report.rows_skipped.append((sh.label, row_no, "second header row"))
            continue
        new_header = annex_header(row)
        if new_header:
            sub_row = i + 1
            if "score" not in new_header and not (i + 1 < len(sh.rows) and merge_subheader(
                    dict(new_header), sh.rows[i + 1]) and any(
                    norm_header(cell_text(v)) in ANNEX_HEADERS["score"] for v in sh.rows[i + 1] if v is not None)):
                raise DataImportError(
                    f"{sh.label} row {row_no}: missing required column for the IID score: expected "
                    "'NILAI INDEKS', 'SKOR' or 'NILAI' (any case); columns found: "
                    f"{found_columns(row)}", report)
            if i != start:
                # a header repeated after a page break keeps the section and province in force,
                # unless its name column says the cluster ("KOTA")
                report.rows_skipped.append((sh.label, row_no, "repeated header"))
                level_hint = NAME_HEADER_LEVEL.get(norm_header(new_header["name"].header), level_hint)
                if resolve_subcolumns(sh, i, new_header, state.year, column, report):
                    sub_rows.add(i + 1)
                header = new_header  # (the first header was read, with its sub-columns, above)
            continue
        if i in too_wide:
            candidates.append(_Candidate(row_no, row, header, level_hint, province_hint, province_row, True,
                                         sh.label, forced=("", "")))
            continue
        for c, r0 in merges.get(i, ()):
            anchor = sh.rows[r0][c] if c < len(sh.rows[r0]) else None
            if anchor is not None and (c >= len(row) or row[c] is None):
                row = list(row) + [None] * (c + 1 - len(row))
                row[c] = anchor
                state.merged_read.append(f"{sh.label} {column_letter(c)}{row_no} = {column_letter(c)}{r0 + 1}")
        summary = summary_row_label(row, header)
        if summary is not None:
            state.summary.append((row_no, summary, sh.label))
            continue

        def cell(role, row=row, header=header):
            col = header.get(role)
            return None if col is None or col.index >= len(row) else row[col.index]

        score, pred, no, name = cell("score"), cell("predicate"), cell("no"), cell("name")
        texts = [cell_text(v) for v in row if v is not None]
        joined = " ".join(texts)
        key = norm_header(joined)
        sec = SECTION_RE.match(key) if score is None and pred is None else None
        if sec:
            level_hint = NAME_HEADER_LEVEL.get(sec.group(1))
            province_hint = province_row = None
            report.rows_skipped.append((sh.label, row_no, joined))
            continue
        if score is None and pred is None and level_hint != "provinsi":
            heading = None
            for text in ([cell_text(name)] if name is not None else []) + (texts if len(texts) == 1 else []):
                if len(norm_header(text)) < 60:
                    try:
                        heading = m.match(text, level="provinsi")
                        break
                    except RegionMatchError:
                        pass
            if heading is not None:
                province_hint, province_row = heading, row_no
                report.rows_skipped.append((sh.label, row_no, joined))
                continue
        # a long name a PDF converter wrapped onto the next row ("Kota Tangerang" / "Selatan")
        nxt = sh.rows[i + 1] if i + 1 < len(sh.rows) else None
        frag = wrapped_fragment(m, header, row, nxt, level_hint) if name is not None else None
        if frag is not None:
            whole = f"{cell_text(name)} {frag}"
            consumed.add(i + 1)
            joined_row = [a if a is not None else (nxt[k] if k < len(nxt) else None) for k, a in
                          enumerate(row + [None] * max(0, len(nxt) - len(row)))]
            joined_row[header["name"].index] = whole
            try:
                m.match(whole, level=level_hint, year=state.year)
                ok = True
            except RegionMatchError:
                ok = names_pemda(m, whole, level_hint)  # ambiguous: matched (and refused) below with candidates
            if ok:
                state.wrapped.append(f"{sh.label} rows {row_no}-{row_no + 1}: {cell_text(name)!r} + {frag!r} = "
                                     f"{whole!r}")
                report.rows_skipped.append((sh.label, row_no + 1, f"rest of the name on row {row_no}: {frag}"))
                candidates.append(_Candidate(row_no, joined_row, header, level_hint, province_hint, province_row,
                                             True, sh.label))
            else:
                reason = (f"the name {cell_text(name)!r} continues on row {row_no + 1} as {frag!r} (a long name "
                          f"wrapped by a PDF converter?) but {whole!r} matches no pemda; write the whole name on one "
                          "row")
                candidates.append(_Candidate(row_no, row, header, level_hint, province_hint, province_row, True,
                                             sh.label, forced=("name", reason)))
                candidates.append(_Candidate(row_no + 1, nxt, header, level_hint, province_hint, province_row, True,
                                             sh.label, forced=("name", f"{frag!r} looks like the rest of the name "
                                                               f"{cell_text(name)!r} on row {row_no}, but "
                                                               f"{whole!r} matches no pemda")))
            continue
        if score is not None or pred is not None:
            candidates.append(_Candidate(row_no, row, header, level_hint, province_hint, province_row, True, sh.label))
            continue
        named = name is not None and names_pemda(m, cell_text(name), level_hint)
        if named or (_is_int_text(no) and name is not None):
            candidates.append(_Candidate(row_no, row, header, level_hint, province_hint, province_row, named,
                                         sh.label))
            continue
        state.footnotes.append((row_no, joined, sh.label))
    # rows after the last row with a score are footnotes when they lack score and predicate
    # (unless they name a pemda: then the score is missing)
    last_scored = max((c.row_no for c in candidates if c.forced is None and _get(c, "score") is not None), default=0)
    for c in candidates:
        if c.forced is None and c.row_no > last_scored and not c.named and _get(c, "score") is None \
                and _get(c, "predicate") is None:
            state.footnotes.append((c.row_no, " ".join(cell_text(v) for v in c.row if v is not None), c.label))
            continue
        _read_candidate(c, state)


def _get(c: _Candidate, role: str):
    col = c.header.get(role)
    return None if col is None or col.index >= len(c.row) else c.row[col.index]


def _read_candidate(c: _Candidate, state: _AnnexState) -> None:
    """Read one pemda row into ``state.records``; every fault is a rejection naming its column."""
    m, names, year, hdr = state.m, state.names, state.year, c.header
    state.report.rows_read += 1
    if c.forced is not None:
        role, reason = c.forced
        if role:  # (a too-wide row was rejected when it was found)
            col = hdr[role]
            state.rejects.add(c.label, c.row_no, col.header, reason, f"{column_letter(col.index)}{c.row_no}")
        return
    bad = False

    def reject(role, reason):
        nonlocal bad
        bad = True
        role = role if role in hdr else "name"  # every rejection names a column
        state.rejects.add(c.label, c.row_no, hdr[role].header, reason, f"{column_letter(hdr[role].index)}{c.row_no}")

    # pemda
    name = _get(c, "name")
    kode = None
    prov, prov_from_column = c.province, False
    if name is None:
        reject("name", "pemda name is empty")
    elif isinstance(name, CellError):
        reject("name", f"pemda name: {name.describe()}")
    else:
        written = cell_text(name)
        prov_written = _get(c, "province")
        if prov_written is not None:
            try:
                prov, prov_from_column = m.match(cell_text(prov_written), level="provinsi"), True
            except RegionMatchError as exc:
                reject("province", str(exc))
        try:
            try:
                kode = m.match(written, level=c.level, year=year)
            except RegionMatchError as ambiguous:
                if not (prov and len(ambiguous.candidates) > 1 and "pemda;" in ambiguous.reason):
                    raise
                kode = m.match(written, level=c.level, province=prov, year=year)  # the province decides
            note = m.former_note(written, kode)
            if note:
                state.former.append(f"{c.label} row {c.row_no}: {note}")
            if prov and not m.in_province(kode, prov, year):
                change = m.province_change(kode, prov)
                where = ("in the PROVINSI column" if prov_from_column else
                         f"under the heading {names.loc[prov, 'nama']!r} (row {c.province_row})")
                reject("province" if prov_from_column else "name",
                       f"{written!r} is {kode} {names.loc[kode, 'nama']} in {names.loc[kode, 'province']}, not in "
                       f"{names.loc[prov, 'nama']} ({where})" + (f"; {change}, before this {year} annex"
                                                                 if change else ""))
            elif prov and kode.split(".")[0] != prov.split(".")[0]:
                state.former_province.append(f"{c.label} row {c.row_no}: {m.province_change(kode, prov)}")
        except RegionMatchError as exc:
            msg = str(exc)
            if c.level:
                try:
                    other = m.match(written, year=year)
                    msg = (f"{written!r} is {other} {names.loc[other, 'nama']} (a {names.loc[other, 'level']}) but "
                           f"the row is in the {c.level.upper()} table")
                except RegionMatchError:
                    pass
            reject("name", msg)
    code_written = _get(c, "kode")
    if kode and code_written is not None:
        try:
            by_code = m.match(region_text(code_written), year=year)
            if by_code != kode:
                reject("kode", f"code {cell_text(code_written)!r} is {by_code} {names.loc[by_code, 'nama']} but the "
                               f"name {cell_text(name)!r} is {kode} {names.loc[kode, 'nama']}")
            elif m.former_note(region_text(code_written), by_code):
                state.former.append(f"{c.label} row {c.row_no}: {m.former_note(region_text(code_written), by_code)}")
        except RegionMatchError as exc:
            reject("kode", str(exc))
    # score
    score_value = math.nan
    raw = _get(c, "score")
    if isinstance(raw, CellError):
        reject("score", f"score: {raw.describe()}")
    elif raw is not None:
        try:
            score_value = parse_number(raw, scale="index")
            if math.isnan(score_value):
                reject("score", f"score {cell_text(raw)!r} is not a number; expected a number such as 60,01 or 60.01")
            elif not 0 <= score_value <= 100:
                reject("score", f"score {score_value:g} (written {cell_text(raw)!r}) outside 0-100 "
                                f"(the IID scale since {index_scale_first_year()})")
        except ValueError as exc:
            reject("score", f"{exc}; expected a number such as 60,01 or 60.01")
    # predicate
    predicate = None
    pred = _get(c, "predicate")
    if isinstance(pred, CellError):
        reject("predicate", f"predikat: {pred.describe()}")
    elif pred is not None:
        try:
            predicate = normalise_predicate(cell_text(pred))
        except ValueError:
            reject("predicate", f"unknown predikat {cell_text(pred)!r}; expected one of {', '.join(PREDICATES)}")
    if raw is None and not bad and predicate != "Tidak Dapat Dinilai":
        reject("score", "score missing: the row names a pemda but its score cell is empty (for a tie, give the "
                        "score on each row)")
    # rank ("=3" and "3=" are ties)
    rank = None
    rank_raw = _get(c, "rank")
    if isinstance(rank_raw, CellError):
        reject("rank", f"rank: {rank_raw.describe()}")
    elif rank_raw is not None:
        text = cell_text(rank_raw).strip()
        tie = re.fullmatch(r"=\s*(\d+)|(\d+)\s*=", text)
        try:
            rv = float(tie.group(1) or tie.group(2)) if tie else parse_number(rank_raw, scale="raw")
            if not (rv >= 1 and float(rv).is_integer()):
                raise ValueError
            rank = int(rv)
        except ValueError:
            reject("rank", f"rank {text!r} is not a whole number ≥ 1 (a tie may be written '=3' or '3=')")
    if kode:
        state.seen.setdefault(kode, []).append((c.label, c.row_no, hdr))
    state.records.append({"kode_wilayah": kode, "nama": names.loc[kode, "nama"] if kode else None,
                          "level": names.loc[kode, "level"] if kode else None, "year": year,
                          "iid_score": score_value, "predicate": predicate, "rank": rank,
                          "source_file": c.label, "source_row": c.row_no})
