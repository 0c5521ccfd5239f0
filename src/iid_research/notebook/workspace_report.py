"""What notebook 05 (workspace report) and ``iid-research project`` show: the projection in words and tables.

The analysis (:mod:`iid_research.analysis.projection`, :mod:`~iid_research.analysis.evaluation`)
returns keys and numbers; these helpers put them into the report language for policy readers and OPD heads.
"""

from __future__ import annotations

import pandas as pd

from ..text import fmt_number, level_plural, t

NEW_ID = "(baru/new)"
"""Prefix of the ``innovation_id`` of a planned new innovation
(:func:`iid_research.analysis.evaluation.assign_plan_to_opds`)."""


def basis_text(basis: str, lang: str = "id", *, simulated: bool = False) -> str:
    """``rank_basis`` in words ("lampiran 2023", "lampiran 2022 + pergeseran +3,42/tahun", ...).

    ``simulated``: the annex is the demo's SIMULATED one, and the words say so.
    """
    if basis.startswith("annex"):
        year = basis.split()[1]
        if "drift" in basis:
            drift = float(basis.split("drift")[1].split("/")[0])
            text = t("basis_annex_drift", lang, year=year, drift=fmt_number(drift, lang, "+.2f"))
        else:
            text = t("basis_annex", lang, year=year)
        return f"{text} ({t('simulated_stamp', lang)})" if simulated else text
    return t(f"basis_{basis.replace('+', '_')}", lang)


def summary_lines(p, nama: str, lang: str = "id") -> list[str]:
    """The projection's summary for a policy reader: IID, predikat, rank of N and basis; plan; validators' cut."""
    from ..analysis.projection import partial_field_cluster
    from ..data import load_regions

    regions = load_regions()
    level = regions.set_index("kode_wilayah")["level"].get(p.kode_wilayah, "")
    lines = [t("proj_summary", lang, year=p.year, nama=nama, iid=fmt_number(p.score["iid_score"], lang),
               predicate=t(p.predicate, lang))]
    if p.rank is not None:
        lines.append(t("proj_rank", lang, rank=p.rank, rank_of=p.rank_of, level=level_plural(level, lang),
                       basis=basis_text(p.rank_basis, lang,
                                        simulated=bool(len(p.field)) and (p.field["source"] == "simulated").all())))
        cluster = partial_field_cluster(p.kode_wilayah, p.rank_of)
        if "annex" in p.rank_basis and cluster:  # e.g. an annex converted from a few pages
            lines.append(t("proj_partial_field", lang, rank_of=p.rank_of, cluster=cluster,
                           level=level_plural(level, lang)))
    else:
        lines.append(t("proj_no_rank", lang, year=p.year))
    own = p.annex_own
    if own is not None:  # the decree annex lists the pemda itself: the published result beside the projection
        lines.append(t("proj_annex_own", lang, year=p.year, iid=fmt_number(own, lang),
                       diff=fmt_number(float(p.score["iid_score"]) - own, lang, "+.2f")))
    if p.plan is not None:
        if p.plan.current_rank <= p.target_rank:
            lines.append(t("plan_met", lang, rank=p.plan.current_rank, target=p.target_rank))
        else:
            key = "proj_plan" if p.plan.reachable else "proj_plan_unreachable"
            lines.append(t(key, lang, target=p.target_rank, rank=p.plan.planned_rank, n=p.plan.n_steps,
                           cost=fmt_number(p.plan.total_cost, lang, "g"), owners=owners_text(p.plan_steps, lang),
                           iid=fmt_number(p.plan.planned_score, lang)))
    risky_steps = plan_on_risky_innovations(p)
    if risky_steps["steps"]:
        lines.append(t("proj_plan_on_risky", lang, steps=risky_steps["steps"], n=len(risky_steps["innovations"]),
                       ids=", ".join(risky_steps["innovations"]), iid=fmt_number(risky_steps["gain_iid"], lang)))
    w = p.without_risk
    if w["innovations_removed"]:
        rank = f", {t('rank', lang).lower()} {w['rank']}" if w["rank"] is not None else ""
        lines.append(t("proj_risk", lang, n=w["innovations_removed"], iid=fmt_number(w["iid_score"], lang),
                       predicate=t(w["predicate"], lang), rank=rank))
    return lines


