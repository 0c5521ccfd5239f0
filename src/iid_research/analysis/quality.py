"""The data-quality list of the published data: what needs care before a number is used.

Every check returns keys and values, never sentences; reports and ``iid-research data check`` put
them into words (:func:`iid_research.notebook.overview.quality_table`).  Each check is a function
returning its own tidy table; :func:`data_quality_issues` gathers them into one list with one row
per finding: ``issue`` (the key of the check), ``status`` (``contradiction``: the data contradict
the method or each other beyond doubt; ``conflict``: two sources disagree; ``caveat``: a value to
use with care; ``consistent``: a check that passed, listed so that the reader sees it was made) and
``values`` (a dict of the numbers the finding is about).

The method check
----------------
Where a pemda published, for one year, the number of innovations Kemendagri accepted, their mean
maturity and its IID (Kabupaten Tegal 2023-2025), the IID formula implies its SPD score
(:func:`iid_research.scoring.implied_spd_score`: SPD = IID × max_total / 100 − mean maturity −
count score(n), with n ≥ the divisor floor).  It must lie in [0, max_spd]; outside, the three
published numbers cannot come from the reconstructed method: a contradiction of the method or of
the data.  Where only a count and the IID are published, the IID must not exceed the highest IID
reachable with that many innovations (:func:`iid_research.scoring.max_iid_for_count`); a count of
innovations *sent* is an upper bound of those accepted, and the bound grows with n, so the test
with the sent count is the loosest one.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..frameworks import assessment_years, framework_for_year, predicate_thresholds
from ..regions import LEVELS
from ..scoring import check_published_predicates, count_score, implied_spd_score, max_iid_for_count

ISSUE_COLUMNS = ["kode_wilayah", "nama", "year", "issue", "status", "values", "source_url"]
"""Columns of :func:`data_quality_issues`."""

STATUSES = ("contradiction", "conflict", "caveat", "consistent")
"""Statuses of a finding, most serious first (the list is sorted in this order)."""


def _clean(value):
    if value is None or value is pd.NA:
        return None
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if np.isnan(value) else float(value)
    return value


def _issue(row, issue: str, status: str, url=None, **values) -> dict:
    get = row.get if isinstance(row, dict) else (lambda k, d=None: getattr(row, k, d))
    year = get("year")
    return {"kode_wilayah": get("kode_wilayah"), "nama": get("nama"),
            "year": None if year is None or pd.isna(year) else int(year), "issue": issue, "status": status,
            "values": {k: _clean(v) for k, v in values.items()}, "source_url": url if url is not None else
            get("source_url")}


# --------------------------------------------------------------------------- checks on the merged results

def result_flags(results: pd.DataFrame, rules_dir=None, cluster_sizes: dict | None = None) -> list[dict]:
    """Findings on single published results: contradictions with the thresholds and values to use with care.

    Keys: ``predicate_contradicts_threshold`` (contradiction), ``no_source``, ``provisional``,
    ``rounded_score``, ``year_uncertain``, ``rank_not_national`` (a rank within a province, among all
    kabupaten/kota or an award order), ``predicate_not_a_predikat`` (a written title such as
    "Terinovatif" instead of a predikat) and ``rank_of_not_cluster_size`` (a national rank "of n" where n
    is not the number of autonomous kabupaten or kota in ``cluster_sizes``, a dict level -> size) - all
    caveats.
    """
    out = []
    checked = check_published_predicates(results, rules_dir)
    for r in checked[~checked["is_consistent"]].itertuples(index=False):
        th = predicate_thresholds(r.year, rules_dir)
        out.append(_issue(r, "predicate_contradicts_threshold", "contradiction", iid_score=r.iid_score,
                          predicate=r.predicate, expected_predicate=r.expected_predicate,
                          sangat_inovatif_min=th.sangat_inovatif_min, inovatif_min=th.inovatif_min))
    for r in results.itertuples(index=False):
        if not r.has_source:
            out.append(_issue(r, "no_source", "caveat", rank=r.rank, iid_score=r.iid_score))
        if r.is_provisional:
            out.append(_issue(r, "provisional", "caveat", iid_score=r.iid_score, raw_score=r.raw_score, rank=r.rank))
        if r.is_rounded:
            out.append(_issue(r, "rounded_score", "caveat", iid_score=r.iid_score, decimals=r.score_decimals))
        if r.is_year_uncertain:
            out.append(_issue(r, "year_uncertain", "caveat", iid_score=r.iid_score, rank=r.rank))
        if pd.notna(r.scoped_rank):
            out.append(_issue(r, "rank_not_national", "caveat", rank=r.scoped_rank, rank_of=r.scoped_rank_of,
                              scope=r.rank_scope))
        if isinstance(r.predicate_as_written, str):
            out.append(_issue(r, "predicate_not_a_predikat", "caveat", as_written=r.predicate_as_written,
                              iid_score=r.iid_score))
    sizes = {lv: n for lv, n in (cluster_sizes or {}).items() if lv in ("kabupaten", "kota")}
    for r in results[results["rank_of"].notna() & results["level"].isin(list(sizes))].itertuples(index=False):
        size = sizes[r.level]
        if int(r.rank_of) != size:
            out.append(_issue(r, "rank_of_not_cluster_size", "caveat", rank=r.rank, rank_of=r.rank_of,
                              cluster_size=size, level=r.level))
    return out


def rank_order_contradictions(results: pd.DataFrame) -> pd.DataFrame:
    """Pairs of national cluster ranks of one year that contradict their scores.

    Within a level cluster and year, a higher score must have a better (smaller) rank, equal
    scores share a rank.  Scores are compared at the lower of their published precisions; pairs whose
    precision intervals overlap are not judged.

    Returns
    -------
    DataFrame with columns [year, level, kode_wilayah, nama, iid_score, rank, is_provisional,
    other_kode_wilayah, other_nama, other_iid_score, other_rank, other_is_provisional, source_url, other_url]
        One row per contradicting pair (the row of the higher score first).  E.g. 2021 kabupaten:
        Kabupaten Gorontalo 27.32 at rank 261 but Kabupaten Solok Selatan 22.24 at rank 228.
    """
    ranked = results[results["rank"].notna() & results["iid_score"].notna()].copy()
    ranked["half"] = 0.5 / 10.0 ** ranked["score_decimals"].fillna(2).astype(int).clip(upper=2)
    rows = []
    for (_, _), grp in ranked.groupby(["year", "level"]):
        g = grp.sort_values("iid_score", ascending=False).to_dict("records")
        for i, a in enumerate(g):
            for b in g[i + 1:]:
                apart = a["iid_score"] - a["half"] >= b["iid_score"] + b["half"] - 1e-9 and \
                    abs(a["iid_score"] - b["iid_score"]) > 1e-9
                same = abs(a["iid_score"] - b["iid_score"]) < 1e-9 and a["half"] == b["half"] == 0.005
                if (apart and a["rank"] >= b["rank"]) or (same and a["rank"] != b["rank"]):
                    rows.append({"year": a["year"], "level": a["level"], "kode_wilayah": a["kode_wilayah"],
                                 "nama": a["nama"], "iid_score": a["iid_score"], "rank": int(a["rank"]),
                                 "is_provisional": bool(a["is_provisional"]),
                                 "other_kode_wilayah": b["kode_wilayah"], "other_nama": b["nama"],
                                 "other_iid_score": b["iid_score"], "other_rank": int(b["rank"]),
                                 "other_is_provisional": bool(b["is_provisional"]), "source_url": a["source_url"],
                                 "other_url": b["source_url"]})
    return pd.DataFrame(rows, columns=["year", "level", "kode_wilayah", "nama", "iid_score", "rank", "is_provisional",
                                       "other_kode_wilayah", "other_nama", "other_iid_score", "other_rank",
                                       "other_is_provisional", "source_url", "other_url"])


def source_findings(conflicts: pd.DataFrame, sources: pd.DataFrame, results: pd.DataFrame) -> list[dict]:
    """Conflicts between sources (``source_conflict``) and rows without a year (``year_not_stated``).

    Parameters
    ----------
    conflicts : DataFrame from :func:`iid_research.data.load_iid_result_conflicts`
    sources : DataFrame from :func:`iid_research.data.load_iid_result_sources`
    results : DataFrame from :func:`iid_research.data.load_iid_results` (for the rank beside a rank_of)
    """
    ranks = results.set_index(["kode_wilayah", "year"])["rank"]
    out = []
    for r in conflicts.itertuples(index=False):
        rank = ranks.get((r.kode_wilayah, r.year)) if r.field == "rank_of" else None
        out.append(_issue(r, "source_conflict", "conflict", url=r.other_url, field=r.field,
                          kept_value=r.kept_value, other_value=r.other_value, kept_trust=r.kept_trust,
                          other_trust=r.other_trust, kept_url=r.kept_url, rank=rank,
                          other_is_provisional=r.other_is_provisional))
    for r in sources[sources["status"] == "no_year"].itertuples(index=False):
        scoped = pd.notna(r.scoped_rank)
        out.append(_issue(r, "year_not_stated", "caveat", rank=r.scoped_rank if scoped else r.rank,
                          rank_of=r.scoped_rank_of if scoped else r.rank_of, iid_score=r.iid_score))
    return out


# --------------------------------------------------------------------------- the method against published aggregates

METHOD_COLUMNS = ["kode_wilayah", "nama", "year", "n_accepted", "mean_maturity", "iid_score", "iid_is_provisional",
                  "framework", "max_total", "quality_score", "count_score", "implied_spd", "max_spd", "is_feasible",
                  "source_url"]
"""Columns of :func:`method_check`."""


def method_check(counts: pd.DataFrame, rules_dir=None) -> pd.DataFrame:
    """The SPD implied by a published (innovations accepted, mean maturity, IID), per pemda-year.

    Parameters
    ----------
    counts : DataFrame from :func:`iid_research.data.load_innovation_counts`
        Rows with ``n_accepted``, ``mean_maturity`` and ``iid_score`` in a year with rules are checked.

    Returns
    -------
    DataFrame with the columns of :data:`METHOD_COLUMNS`
        ``implied_spd`` from :func:`iid_research.scoring.implied_spd_score` under
        ``framework_for_year(year)``; ``quality_score`` = mean maturity × n / MAX(floor, n);
        ``is_feasible`` is 0 ≤ implied_spd ≤ max_spd.  Kabupaten Tegal 2023: 60.3 × 2.5 − 52.04 −
        0.38 × 129 = 49.69 (feasible).
    """
    years = set(assessment_years(rules_dir))
    full = counts[counts["n_accepted"].notna() & counts["mean_maturity"].notna() & counts["iid_score"].notna()
                  & counts["year"].isin(list(years))]
    rows = []
    for r in full.itertuples(index=False):
        fw = framework_for_year(int(r.year), rules_dir)
        n = int(r.n_accepted)
        yandas = 6 if fw.count_score_min_urusan_yandas else None  # assumed: the condition is met
        spd = implied_spd_score(r.iid_score, n, r.mean_maturity, fw, yandas)
        c = float(count_score(n, fw, yandas))
        quality = r.mean_maturity * n / max(fw.divisor_floor, n)
        rows.append({"kode_wilayah": r.kode_wilayah, "nama": r.nama, "year": int(r.year), "n_accepted": n,
                     "mean_maturity": float(r.mean_maturity), "iid_score": float(r.iid_score),
                     "iid_is_provisional": bool(r.iid_is_provisional), "framework": fw.year,
                     "max_total": float(fw.max_total),
                     "quality_score": float(quality), "count_score": c, "implied_spd": float(spd),
                     "max_spd": float(fw.max_spd), "is_feasible": bool(-1e-9 <= spd <= fw.max_spd + 1e-9),
                     "source_url": r.source_url})
    return pd.DataFrame(rows, columns=METHOD_COLUMNS)


BOUND_COLUMNS = ["kode_wilayah", "nama", "year", "n_innovations", "count_kind", "iid_score", "iid_is_provisional",
                 "max_iid", "is_feasible", "source_url"]
"""Columns of :func:`iid_bound_check`."""


def iid_bound_check(counts: pd.DataFrame, rules_dir=None) -> pd.DataFrame:
    """Published IIDs against the highest IID reachable with the published number of innovations.

    For rows of ``counts`` with an IID and a count but no mean maturity (those with one are in
    :func:`method_check`).  ``count_kind`` is "accepted" or "sent" (sent or counted: an upper bound of
    the accepted, which gives the loosest bound).

    Returns
    -------
    DataFrame with the columns of :data:`BOUND_COLUMNS`; ``is_feasible`` is iid_score ≤ max_iid.
    """
    years = set(assessment_years(rules_dir))
    n = counts["n_accepted"].fillna(counts["n_sent_or_counted"])
    part = counts[n.notna() & counts["iid_score"].notna() & counts["mean_maturity"].isna()
                  & counts["year"].isin(list(years))]
    rows = []
    for r in part.itertuples(index=False):
        fw = framework_for_year(int(r.year), rules_dir)
        k = int(r.n_accepted) if pd.notna(r.n_accepted) else int(r.n_sent_or_counted)
        top = float(max_iid_for_count(k, fw, 6 if fw.count_score_min_urusan_yandas else None))
        rows.append({"kode_wilayah": r.kode_wilayah, "nama": r.nama, "year": int(r.year), "n_innovations": k,
                     "count_kind": "accepted" if pd.notna(r.n_accepted) else "sent",
                     "iid_score": float(r.iid_score), "iid_is_provisional": bool(r.iid_is_provisional),
                     "max_iid": top, "is_feasible": bool(r.iid_score <= top + 1e-9), "source_url": r.source_url})
    return pd.DataFrame(rows, columns=BOUND_COLUMNS)


def count_score_differences(counts: pd.DataFrame, results: pd.DataFrame) -> pd.DataFrame:
    """Pemda-years whose IID in the innovation-counts table differs from the merged published results.

    Returns
    -------
    DataFrame with columns [kode_wilayah, nama, year, iid_counts_table, iid_results, source_url]
        Compared at the lower precision of the two is not possible here (the counts table keeps no
        decimals), so at 2 decimals; empty when every pair agrees.
    """
    merged = counts.dropna(subset=["iid_score", "year"]).astype({"year": int}).merge(
        results[["kode_wilayah", "year", "iid_score"]], on=["kode_wilayah", "year"], suffixes=("_counts", ""))
    merged = merged[merged["iid_score"].notna() & (merged["iid_score_counts"] - merged["iid_score"]).abs().gt(0.005)]
    return pd.DataFrame({"kode_wilayah": merged["kode_wilayah"], "nama": merged["nama"], "year": merged["year"],
                         "iid_counts_table": merged["iid_score_counts"], "iid_results": merged["iid_score"],
                         "source_url": merged["source_url"]}).reset_index(drop=True)


# --------------------------------------------------------------------------- national aggregates

NATIONAL_MEAN_COLUMNS = ["year", "national_mean", "sample_n", "sample_mean", "sample_median", "sample_min",
                         "sample_max", "share_above_national_mean", "sample_minus_national", "is_within_sample"]
"""Columns of :func:`national_mean_check`."""


def national_mean_check(results: pd.DataFrame, national_mean: pd.Series) -> pd.DataFrame:
    """The published national mean IID against the distribution of the published scores of that year.

    Parameters
    ----------
    results : DataFrame from :func:`iid_research.data.load_iid_results`
        Final (not provisional) 0-100 scores are the sample.
    national_mean : Series year -> mean (:func:`iid_research.data.national_mean_iid`)

    Returns
    -------
    DataFrame with the columns of :data:`NATIONAL_MEAN_COLUMNS`
        ``sample_minus_national`` > 0 means the sample (pemda that publicised their result) scores above
        the national mean; ``is_within_sample`` is min ≤ national mean ≤ max (a mean outside the range of
        the published scores would contradict them).
    """
    rows = []
    for year, mean in national_mean.items():
        s = results.loc[(results["year"] == year) & results["iid_score"].notna() & ~results["is_provisional"],
                        "iid_score"].astype(float)
        rows.append({"year": int(year), "national_mean": float(mean), "sample_n": int(len(s)),
                     "sample_mean": float(s.mean()) if len(s) else np.nan,
                     "sample_median": float(s.median()) if len(s) else np.nan,
                     "sample_min": float(s.min()) if len(s) else np.nan,
                     "sample_max": float(s.max()) if len(s) else np.nan,
                     "share_above_national_mean": float((s > mean).mean()) if len(s) else np.nan,
                     "sample_minus_national": float(s.mean() - mean) if len(s) else np.nan,
                     "is_within_sample": bool(len(s) and s.min() <= mean <= s.max())})
    return pd.DataFrame(rows, columns=NATIONAL_MEAN_COLUMNS)


def _stated_count(text: str, word: str):
    m = re.search(r"(?<![~\d.,])(\d[\d,]*)\s+" + word, str(text))
    return int(m.group(1).replace(",", "")) if m else None


def participation_findings(predicate_counts: pd.DataFrame, national: pd.DataFrame, regions: pd.DataFrame) -> list[dict]:
    """Participation and innovation totals against each other and against the region table.

    Keys: ``participation_levels_sum`` (the counts by level do not add up to the total: conflict;
    listed as consistent when they do), ``participation_exceeds_pemda`` (more pemda of a level reported
    than there are autonomous pemda of that level: contradiction), ``participation_other_source`` and
    ``innovations_other_source`` (a total stated in the national aggregates, e.g. "531 pemda, 36,742
    innovations", against ``iid_predicate_counts``: conflict or consistent).
    """
    autonomous = regions[regions["is_autonomous"]].groupby("level").size().to_dict()
    out = []
    for r in predicate_counts.itertuples(index=False):
        base = {"kode_wilayah": None, "nama": None, "year": r.year}
        levels = {lv: getattr(r, f"participating_{lv}_count") for lv in LEVELS}
        if all(pd.notna(v) for v in levels.values()):
            total = int(sum(levels.values()))
            out.append(_issue(base, "participation_levels_sum",
                              "consistent" if total == r.participating_pemda_count else "conflict",
                              url=r.source_url, total=r.participating_pemda_count, levels_sum=total,
                              **{lv: v for lv, v in levels.items()}))
            for lv, v in levels.items():
                if int(v) > autonomous.get(lv, 0):
                    out.append(_issue(base, "participation_exceeds_pemda", "contradiction", url=r.source_url,
                                      level=lv, reported=v, autonomous=autonomous.get(lv, 0)))
        for a in national[national["year"] == r.year].itertuples(index=False):
            text = f"{a.value}; {a.trust_note or ''}"
            for word, key, own in (("pemda", "participation_other_source", r.participating_pemda_count),
                                   ("innovations", "innovations_other_source", r.innovations_reported_count)):
                stated = _stated_count(text, word)
                if stated is not None and stated > 100:
                    out.append(_issue(base, key, "consistent" if stated == own else "conflict", url=a.source_url,
                                      stated=stated, table=own, item=a.item, table_url=r.source_url))
    return out


def framework_findings(national: pd.DataFrame, rules_dir=None) -> list[dict]:
    """Published maxima and weights against the framework rules of the same year (``framework_maxima``).

    Reads "SPD max 63 ... SID max 187 ... total 250", "max SID score per innovation = 111" and
    "SPD 25.20% (15 indicators), SID 74.80% (21 indicators)"; one finding per item, consistent or
    conflict, with the published and the rules' numbers.
    """
    years = set(assessment_years(rules_dir))
    out = []
    for a in national[national["year"].isin(list(years))].itertuples(index=False):
        fw = framework_for_year(int(a.year), rules_dir)
        rules = {"max_spd": fw.max_spd, "max_sid": fw.max_sid_per_innovation + fw.max_count_score,
                 "max_total": fw.max_total, "max_sid_per_innovation": fw.max_sid_per_innovation,
                 "spd_share": round(100 * fw.max_spd / fw.max_total, 2),
                 "n_spd_indicators": int(fw.spd["indicator_no"].nunique()), "n_sid_indicators": len(fw.sid)}
        found = {}
        m = re.search(r"SPD max (\d+).*SID max (\d+).*total (\d+)", a.value)
        if m:
            found.update(max_spd=int(m.group(1)), max_sid=int(m.group(2)), max_total=int(m.group(3)))
        m = re.search(r"max SID score per innovation = (\d+)", a.value)
        if m:
            found["max_sid_per_innovation"] = int(m.group(1))
        m = re.search(r"SPD ([\d.]+)% \((\d+) indicators\), SID ([\d.]+)% \((\d+) indicators\)", a.value)
        if m:
            found.update(spd_share=float(m.group(1)), n_spd_indicators=int(m.group(2)),
                         n_sid_indicators=int(m.group(4)))
        if not found:
            continue
        differ = {k: v for k, v in found.items() if abs(float(v) - float(rules[k])) > 1e-9}
        out.append(_issue({"kode_wilayah": None, "nama": None, "year": a.year}, "framework_maxima",
                          "conflict" if differ else "consistent", url=a.source_url, item=a.item,
                          published="; ".join(f"{k} {v:g}" for k, v in found.items()),
                          rules="; ".join(f"{k} {rules[k]:g}" for k in found),
                          differs="; ".join(differ) or None, framework=fw.year))
    return out


# --------------------------------------------------------------------------- the simulator against published totals

SIMULATION_COLUMNS = ["kind", "kode_wilayah", "nama", "year", "published", "simulated", "difference"]
"""Columns of :func:`simulation_check`."""


def simulation_check(simulation, predicate_counts: pd.DataFrame, counts: pd.DataFrame) -> pd.DataFrame:
    """Innovation totals of a (SIMULATED) dataset against the published totals.

    Parameters
    ----------
    simulation : object with ``innovations`` [kode_wilayah, year, ...] and ``scores``
        [kode_wilayah, year, n_innovations, ...] (:class:`iid_research.simulate.SimulatedIID`).
    predicate_counts : DataFrame from :func:`iid_research.data.load_predicate_counts`
    counts : DataFrame from :func:`iid_research.data.load_innovation_counts`

    Returns
    -------
    DataFrame with the columns of :data:`SIMULATION_COLUMNS`
        ``kind`` "national_innovations" (innovations reported nationally per year) or
        "pemda_innovations" (a pemda's published count: accepted, else sent); ``difference`` =
        simulated − published.
    """
    rows = []
    per_year = simulation.innovations.groupby("year").size()
    for r in predicate_counts[predicate_counts["year"].isin(per_year.index)].itertuples(index=False):
        rows.append({"kind": "national_innovations", "kode_wilayah": None, "nama": None, "year": int(r.year),
                     "published": int(r.innovations_reported_count), "simulated": int(per_year[r.year])})
    n_sim = simulation.scores.set_index(["kode_wilayah", "year"])["n_innovations"]
    n_pub = counts["n_accepted"].fillna(counts["n_sent_or_counted"])
    for r, n in zip(counts.itertuples(index=False), n_pub):
        if pd.isna(n) or pd.isna(r.year) or (r.kode_wilayah, int(r.year)) not in n_sim.index:
            continue
        rows.append({"kind": "pemda_innovations", "kode_wilayah": r.kode_wilayah, "nama": r.nama,
                     "year": int(r.year), "published": int(n), "simulated": int(n_sim[(r.kode_wilayah, int(r.year))])})
    out = pd.DataFrame(rows, columns=SIMULATION_COLUMNS)
    out["difference"] = out["simulated"] - out["published"]
    return out


# --------------------------------------------------------------------------- the list

def data_quality_issues(results: pd.DataFrame | None = None, rules_dir=None, *, conflicts=None, sources=None,
                        innovation_counts=None, predicate_counts=None, national=None, regions=None,
                        simulation=None) -> pd.DataFrame:
    """The data-quality list: every check above, one row per finding.

    Parameters
    ----------
    results : DataFrame, optional
        As :func:`iid_research.data.load_iid_results` (default: loaded).
    rules_dir : path-like, optional
    conflicts, sources, innovation_counts, predicate_counts, national, regions : DataFrame, optional
        The other shipped tables (default: loaded from ``data/raw``); ``national`` is
        :func:`iid_research.data.load_national_aggregates`.
    simulation : SimulatedIID, optional
        When given, its innovation totals are compared with the published ones
        (``simulated_innovations``: consistent when equal, else caveat).

    Returns
    -------
    DataFrame with the columns of :data:`ISSUE_COLUMNS`
        Sorted by status (:data:`STATUSES` order), issue, year, pemda.  ``kode_wilayah`` and ``nama``
        are empty for national findings.  Keys of ``issue``: those of :func:`result_flags`,
        ``rank_order_contradiction`` (:func:`rank_order_contradictions`),
        :func:`source_findings`, :func:`participation_findings`, :func:`framework_findings`, plus
        ``method_implied_spd`` (values n_accepted, mean_maturity, iid_score, count_score, implied_spd,
        max_spd), ``method_iid_bound``, ``counts_iid_differs``, ``national_mean_vs_sample``.
    """
    from .. import data

    results = data.load_iid_results() if results is None else results
    conflicts = data.load_iid_result_conflicts() if conflicts is None else conflicts
    sources = data.load_iid_result_sources() if sources is None else sources
    counts = data.load_innovation_counts() if innovation_counts is None else innovation_counts
    predicate_counts = data.load_predicate_counts() if predicate_counts is None else predicate_counts
    national = data.load_national_aggregates() if national is None else national
    regions = data.load_regions() if regions is None else regions
    sizes = regions[regions["is_autonomous"]].groupby("level").size().to_dict()
    rows = result_flags(results, rules_dir, sizes) + source_findings(conflicts, sources, results)
    for r in rank_order_contradictions(results).itertuples(index=False):
        rows.append(_issue(r, "rank_order_contradiction", "contradiction", iid_score=r.iid_score, rank=r.rank,
                           other_nama=r.other_nama, other_iid_score=r.other_iid_score, other_rank=r.other_rank,
                           other_url=r.other_url, provisional=r.is_provisional or r.other_is_provisional))
    for r in method_check(counts, rules_dir).itertuples(index=False):
        rows.append(_issue(r, "method_implied_spd", "consistent" if r.is_feasible else "contradiction",
                           n_accepted=r.n_accepted, mean_maturity=r.mean_maturity, iid_score=r.iid_score,
                           factor=r.max_total / 100,
                           quality_score=r.quality_score, count_score=r.count_score, implied_spd=r.implied_spd,
                           max_spd=r.max_spd, provisional=r.iid_is_provisional))
    for r in iid_bound_check(counts, rules_dir).itertuples(index=False):
        rows.append(_issue(r, "method_iid_bound", "consistent" if r.is_feasible else "contradiction",
                           n=r.n_innovations, count_kind=r.count_kind, iid_score=r.iid_score, max_iid=r.max_iid,
                           provisional=r.iid_is_provisional))
    for r in count_score_differences(counts, results).itertuples(index=False):
        rows.append(_issue(r, "counts_iid_differs", "conflict", counts_table=r.iid_counts_table,
                           results=r.iid_results))
    means = national[national["item"] == "national mean IID"]
    mean_series = pd.Series(means["value_number"].to_numpy(float), index=means["year"].to_numpy(int))
    urls = dict(zip(means["year"], means["source_url"]))
    for r in national_mean_check(results, mean_series).itertuples(index=False):
        rows.append(_issue({"kode_wilayah": None, "nama": None, "year": r.year}, "national_mean_vs_sample",
                           "consistent" if r.is_within_sample else "contradiction", url=urls.get(r.year),
                           national_mean=r.national_mean, sample_n=r.sample_n, sample_mean=r.sample_mean,
                           sample_median=r.sample_median, sample_min=r.sample_min, sample_max=r.sample_max,
                           share_above=r.share_above_national_mean, difference=r.sample_minus_national))
    rows += participation_findings(predicate_counts, national, regions) + framework_findings(national, rules_dir)
    if simulation is not None:
        for r in simulation_check(simulation, predicate_counts, counts).itertuples(index=False):
            rows.append(_issue(r, "simulated_innovations", "consistent" if r.difference == 0 else "caveat", url="",
                               kind=r.kind, published=r.published, simulated=r.simulated, difference=r.difference))
    out = pd.DataFrame(rows, columns=ISSUE_COLUMNS)
    out["year"] = pd.array(out["year"], dtype="Int64")
    out["_order"] = out["status"].map({s: i for i, s in enumerate(STATUSES)})
    out = out.sort_values(["_order", "issue", "year", "nama"], kind="stable", na_position="first")
    out["source_url"] = out["source_url"].replace({"": None})
    return out.drop(columns="_order").reset_index(drop=True)
