"""What notebook 01 (overview) and ``iid-research data check`` show: the data-quality list in words.

:func:`quality_table` turns the findings of
:func:`iid_research.analysis.quality.data_quality_issues` into sentences in the report language;
:func:`quality_lines` gives the same list as plain text lines for the command line.  The other
helpers label the overview's tables (method check, national mean, provincial coverage).
"""

from __future__ import annotations

import pandas as pd

from ..analysis.quality import data_quality_issues
from ..text import fmt_number, t

_SCORE_KEYS = {"iid_score", "other_iid_score", "national_mean", "sample_mean", "sample_median", "sample_min",
               "sample_max", "max_iid", "counts_table", "results", "mean_maturity", "quality_score", "count_score",
               "implied_spd", "difference"}


def _fmt(key: str, value, lang: str) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "–"
    if isinstance(value, bool):
        return t("yes" if value else "no", lang)
    if key == "share_above":
        return fmt_number(value, lang, ".0%")
    if isinstance(value, int):
        return fmt_number(value, lang, ",d") if abs(value) >= 10_000 else str(value)
    if isinstance(value, float):
        if key in _SCORE_KEYS:
            return fmt_number(value, lang, ".2f")
        return fmt_number(value, lang, "g")
    return t(str(value), lang)


def issue_detail(row, lang: str = "id") -> str:
    """One finding of :func:`~iid_research.analysis.quality.data_quality_issues` as a sentence.

    ``row`` has the attributes ``issue`` and ``values`` (a dict); each issue has a catalogue text
    ``dq_<issue>`` whose fields are the values, written in the report language (scores with two
    decimals in the language's notation, "–" for a missing value).
    """
    values = dict(row.values or {})
    fields = {k: _fmt(k, v, lang) for k, v in values.items()}
    issue = row.issue
    if issue == "predicate_contradicts_threshold":
        return t("dq_contradiction", lang, score=fields["iid_score"], predicate=fields["predicate"], year=row.year,
                 sangat=fields["sangat_inovatif_min"], inovatif=fields["inovatif_min"],
                 expected=fields["expected_predicate"])
    if issue in ("provisional", "no_source"):
        score = fields.get("iid_score", "–") if values.get("iid_score") is not None else fields.get("raw_score", "–")
        return t(f"dq_{issue}", lang, score=score, rank=fields.get("rank", "–"))
    if issue == "rounded_score" and values.get("decimals") is not None:
        fields["iid_score"] = fmt_number(values["iid_score"], lang, f".{int(values['decimals'])}f")
    if issue == "source_conflict":
        key = "dq_source_conflict_rank_of" if values.get("field") == "rank_of" else "dq_source_conflict"
        fields["field"] = t(values.get("field", ""), lang)
        fields["other_note"] = t("dq_other_provisional", lang) if values.get("other_is_provisional") else ""
        return t(key, lang, **fields)
    if issue == "rank_not_national":
        fields["scope"] = t(f"rank_scope_{values.get('scope')}", lang)
        fields["of"] = "" if values.get("rank_of") is None else t("dq_of", lang, n=fields["rank_of"])
        return t("dq_rank_not_national", lang, **fields)
    if issue == "rank_order_contradiction":
        fields["provisional"] = t("dq_provisional_short", lang) if values.get("provisional") else ""
    if issue in ("method_implied_spd", "method_iid_bound"):
        ok = row.status == "consistent"
        fields["verdict"] = t("dq_feasible" if ok else "dq_infeasible", lang)
        fields["provisional"] = t("dq_provisional_short", lang) if values.get("provisional") else ""
        if issue == "method_iid_bound":
            fields["count_kind"] = t(f"dq_count_{values.get('count_kind')}", lang)
    if issue == "national_mean_vs_sample":
        diff = values.get("difference")
        fields["direction"] = t("dq_above" if diff is not None and diff > 0 else "dq_below", lang)
        fields["difference"] = _fmt("difference", abs(diff) if diff is not None else None, lang)
    if issue == "framework_maxima":
        fields["differs"] = t("dq_differs", lang, what=values["differs"]) if values.get("differs") else ""
    if issue == "simulated_innovations":
        fields["kind"] = t(f"dq_sim_{values.get('kind')}", lang)
    if issue == "participation_exceeds_pemda":
        fields["level"] = t(f"level_plural_{values.get('level')}", lang)
    if issue == "rank_of_not_cluster_size":
        fields["level"] = str(values.get("level"))  # cluster names stay in Indonesian, as in the summaries
    key = f"dq_{issue}"
    return t(key, lang, **fields) if key in _catalogue() else t(issue, lang)


def _catalogue():
    from ..text.catalogue import CATALOGUE

    return CATALOGUE