def owners_text(steps: pd.DataFrame, lang: str = "id") -> str:
    """Who takes a plan's steps, in words: how many steps the pemda's OPDs take and how many OPDs they are,
    and the steps of placeholder owners apart, named (they are not counted as OPDs)."""
    ph = _placeholder_mask(steps)
    real, other = steps[~ph], steps[ph]
    by_steps = other.groupby("opd_key", sort=False).agg(name=("opd_name", "first"), steps=("steps", "sum"))
    by_steps = by_steps.sort_values("steps", ascending=False, kind="stable")  # the largest share first
    names = ", ".join(opd_label(by_steps["name"], lang))
    n_opd = real["opd_key"].nunique()
    if other.empty:
        return t("proj_owners_opd", lang, n_opd=n_opd)
    if real.empty:
        return t("proj_owners_placeholders", lang, n_placeholders=len(by_steps), placeholders=names)
    return t("proj_owners_mixed", lang, opd_steps=int(real["steps"].sum()), n_opd=n_opd,
             placeholder_steps=int(other["steps"].sum()), n_placeholders=len(by_steps), placeholders=names)


def _placeholder_mask(frame: pd.DataFrame) -> pd.Series:
    """True for the rows whose owner is a placeholder (:func:`iid_research.analysis.evaluation.is_placeholder`)."""
    from ..analysis.evaluation import is_placeholder

    return pd.Series(is_placeholder(frame["opd_key"]), index=frame.index, dtype=bool)


def plan_on_risky_innovations(p) -> dict:
    """What of the plan lies on innovations the validators are expected to cut (at risk).

    Returns
    -------
    dict with keys steps (level steps), gain_iid (IID points) and innovations (their ids, sorted)
    """
    steps = p.plan_steps if p.plan_steps is not None else pd.DataFrame()
    risky = set(p.risk.loc[p.risk["at_risk"], "innovation_id"].astype(str)) if len(p.risk) else set()
    if steps.empty or not risky or "innovation_id" not in steps:
        return {"steps": 0, "gain_iid": 0.0, "innovations": []}
    on = steps[steps["innovation_id"].astype(str).isin(risky)]
    return {"steps": int(on["steps"].sum()), "gain_iid": float(on["gain_iid"].sum()),
            "innovations": sorted(set(on["innovation_id"].astype(str)))}


def gap_table(p, lang: str = "id") -> pd.DataFrame:
    """The gap card for a reader: goal, target IID, points and IID needed, plan steps, cost, rank after."""
    from ..data import load_regions

    names = load_regions().set_index("kode_wilayah")["nama"]
    rows = []
    for g in p.gaps.itertuples(index=False):
        kind, _, what = g.gap.partition(":")
        goal = (t("gap_predicate", lang, predicate=t(what, lang)) if kind == "predicate" else
                t("gap_rank", lang, rank=what) if kind == "rank" else
                t("gap_province_best", lang, nama=names.get(what, what)))
        if kind == "province_best" and (p.field.loc[p.field["kode_wilayah"] == what, "source"] == "simulated").any():
            goal += f" ({t('simulated_stamp', lang)})"  # that pemda's score is simulated, not its published one
        rows.append({"gap_goal": goal, "gap_target_score": round(float(g.target_score), 2),  # as published
                     "gap_points_needed": round(float(g.points_needed), 3),
                     "gap_iid_needed": round(float(g.iid_needed), 2), "plan_steps_n": g.plan_steps,
                     "plan_cost_total": g.plan_cost,
                     "gap_rank_after": g.rank_after, "gap_reachable": g.reachable})
    return pd.DataFrame(rows)


def step_text(step, lang: str = "id", *, number_new: bool = True) -> str:
    """One assigned plan step as an instruction.

    A raise of a planned new innovation names it "baru ke-3" / "new no. 3"; with ``number_new=False``
    only "baru" / "new", so the same raise of several new innovations reads the same (:func:`plan_by_opd`).
    """
    if step.kind == "new_innovation":
        if step.urusan:
            return t("step_new_urusan", lang, urusan=step.urusan)
        return t("step_new", lang)
    if step.kind == "spd":
        return t("plan_spd", lang, indicator=step.indicator, level_from=step.from_level, level_to=step.to_level)
    innovation = step.innovation_id
    if str(innovation).startswith(NEW_ID):
        number = str(innovation)[len(NEW_ID):].strip()
        innovation = t("new_innovation_no", lang, no=number) if number_new else t("new_innovation_any", lang)
    return t("step_sid", lang, indicator=step.indicator, innovation=innovation, level_from=step.from_level,
             level_to=step.to_level)


def opd_label(names: pd.Series, lang: str) -> pd.Series:
    """OPD names for a reader: the owner of steps no particular OPD must take, and an empty OPD cell, in the
    report language."""
    from ..analysis.evaluation import ANY_OPD, UNNAMED

    return names.replace({ANY_OPD: t("any_opd", lang), UNNAMED: t("opd_unnamed", lang)})


