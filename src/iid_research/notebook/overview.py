"""What notebook 01 (overview) shows beyond the shared display helpers: the data-quality list in words."""

from __future__ import annotations

import pandas as pd

from ..analysis.quality import data_quality_issues
from ..text import fmt_number, t


def issue_detail(row, lang: str = "id") -> str:
    """One issue of :func:`~iid_research.analysis.quality.data_quality_issues` as a sentence."""
    if row.issue == "predicate_contradicts_threshold":
        return t("dq_contradiction", lang, score=fmt_number(row.iid_score, lang), predicate=row.predicate,
                 year=row.year, sangat=row.sangat_inovatif_min, inovatif=row.inovatif_min,
                 expected=row.expected_predicate)
    if row.issue == "no_source":
        return t("dq_no_source", lang, rank=row.rank if row.rank is not pd.NA else "–")
    if row.issue == "provisional":
        return t("dq_provisional", lang, score=row.iid_score)
    return t(row.issue, lang)


def quality_table(results: pd.DataFrame | None = None, lang: str = "id") -> pd.DataFrame:
    """The data-quality list for a reader: [kode_wilayah, nama, year, issue, detail, source_url].

    Parameters
    ----------
    results : DataFrame, optional
        Published results; default :func:`iid_research.data.load_iid_results`.
    lang : {"id", "en"}
    """
    from ..data import load_iid_results

    issues = data_quality_issues(load_iid_results() if results is None else results)
    out = issues[["kode_wilayah", "nama", "year", "issue"]].copy()
    out["detail"] = [issue_detail(r, lang) for r in issues.itertuples(index=False)]
    out["source_url"] = issues["source_url"]
    return out