def quality_table(results: pd.DataFrame | None = None, lang: str = "id", *, simulation=None,
                  issues: pd.DataFrame | None = None) -> pd.DataFrame:
    """The data-quality list for a reader: [status, year, nama, issue, detail, source_url].

    Parameters
    ----------
    results : DataFrame, optional
        Published results; default :func:`iid_research.data.load_iid_results` (the other tables
        are the shipped ones, see :func:`~iid_research.analysis.quality.data_quality_issues`).
    lang : {"id", "en"}
    simulation : SimulatedIID, optional
        Adds the simulator's innovation totals against the published ones.
    issues : DataFrame, optional
        Findings already computed (skips the checks).

    Returns
    -------
    DataFrame
        ``status`` and ``issue`` as catalogue keys (a report table shows them translated),
        ``nama`` "Nasional"/"National" for national findings, ``detail`` a sentence.
    """
    found = data_quality_issues(results, simulation=simulation) if issues is None else issues
    return pd.DataFrame({
        "status": [f"dq_status_{s}" for s in found["status"]],
        "year": found["year"],
        "nama": [n if isinstance(n, str) else t("national", lang) for n in found["nama"]],
        "issue": found["issue"],
        "detail": [issue_detail(r, lang) for r in found.itertuples(index=False)],
        "source_url": found["source_url"],
    })


def quality_lines(lang: str = "id", *, simulation=None) -> list[str]:
    """The data-quality list as text lines (``iid-research data check``), the same list the overview shows.

    Each line: ``[status] year pemda - issue: detail (source)``; a first line counts the findings per status.
    """
    table = quality_table(lang=lang, simulation=simulation)
    counts = table["status"].value_counts()
    head = ", ".join(f"{t(s, lang)}: {int(counts[s])}" for s in counts.index)
    lines = [t("dq_cli_head", lang, n=len(table), counts=head)]
    for r in table.itertuples(index=False):
        year = "" if pd.isna(r.year) else f"{int(r.year)} "
        url = f" ({r.source_url})" if isinstance(r.source_url, str) and r.source_url else ""
        lines.append(f"[{t(r.status, lang)}] {year}{r.nama} - {t(r.issue, lang)}: {r.detail}{url}")
    return lines


def method_table(counts: pd.DataFrame | None = None) -> pd.DataFrame:
    """The method check (:func:`~iid_research.analysis.quality.method_check`) with the columns a reader needs.

    Returns
    -------
    DataFrame with columns [nama, year, n_accepted, mean_maturity, iid_score, quality_score, count_score,
    implied_spd, max_spd, is_feasible]
    """
    from ..analysis.quality import method_check
    from ..data import load_innovation_counts

    table = method_check(load_innovation_counts() if counts is None else counts)
    return table[["nama", "year", "n_accepted", "mean_maturity", "iid_score", "quality_score", "count_score",
                  "implied_spd", "max_spd", "is_feasible"]]


def coverage_table(coverage: pd.DataFrame, lang: str = "id") -> pd.DataFrame:
    """:func:`~iid_research.analysis.published.provincial_coverage` for a reader (``representation`` as a key)."""
    out = coverage.copy()
    out["representation"] = [f"coverage_{v}" for v in out["representation"]]
    return out


def coverage_summary(coverage: pd.DataFrame, lang: str = "id") -> str:
    """One sentence naming the provinces the published sample over- and under-represents ("–" for none)."""
    def names(kind):
        picked = coverage.loc[coverage["representation"] == kind, "province"]
        return ", ".join(picked) if len(picked) else "–"

    return t("coverage_summary", lang, over=names("over"), under=names("under"))


def rules_table(framework, lang: str = "id") -> pd.DataFrame:
    """The rules of one framework for a reader: one row, the count-score rule written out in ``lang``.

    Parameters
    ----------
    framework : Framework
    lang : {"id", "en"}

    Returns
    -------
    DataFrame with columns [framework, divisor_floor, count_score_rule, max_spd, max_sid_per_innovation,
    max_count_score, max_total, status]
    """
    from ..frameworks import urusan_pelayanan_dasar_names

    d = framework.describe().iloc[0]
    whole = {k: (int(v) if float(v).is_integer() else float(v))
             for k, v in d[["max_spd", "max_sid_per_innovation", "max_count_score", "max_total"]].items()}
    rule = f"{fmt_number(d['count_score_per_innovation'], lang, 'g')} × MIN(n, {int(d['count_score_cap_n'])})"
    if d["count_score_min_urusan_yandas"]:
        rule += " " + t("count_rule_condition", lang, k=int(d["count_score_min_urusan_yandas"]),
                        n=len(urusan_pelayanan_dasar_names()))
    return pd.DataFrame([{"framework": int(d["framework"]), "divisor_floor": int(d["divisor_floor"]),
                          "count_score_rule": rule, **whole,
                          "status": _status_text(int(d["framework"]), d["status"], lang)}])


def _status_text(year: int, status: str, lang: str) -> str:
    # the rules' status note is written in English in rules/frameworks.csv; the catalogue has the reader's text
    key = f"framework_status_{year}"
    text = t(key, lang)
    return status if text == key else text