def owner_label(names: pd.Series, keys: pd.Series, lang: str) -> pd.Series:
    """Owner names for a reader (:func:`opd_label`), an office known only by its type marked as a placeholder:
    "Keuangan dan Aset Daerah (pemilik sementara)"; "(OPD mana pun)" says so by itself."""
    from ..analysis.evaluation import TYPE_OWNER

    shown = opd_label(pd.Series(names, dtype=object).reset_index(drop=True), lang)
    typed = pd.Series(keys, dtype=object).astype(str).str.startswith(TYPE_OWNER).to_numpy()
    shown[typed] = [t("placeholder_owner", lang, name=n) for n in shown[typed]]
    return pd.Series(shown.to_numpy(), index=pd.Series(names).index, dtype=object)


def plan_steps_table(p, lang: str = "id") -> pd.DataFrame:
    """The plan, one row per step: OPD, action, IID gain, cost; the pemda's OPDs first (by name), then the
    placeholder owners (marked, :func:`owner_label`).  The per-step download and workbook sheet."""
    s = p.plan_steps
    if s is None or s.empty:
        return pd.DataFrame(columns=["opd", "plan_action", "plan_gain_iid", "plan_cost"])
    out = pd.DataFrame({"opd": owner_label(s["opd_name"], s["opd_key"], lang),
                        "plan_action": [step_text(r, lang) for r in s.itertuples(index=False)],
                        "plan_gain_iid": s["gain_iid"].astype(float), "plan_cost": s["cost"].astype(float),
                        "_placeholder": _placeholder_mask(s)})
    out = out.sort_values(["_placeholder", "opd", "plan_action"], kind="stable")
    return out.drop(columns="_placeholder").reset_index(drop=True)


def plan_by_opd(p, lang: str = "id") -> pd.DataFrame:
    """The plan as actions per OPD, identical steps of one owner as one row.

    Steps are identical when they are the same action of the same owner with the same gain and cost (the
    same raise of several planned new innovations included): e.g. 188 × "Laporkan satu inovasi baru".

    Returns
    -------
    DataFrame with columns [opd, plan_count, plan_action, plan_gain_total, plan_cost_sum]
        ``plan_count``: how many such steps; ``plan_gain_total`` and ``plan_cost_sum``: their summed IID gain
        and cost (so the columns add up to the plan's).  The pemda's OPDs first (by name), then the
        placeholder owners; one row per step is :func:`plan_steps_table`.
    """
    s = p.plan_steps
    cols = ["opd", "plan_count", "plan_action", "plan_gain_total", "plan_cost_sum"]
    if s is None or s.empty:
        return pd.DataFrame(columns=cols)
    rows = pd.DataFrame({"opd": owner_label(s["opd_name"], s["opd_key"], lang),
                         "plan_action": [step_text(r, lang, number_new=False) for r in s.itertuples(index=False)],
                         "_gain": s["gain_iid"].astype(float).round(9), "_cost": s["cost"].astype(float).round(9),
                         "gain": s["gain_iid"].astype(float), "cost": s["cost"].astype(float),
                         "_placeholder": _placeholder_mask(s)})
    out = (rows.groupby(["_placeholder", "opd", "plan_action", "_gain", "_cost"], sort=True)
           .agg(plan_count=("gain", "size"), plan_gain_total=("gain", "sum"), plan_cost_sum=("cost", "sum"))
           .reset_index())
    return out[cols]


def _weakest(pairs, lang, year: int):
    """Indicators as "number name (gap)", named as the rules of ``year`` name them."""
    from ..frameworks import framework_for_year

    names = framework_for_year(int(year)).sid.set_index("indicator_no")["name_id" if lang == "id" else "name_en"]
    return "; ".join(f"{i} {names.get(i, '')} ({fmt_number(g, lang, '+.1f')})" for i, g in pairs or [])


def scoreboard(p, lang: str = "id") -> pd.DataFrame:
    """The OPD scoreboard for a reader: one row per OPD of the pemda's files (the OPD list and the
    innovation list), readable columns (the workbook's first sheet).  Placeholder owners of plan steps
    are not OPDs and are listed apart (:func:`placeholder_owners`)."""
    o = p.opds[~_placeholder_mask(p.opds)]
    label = "opd_type_label_id" if lang == "id" else "opd_type_label_en"
    return pd.DataFrame({
        "opd_rank": o["rank"], "opd": opd_label(o["opd_name"], lang),
        "opd_type": opd_label(o[label].fillna(""), lang),
        "opd_innovations": o["innovations"], "opd_mandatory_complete": o["mandatory_complete"],
        "opd_at_risk": o["at_risk"], "opd_sid_points": o["sid_points"].astype(float).round(1),
        "opd_share": (o["sid_points_share"] * 100).astype(float).round(1),
        "opd_iid_contribution": o["iid_contribution"].astype(float).round(2),
        "opd_maturity": o["maturity_mean"].astype(float).round(1),
        "opd_weakest": [_weakest(w, lang, p.year) for w in o["weakest_indicators"]],
        "opd_plan_steps": o["plan_steps"], "opd_plan_cost": o["plan_cost"].astype(float),
        "opd_change": o["sid_points_change"].astype(float).round(1),
        "opd_status": [t(f"status_{s}", lang) for s in o["status"]],
        "opd_reward": [", ".join(t(f"reward_{r}", lang) for r in str(v).split(",") if r) for v in o["reward"]],
    })


