"""What the reports show of the rank bands: the rank as a band, the chance of the target, what it is sensitive to.

The analysis (:mod:`iid_research.analysis.uncertainty`) returns numbers; these helpers put them into the
report language ("peringkat 12, kemungkinan 9–15") for the pemda report (02), the rank-driver report (03),
the workspace report (05), ``iid-research project --uncertainty`` and the overview's rule (01).
"""

from __future__ import annotations

import pandas as pd

from ..analysis.projection import partial_field_cluster
from ..analysis.uncertainty import SOURCES, meaningful_rank_gaps, rank_change_verdict
from ..frameworks import PREDICATES
from ..text import fmt_number, level_plural, t

DRAWS = 10_000
"""Draws of a report's band (one pemda: well under a second)."""
REPORT_TARGET_RANK = 10
"""The target whose chance the pemda report (02) gives: the national top 10 (the goal Blora's regent set in 2023;
notebooks 03 and 05 take the target as a parameter, 02 keeps its parameters and report names unchanged)."""
RULE_DRAWS = 1000
"""Draws per cluster of the overview's rule (every pemda of the cluster drawn jointly)."""


def pct(p: float, lang: str = "id") -> str:
    """A share as a percentage in the report's notation ("42%", PUEBI: no space)."""
    return f"{fmt_number(100 * float(p), lang, '.0f')}%"


def band_lines(u, lang: str = "id", *, previous_rank=None, previous_year=None, published_rank=None) -> list[str]:
    """The band in sentences: rank and band, the chance of the target and of each predikat, a rank change
    against the band, the published rank against the band, and what makes the rank uncertain.

    Parameters
    ----------
    u : RankUncertainty
    lang : {"id", "en"}
    previous_rank, previous_year : optional
        An earlier rank to compare (e.g. last year's published rank).
    published_rank : optional
        The published rank of the same year, to place inside or outside the band.

    Both comparisons are left out (and a sentence says why) when the band ranks among fewer than 90% of
    the pemda's cluster, as with an annex converted from some pages: a national rank is not comparable.
    """
    band = {"rank": u.point_rank, "lo": u.rank_p05, "hi": u.rank_p95, "median": u.rank_p50}
    lines = [t("unc_band_exact", lang, rank=u.point_rank) if u.rank_p05 == u.rank_p95 == u.point_rank
             else t("unc_band", lang, **band)]
    if u.rank_p05 > u.point_rank:
        lines.append(t("unc_claimed_note", lang, rank=u.point_rank))
    if u.target_rank is not None:
        lines.append(t("unc_target", lang, target=u.target_rank, p=pct(u.p_target, lang)))
    parts = [f"{t(p, lang)} {pct(u.p_predicate[p], lang)}" for p in PREDICATES if u.p_predicate.get(p, 0) > 0]
    lines.append(t("unc_predicate", lang, parts=", ".join(parts)))
    if partial_field_cluster(u.kode_wilayah, u.rank_of):  # among an annex's part: national ranks not comparable
        lines.append(t("unc_partial_no_compare", lang, rank_of=u.rank_of))
        previous_rank = published_rank = None
    verdict = rank_change_verdict(previous_rank, u)
    if verdict is not None:
        lines.append(t(f"unc_change_{verdict}", lang, prev=int(previous_rank), prev_year=previous_year, **band))
    if published_rank is not None and not pd.isna(published_rank):
        inside = u.rank_p05 <= int(published_rank) <= u.rank_p95
        lines.append(t("unc_published_inside" if inside else "unc_published_outside", lang, year=u.year,
                       published=int(published_rank), lo=u.rank_p05, hi=u.rank_p95))
    c = u.contributions.set_index("source")
    moving = [s for s in SOURCES if c.loc[s, "active"] and c.loc[s, "band_width"] > 0]
    if moving:
        total = c["sobol_total"].astype(float).fillna(0).clip(0, 1)
        lines.append(t("unc_sources_line", lang, parts="; ".join(
            t("unc_source_part", lang, source=t(f"unc_source_{s}", lang), lo=int(c.loc[s, "rank_p05"]),
              hi=int(c.loc[s, "rank_p95"]), st=fmt_number(total[s], lang, ".2f"))
            for s in moving)))
    return lines


def contributions_table(u, lang: str = "id") -> pd.DataFrame:
    """One row per source: used, band alone, Sobol first-order and total index (estimates shown within 0-1)."""
    c = u.contributions
    return pd.DataFrame({
        "unc_col_source": [t(f"unc_source_{s}", lang) for s in c["source"]],
        "unc_col_active": [t("yes" if a else "no", lang) for a in c["active"]],
        "unc_col_band_alone": [f"{lo}–{hi}" for lo, hi in zip(c["rank_p05"], c["rank_p95"])],
        "unc_col_sobol_first": c["sobol_first"].clip(0, 1).astype(float),
        "unc_col_sobol_total": c["sobol_total"].clip(0, 1).astype(float),
    })


def rank_counts(u) -> pd.DataFrame:
    """Share of draws per rank: [rank, share]."""
    counts = pd.Series(u.rank).value_counts(normalize=True).sort_index()
    return pd.DataFrame({"rank": counts.index.astype(int), "share": counts.to_numpy(float)})


