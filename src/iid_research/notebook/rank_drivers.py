"""What notebook 03 (rank drivers) shows: the analyses of one pemda, labelled for a reader.

:func:`study_rank_drivers` runs the decomposition, the rank Shapley values
(variables and indicators) and the path to a target rank on a dataset; the
other functions turn their keys into tables and sentences in the report
language.
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from ..analysis.decomposition import decompose_score_change, decomposition_long
from ..analysis.panel import IndicatorRankModel
from ..analysis.path import PathPlan, path_to_target
from ..analysis.shapley import IndicatorShapleyResult, indicator_rank_shapley, rank_shapley
from ..frameworks import PREDICATES, framework_for_year, load_framework, predicate_thresholds
from ..text import component_label, fmt_number, level_plural, player_label, t


@dataclasses.dataclass
class RankDriversStudy:
    """Everything the rank-drivers notebook shows for one pemda (see :func:`study_rank_drivers`).

    Attributes
    ----------
    kode_wilayah, nama : str
    year_from, year_to, target_rank : int
    decomposition : DataFrame
        Tidy decomposition (:func:`~iid_research.analysis.decomposition.decomposition_long`) with a
        ``label`` column in the report language.
    score_from, score_to : float
    rank_from, rank_to, rank_of : int or None
        None when a year's ranks cannot be computed (no annex and no other basis).
    rank_basis : dict of year -> str
        Where the other pemda's totals come from (:data:`iid_research.dataset.RANK_BASES`).
    variable_shapley, counterfactual : DataFrame or None
    indicator_shapley : IndicatorShapleyResult or None
    plan : PathPlan or None
    plan_table : DataFrame or None
    is_simulated : bool
        Whether the answers behind the study are simulated.
    """

    kode_wilayah: str
    nama: str
    year_from: int
    year_to: int
    target_rank: int
    decomposition: pd.DataFrame
    score_from: float
    score_to: float
    rank_from: int | None
    rank_to: int | None
    rank_of: int | None
    rank_basis: dict
    variable_shapley: pd.DataFrame | None
    counterfactual: pd.DataFrame | None
    indicator_shapley: IndicatorShapleyResult | None
    plan: PathPlan | None
    plan_table: pd.DataFrame | None
    is_simulated: bool

    @property
    def has_ranks(self) -> bool:
        """Whether both years can be ranked (the rank sections can be shown)."""
        return all(b != "none" for b in self.rank_basis.values())


def pemda_name(kode_wilayah: str) -> str:
    """The Kemendagri name of a pemda ("Kabupaten Blora"), or the code when unknown."""
    from ..data import load_regions

    return str(load_regions().set_index("kode_wilayah")["nama"].get(kode_wilayah, kode_wilayah))


def summary_line(study: RankDriversStudy, lang: str = "id") -> str:
    """The study's first line: scores of both years, with ranks when they can be computed."""
    from ..text import level_plural

    if study.has_ranks:
        from ..data import load_regions

        level = load_regions().set_index("kode_wilayah")["level"].get(study.kode_wilayah, "")
        return t("nb03_summary", lang, score_from=study.score_from, rank_from=study.rank_from,
                 score_to=study.score_to, rank_to=study.rank_to, rank_of=study.rank_of,
                 level=level_plural(level, lang))
    return t("nb03_summary_no_rank", lang, score_from=study.score_from, score_to=study.score_to,
             year_from=study.year_from, year_to=study.year_to)


def missing_answers(data, kode_wilayah: str, years) -> list[int]:
    """The years among ``years`` for which ``data`` lacks the pemda's answers."""
    return [int(y) for y in years if not data.has_answers(kode_wilayah, int(y))]


