"""A pemda's SPD answers, long or wide: :func:`import_spd`."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd

from ..frameworks import Framework, framework_for_year
from ..numbers import parse_number
from ..regions import RegionMatcher
from .cells import LevelReader, cell_text, column_letter
from .columns import SPD_NUMBER_RE, check_year_column, match_pemda, spd_name_lookup
from .framework_fit import framework_hint
from .output import (
    SPD_COLUMNS,
    DataImportError,
    ImportReport,
    Rejects,
    check_year,
    finish_import,
    get_matcher,
    new_report,
    note_framework,
    refuse_all,
    refuse_unanswered,
)
from .sheets import (
    Column,
    check_width,
    classify_header,
    data_frame,
    found_columns,
    note_summary_rows,
    pick_sheet,
    read_rows,
    row_text,
)
from .simulated import refuse_simulated

_SPD_LONG_HEADERS = {
    "indicator": {"indikator", "indicator", "indicator no", "no indikator", "nomor indikator", "kode indikator",
                  "row id", "indikator spd", "butir"},
    "sub": {"sub", "sub indikator", "sub row"},
    "answer": {"level", "jawaban", "parameter", "answer", "pilihan", "nilai parameter", "tingkat", "nilai"},
    "raw_value": {"raw value", "capaian", "nilai capaian", "data", "realisasi", "angka"},
    "year": {"year", "tahun"},
}


def _spd_row_id(value, sub, fw: Framework) -> tuple[str | None, str | None]:
    """Return (row_id, error) for an indicator cell (and optional sub cell)."""
    text = cell_text(value).lower().replace(" ", "").replace(".", "").replace("-", "").replace("_", "")
    if sub is not None and cell_text(sub):
        text += cell_text(sub).lower().strip()
    m = re.match(r"^(?:spd|indikator|ind|i)?(\d{1,2})([a-z])?$", text)
    ids = fw.spd_row_ids
    listed = ", ".join(ids)
    if not m:
        return None, f"{cell_text(value)!r} is not an SPD indicator number; SPD rows are {listed}"
    rid = str(int(m.group(1))) + (m.group(2) or "")  # "01" is 1, "02a" is 2a
    if rid in ids:
        return rid, None
    subs = [r for r in ids if re.fullmatch(m.group(1) + r"[ab]", r)]
    if subs and not m.group(2):
        return None, f"indicator {m.group(1)} has sub-rows {' and '.join(subs)}; give the sub-row"
    return None, f"unknown SPD indicator number {rid!r}; SPD rows are {listed} (SID indicators 16-35 belong " \
                 f"to the innovations file)"


def import_spd(path, year: int, *, out_dir=None, strict: bool = False, max_bad_share: float = 0.05,
               write: bool = True, sheet=None, pemda: str | None = None,
               matcher: RegionMatcher | None = None, skip_hidden: bool = False,
               simulated_ok: bool = False) -> ImportReport:
    """Import SPD answers (regional-government aspect, indicators 1-15), long or wide.

    Parameters
    ----------
    path : path-like
        XLSX or CSV; layout in the module docstring.  Long when a column is
        headed ``indikator`` and another ``level``/``jawaban``/``parameter``;
        wide otherwise.
    year : int
        Assessment year (its framework gives the SPD rows and parameter texts).
    pemda, out_dir, strict, max_bad_share, write, sheet, matcher, skip_hidden, simulated_ok
        As for :func:`import_innovations`.  Output ``spd_<year>_<pemda>_<stem>.csv``.

    Returns
    -------
    ImportReport
        ``report.table``: [kode_wilayah, year, indicator_no (int 1-15), sub
        ("", "a", "b"), level (int 0-3), raw_value (float, NaN if not given),
        source_file, source_row], sorted as read.

    Raises
    ------
    DataImportError
        As for :func:`import_innovations`; also duplicate pemda-year (wide) or
        pemda-year-row (long) answers, unknown SPD indicator numbers, and a
        file in which no answer cell is filled in (the empty template).
    """
    path = Path(path)
    report = new_report("spd", path, year)
    year = report.year = check_year(year, report)
    fw = framework_for_year(year)
    sheets = read_rows(path, report, sheet, skip_hidden)
    spd_names = spd_name_lookup(fw)

    def indicator_role(key):
        mnum = SPD_NUMBER_RE.match(key)
        if mnum:
            return f"spd_{int(mnum.group(1))}{mnum.group(2) or ''}"
        return f"spd_{spd_names[key]}" if key in spd_names else "?"

    def classify(row):
        return classify_header(row, _SPD_LONG_HEADERS, indicator_role)

    sh, start, cols = pick_sheet(sheets, classify, 2, report,
                                  "long: columns 'pemda', 'indikator', 'level' (or 'jawaban'); or wide: 'pemda' "
                                  "and one column per SPD row ('1', '2a', ... '15')")
    label = sh.label
    header: dict[str, Column] = {}
    for c in cols:
        if c.role != "?":
            if c.role in header:
                raise DataImportError(f"{label} row {start + 1}: columns {header[c.role].header!r} and {c.header!r} "
                                      f"both give {c.role}; keep one", report)
            header[c.role] = c
    for i in range(start):
        if any(v is not None for v in sh.rows[i]):
            report.rows_skipped.append((sh.label, i + 1, row_text(sh.rows[i])))
    refuse_simulated(path, report, sheets, allowed=simulated_ok)
    is_long = "indicator" in header
    rejects = Rejects()
    m = get_matcher(matcher)
    readers = {r.row_id: LevelReader(f"SPD row {r.row_id} ({r.name_id})", (r.param1, r.param2, r.param3), fw.year)
               for r in fw.spd.itertuples(index=False)}
    if is_long:
        missing = [r for r in ("indicator", "answer") if r not in header]
    else:
        spd_cols = [c for c in header if c.startswith("spd_")]
        unknown = [header[c] for c in spd_cols if c[4:] not in readers]
        if unknown:
            raise DataImportError(
                f"{label} row {start + 1}: unknown indicator number(s) in column(s) "
                + ", ".join(f"{c.header!r}" for c in unknown)
                + f"; SPD rows are {', '.join(fw.spd_row_ids)} (SID indicators 16-35 go in the innovations file)",
                report)
        missing = [f"spd_{r}" for r in fw.spd_row_ids if f"spd_{r}" not in header]
    if "pemda" not in header and pemda is None:
        missing.insert(0, "pemda")
    if missing:
        expected = {"pemda": "'pemda', 'pemerintah daerah' or 'kode_wilayah' (or pass pemda=/--pemda)",
                    "indicator": "'indikator' (values '1', '2a', ...)",
                    "answer": "'level', 'jawaban' or 'parameter' (a level 0-3 or the parameter text)"}
        spd_rows = fw.spd.set_index("row_id")
        names = [f"{c}: {expected[c]}" if c in expected
                 else f"{c}: {c[4:]!r}, 'spd_{c[4:]}' or {spd_rows.loc[c[4:], 'name_id']!r}" for c in missing]
        raise DataImportError(
            f"{label}: missing required column(s) {missing} for the {'long' if is_long else 'wide'} SPD layout. "
            f"Columns found in row {start + 1}: {found_columns(sh.rows[start])}. Expected names: "
            + "; ".join(names), report)
    too_wide = check_width(sh, start, header, ("raw_value",), rejects, report)
    summary: list = []
    frame = data_frame(sh, start, list(header.values()), summary)
    note_summary_rows(label, summary, report)
    report.rows_read = len(frame)
    if not len(frame):
        raise DataImportError(f"{label}: the header (row {start + 1}) was found but there are no data rows below "
                              "it; nothing written", report)
    frame = frame.drop(index=[r for r in frame.index if r - 1 in too_wide])  # rejected: values shifted
    if not len(frame):
        refuse_all(report, rejects)
    refuse_unanswered(frame, [header["answer"]] if is_long else [header[f"spd_{r}"] for r in fw.spd_row_ids],
                      label, "SPD answer", report)
    kode = match_pemda(frame, m, pemda, label, header, rejects, report)
    check_year_column(frame, year, label, header, rejects)
    records = []
    blanks = 0
    answers = []  # (row id, value, row) of every answer cell, for the framework hint
    if is_long:
        ind_col, ans_col = header["indicator"], header["answer"]
        for row_no, r in frame.iterrows():
            rid, err = _spd_row_id(r["indicator"], r.get("sub") if "sub" in frame.columns else None, fw)
            if err:
                rejects.add(label, row_no, ind_col.header, err, f"{column_letter(ind_col.index)}{row_no}")
                continue
            answers.append((rid, r["answer"], row_no))
            level, err, blank = readers[rid].read(r["answer"])
            blanks += blank
            if err:
                rejects.add(label, row_no, ans_col.header, err, f"{column_letter(ans_col.index)}{row_no}")
                continue
            raw_value = math.nan
            if "raw_value" in frame.columns and r["raw_value"] is not None:
                try:
                    # a capaian written as a percentage ("80 %", "1,5%") is that number of percent
                    raw_value = parse_number(re.sub(r"\s*%$", "", str(r["raw_value"]).strip()), scale="index")
                except ValueError as exc:
                    col = header["raw_value"]
                    rejects.add(label, row_no, col.header, str(exc), f"{column_letter(col.index)}{row_no}")
                    continue
            records.append((kode[row_no], year, int(re.match(r"\d+", rid).group()), rid.lstrip("0123456789"),
                            level, raw_value, label, int(row_no)))
        table = pd.DataFrame(records, columns=SPD_COLUMNS)
        key = table["kode_wilayah"].fillna("?") + "|" + table["indicator_no"].astype(str) + table["sub"]
        dups = key[key.duplicated(keep=False) & table["kode_wilayah"].notna()]
        for k, group in dups.groupby(dups, sort=False):
            rows = table.loc[group.index, "source_row"].tolist()
            for row_no in rows:
                rejects.add(label, row_no, ind_col.header, f"duplicate answer: pemda {k.split('|')[0]} {year} SPD row "
                            f"{k.split('|')[1]} given on rows {', '.join(map(str, rows))}",
                            f"{column_letter(ind_col.index)}{row_no}")
    else:
        for row_no, r in frame.iterrows():
            for rid in fw.spd_row_ids:
                answers.append((rid, r[f"spd_{rid}"], row_no))
                level, err, blank = readers[rid].read(r[f"spd_{rid}"])
                blanks += blank
                col = header[f"spd_{rid}"]
                if err:
                    rejects.add(label, row_no, col.header, err, f"{column_letter(col.index)}{row_no}")
                    continue
                records.append((kode[row_no], year, int(re.match(r"\d+", rid).group()), rid.lstrip("0123456789"),
                                level, math.nan, label, int(row_no)))
        table = pd.DataFrame(records, columns=SPD_COLUMNS)
        per_row = pd.Series(kode, index=frame.index)
        dups = per_row[per_row.duplicated(keep=False) & per_row.notna()]
        pcol = header.get("pemda")
        for k, group in dups.groupby(dups, sort=False):
            rows = ", ".join(str(r) for r in group.index)
            for row_no in group.index:
                rejects.add(label, row_no, pcol.header if pcol else "", f"duplicate pemda-year: {k} {year} appears "
                            f"on rows {rows}", f"{column_letter(pcol.index)}{row_no}" if pcol else "")
    headers = [] if is_long else [(rid, header[f"spd_{rid}"].header) for rid in fw.spd_row_ids]
    note_framework(report, framework_hint(fw, year, headers, answers, label=label, header_row=start + 1,
                                          template="spd"))
    if blanks:
        report.warnings.append(f"{blanks} empty SPD answer(s) read as level 0 (not filled)")
    if len(table):
        keep = [(label, int(r)) not in rejects.keys for r in table["source_row"]]
        table = table[keep].reset_index(drop=True)
    table["year"] = table["year"].astype(int)
    table["indicator_no"] = table["indicator_no"].astype(int)
    table["level"] = table["level"].astype(int)
    table["raw_value"] = table["raw_value"].astype(float)
    table["source_row"] = table["source_row"].astype(int)
    table["kode_wilayah"] = table["kode_wilayah"].astype("string")
    table["sub"] = table["sub"].astype("string")
    if is_long and len(table):
        lacking = []
        for k, grp in table.groupby("kode_wilayah", sort=True):
            absent = sorted(set(fw.spd_row_ids) - set(grp["indicator_no"].astype(str) + grp["sub"]),
                            key=fw.spd_row_ids.index)
            if absent:
                lacking.append(f"{k} lacks {', '.join(absent)}")
        if lacking:
            report.warnings.append("SPD rows not given (score 0 when missing): " + "; ".join(lacking[:20]))
    return finish_import(report, table, rejects, kind="spd", stem=path.stem, out_dir=out_dir, strict=strict,
                   max_bad_share=max_bad_share, write=write)