def show_band(u, lang: str = "id", *, simulated: bool = False, previous_rank=None, previous_year=None,
              published_rank=None, figure: bool = True, table: bool = True):
    """The band section of a report: heading, sentences, the figure of the draws and the sources table."""
    import matplotlib.pyplot as plt

    from ..figures.uncertainty import plot_rank_band
    from . import display as nb

    nb.heading("unc_h", lang)
    if u.basis == "published+simulated":  # the field holds SIMULATED totals: said in the section itself
        nb.text("nb03_basis_published_simulated", lang, year=u.year)
    nb.text("unc_t_intro", lang, draws=fmt_number(u.draws, lang, ",.0f"), seed=str(u.seed))
    nb.bullets(band_lines(u, lang, previous_rank=previous_rank, previous_year=previous_year,
                          published_rank=published_rank))
    if figure and u.rank_p05 != u.rank_p95:
        plot_rank_band(rank_counts(u), rank=u.point_rank, lo=u.rank_p05, hi=u.rank_p95, median=u.rank_p50,
                       target=u.target_rank, draws=u.draws, lang=lang, simulated=simulated,
                       ax=plt.figure(figsize=(8, 3)).gca())
        plt.show()
    if table:
        nb.text("unc_t_sobol", lang)
        nb.show_table(contributions_table(u, lang), lang, simulated=simulated)


def workspace_band(dataset, kode_wilayah: str, year: int, *, target_rank: int | None = None, draws: int = DRAWS,
                   seed: int = 0):
    """The band of a workspace pemda-year's projected rank (:func:`~iid_research.analysis.projection.project`
    then :func:`~iid_research.analysis.uncertainty.project_uncertainty`), or None without both kinds of
    answers (innovation list and SPD answers) or without a field to rank in."""
    from ..analysis.projection import missing_answers, project
    from ..analysis.uncertainty import project_uncertainty

    if dataset is None or missing_answers(dataset, kode_wilayah, year):
        return None
    p = project(dataset, kode_wilayah, year, target_rank=target_rank, plans=False)
    if p.rank is None:
        return None
    return project_uncertainty(dataset, p, draws=draws, seed=seed)


def published_rank(kode_wilayah: str, year: int):
    """The published rank of a pemda in a year (:func:`iid_research.data.load_iid_results`), or None."""
    from ..data import load_iid_results

    r = load_iid_results()
    hit = r[(r["kode_wilayah"] == kode_wilayah) & (r["year"] == int(year)) & r["rank"].notna()]
    return int(hit["rank"].iloc[0]) if len(hit) else None


def previous_rank(dataset, kode_wilayah: str, year: int):
    """Last year's rank to compare with the band: from the dataset's answers of ``year − 1`` (ranked in its
    field), else the published rank of ``year − 1``; ``(None, None)`` when neither exists.

    Returns
    -------
    (rank, year) or (None, None)
    """
    prev = int(year) - 1
    if dataset is not None and dataset.has_answers(kode_wilayah, prev):
        s = dataset.scores
        hit = s[(s["kode_wilayah"] == kode_wilayah) & (s["year"] == prev) & s["rank"].notna()]
        if len(hit):
            return int(hit["rank"].iloc[0]), prev
    published = published_rank(kode_wilayah, prev)
    return (published, prev) if published is not None else (None, None)


# --------------------------------------------------------------------------- the overview's rule (notebook 01)

def rank_rule_table(year: int, lang: str = "id", *, draws: int = RULE_DRAWS, seed: int = 0):
    """Per cluster, how many places apart two pemda must be before their order is meaningful.

    Computed by :func:`~iid_research.analysis.uncertainty.meaningful_rank_gaps` on the SIMULATED answers
    (:func:`iid_research.dataset.from_simulation`; indicator-level answers are not published) of ``year``
    (clamped to the simulated years).

    Returns
    -------
    (table, lines, year_used)
        ``table``: readable columns per cluster; ``lines``: one sentence per cluster.
    """
    from ..dataset import from_simulation
    from ..simulate import DEFAULT_YEARS

    used = int(min(max(int(year), DEFAULT_YEARS[0]), DEFAULT_YEARS[-1]))
    gaps = meaningful_rank_gaps(from_simulation(), used, draws=draws, seed=seed)
    lines = []
    for r in gaps.itertuples(index=False):
        level = level_plural(r.level, lang)
        if r.meaningful_gap is None or pd.isna(r.meaningful_gap):
            lines.append(t("unc_rule_none", lang, level=level, max=min(60, r.n_pemda - 1)))
        else:
            lines.append(t("unc_rule_line", lang, level=level, gap=int(r.meaningful_gap),
                           p=pct(r.p_order_kept_at_gap, lang), width=fmt_number(r.band_width_median, lang, ".0f")))
    table = pd.DataFrame({"unc_col_level": [level_plural(v, lang) for v in gaps["level"]],
                          "unc_col_n_pemda": gaps["n_pemda"], "unc_col_gap": gaps["meaningful_gap"],
                          "unc_col_p_kept": [pct(p, lang) if p is not None and not pd.isna(p) else ""
                                             for p in gaps["p_order_kept_at_gap"]],
                          "unc_col_width_median": gaps["band_width_median"],
                          "unc_col_width_top10": gaps["band_width_top10"]})
    return table, lines, used


def show_rank_rule(year: int, lang: str = "id", *, draws: int = RULE_DRAWS):
    """The overview's cell: heading, how the rule is computed (SIMULATED answers, said so), one line and one
    table row per cluster."""
    from . import display as nb

    table, lines, used = rank_rule_table(year, lang, draws=draws)
    nb.heading("unc_h_rule", lang)
    nb.text("unc_t_rule", lang, year=str(used), draws=fmt_number(draws, lang, ",.0f"))
    nb.bullets(lines)
    nb.show_table(table, lang, digits=0, simulated=True)