def source_caveat(kode_wilayah: str, years, lang: str = "id") -> str:
    """Markdown caveat on the published values the simulator is calibrated to, where they need care.

    Looks at the rows of :func:`iid_research.data.load_iid_results` for the pemda in ``years``
    (those pin the simulation) and says, per value: no source page; provisional (pre-decree);
    a rounded quote; a year the source leaves open; another source that disagrees
    (:func:`iid_research.data.load_iid_result_conflicts`); and a value whose best graded source
    is below the decree (a BSKDN or regional official quoted in news, a regional page, news only:
    the grades of :mod:`iid_research.published_sources`; a first-collection row whose grade was not
    recorded is not called weaker than it may be).  Returns "" when none applies.
    """
    from ..data import load_iid_result_conflicts, load_iid_result_sources, load_iid_results
    from ..published_sources import UNGRADED_NEWS, trust_order

    wanted = [int(y) for y in years]
    res = load_iid_results()
    rows = res[(res["kode_wilayah"] == kode_wilayah) & res["year"].isin(wanted)]
    src = load_iid_result_sources()
    src = src[(src["kode_wilayah"] == kode_wilayah) & src["status"].isin(["kept", "agrees"])]
    conflicts = load_iid_result_conflicts()
    conflicts = conflicts[conflicts["kode_wilayah"] == kode_wilayah]
    items = []
    for r in rows.sort_values("year").itertuples(index=False):
        year = int(r.year)
        score = fmt_number(float(r.iid_score), lang, f".{int(r.score_decimals)}f") if pd.notna(r.iid_score) else "–"
        what = (t("nb03_caveat_rank", lang, rank=int(r.rank)) if pd.isna(r.iid_score) and pd.notna(r.rank)
                else score)
        if not bool(r.has_source):
            if pd.notna(r.rank):
                items.append(t("nb03_caveat_no_source", lang, year=year, rank=int(r.rank)))
            else:
                items.append(t("nb03_caveat_no_source_score", lang, year=year, score=score))
        if bool(r.is_provisional):
            items.append(t("nb03_caveat_provisional", lang, year=year, score=score))
        if bool(r.is_rounded):
            items.append(t("nb03_caveat_rounded", lang, year=year, score=score))
        if bool(r.is_year_uncertain):
            items.append(t("nb03_caveat_year_uncertain", lang, year=year, what=what))
        graded = [g for g in src.loc[src["year"] == year, "trust"] if g != UNGRADED_NEWS]
        if bool(r.has_source) and graded and min(trust_order(g) for g in graded) > trust_order("news quoting decree"):
            best = min(graded, key=trust_order)
            items.append(t("nb03_caveat_trust", lang, year=year, what=what, trust=t(best, lang)))
        for c in conflicts[conflicts["year"] == year].itertuples(index=False):
            other = fmt_number(c.other_value, lang) if isinstance(c.other_value, float) else str(c.other_value)
            items.append(t("nb03_caveat_conflict", lang, year=year, other=other, field=t(c.field, lang)))
    return t("nb03_caveat", lang, items="; ".join(items)) if items else ""


def counterfactual_table(counterfactual: pd.DataFrame, var_shap: pd.DataFrame, *, change: int,
                         lang: str = "id") -> pd.DataFrame:
    """Counterfactual ranks and Shapley value per variable, plus every other part of the rank change.

    The rows are the variables, "other pemda moved" (``others``), "rules
    change" (``rules``, only when non-zero) and a total row; the Shapley
    column of the part rows sums to ``change`` (rank_to - rank_from).

    Parameters
    ----------
    counterfactual : DataFrame [kode_wilayah, player, score_only_this, rank_only_this, rank_all_but_this]
        One pemda's rows of :attr:`RankShapleyResult.counterfactual`.
    var_shap : DataFrame [player, shapley_rank]
        Including the players ``others`` and ``rules``.
    change : int
    lang : {"id", "en"}

    Returns
    -------
    DataFrame with columns [player, score_only_this, rank_only_this, rank_all_but_this, shapley_rank]
        ``player`` holds display labels; the column names are catalogue keys (a report table
        shows them translated).  Counterfactual cells are NaN for the non-variable parts and the total.
    """
    cf = counterfactual.drop(columns=["kode_wilayah"], errors="ignore").merge(var_shap, on="player")
    extra = var_shap[var_shap["player"].eq("others")
                     | (var_shap["player"].eq("rules") & var_shap["shapley_rank"].abs().gt(1e-9))]
    total = pd.DataFrame({"player": [t("total_rank_change", lang)], "shapley_rank": [float(change)]})
    cf = pd.concat([cf, extra, total], ignore_index=True)
    cf["player"] = [player_label(p, lang) for p in cf["player"]]
    for col in ("rank_only_this", "rank_all_but_this"):
        cf[col] = cf[col].astype("Int64")
    return cf


