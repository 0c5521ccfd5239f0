"""A pemda's innovation list with the 20 SID answers: :func:`import_innovations`."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..frameworks import SID_INDICATORS, framework_for_year
from ..regions import RegionMatcher
from ..scoring import SID_COLUMNS, unknown_urusan
from .cells import LevelReader, cell_text, column_letter, map_levels, slug
from .columns import (
    INNOVATION_HEADERS,
    SID_NUMBER_RE,
    check_year_column,
    match_pemda,
    read_categorical,
    read_free_text,
    sid_name_lookup,
)
from .dates import read_date_column
from .framework_fit import framework_hint
from .output import (
    INNOVATION_COLUMNS,
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
from .simulated import refuse_simulated, refuse_simulated_ids


def import_innovations(path, year: int, *, out_dir=None, strict: bool = False, max_bad_share: float = 0.05,
                       write: bool = True, sheet=None, pemda: str | None = None,
                       matcher: RegionMatcher | None = None, skip_hidden: bool = False,
                       simulated_ok: bool = False) -> ImportReport:
    """Import an innovation list with SID answers (one row per innovation).

    Parameters
    ----------
    path : path-like
        XLSX or CSV; column layout in the module docstring.
    year : int
        Assessment year; its framework (:func:`~iid_research.frameworks.framework_for_year`)
        supplies the parameter texts answers may be written as.
    pemda : str, optional
        The pemda of the file (name or code): of every row when the file has no
        pemda column, and of every row whose pemda cell is empty when it has one
        (counted in a warning); a row whose cell names another pemda is rejected,
        naming both.
    out_dir, strict, max_bad_share, write, sheet, matcher, skip_hidden, simulated_ok
        As for :func:`import_annex`.  Output ``innovations_<year>_<pemda>_<stem>.csv``
        (:func:`~iid_research.importers.output.output_name`).

    Returns
    -------
    ImportReport
        ``report.table``: [innovation_id, kode_wilayah, year, opd_name, tahapan,
        jenis, bentuk, inisiator, urusan, tematik, trial_date,
        implementation_date (datetime64), sid_16 ... sid_35 (Int64 0-3),
        nama_inovasi, source_file, source_row].

    Raises
    ------
    DataImportError
        Empty/unreadable file, no header, missing pemda or SID column(s), a
        column for an unknown indicator number, a year without rules, the
        labelled SIMULATED demo data (:func:`~.simulated.refuse_simulated`), no
        SID answer filled in on any row (the empty template), or too many bad
        rows (levels outside 0-3, unknown parameter texts, unknown pemda,
        duplicate innovation ids, bad dates or categories); when the file
        follows another framework's template, the message starts by saying so
        (:func:`~.framework_fit.framework_hint`).
    """
    path = Path(path)
    report = new_report("innovations", path, year)
    year = report.year = check_year(year, report)
    fw = framework_for_year(year)
    sheets = read_rows(path, report, sheet, skip_hidden)
    sid_names = sid_name_lookup()
    unknown_numbers: list[tuple[str, int]] = []

    def indicator_role(key):
        mnum = SID_NUMBER_RE.match(key)
        if mnum:
            n = int(mnum.group(1))
            return f"sid_{n}" if n in SID_INDICATORS else f"unknown_{n}"
        return f"sid_{sid_names[key]}" if key in sid_names else "?"

    def classify(row):
        return classify_header(row, INNOVATION_HEADERS, indicator_role)

    sh, start, cols = pick_sheet(sheets, classify, 3, report,
                                  "a row naming the pemda column and the SID columns 16-35 "
                                  "('16' or 'sid_16' or 'Indikator 16' or 'Regulasi Inovasi Daerah')")
    for i in range(start):
        if any(v is not None for v in sh.rows[i]):
            report.rows_skipped.append((sh.label, i + 1, row_text(sh.rows[i])))
    refuse_simulated(path, report, sheets, allowed=simulated_ok)
    header: dict[str, Column] = {}
    for c in cols:
        if c.role.startswith("unknown_"):
            unknown_numbers.append((c.header, int(c.role.split("_")[1])))
        elif c.role != "?":
            if c.role in header:
                raise DataImportError(f"{sh.label} row {start + 1}: columns {header[c.role].header!r} and "
                                      f"{c.header!r} both give {c.role}; keep one", report)
            header[c.role] = c
    if unknown_numbers:
        raise DataImportError(
            f"{sh.label} row {start + 1}: unknown indicator number(s) in column(s) "
            + ", ".join(f"{h!r} ({n})" for h, n in unknown_numbers)
            + "; SID indicators are numbered 16-35 (1-15 are SPD indicators: import them with kind 'spd')",
            report)
    missing = [c for c in SID_COLUMNS if c not in header]
    if "pemda" not in header and pemda is None:
        missing.insert(0, "pemda")
    if missing:
        expected = []
        for c in missing:
            if c == "pemda":
                expected.append("pemda: 'pemda', 'pemerintah daerah' or 'kode_wilayah' (or pass pemda=/--pemda)")
            else:
                n = int(c.split("_")[1])
                name = fw.sid.set_index("indicator_no").loc[n, "name_id"]
                expected.append(f"{c}: '{n}', 'sid_{n}', 'Indikator {n}' or {name!r}")
        raise DataImportError(
            f"{sh.label}: missing required column(s) {missing}. Columns found in row {start + 1}: "
            f"{found_columns(sh.rows[start])}. Expected names: " + "; ".join(expected), report)
    rejects = Rejects()
    label = sh.label
    too_wide = check_width(sh, start, header, (), rejects, report)
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
    refuse_unanswered(frame, [header[c] for c in SID_COLUMNS], label, "SID answer", report)
    m = get_matcher(matcher)
    kode = match_pemda(frame, m, pemda, label, header, rejects, report)
    check_year_column(frame, year, label, header, rejects)

    out = pd.DataFrame(index=frame.index)
    if "innovation_id" in frame.columns:
        ids = [None if v is None else cell_text(v) for v in frame["innovation_id"]]
        col = header["innovation_id"]
        for row_no, v in zip(frame.index, ids):
            if v is None:
                rejects.add(label, row_no, col.header, "innovation id is empty", f"{column_letter(col.index)}{row_no}")
    else:
        ids = [f"{slug(path.stem)}-r{r}" for r in frame.index]
    out["innovation_id"] = pd.Series(ids, index=frame.index, dtype="string")
    out["kode_wilayah"] = pd.Series(kode, index=frame.index, dtype="string")
    out["year"] = year
    out["opd_name"] = read_free_text(frame, "opd_name")
    for role in ("tahapan", "jenis", "bentuk", "inisiator"):
        out[role] = read_categorical(frame, role, label, header, rejects)
    for role in ("urusan", "tematik"):
        out[role] = read_free_text(frame, role)
    unknown = unknown_urusan(out["urusan"])
    if len(unknown):
        rows = [int(frame.index[p]) for p in unknown["position"]]
        shown = ", ".join(f"row {r}: {t!r}" + (f" (did you mean {s!r}?)" if s else "")
                          for r, t, s in zip(rows[:10], unknown["urusan_text"], unknown["suggestion"]))
        report.warnings.append(f"{len(unknown)} urusan text(s) name no urusan pemerintahan of UU 23/2014 and do not "
                               f"count towards the urusan pelayanan dasar: {shown}"
                               + (" ..." if len(unknown) > 10 else ""))
    for role in ("trial_date", "implementation_date"):
        if role not in frame.columns:
            out[role] = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
            continue
        col = header[role]
        others = {header[r].header: frame[r].tolist() for r in ("trial_date", "implementation_date")
                  if r != role and r in frame.columns}
        values, errors, warns = read_date_column(frame[role], col.header, others)
        report.warnings.extend(f"{label}: {w}" for w in warns)
        what = "trial" if role == "trial_date" else "implementation"
        for row_no, ts in zip(frame.index, values):
            err = errors.get(row_no)
            if not err and ts is not pd.NaT and ts.year > year:
                err = (f"{what} date {ts.date().isoformat()} is after 31 Dec {year}, the end of the "
                       f"assessment year imported; a {year} innovation is tried and implemented by then")
            if err:
                rejects.add(label, row_no, col.header, err, f"{column_letter(col.index)}{row_no}")
        out[role] = pd.to_datetime(pd.Series(values, index=frame.index, dtype="datetime64[ns]"))
    if "trial_date" in frame.columns and "implementation_date" in frame.columns:
        tcol, icol = header["trial_date"], header["implementation_date"]
        late = out["trial_date"].notna() & out["implementation_date"].notna() & (
            out["trial_date"] > out["implementation_date"])
        for row_no in out.index[late]:
            t, i = out.loc[row_no, "trial_date"].date(), out.loc[row_no, "implementation_date"].date()
            rejects.add(label, row_no, icol.header, f"implementation date {i.isoformat()} is before the trial date "
                        f"{t.isoformat()} ({tcol.header!r}, {column_letter(tcol.index)}{row_no}): an innovation is "
                        "tried before it is implemented; check the two dates (day and month swapped?)",
                        f"{column_letter(icol.index)}{row_no}")
    sid = fw.sid.set_index("indicator_no")
    blanks = 0
    for c in SID_COLUMNS:
        n = int(c.split("_")[1])
        reader = LevelReader(f"indicator {n} ({sid.loc[n, 'name_id']})",
                              (sid.loc[n, "param1"], sid.loc[n, "param2"], sid.loc[n, "param3"]), fw.year)
        levels, errors, nblank = map_levels(frame[c], reader)
        blanks += nblank
        col = header[c]
        for row_no, msg in errors.items():
            rejects.add(label, row_no, col.header, msg, f"{column_letter(col.index)}{row_no}")
        out[c] = levels
    note_framework(report, framework_hint(
        fw, year, [(c[4:], header[c].header) for c in SID_COLUMNS],
        [(c[4:], v, row_no) for c in SID_COLUMNS for row_no, v in frame[c].items()],
        label=label, header_row=start + 1, template="inovasi"))
    out["nama_inovasi"] = read_free_text(frame, "nama_inovasi")
    out["source_file"] = label
    out["source_row"] = frame.index.astype(int)
    # duplicates
    dup_key = out["kode_wilayah"].fillna("?") + "|" + out["innovation_id"].fillna("?")
    dups = dup_key[dup_key.duplicated(keep=False) & out["innovation_id"].notna()]
    if len(dups):
        col = header.get("innovation_id")
        for key, group in dups.groupby(dups, sort=False):
            rows = ", ".join(str(r) for r in group.index)
            for row_no in group.index:
                rejects.add(label, row_no, col.header if col else "", f"duplicate innovation id "
                            f"{key.split('|')[1]!r} for pemda {key.split('|')[0]} {year} (rows {rows})",
                            f"{column_letter(col.index)}{row_no}" if col else "")
    if out["nama_inovasi"].notna().any():
        name_key = out["kode_wilayah"].fillna("?") + "|" + out["nama_inovasi"].str.lower().str.strip()
        dn = name_key[name_key.duplicated(keep=False) & out["nama_inovasi"].notna()]
        if len(dn):
            report.warnings.append(f"{dn.nunique()} innovation name(s) appear more than once for the same pemda "
                                   f"(rows {', '.join(str(r) for r in dn.index[:20])}); kept, check they are "
                                   "different innovations")
    if blanks:
        report.warnings.append(f"{blanks} empty SID answer(s) read as level 0 (not filled)")
    keep = [(label, int(r)) not in rejects.keys for r in out.index]
    table = out[keep].reset_index(drop=True)
    table = table[INNOVATION_COLUMNS]
    refuse_simulated_ids(path, report, table["innovation_id"], allowed=simulated_ok)
    return finish_import(report, table, rejects, kind="innovations", stem=path.stem, out_dir=out_dir, strict=strict,
                   max_bad_share=max_bad_share, write=write)
