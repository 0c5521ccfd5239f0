"""Trust grades of published sources, the merge of per-pemda result rows, and the parsing of the fact tables.

Two shipped tables give published results per pemda (``iid_region_scores_news_2019_2025.csv``, the
first collection, and ``iid_region_results_news_round2_2017_2025.csv``, the second).  Where several
rows speak of one pemda and year, :func:`merge_result_rows` keeps, field by field, the value of the
most trusted row and records every other value that disagrees as a conflict.  Nothing is averaged or
silently dropped: the conflicts are a table of their own and part of the data-quality list.

Order of trust (best first, :data:`TRUST_GRADES`)
-------------------------------------------------
1. ``BSKDN page``: the ministry agency that runs the IID.
2. ``regional government page quoting decree``: the pemda's own page citing the Kepmendagri decree.
3. ``news quoting decree``.
4. ``regional government page``: the pemda's own page without a decree citation (a written, official
   statement, but not the decree).
5. ``news quoting BSKDN/Litbang official``.
6. ``news quoting regional official`` and ``news (grade not recorded)``.  The first collection has no
   trust column: its rows from ``bskdn.kemendagri.go.id`` are graded ``BSKDN page``, from other
   ``.go.id`` sites ``regional government page``, and all others ``news (grade not recorded)``, ranked
   with the most common news grade of the second collection (34 of its 77 rows).
7. ``news only``.

Ties and the order of the keys
------------------------------
Rows are ordered by (provisional last, trust grade, first collection before second, row in file).
A final value always beats a provisional (pre-decree) one.  At equal grade the first collection
wins: the second collection was gathered to add to it and marks its own rows that contradict it
(``CONTRADICTS``), so a tie is settled in favour of the row that was not flagged.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

from .frameworks import index_scale_first_year, normalise_predicate
from .numbers import parse_number, written_decimals
from .regions import RegionMatchError

TRUST_GRADES: dict[str, int] = {
    "BSKDN page": 1,
    "regional government page quoting decree": 2,
    "news quoting decree": 3,
    "regional government page": 4,
    "news quoting BSKDN/Litbang official": 5,
    "news quoting regional official": 6,
    "news (grade not recorded)": 6,
    "news only": 7,
}
"""Trust grade -> order (1 = most trusted); see the module docstring for the reasons."""

UNGRADED_NEWS = "news (grade not recorded)"
"""Grade given to first-collection rows from news pages (that table records no grade)."""

RANK_SCOPES = ("province", "kabupaten_kota", "award")
"""Scopes of a rank that is not a national rank within the level cluster: among the kabupaten/kota of
one province, among all kabupaten and kota together, or an IGA award order (not necessarily the IID rank)."""

FIELD_GROUPS: dict[str, tuple[str, ...]] = {
    "iid_score": ("iid_score", "score_decimals", "is_rounded"),
    "raw_score": ("raw_score",),
    "predicate": ("predicate",),
    "rank": ("rank",),
    "rank_of": ("rank_of",),
    "scoped_rank": ("scoped_rank", "scoped_rank_of", "rank_scope"),
}
"""Fields merged together: the first column of each group decides whether a row has a value."""

CONFLICT_COLUMNS = ["kode_wilayah", "nama", "year", "field", "kept_value", "other_value", "kept_file", "kept_row",
                    "kept_trust", "kept_url", "other_file", "other_row", "other_trust", "other_url",
                    "other_is_provisional", "other_note"]
"""Columns of the conflicts table made by :func:`merge_result_rows`."""


SOURCE_COLUMNS = ["kode_wilayah", "nama", "level", "province", "year", "iid_score", "score_decimals", "is_rounded",
                  "raw_score", "predicate", "predicate_as_written", "rank", "rank_of", "scoped_rank", "scoped_rank_of",
                  "rank_scope", "is_provisional", "is_year_uncertain", "trust", "source_url", "source_file",
                  "source_row", "file_order", "note"]
"""Columns of one parsed source row (:func:`first_collection_rows`, :func:`second_collection_rows`)."""

_YEAR_UNCERTAIN = re.compile(r"year ambiguous|year not stated|year not explicit|check year|presumably IID",
                             re.IGNORECASE)
_IGA_TITLE = re.compile(r"^\s*terinovatif\b", re.IGNORECASE)


def grade_first_collection(url: str | None) -> str:
    """Trust grade of a first-collection row from its source page (that table has no trust column).

    >>> grade_first_collection("https://bskdn.kemendagri.go.id/website/x")
    'BSKDN page'
    >>> grade_first_collection("https://warta.luwutimurkab.go.id/y"), grade_first_collection("https://gatra.com/z")
    ('regional government page', 'news (grade not recorded)')
    """
    host = str(url or "").split("//")[-1].split("/")[0].lower()
    if host.endswith("bskdn.kemendagri.go.id"):
        return "BSKDN page"
    if host.endswith(".go.id"):
        return "regional government page"
    return UNGRADED_NEWS


def trust_order(grade: str) -> int:
    """Order of a trust grade (1 = most trusted).

    Raises
    ------
    ValueError
        For a grade not in :data:`TRUST_GRADES` (the message lists them).
    """
    if grade not in TRUST_GRADES:
        raise ValueError(f"unknown trust grade {grade!r}; expected one of {list(TRUST_GRADES)}")
    return TRUST_GRADES[grade]


def _missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _round_half_up(value: float, decimals: int) -> float:
    return math.floor(abs(value) * 10 ** decimals + 0.5 + 1e-9) / 10 ** decimals * (1 if value >= 0 else -1)


def _agree(group: str, kept: tuple, other: tuple) -> bool:
    if group == "iid_score":
        decimals = int(min(kept[1], other[1]))
        return _round_half_up(float(kept[0]), decimals) == _round_half_up(float(other[0]), decimals)
    return all((_missing(a) and _missing(b)) or (not _missing(a) and not _missing(b) and a == b)
               for a, b in zip(kept, other))


def _display(group: str, values: tuple):
    if group == "scoped_rank":
        return f"{values[0]}" + (f" of {values[1]}" if not _missing(values[1]) else "") + f" ({values[2]})"
    value = values[0]
    return int(value) if isinstance(value, (int, np.integer)) else float(value) \
        if isinstance(value, (float, np.floating)) else value


def merge_result_rows(rows: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series]:
    """Merge source rows into one row per pemda and year, field by field, most trusted value first.

    Parameters
    ----------
    rows : DataFrame
        One row per source row with columns [kode_wilayah, nama, level, province, year, iid_score,
        score_decimals, is_rounded, raw_score, predicate, predicate_as_written, rank, rank_of,
        scoped_rank, scoped_rank_of, rank_scope, is_provisional, is_year_uncertain, trust,
        source_url, source_file, source_row, file_order, note]; ``year`` may be missing (such rows
        are left out and get the status ``no_year``).

    Returns
    -------
    (merged, conflicts, status)
        ``merged``: one row per (kode_wilayah, year) with the columns above (minus file_order) plus
        ``n_sources`` and ``n_conflicts``; the fields of :data:`FIELD_GROUPS` come from the most
        trusted row that has them (order in the module docstring).  ``source_url``, ``trust``,
        ``source_file``, ``source_row`` and ``note`` are those of the *primary* row: the one whose
        score was kept, else whose rank, else whose predikat, else the most trusted.  ``is_provisional``
        and ``is_year_uncertain`` are True when any kept value comes from such a row.
        ``conflicts``: DataFrame with :data:`CONFLICT_COLUMNS`, one row per value that disagrees with
        the kept one (scores compared at the lower of the two precisions, so "59" agrees with 59.28).
        ``status``: Series aligned with ``rows``: ``kept`` (the primary row), ``agrees`` (adds or
        confirms values), ``conflict`` (at least one value disagrees) or ``no_year``.
    """
    status = pd.Series("agrees", index=rows.index, dtype=object)
    status[rows["year"].isna()] = "no_year"
    dated = rows[rows["year"].notna()]
    ordered = dated.assign(_prov=dated["is_provisional"].astype(bool), _trust=dated["trust"].map(trust_order))
    ordered = ordered.sort_values(["kode_wilayah", "year", "_prov", "_trust", "file_order", "source_row"],
                                  kind="stable")
    merged, conflicts = [], []
    for (kode, year), group in ordered.groupby(["kode_wilayah", "year"], sort=True):
        out = group.iloc[0].to_dict()
        supplier = {}
        for name, cols in FIELD_GROUPS.items():
            have = group[group[cols[0]].map(lambda v: not _missing(v))]
            if have.empty:
                continue
            first = have.iloc[0]
            kept = tuple(first[c] for c in cols)
            supplier[name] = first.name
            for c in cols:
                out[c] = first[c]
            for idx, other in have.iloc[1:].iterrows():
                values = tuple(other[c] for c in cols)
                if _agree(name, kept, values):
                    continue
                status[idx] = "conflict"
                conflicts.append({
                    "kode_wilayah": kode, "nama": first["nama"], "year": int(year), "field": name,
                    "kept_value": _display(name, kept), "other_value": _display(name, values),
                    "kept_file": first["source_file"], "kept_row": int(first["source_row"]),
                    "kept_trust": first["trust"], "kept_url": first["source_url"],
                    "other_file": other["source_file"], "other_row": int(other["source_row"]),
                    "other_trust": other["trust"], "other_url": other["source_url"],
                    "other_is_provisional": bool(other["is_provisional"]), "other_note": other["note"]})
        as_written = group["predicate_as_written"].dropna()
        out["predicate_as_written"] = as_written.iloc[0] if len(as_written) else None
        primary_idx = next((supplier[k] for k in ("iid_score", "raw_score", "rank", "predicate", "scoped_rank")
                            if k in supplier), group.index[0])
        primary = group.loc[primary_idx]
        for c in ("source_url", "trust", "source_file", "source_row", "note"):
            out[c] = primary[c]
        used = group.loc[sorted(set(supplier.values()) | {primary_idx})]
        out["is_provisional"] = bool(used["is_provisional"].any())
        out["is_year_uncertain"] = bool(used["is_year_uncertain"].any())
        out["n_sources"] = len(group)
        out["n_conflicts"] = sum(1 for c in conflicts if c["kode_wilayah"] == kode and c["year"] == int(year))
        if status[primary_idx] != "conflict":
            status[primary_idx] = "kept"
        merged.append(out)
    columns = [c for c in rows.columns if c != "file_order"] + ["n_sources", "n_conflicts"]
    merged_frame = pd.DataFrame(merged, columns=columns + ["_prov", "_trust"])[columns]
    for col in columns:
        if col in rows.columns and str(rows[col].dtype) == "Int64":
            merged_frame[col] = pd.to_numeric(merged_frame[col].astype(object).where(
                merged_frame[col].notna(), None)).astype("Float64").round().astype("Int64")
        elif col in rows.columns and rows[col].dtype == float:
            merged_frame[col] = merged_frame[col].astype(float)
    conflict_frame = pd.DataFrame(conflicts, columns=CONFLICT_COLUMNS)
    conflict_frame["year"] = conflict_frame["year"].astype(np.int64)
    for col in ("kept_value", "other_value"):  # keep each value's own type (a rank stays an int beside a score)
        conflict_frame[col] = pd.Series([c[col] for c in conflicts], index=conflict_frame.index, dtype=object)
    return merged_frame, conflict_frame, status


# --------------------------------------------------------------------------- parsing the two tables

def _int_or_none(text):
    value = parse_number(text) if str(text).strip() else math.nan
    return None if math.isnan(value) else int(round(value))


def parse_rank_of(text) -> tuple[int | None, str | None]:
    """Read a written rank denominator: (number or None, scope or None for a national cluster rank).

    >>> parse_rank_of("415"), parse_rank_of("251 (as written)"), parse_rank_of("kab/kota in Sumatera Utara")
    ((415, None), (251, None), (None, 'province'))
    >>> parse_rank_of("500+ kab/kota (as written)"), parse_rank_of("kabupaten (n not stated)")
    ((None, 'kabupaten_kota'), (None, None))
    """
    s = str(text or "").strip()
    m = re.match(r"^(\d+)(\+?)", s)
    number = int(m.group(1)) if m and not m.group(2) else None
    scope = "province" if re.search(r"kab/kota in ", s) else "kabupaten_kota" if "kab/kota" in s else None
    return number, scope


def _predicate(text):
    """(predikat, as written when it is an IGA title such as 'Terinovatif' rather than a predikat)."""
    if _IGA_TITLE.match(str(text or "")):
        return None, str(text).strip()
    return normalise_predicate(text), None


def _row(*, kode, regions, year, score_text, is_raw, predicate_text, rank, rank_of, scope, is_provisional, note,
         trust, url, file, line, file_order):
    value = parse_number(score_text, scale="raw" if is_raw else "index") if str(score_text).strip() else math.nan
    has_score = not math.isnan(value)
    decimals = written_decimals(score_text) if has_score and not is_raw else None
    predicate, as_written = _predicate(predicate_text)
    scoped = scope is not None
    region = regions.loc[kode]
    return {
        "kode_wilayah": kode, "nama": region["nama"], "level": region["level"], "province": region["province"],
        "year": year, "iid_score": value if has_score and not is_raw else np.nan,
        "score_decimals": decimals,
        "is_rounded": bool(has_score and not is_raw and value != 0
                           and (decimals < 2 or "rounded" in note.lower())),
        "raw_score": value if has_score and is_raw else np.nan,
        "predicate": predicate, "predicate_as_written": as_written,
        "rank": None if scoped else rank, "rank_of": None if scoped else rank_of,
        "scoped_rank": rank if scoped and rank is not None else None,
        "scoped_rank_of": rank_of if scoped and rank is not None else None,
        "rank_scope": scope if scoped and rank is not None else None,
        "is_provisional": bool(is_provisional), "is_year_uncertain": bool(_YEAR_UNCERTAIN.search(note)),
        "trust": trust, "source_url": url or None, "source_file": file, "source_row": line,
        "file_order": file_order, "note": note or None,
    }


def _frame(records):
    frame = pd.DataFrame.from_records(records, columns=SOURCE_COLUMNS)
    for col in ("rank", "rank_of", "scoped_rank", "scoped_rank_of", "score_decimals", "year"):
        frame[col] = pd.array(frame[col].astype("Float64").round(), dtype="Int64")
    for col in ("iid_score", "raw_score"):
        frame[col] = frame[col].astype(float)
    return frame


def first_collection_rows(raw: pd.DataFrame, matcher, regions: pd.DataFrame, scopes: dict, file: str):
    """Parse ``iid_region_scores_news_2019_2025.csv`` into source rows (:data:`SOURCE_COLUMNS`).

    Parameters
    ----------
    raw : DataFrame of text cells as read from the file
    matcher : RegionMatcher
    regions : DataFrame indexed by kode_wilayah with nama, level, province
    scopes : dict (file, region written, year) -> rank scope
        Hand-checked scopes of ranks that are not national cluster ranks (``mappings/rank_scopes.csv``).
    file : str
        File name written into ``source_file``.

    Returns
    -------
    (DataFrame, list of str)
        The rows and the errors (each naming row and column); rows with an error are left out.
    """
    records, errors = [], []
    for i, row in raw.iterrows():
        line = i + 2
        try:
            kode = matcher.match(row["region"], level=row["level"] or None)
        except RegionMatchError as exc:
            errors.append(f"row {line}, column 'region': {exc}")
            continue
        written = row["kode_kemendagri"].strip()
        if written and written != kode:
            errors.append(f"row {line}, column 'kode_kemendagri': {written!r} but region {row['region']!r} is {kode}")
            continue
        year = int(row["year"])
        rank_of, _ = parse_rank_of(row["rank_of"])
        try:
            records.append(_row(
                kode=kode, regions=regions, year=year, score_text=row["iid_score"],
                is_raw=row["score_scale"].startswith("raw"), predicate_text=row["predicate"],
                rank=_int_or_none(row["rank"]), rank_of=rank_of,
                scope=scopes.get((file, row["region"].strip().lower(), year)),
                is_provisional=row["provisional"].strip().lower() in ("yes", "true", "1"), note=row["note"].strip(),
                trust=grade_first_collection(row["source_url"].strip()), url=row["source_url"].strip(), file=file,
                line=line, file_order=0))
        except ValueError as exc:
            errors.append(f"row {line}: {exc}")
    return _frame(records), errors


def second_collection_rows(raw: pd.DataFrame, matcher, regions: pd.DataFrame, scopes: dict, file: str):
    """Parse ``iid_region_results_news_round2_2017_2025.csv`` into source rows (:data:`SOURCE_COLUMNS`).

    The file marks in ``note``: ``RAW SCALE`` (a pre-2021 additive score, kept out of the 0-100
    column), ``PROVISIONAL`` (a pre-decree reading), rounded quotes, ``YEAR AMBIGUOUS`` /
    ``YEAR NOT STATED``.  ``rank_of`` may be text: "kab/kota in <province>" makes the rank a rank
    within the province, "... kab/kota" a rank among all kabupaten and kota; ``scopes`` adds the
    hand-checked award orders.  A row without a year keeps ``year`` empty.  Same parameters and
    return value as :func:`first_collection_rows`.
    """
    first_year = index_scale_first_year()
    records, errors = [], []
    for i, row in raw.iterrows():
        line = i + 2
        try:
            kode = matcher.match(row["region_name"], level=row["level"] or None)
        except RegionMatchError as exc:
            errors.append(f"row {line}, column 'region_name': {exc}")
            continue
        year = int(row["year"]) if row["year"].strip() else None
        note = row["note"].strip()
        is_raw = "RAW SCALE" in note
        if is_raw and year is not None and year >= first_year:
            errors.append(f"row {line}, column 'note': RAW SCALE for {year}, a year on the 0-100 scale")
            continue
        if year is not None and year < first_year and row["score"].strip() and not is_raw:
            errors.append(f"row {line}, column 'score': a {year} score must be marked RAW SCALE in 'note'")
            continue
        rank_of, scope = parse_rank_of(row["rank_of"])
        scope = scopes.get((file, row["region_name"].strip().lower(), year), scope)
        try:
            trust_order(row["trust"].strip())
            records.append(_row(
                kode=kode, regions=regions, year=year, score_text=row["score"], is_raw=is_raw,
                predicate_text=row["predicate"], rank=_int_or_none(row["rank"]), rank_of=rank_of, scope=scope,
                is_provisional="PROVISIONAL" in note, note=note, trust=row["trust"].strip(),
                url=row["source_url"].strip(), file=file, line=line, file_order=1))
        except ValueError as exc:
            errors.append(f"row {line}: {exc}")
    return _frame(records), errors


# --------------------------------------------------------------------------- other tables of the second collection

def award_category_base(category: str) -> str:
    """An award category without a trailing "(...)", lower case: the key that finds a repeated award.

    >>> award_category_base("Kabupaten Terinovatif (4 besar)")
    'kabupaten terinovatif'
    """
    return re.sub(r"\s*\([^)]*\)\s*$", "", str(category)).strip().lower()


def split_award_lists(raw: pd.DataFrame) -> pd.DataFrame:
    """Rows of ``iga_awards_round2_2021_2025.csv`` with a nominee list ("A; B; C") split into one row per pemda.

    Returns
    -------
    DataFrame with columns [year, category, region, level, award_rank, note, source_url, line]
        ``award_rank`` only where the source gives a plain number (other text such as "12 besar" is
        appended to ``note``); the position in a list is kept in ``note`` as "listed k of n".
    """
    rows = []
    for i, r in raw.iterrows():
        names = [x.strip() for x in r["region_or_list"].split(";") if x.strip()]
        rank_text = r["award_rank"].strip()
        rank = int(rank_text) if rank_text.isdigit() else None
        note = r["note"].strip()
        if rank_text and rank is None:
            note = f"{note}; award_rank as written: {rank_text}" if note else f"award_rank as written: {rank_text}"
        for k, region in enumerate(names, start=1):
            listed = f"listed {k} of {len(names)}" if len(names) > 1 else ""
            rows.append({"year": int(r["year"]), "category": r["category"].strip(), "region": region,
                         "level": r["level"].strip(), "award_rank": rank,
                         "note": "; ".join(x for x in (note, listed) if x) or None, "source_url": r["source_url"],
                         "line": i + 2})
    return pd.DataFrame(rows, columns=["year", "category", "region", "level", "award_rank", "note", "source_url",
                                       "line"])


def _count(text):
    value = parse_number(text, scale="raw") if str(text).strip() else np.nan
    return None if np.isnan(value) else int(value)


def innovation_count_records(raw: pd.DataFrame, matcher, regions: pd.DataFrame) -> tuple[list[dict], list[str]]:
    """Parse ``iid_innovation_counts_maturity_2021_2025.csv`` (see :func:`iid_research.data.load_innovation_counts`).

    Returns
    -------
    (records, errors)
        One dict per row with the columns of the innovation-counts table; errors name the row.
    """
    first_year = index_scale_first_year()
    records, errors = [], []
    for i, r in raw.iterrows():
        try:
            kode = matcher.match(r["region_name"])
            year = int(r["year"]) if r["year"].strip() else None
            score = re.fullmatch(r"\s*([\d.,]+)\s*(?:\((provisional|raw)\))?\s*", r["iid_score_same_source"])
            if r["iid_score_same_source"].strip() and score is None:
                raise ValueError(f"column 'iid_score_same_source': cannot read {r['iid_score_same_source']!r}")
            is_raw = score is not None and (score.group(2) == "raw" or (year is not None and year < first_year))
            value = parse_number(score.group(1), scale="raw" if is_raw else "index") if score else np.nan
            maturity = r["mean_maturity_or_threshold"].strip()
            is_number = bool(re.fullmatch(r"[\d.,]+", maturity))
            records.append({
                "kode_wilayah": kode, "nama": regions.loc[kode, "nama"], "level": regions.loc[kode, "level"],
                "year": year, "n_sent_or_counted": _count(r["innovations_sent_or_counted"]),
                "n_accepted": _count(r["accepted_by_kemendagri"]),
                "mean_maturity": parse_number(maturity) if is_number else np.nan,
                "maturity_as_written": None if is_number or not maturity else maturity,
                "iid_score": np.nan if is_raw else value, "raw_score": value if is_raw else np.nan,
                "iid_is_provisional": bool(score is not None and score.group(2) == "provisional"),
                "other_counts": r["other_counts"].strip() or None, "source_url": r["source_url"].strip(),
                "note": r["note"].strip() or None})
        except (ValueError, RegionMatchError) as exc:
            errors.append(f"row {i + 2}: {exc}")
    return records, errors