def _cost_column(cost: pd.Series) -> pd.Series:
    """Whole-number costs as integers (a float 1.000 reads as one thousand in Indonesian)."""
    c = cost.astype(float)
    return c.round().astype(int) if len(c) and (c == c.round()).all() else c.round(2)


def plan_action(step, lang: str = "id") -> str:
    """One plan step (a row of :attr:`PathPlan.steps`) as an instruction in the report language."""
    if step.lever == "new_innovations":
        if getattr(step, "urusan", ""):
            return t("plan_new_urusan", lang, steps=step.steps, urusan=step.urusan)
        return t("plan_new", lang, steps=step.steps)
    key = "plan_spd" if step.aspect == "SPD" else "plan_sid"
    return t(key, lang, steps=step.steps, indicator=step.indicator, level_from=step.level_from,
             level_to=step.level_to)


def plan_table(plan: PathPlan, lang: str = "id", framework=None) -> pd.DataFrame:
    """The plan as a table a policy reader can act on.

    Returns
    -------
    DataFrame with one row per lever: action, indicator, steps, innovations affected, IID gain, cost
        (column names in the report language).
    """
    fw = framework if framework is not None else framework_for_year(plan.year)
    s = plan.steps
    names = [component_label(r.lever, lang, fw) if r.lever != "new_innovations"
             else t("component_new_innovations", lang) for r in s.itertuples(index=False)]
    return pd.DataFrame({t("plan_action", lang): [plan_action(r, lang) for r in s.itertuples(index=False)],
                         t("plan_indicator", lang): names, t("plan_steps", lang): s["steps"].astype(int),
                         t("plan_innovations_affected", lang): s["innovations_affected"].astype(int),
                         t("plan_gain_iid", lang): s["gain_iid"].astype(float).round(3),
                         t("plan_cost", lang): _cost_column(s["cost"])})


def plan_summary(plan: PathPlan, lang: str = "id") -> str:
    """One sentence for a policy reader: where the plan starts, where it ends, its steps and cost."""
    if plan.current_rank <= plan.target_rank:
        return t("plan_met", lang, rank=plan.current_rank, target=plan.target_rank)
    head = "" if plan.reachable else t("plan_unreachable", lang, target=plan.target_rank,
                                       best=plan.best_reachable_rank)
    return head + t("plan_summary", lang, rank=plan.current_rank, score=fmt_number(plan.current_score, lang),
                    planned_rank=plan.planned_rank, planned_score=fmt_number(plan.planned_score, lang),
                    n_steps=plan.n_steps, cost=fmt_number(plan.total_cost, lang, "g"))


