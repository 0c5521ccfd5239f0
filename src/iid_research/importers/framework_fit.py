"""Which framework's template a file follows: :func:`framework_hint` names another framework year when the
file's headers and answer texts fit it clearly better than the framework of the year imported.

A 2023-framework innovation list imported with the year of a later framework rejects every answer written
as a parameter text, one message per cell; the hint says in one line why, and what to do.
"""

from __future__ import annotations

import re

from ..frameworks import Framework, assessment_years, framework_years, load_framework, predicate_thresholds
from .cells import LevelReader, norm_header

_NUMBER_PREFIX = re.compile(r"^(?:sid|spd|indikator|indicator|ind|i)?\s?\d{1,2}(?:\s?[ab])?\b\s*")

MIN_EVIDENCE = 3
"""How many headers or answers must fit the other framework (and not the year's own) before it is named;
it must also be at least three times what fits the own framework only."""


def _name_key(header: str) -> str:
    """A header's indicator name, normalised, without its number ("16. Regulasi Inovasi" -> "regulasi inovasi")."""
    return _NUMBER_PREFIX.sub("", norm_header(header)).strip()


def _readers(fw: Framework) -> dict[str, LevelReader]:
    return {r.row_id: LevelReader(r.row_id, (r.param1, r.param2, r.param3), fw.year)
            for r in fw.indicators.itertuples(index=False)}


def _years_of(framework_year: int) -> str:
    years = [y for y in assessment_years() if predicate_thresholds(y).framework == framework_year]
    if not years:
        return f"no assessment year uses the {framework_year} framework"
    if len(years) > 1 and years == list(range(years[0], years[-1] + 1)):
        return f"the {framework_year} framework scores {years[0]}–{years[-1]}"
    return f"the {framework_year} framework scores {', '.join(map(str, years))}"


def _shown(ids) -> str:
    ids = sorted(set(ids), key=lambda r: (int(re.match(r"\d+", r).group()), r))
    return ", ".join(ids[:10]) + (" ..." if len(ids) > 10 else "")


def _fit(own: Framework, other: Framework, headers, answers):
    """(headers fitting only ``other``, only ``own``; answers fitting only ``other``, only ``own``) as row ids."""
    names = {fw.year: {r.row_id: norm_header(r.name_id) for r in fw.indicators.itertuples(index=False)}
             for fw in (own, other)}
    h_other, h_own = [], []
    for rid, text in headers:
        key = _name_key(text)
        if not key or rid not in names[other.year] or rid not in names[own.year]:
            continue
        in_own, in_other = key == names[own.year][rid], key == names[other.year][rid]
        if in_other and not in_own:
            h_other.append(rid)
        elif in_own and not in_other:
            h_own.append(rid)
    readers = {own.year: _readers(own), other.year: _readers(other)}
    a_other, a_own, rows, seen = [], [], [], {}
    for rid, value, row in answers:
        if value is None or rid not in readers[own.year] or rid not in readers[other.year]:
            continue
        key = (rid, type(value).__name__, str(value))
        if key not in seen:
            seen[key] = tuple(readers[fy][rid].read(value)[1] is None for fy in (own.year, other.year))
        ok_own, ok_other = seen[key]
        if ok_other and not ok_own:
            a_other.append(rid)
            rows.append(int(row))
        elif ok_own and not ok_other:
            a_own.append(rid)
    return h_other, h_own, a_other, a_own, rows


def framework_hint(fw: Framework, year: int, headers, answers, *, label: str, header_row: int,
                   template: str) -> str | None:
    """One line naming the framework whose template the file follows, when it is not the year's own.

    Parameters
    ----------
    fw : Framework
        The framework of the assessment year imported.
    year : int
        The assessment year imported (``--year``).
    headers : iterable of (row_id, header text)
        The indicator columns' headers as written (``("19", "19. Penggunaan IT")``).
    answers : iterable of (row_id, value, spreadsheet row)
        The answer cells as read.
    label : str
        The file (or file!sheet) for the message.
    header_row : int
        Spreadsheet row of the header.
    template : str
        Stem of the workspace template of this kind (``"inovasi"``, ``"spd"``).

    Returns
    -------
    str or None
        ``"<label>: this file follows the <fy> framework's template (parameter texts of indicators ...; headers of
        indicators ...); --year <year> is scored on the <fw> framework: use templat/<template>_<fw>.xlsx, or check
        --year (...)"``, or None when no other framework fits clearly better.
    """
    headers, answers = list(headers), list(answers)
    best = None
    for fy in framework_years():
        if fy == fw.year:
            continue
        h_other, h_own, a_other, a_own, rows = _fit(fw, load_framework(fy), headers, answers)
        other, own = len(h_other) + len(a_other), len(h_own) + len(a_own)
        if other >= max(MIN_EVIDENCE, 3 * own) and (best is None or other > best[0]):
            best = (other, fy, h_other, a_other, rows)
    if best is None:
        return None
    _, fy, h_other, a_other, rows = best
    evidence = []
    if a_other:
        span = f"row {min(rows)}" if min(rows) == max(rows) else f"rows {min(rows)}-{max(rows)}"
        evidence.append(f"parameter texts of indicators {_shown(a_other)} in {span}")
    if h_other:
        evidence.append(f"headers of indicators {_shown(h_other)} in row {header_row}")
    return (f"{label}: this file follows the {fy} framework's template ({'; '.join(evidence)}); --year {year} is "
            f"scored on the {fw.year} framework: use templat/{template}_{fw.year}.xlsx, or check --year "
            f"({_years_of(fy)})")


__all__ = ["MIN_EVIDENCE", "framework_hint"]