def iid_parts_line(p, lang: str = "id") -> str:
    """How the projected IID adds up: SPD part + count-score part + innovation-quality part (IID points), and
    what the OPDs of the scoreboard carry of the quality part.

    The parts are the scores of :func:`iid_research.scoring.score_pemda` over the framework's maximum total
    (:func:`iid_research.scoring.compute_iid`), so they sum to the IID; the count score belongs to no OPD.
    SPD and count parts are rounded half-up to 2 decimals (:func:`~iid_research.scoring.round_published`) and
    the quality part is the rounded IID minus both, so the sum as written holds exactly.
    """
    from ..frameworks import framework_for_year
    from ..scoring import round_published

    scale = 100 / framework_for_year(p.year).max_total
    parts = {k: float(round_published(float(p.score[f"{k}_score"]) * scale)) for k in ("spd", "count")}
    # the quality part as shown is what the rounded IID leaves, so the written sum is exact
    parts["quality"] = round(float(round_published(float(p.score["iid_score"]))) - parts["spd"] - parts["count"], 2)
    opds = float(p.opds.loc[~_placeholder_mask(p.opds), "iid_contribution"].astype(float).sum())
    return t("nb05_iid_parts", lang, iid=fmt_number(p.score["iid_score"], lang),
             **{k: fmt_number(v, lang) for k, v in parts.items()}, opds=fmt_number(opds, lang))


def placeholder_owners(p, lang: str = "id") -> pd.DataFrame:
    """The placeholder owners of plan steps (not OPDs, :func:`iid_research.analysis.evaluation.is_placeholder`):
    owner (marked), OPD type, steps and cost in the plan."""
    o = p.opds[_placeholder_mask(p.opds)]
    label = "opd_type_label_id" if lang == "id" else "opd_type_label_en"
    return pd.DataFrame({"opd": owner_label(o["opd_name"], o["opd_key"], lang),
                         "opd_type": opd_label(o[label].fillna(""), lang), "opd_plan_steps": o["plan_steps"],
                         "opd_plan_cost": o["plan_cost"].astype(float)})


def risk_table(p, lang: str = "id") -> pd.DataFrame:
    """The innovations the validators are likely to cut, with the reason."""
    r = p.risk[p.risk["at_risk"]]
    reasons = []
    for row in r.itertuples(index=False):
        parts = []
        if row.missing_mandatory:
            parts.append(t("risk_mandatory", lang, indicators=", ".join(str(i) for i in row.missing_mandatory)))
        if row.tahapan_not_scored:
            parts.append(t("risk_tahapan", lang))
        reasons.append("; ".join(parts))
    return pd.DataFrame({"innovation_id": r["innovation_id"], "opd": r["opd_name"], "risk_reason": reasons})


def opd_scorecard(p, opd_key: str, lang: str = "id") -> dict:
    """One OPD's page: its row of the scoreboard and its steps of the plan (for the printable scorecards).

    A placeholder owner's page holds its row of :func:`placeholder_owners` and a note that it is not an OPD.

    Returns
    -------
    dict with keys name, row (Series), steps (DataFrame), note (str, "" for an OPD), decimals (the
        scoreboard's decimals per quantity, :func:`iid_research.notebook.display.column_decimals`),
        position (1-based place of the OPD in the evaluation, which numbers the card's download files)
    """
    from .display import column_decimals

    idx = p.opds.index[p.opds["opd_key"] == opd_key][0]
    placeholder = bool(_placeholder_mask(p.opds).loc[idx])
    board = placeholder_owners(p, lang) if placeholder else scoreboard(p, lang)
    steps = plan_by_opd(p, lang)
    name = board.loc[idx, "opd"]
    return {"name": name, "row": board.loc[idx], "steps": steps[steps["opd"] == name].drop(columns=["opd"]),
            "note": t("nb05_placeholder_card", lang) if placeholder else "", "decimals": column_decimals(board),
            "position": int(list(p.opds.index).index(idx)) + 1}