def study_rank_drivers(data, kode_wilayah: str, year_from: int, year_to: int, target_rank: int, *,
                       lang: str = "id", n_permutations: int = 400, random_state=0, costs=None,
                       cost_new_innovation: float = 3.0) -> RankDriversStudy:
    """Run the decomposition, rank Shapley values and path to target for one pemda.

    Parameters
    ----------
    data : Dataset
        :class:`iid_research.dataset.Dataset` (a workspace or the simulator) with the pemda's
        answers of both years.
    kode_wilayah : str
    year_from, year_to : int
    target_rank : int
        Target for the path (in ``year_to``'s cluster, others held at their ``year_to`` totals).
    lang : {"id", "en"}
    n_permutations, random_state
        For the indicator-level Shapley values.
    costs, cost_new_innovation
        See :func:`~iid_research.analysis.path.path_to_target`.

    Returns
    -------
    RankDriversStudy
        The rank parts are None when a year has no basis for ranks (no annex in the workspace and
        no published-plus-simulated totals for it).

    Raises
    ------
    KeyError
        If the dataset lacks the pemda's answers of a year (check with :func:`missing_answers`).
    """
    missing = missing_answers(data, kode_wilayah, (year_from, year_to))
    if missing:
        raise KeyError(f"{kode_wilayah}: no answers for year(s) {missing}; available {data.years(kode_wilayah)}")
    scores = data.scores
    comp = data.components()
    fb = framework_for_year(year_to)
    dec = decompose_score_change(comp.loc[comp.index.get_level_values("kode_wilayah") == kode_wilayah],
                                 year_from, year_to)
    long = decomposition_long(dec, kode_wilayah, fb)
    long["label"] = [component_label(c, lang, fb) for c in long["component"]]
    basis = {y: data.rank_basis(y) for y in (year_from, year_to)}
    own = scores[scores["kode_wilayah"] == kode_wilayah].set_index("year")
    var_shap = cf = ind = plan = table = None
    rank_from = rank_to = rank_of = None
    if all(b != "none" for b in basis.values()):
        levels = scores.drop_duplicates("kode_wilayah").set_index("kode_wilayah")["level"]
        rs = rank_shapley(comp, levels, year_from, year_to, kode_wilayah=kode_wilayah, scores=scores)
        row = rs.values.loc[kode_wilayah]
        rank_from, rank_to = int(row["rank_from"]), int(row["rank_to"])
        rank_of = int(own.loc[year_to, "rank_of"])
        var_shap = pd.DataFrame({"player": ["others", "rules", *rs.players],
                                 "shapley_rank": [row["others"], row["rules"], *[row[p] for p in rs.players]]})
        cf = counterfactual_table(rs.counterfactual.loc[rs.counterfactual["kode_wilayah"] == kode_wilayah],
                                  var_shap, change=rank_to - rank_from, lang=lang)
        ind = indicator_rank_shapley(comp, levels, kode_wilayah, year_from, year_to, n_permutations=n_permutations,
                                     random_state=random_state, scores=scores)
        ind.values["label"] = [component_label(p, lang, fb) for p in ind.values["player"]]
        plan = path_to_target(data.spd, data.innovations, scores, kode_wilayah, year_to, target_rank, costs=costs,
                              cost_new_innovation=cost_new_innovation)
        table = plan_table(plan, lang, fb)
    from ..data import load_regions

    names = load_regions().set_index("kode_wilayah")["nama"]
    return RankDriversStudy(kode_wilayah, str(names.get(kode_wilayah, kode_wilayah)), year_from, year_to,
                            target_rank, long, float(dec.loc[kode_wilayah, "iid_from"]),
                            float(dec.loc[kode_wilayah, "iid_to"]), rank_from, rank_to, rank_of, basis,
                            var_shap, cf, ind, plan, table, bool(data.is_simulated))


def rank_basis_note(study: RankDriversStudy, lang: str = "id") -> str:
    """One sentence per year whose ranks are not against the decree annex (published plus simulated, or none)."""
    notes = []
    for year, basis in study.rank_basis.items():
        if basis == "published+simulated":
            notes.append(t("nb03_basis_published_simulated", lang, year=year))
        elif basis == "none":
            notes.append(t("nb03_basis_none", lang, year=year))
    return " ".join(notes)


def rules_table(rules: pd.DataFrame, lang: str = "id", *, ranks: bool = True) -> pd.DataFrame:
    """:func:`~iid_research.analysis.decomposition.rules_comparison` rows for a reader (labelled columns).

    ``ranks=False`` leaves out the rank columns (ranks under other rules need every pemda's answers).
    """
    import re

    out = rules.copy()
    if not ranks:
        out = out.drop(columns=[c for c in out.columns if str(c).startswith("rank_") and c != "rules_effect"])
    if "level" in out.columns:
        out["level"] = [t(str(v), lang) for v in out["level"]]
    for col in [c for c in out.columns if str(c).startswith("predicate_")]:
        out[col] = [t(str(v), lang) if isinstance(v, str) else v for v in out[col]]

    def header(col):
        m = re.fullmatch(r"(iid|rank|predicate)_(\d{4})", str(col))
        if m:
            return t(f"col_{m.group(1)}_rules", lang, year=m.group(2))
        return t(col, lang)

    return out.rename(columns=header)


