"""One-step SID upgrades per OPD, the upgrade menu, and OPD scorecards.

Every gain is computed by rescoring with the official engine
(:mod:`iid_research.scoring`): the innovation's SID score, the pemda's SID
with the divisor MAX(floor, n) and the count score, and the IID.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..contracts import validate_innovations
from ..frameworks import Framework, framework_for_year, framework_for_years
from ..scoring import compute_iid, count_urusan_pelayanan_dasar, score_sid_innovations, sid_from_sums
from .clustering import OPDClusterer, strengths_weaknesses
from .opd import add_opd_keys


def sid_upgrade_gains(innovations: pd.DataFrame, *, kode_wilayah: str, year: int, framework: Framework | None = None,
                      spd_score: float = 0.0, include_new_innovation: bool = True,
                      opd_key: str = "opd_type", mapping_path=None) -> pd.DataFrame:
    """IID gain of every one-step SID upgrade open to a pemda, per OPD.

    A step raises one SID indicator of one innovation by one level (e.g.
    indicator 19 of innovation X from level 1 to 2).  Each candidate is
    rescored with the official engine: the innovation's SID score with
    :func:`iid_research.scoring.score_sid_innovations`, the pemda's SID with
    :func:`iid_research.scoring.compute_sid` (so the divisor MAX(floor, n)
    and the count score apply) and the IID with
    :func:`iid_research.scoring.compute_iid`.  With
    ``include_new_innovation``, each OPD also gets the option of reporting
    one more innovation shaped like the pemda's median innovation (its
    levels rounded), whose steps are the sum of its levels.

    Parameters
    ----------
    innovations : DataFrame following the innovations contract
        All innovations (any pemda/year); the pemda-year is selected here.
    kode_wilayah : str
    year : int
    framework : Framework, optional
        Default :func:`iid_research.frameworks.framework_for_year` of ``year``.
    spd_score : float, default=0.0
        The pemda's SPD score (0-63); only shifts the IID levels, not the gains.
    include_new_innovation : bool, default=True
    opd_key : {'opd_type', 'opd_name'}, default='opd_type'
        What identifies one OPD (:func:`iid_research.analysis.opd.add_opd_keys`); the same as the
        profiles' (``"opd_name"`` after :func:`iid_research.analysis.evaluation.resolve_opd_names`).
    mapping_path : path-like, optional
        OPD-type mapping table.

    Returns
    -------
    DataFrame with columns [kode_wilayah, year, opd_key, innovation_id, step_kind, indicator_no,
    from_level, to_level, steps_count, sid_gain, iid_gain, iid_gain_per_step, iid_before, iid_after,
    is_mandatory, fills_mandatory_gap]
        ``step_kind`` is "raise_level" or "add_innovation"; gains on the IID
        0-100 scale; sorted by ``iid_gain_per_step`` (largest first; ties:
        steps that fill a mandatory indicator left at 0 first, since an
        innovation missing a mandatory indicator risks rejection).

    Raises
    ------
    ValueError
        If the pemda has no innovation in ``year`` or the table breaks the contract.

    Notes
    -----
    The multi-step path to a target rank is :func:`iid_research.analysis.path.path_to_target`;
    this function gives the one-step menu per OPD, and
    :func:`iid_research.analysis.path.plan_steps_by_opd` splits such a plan over the OPDs.
    """
    inn = validate_innovations(innovations, "innovations")
    inn = inn[(inn["kode_wilayah"] == kode_wilayah) & (inn["year"] == int(year))]
    if inn.empty:
        raise ValueError(f"no innovations for kode_wilayah {kode_wilayah!r} in {year}")
    inn = add_opd_keys(inn, opd_key=opd_key, path=mapping_path).reset_index(drop=True)
    fw = framework if framework is not None else framework_for_year(int(year))
    mandatory = set(fw.sid.loc[fw.sid["is_mandatory"], "indicator_no"].astype(int))
    n_yandas = count_urusan_pelayanan_dasar(inn["urusan"])
    base_scores = score_sid_innovations(inn, fw).to_numpy()
    n = len(base_scores)
    total = float(base_scores.sum())
    base_sid = sid_from_sums(total, n, fw, n_yandas)["sid_score"]
    iid_before = compute_iid(spd_score, base_sid, fw)

    sid_cols = list(fw.sid_columns)
    levels = inn[sid_cols].to_numpy(dtype=int)
    rows_i, cols_j = np.nonzero(levels < 3)
    raised = inn.iloc[rows_i][sid_cols].reset_index(drop=True)
    for col_idx in np.unique(cols_j):
        sel = cols_j == col_idx
        raised.loc[sel, sid_cols[col_idx]] = raised.loc[sel, sid_cols[col_idx]].to_numpy() + 1
    new_scores = score_sid_innovations(raised, fw).to_numpy()
    # one innovation's score replaced, n unchanged: the SID of each variant, vectorised
    sid_after = np.asarray(sid_from_sums(total - base_scores[rows_i] + new_scores, np.full(len(rows_i), n), fw,
                                         np.full(len(rows_i), n_yandas))["sid_score"], dtype=float)
    indicator = np.array([int(sid_cols[j].split("_")[1]) for j in cols_j], dtype=int)
    out = pd.DataFrame({
        "kode_wilayah": kode_wilayah, "year": int(year), "opd_key": inn["opd_key"].to_numpy()[rows_i],
        "innovation_id": inn["innovation_id"].to_numpy()[rows_i], "step_kind": "raise_level",
        "indicator_no": indicator, "from_level": levels[rows_i, cols_j], "to_level": levels[rows_i, cols_j] + 1,
        "steps_count": 1, "sid_gain": sid_after - base_sid,
    })
    if include_new_innovation:
        template = np.rint(np.median(levels, axis=0)).astype(int)
        if template.sum() == 0:
            template = np.array([1 if int(c.split("_")[1]) in mandatory else 0 for c in sid_cols])
        t_score = float(score_sid_innovations(pd.DataFrame([template], columns=sid_cols), fw).iloc[0])
        adds = []
        for opd, part in inn.groupby("opd_key", sort=True):
            urusan = part["urusan"].mode().iloc[0]
            new_yandas = count_urusan_pelayanan_dasar(pd.concat([inn["urusan"], pd.Series([urusan])]))
            sid_new = sid_from_sums(total + t_score, n + 1, fw, new_yandas)["sid_score"]
            adds.append({"kode_wilayah": kode_wilayah, "year": int(year), "opd_key": opd,
                         "innovation_id": "(baru/new)", "step_kind": "add_innovation", "indicator_no": 0,
                         "from_level": 0, "to_level": 0, "steps_count": int(template.sum()),
                         "sid_gain": sid_new - base_sid})
        out = pd.concat([out, pd.DataFrame(adds)], ignore_index=True)
    out["iid_before"] = iid_before
    out["iid_after"] = compute_iid(spd_score, base_sid + out["sid_gain"].to_numpy(), fw)
    out["iid_gain"] = out["iid_after"] - iid_before
    out["iid_gain_per_step"] = out["iid_gain"] / out["steps_count"]
    out["is_mandatory"] = out["indicator_no"].isin(mandatory)
    out["fills_mandatory_gap"] = out["is_mandatory"] & (out["from_level"] == 0)
    cols = ["kode_wilayah", "year", "opd_key", "innovation_id", "step_kind", "indicator_no", "from_level",
            "to_level", "steps_count", "sid_gain", "iid_gain", "iid_gain_per_step", "iid_before", "iid_after",
            "is_mandatory", "fills_mandatory_gap"]
    out["_gain"] = out["iid_gain_per_step"].round(9)
    out = out.sort_values(["_gain", "fills_mandatory_gap", "opd_key", "innovation_id", "indicator_no"],
                          ascending=[False, False, True, True, True], kind="stable")[cols]
    return out.reset_index(drop=True)


def opd_scorecards(profiles: pd.DataFrame, model: OPDClusterer, innovations: pd.DataFrame | None = None, *,
                   framework: Framework | None = None, spd_scores: dict | None = None, top_n: int = 3,
                   opd_key: str = "opd_type", mapping_path=None) -> pd.DataFrame:
    """One scorecard row per OPD: cluster, archetype, strengths, weaknesses, best SID upgrades.

    Parameters
    ----------
    profiles : DataFrame
        The profile table ``model`` was fitted on (same rows, same order).
    model : OPDClusterer
        Fitted.
    innovations : DataFrame following the innovations contract, optional
        When given, each OPD gets its ``top_n`` SID upgrades with the largest
        IID gain per step (:func:`sid_upgrade_gains`).
    framework : Framework, optional
    spd_scores : dict of (kode_wilayah, year) -> float, optional
        SPD score per pemda-year, for the IID levels shown (gains do not depend on it).
    top_n : int, default=3
    opd_key : {'opd_type', 'opd_name'}, default='opd_type'
        How ``profiles`` identify an OPD (:func:`iid_research.analysis.opd.build_opd_profiles`), so the
        upgrades are matched to the same OPDs.
    mapping_path : path-like, optional

    Returns
    -------
    DataFrame with columns [kode_wilayah, year, opd_key, opd_type, opd_name, cluster, archetype_level,
    archetype_focus, archetype_suffix, innovation_count, maturity_mean_score, strengths_vs_cluster,
    weaknesses_vs_cluster, strengths_vs_pemda, weaknesses_vs_pemda, best_upgrades, best_iid_gain_per_step]
        The strengths/weaknesses are lists of (feature, gap) as :func:`strengths_weaknesses`;
        ``best_upgrades`` is a list of the OPD's ``top_n`` rows of :func:`upgrade_menu` (dicts),
        largest IID gain per step first.
    """
    if len(profiles) != len(model.labels_):
        raise ValueError(f"profiles has {len(profiles)} rows but the model was fitted on {len(model.labels_)}")
    sw = strengths_weaknesses(profiles, model.labels_, features=model.feature_columns_, top_n=top_n)
    card = sw[[c for c in ("kode_wilayah", "year", "opd_key") if c in sw.columns]].copy()
    for c in ("opd_type", "opd_name"):
        card[c] = profiles[c].to_numpy() if c in profiles.columns else None
    card["cluster"] = model.labels_
    keys = model.archetypes_.set_index("cluster")
    for c in ("archetype_level", "archetype_focus", "archetype_suffix"):
        card[c] = card["cluster"].map(keys[c]).to_numpy()
    for c in ("innovation_count", "maturity_mean_score"):
        card[c] = profiles[c].to_numpy() if c in profiles.columns else np.nan
    for c in ("strengths_vs_cluster", "weaknesses_vs_cluster", "strengths_vs_pemda", "weaknesses_vs_pemda"):
        card[c] = sw[c].to_numpy()
    card["best_upgrades"] = [[] for _ in range(len(card))]
    card["best_iid_gain_per_step"] = np.nan
    if innovations is not None and {"kode_wilayah", "year", "opd_key"} <= set(card.columns):
        for (kw, yr), idx in card.groupby(["kode_wilayah", "year"]).groups.items():
            spd = (spd_scores or {}).get((kw, yr), 0.0)
            try:
                gains = sid_upgrade_gains(innovations, kode_wilayah=kw, year=int(yr), framework=framework,
                                          spd_score=spd, opd_key=opd_key, mapping_path=mapping_path)
            except ValueError:
                continue
            menus = upgrade_menu(gains, by_opd=True)
            for i in idx:
                g = menus[menus["opd_key"] == card.at[i, "opd_key"]].head(top_n)
                if g.empty:
                    continue
                card.at[i, "best_iid_gain_per_step"] = float(g["iid_gain_per_step"].iloc[0])
                card.at[i, "best_upgrades"] = g.to_dict("records")
    card["maturity_mean_score"] = card["maturity_mean_score"].astype(float).round(1)
    return card.reset_index(drop=True)


def upgrade_menu(gains: pd.DataFrame, *, by_opd: bool = False) -> pd.DataFrame:
    """Summarise one-step upgrades per indicator: the gain per step and how many steps are open.

    Parameters
    ----------
    gains : DataFrame
        As returned by :func:`sid_upgrade_gains`.
    by_opd : bool, default=False
        One menu per OPD (``opd_key``) instead of one for the pemda.

    Returns
    -------
    DataFrame with columns [(opd_key,) step_kind, indicator_no, indicator_name_id, indicator_name_en,
    iid_gain_per_step, iid_gain_max, open_steps_count, steps_count_min, innovation_count, opd_count,
    is_mandatory]
        One row per (OPD,) step kind and indicator; ``iid_gain_per_step`` is the best
        gain per step among its open steps, ``open_steps_count`` how many
        single-level raises are open (for "add_innovation": OPDs that could
        add one).  Indicator names from the framework of the gains' years
        (:func:`iid_research.frameworks.framework_for_years`).  Sorted by
        ``iid_gain_per_step``, largest first.
    """
    keys = (["opd_key"] if by_opd else []) + ["step_kind", "indicator_no"]
    if gains.empty:
        return pd.DataFrame(columns=keys + ["indicator_name_id", "indicator_name_en", "iid_gain_per_step",
                                            "iid_gain_max", "open_steps_count", "steps_count_min",
                                            "innovation_count", "opd_count", "is_mandatory"])
    out = gains.groupby(keys, sort=False).agg(
        iid_gain_per_step=("iid_gain_per_step", "max"), iid_gain_max=("iid_gain", "max"),
        open_steps_count=("iid_gain", "size"), steps_count_min=("steps_count", "min"),
        innovation_count=("innovation_id", "nunique"), opd_count=("opd_key", "nunique"),
        is_mandatory=("is_mandatory", "any")).reset_index()
    fw = framework_for_years(gains["year"] if "year" in gains.columns else ())
    names = fw.sid.set_index("indicator_no")
    out.insert(len(keys), "indicator_name_id", out["indicator_no"].map(names["name_id"]).fillna("(inovasi baru)"))
    out.insert(len(keys) + 1, "indicator_name_en", out["indicator_no"].map(names["name_en"]).fillna("(new innovation)"))
    out["_gain"] = out["iid_gain_per_step"].round(9)
    out = out.sort_values(["_gain", "is_mandatory", *keys], ascending=[False, False, *[True] * len(keys)],
                          kind="stable").drop(columns="_gain")
    return out.reset_index(drop=True)