def predicate_counts_table(rules: pd.DataFrame, lang: str = "id") -> pd.DataFrame:
    """Count of pemda per predikat under each framework (from ``rules_comparison``).

    Returns
    -------
    DataFrame with one row per predikat and one count column per framework year.
    """
    cols = [c for c in rules.columns if c.startswith("predicate_")]
    table = pd.DataFrame({t("col_framework", lang, year=c.replace("predicate_", "")):
                          rules[c].value_counts().reindex(list(PREDICATES), fill_value=0) for c in cols})
    table.index = [t(p, lang) for p in table.index]
    table.index.name = t("predicate", lang)
    return table.reset_index()


def rules_text_fields(framework_year: int) -> dict:
    """Fields of the ``nb03_t_rules`` text for a framework: divisor floor, urusan minimum, predikat bounds."""
    fw = load_framework(framework_year)
    th = predicate_thresholds(framework_year)
    return {"floor": fw.divisor_floor, "min_yandas": fw.count_score_min_urusan_yandas,
            "sangat": th.sangat_inovatif_min, "inovatif": th.inovatif_min}


# --------------------------------------------------------------------------- national indicator model

def indicator_label(feature: str, lang: str = "id", framework=None) -> str:
    """Label of an indicator of :func:`~iid_research.analysis.panel.indicator_rank_model`.

    "SPD 2a. <name>", "SID 19. <name> (mean level over innovations)", or the innovation count.
    """
    if feature.startswith("spd_"):
        return t("model_spd_label", lang, label=component_label(feature, lang, framework))
    if feature.startswith("sid_"):
        return t("model_sid_label", lang, label=component_label(feature, lang, framework))
    return component_label(feature, lang, framework)


def indicator_model_table(model: IndicatorRankModel, lang: str = "id", framework=None) -> pd.DataFrame:
    """The indicator model's coefficients for a reader, largest first.

    Returns
    -------
    DataFrame with columns [model_indicator, coef_pct_per_step, ci_low, ci_high, (iid_per_step),
    ranks_<level> ...]
        Column names are catalogue keys (shown translated).
    """
    c = model.coefficients.sort_values("coef", ascending=False, kind="stable")
    cols = ["coef", "ci_low", "ci_high", *[k for k in c.columns if k == "iid_per_step" or k.startswith("ranks_")]]
    out = c[cols].rename(columns={"coef": "coef_pct_per_step"}).reset_index(drop=True)
    out.insert(0, "model_indicator", [indicator_label(f, lang, framework) for f in c["feature"]])
    return out


def rank_value_table(model: IndicatorRankModel, lang: str = "id") -> pd.DataFrame:
    """What one IID point is worth per cluster (:func:`~iid_research.analysis.panel.ranks_per_iid_point`).

    Returns
    -------
    DataFrame with columns [level, cluster_size, n_changes, ranks_per_iid_point, ci_low, ci_high,
    pct_per_iid_point]
    """
    return model.ranks_per_point.copy()


def rank_value_text(model: IndicatorRankModel, lang: str = "id") -> str:
    """The ``nb03_t_rank_value`` paragraph: ranks per IID point in each cluster, in words."""
    per = model.ranks_per_point
    if per.empty:
        return ""
    items = [t("nb03_rank_value_item", lang, ranks=fmt_number(r.ranks_per_iid_point, lang), size=int(r.cluster_size),
               level=level_plural(r.level, lang)) for r in per.itertuples(index=False)]
    joined = items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" {t('nb03_and', lang)} " + items[-1]
    return t("nb03_t_rank_value", lang, n_changes=model.n_changes, n_pemda=model.n_pemda,
             first=model.pairs[0][0], last=model.pairs[-1][1], items=joined,
             pct_min=fmt_number(per["pct_per_iid_point"].min(), lang),
             pct_max=fmt_number(per["pct_per_iid_point"].max(), lang))
