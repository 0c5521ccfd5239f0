"""What notebook 04 (OPD clusters) shows: cluster tables, scorecards and upgrades for a reader.

The analysis (:mod:`iid_research.analysis.clustering`, :mod:`~iid_research.analysis.upgrades`)
returns keys and numbers; these helpers put them into the report language.
"""

from __future__ import annotations

import pandas as pd

from ..analysis.clustering import ClusteringOutcome, OPDClusterer, TooFewOPDsError, fit_or_explain
from ..figures.clusters import archetype_names, plot_dendrogram
from ..frameworks import framework_for_years
from ..text import archetype_label, feature_label, fmt_number, t
from .display import show_table as _show_table


def too_few_message(error: TooFewOPDsError, lang: str = "id") -> str:
    """Why clustering was not possible, in the report language."""
    where = f"{error.where}: " if error.where else ""
    key = "too_few_opds_one" if error.n_opds <= 1 else "too_few_opds_k"
    return t(key, lang, where=where, n_opds=error.n_opds, needed=error.needed, what=error.what)


def fit_or_message(model: OPDClusterer, profiles: pd.DataFrame, lang: str = "id") -> tuple[ClusteringOutcome, str]:
    """Fit ``model`` on ``profiles``; return the outcome and, when it could not be fitted, the reason in words."""
    outcome = fit_or_explain(model, profiles)
    return outcome, ("" if outcome.is_fitted else too_few_message(outcome.error, lang))


def structure_message(model: OPDClusterer, lang: str = "id") -> str:
    """What the clustering-tendency check found, in words ("" when the model ran none).

    "No clear groups" (``nb04_no_structure``) when the gap statistic picked k = 1, otherwise the
    gap's k beside the silhouette's (``nb04_structure``).
    """
    if getattr(model, "gap_", None) is None:
        return ""
    if not model.has_structure_:
        sil = model.silhouette_scores_.dropna()
        best = fmt_number(float(sil.max()), lang) if len(sil) else "–"
        return t("nb04_no_structure", lang, n=len(model.labels_), k_max=int(model.gap_.index.max()), sil=best)
    return t("nb04_structure", lang, k_gap=model.gap_k_, k=model.k_)


def resolve_kode_wilayah(value: str) -> str:
    """The Kemendagri code of a pemda written as code or name ("33.16", "3316", "Kab. Blora"), or "all".

    Raises
    ------
    iid_research.regions.RegionMatchError
        If the value matches no pemda or several (the message lists the closest).
    """
    if str(value).strip().lower() == "all":
        return "all"
    from ..data import match_region

    return match_region(value)


def pemda_label(kode_wilayah: str, lang: str = "id") -> str:
    """Label of a pemda code: "Kabupaten Blora (33.16)"; "semua pemda"/"all pemda" for "all"."""
    if kode_wilayah == "all":
        return t("all_pemda", lang)
    from ..data import load_regions

    names = load_regions().set_index("kode_wilayah")["nama"]
    return f"{names[kode_wilayah]} ({kode_wilayah})" if kode_wilayah in names.index else kode_wilayah


def parse_k(k) -> int | str:
    """Read the notebook parameter ``k``: "auto" or a whole number ≥ 2 (as text or int).

    Raises
    ------
    ValueError
        For anything else.
    """
    if isinstance(k, str) and k.strip().lower() == "auto":
        return "auto"
    try:
        value = int(str(k).strip())
    except ValueError:
        raise ValueError(f"k must be 'auto' or a whole number ≥ 2, got {k!r}") from None
    if value < 2:
        raise ValueError(f"k must be 'auto' or a whole number ≥ 2, got {k!r}")
    return value


def real_profiles_for(kode_wilayah: str = "all", *, min_opds: int = 3, lang: str = "id"):
    """Real LAN OPD profiles for a pemda, or for all pemda when it has fewer than ``min_opds`` OPDs.

    Returns
    -------
    profiles : DataFrame
        See :func:`iid_research.analysis.opd.build_real_opd_profiles`.
    note : str
        Empty, or why all pemda are used (in ``lang``).
    """
    from ..analysis.opd import build_real_opd_profiles

    if kode_wilayah == "all":
        return build_real_opd_profiles(kode_wilayah="all"), ""
    own = build_real_opd_profiles(kode_wilayah=kode_wilayah)
    if len(own) >= min_opds:
        return own, ""
    every = build_real_opd_profiles(kode_wilayah="all")
    from ..data import load_regions

    nama = load_regions().set_index("kode_wilayah")["nama"].get(kode_wilayah, kode_wilayah)
    return every, t("nb04_real_fallback", lang, nama=nama, n=len(own), n_all=len(every))


def workspace_opds(dataset, innovations: pd.DataFrame, kode_wilayah: str, year: int,
                   lang: str = "id") -> tuple[pd.DataFrame, str, str]:
    """The innovations with their OPDs identified as every workspace report identifies them.

    On a workspace, OPD names are resolved with the workspace's OPD list
    (:func:`iid_research.analysis.evaluation.resolve_opd_names`: its spelling, its Singkatan, units
    such as an RSUD kept apart), exactly as the scoreboard of reports 02 and 05; the profiles are then
    keyed by that name.  SIMULATED data keep the OPD-type keys of the simulator.

    Returns
    -------
    innovations : DataFrame
        The rows given, ``opd_name`` resolved on a workspace.
    opd_key : {"opd_name", "opd_type"}
        The key to give :func:`~iid_research.analysis.opd.build_opd_profiles` and
        :func:`~iid_research.analysis.upgrades.opd_scorecards`.
    note : str
        On a workspace: how OPDs are named, how many are profiled, and the OPDs of the list
        without an innovation of ``year`` (named); else "".
    """
    from ..analysis.evaluation import pemda_opds, resolve_opd_names

    if dataset.kind != "workspace" or not len(innovations):
        return innovations, "opd_type", ""
    opd_list = dataset.opd_list
    if len(opd_list):
        opd_list = opd_list[opd_list["kode_wilayah"] == kode_wilayah]
    opd_list = opd_list if len(opd_list) else None
    resolved = resolve_opd_names(innovations, opd_list)
    opds = pemda_opds(innovations, opd_list)
    note = t("nb04_ws_opds", lang, n=resolved["opd_name"].nunique())
    idle = opds.loc[opds["on_list"] & ~opds["opd_name"].isin(set(resolved["opd_name"])), "opd_name"]
    if len(idle):
        note += " " + t("nb04_ws_unprofiled", lang, n=len(idle), year=year, names=", ".join(idle))
    return resolved, "opd_name", note


def spd_score_lookup(scores: pd.DataFrame) -> dict:
    """{(kode_wilayah, year): spd_score} from a per-pemda-year score table with those columns."""
    missing = [c for c in ("kode_wilayah", "year", "spd_score") if c not in scores.columns]
    if missing:
        raise ValueError(f"score table lacks column(s) {missing}")
    return {(k, int(y)): float(s) for k, y, s in zip(scores["kode_wilayah"], scores["year"], scores["spd_score"])}


def opd_labels(profiles: pd.DataFrame, lang: str = "id") -> list[str]:
    """Readable OPD label per profile row.

    The OPD as the pemda's own file names it, with the OPD type beside it where the
    mapping knows it ("Dinkes Kab. Blora (Kesehatan)"); the type label alone when
    the profile has no written name (pooled OPD types).
    """
    label_col = "opd_label_id" if lang == "id" else "opd_label_en"
    types = profiles[label_col].astype("string") if label_col in profiles.columns else pd.Series(
        pd.NA, index=profiles.index, dtype="string")
    names = profiles["opd_name"].astype("string") if "opd_name" in profiles.columns else types
    mapped = profiles["opd_type"].ne("belum_terpetakan") if "opd_type" in profiles.columns else types.notna()
    out = []
    for name, typ, is_mapped in zip(names, types, mapped):
        if pd.isna(name):
            out.append(str(typ))
        elif is_mapped and not pd.isna(typ) and str(typ).lower() not in str(name).lower():
            out.append(f"{name} ({typ})")
        else:
            out.append(str(name))
    return out


def gaps_text(gaps, lang: str = "id", framework=None) -> str:
    """A list of (feature, gap in sd) pairs as text: "Porsi inovasi digital (+1,4 sd); ...".

    SID features are named by ``framework`` (that of the data's year; default the newest).
    """
    return "; ".join(t("gap_sd", lang, label=feature_label(f, lang, short=True, framework=framework),
                       gap=fmt_number(v, lang, "+.1f")) for f, v in (gaps or []))


def distinguishing_text(model: OPDClusterer, lang: str = "id", top_n: int = 3) -> pd.Series:
    """Per cluster: its ``top_n`` features with the largest |z|, readable, e.g. "Porsi inovasi digital +1,3".

    SID features are named by the framework of the years the model was fitted on (``model.years_``).
    """
    fw = framework_for_years(getattr(model, "years_", ()))
    out = {}
    for c in model.cluster_zscores_.index:
        z = model.cluster_zscores_.loc[c]
        top = z.reindex(z.abs().sort_values(ascending=False).index)[:top_n]
        out[c] = "; ".join(f"{feature_label(f, lang, framework=fw)} {fmt_number(v, lang, '+.1f')}"
                           for f, v in top.items())
    return pd.Series(out, name="distinguishing")


def summary_table(model: OPDClusterer, lang: str = "id") -> pd.DataFrame:
    """:meth:`OPDClusterer.summary` for a reader: archetype in words, readable distinguishing features."""
    out = model.summary()
    out.insert(1, "archetype", [archetype_label(r, lang) for r in out.itertuples(index=False)])
    out["distinguishing"] = out["cluster"].map(distinguishing_text(model, lang)).fillna("")
    return out.drop(columns=["archetype_level", "archetype_focus", "archetype_suffix"])


def unmapped_table(names: pd.DataFrame, lang: str = "id") -> pd.DataFrame:
    """:func:`iid_research.analysis.opd.unmapped_opd_names` for a reader: name and record count."""
    return names[["opd_name", "record_count"]]


def cluster_type_table(profiles: pd.DataFrame, model: OPDClusterer, *, lang: str = "id") -> pd.DataFrame:
    """OPD types (rows) x archetypes (columns): how many OPDs of each type fall in each cluster."""
    label_col = "opd_label_id" if lang == "id" else "opd_label_en"
    names = archetype_names(model, lang)
    arche = pd.Series(model.labels_, index=profiles.index).map(names)
    table = pd.crosstab(profiles[label_col].rename(t("opd_type", lang)), arche.rename(t("archetype", lang)))
    return table.loc[table.sum(axis=1).sort_values(ascending=False, kind="stable").index]


def cluster_type_report(profiles: pd.DataFrame, model: OPDClusterer, lang: str = "id") -> pd.DataFrame:
    """:func:`cluster_type_table` in long form that fits a page: per OPD type, its OPD count and clusters.

    Returns
    -------
    DataFrame with columns [opd_type, opd_count, archetype_spread]
        The spread reads e.g. "inovasi metode berkembang 4; inovasi proses berkembang 4; ...", largest first.
    """
    table = cluster_type_table(profiles, model, lang=lang)
    spread = ["; ".join(f"{name} {int(n)}" for name, n in row[row > 0].sort_values(ascending=False,
                                                                                    kind="stable").items())
              for _, row in table.iterrows()]
    return pd.DataFrame({"opd_type": table.index.astype(str), "opd_count": table.sum(axis=1).astype(int).to_numpy(),
                         "archetype_spread": spread})


def upgrades_text(upgrades, lang: str = "id") -> str:
    """An OPD's best upgrades (rows of ``upgrade_menu``) as one line of text."""
    parts = []
    for r in upgrades or []:
        if r["step_kind"] == "raise_level":
            parts.append(t("upgrade_raise", lang, no=r["indicator_no"], n=r["open_steps_count"],
                           gain=fmt_number(r["iid_gain_per_step"], lang, "+.3f")))
        else:
            parts.append(t("upgrade_new", lang, steps=r["steps_count_min"],
                           gain=fmt_number(r["iid_gain_max"], lang, "+.3f")))
    return "; ".join(parts)


def scorecard_table(cards: pd.DataFrame, lang: str = "id", part: str = "profile") -> pd.DataFrame:
    """:func:`~iid_research.analysis.upgrades.opd_scorecards` for a reader, in two parts that fit a page.

    ``part="profile"``: OPD, archetype, innovations, maturity, strengths and
    weaknesses; ``part="upgrades"``: OPD, archetype and its best SID upgrades.

    Raises
    ------
    ValueError
        For another ``part``.
    """
    parts = {"profile": ["opd_label", "archetype", "innovation_count", "maturity_mean_score", "strengths_vs_cluster",
                         "weaknesses_vs_cluster", "strengths_vs_pemda", "weaknesses_vs_pemda"],
             "upgrades": ["opd_label", "archetype", "best_upgrades", "best_iid_gain_per_step"]}
    if part not in parts:
        raise ValueError(f"part must be one of {list(parts)}, got {part!r}")
    out = cards.copy()
    out["opd_label"] = opd_labels(cards, lang) if "opd_name" in cards.columns else cards["opd_key"]
    out["archetype"] = [archetype_label(r, lang) for r in cards.itertuples(index=False)]
    fw = framework_for_years(cards["year"] if "year" in cards.columns else ())  # names of the data's rules
    for c in ("strengths_vs_cluster", "weaknesses_vs_cluster", "strengths_vs_pemda", "weaknesses_vs_pemda"):
        if c in out.columns:
            out[c] = [gaps_text(g, lang, fw) for g in out[c]]
    if "best_upgrades" in out.columns:
        out["best_upgrades"] = [upgrades_text(u, lang) for u in out["best_upgrades"]]
    out = out[[c for c in parts[part] if c in out.columns]]
    for c in ("maturity_mean_score", "best_iid_gain_per_step"):
        if c in out.columns:
            out[c] = out[c].astype(float)
    return out


def upgrade_table(menu: pd.DataFrame, lang: str = "id", top_n: int = 12) -> pd.DataFrame:
    """:func:`~iid_research.analysis.upgrades.upgrade_menu` for a reader: step in words, indicator name."""
    out = menu.head(top_n).copy()
    out["step_kind"] = [t(f"step_{k}", lang) for k in out["step_kind"]]
    out["indicator_name"] = out["indicator_name_id" if lang == "id" else "indicator_name_en"]
    out["indicator_name"] = out["indicator_name"].replace({"(inovasi baru)": t("new_innovation_name", lang),
                                                           "(new innovation)": t("new_innovation_name", lang)})
    cols = ["step_kind", "indicator_no", "indicator_name", "iid_gain_per_step", "iid_gain_max", "open_steps_count",
            "innovation_count", "opd_count", "is_mandatory"]
    return out[cols]


def show_table(frame: pd.DataFrame, lang: str = "id", digits: int = 2, **kwargs) -> None:
    """Display a reader-facing table (:func:`iid_research.notebook.display.show_table`) with ``digits`` decimals."""
    _show_table(frame, lang, digits=digits, **kwargs)


def plot_dendrogram_report(model: OPDClusterer, profiles: pd.DataFrame, *, lang: str = "id", simulated: bool = True,
                           max_opds: int = 3000):
    """Ward dendrogram with readable OPD labels as its own figure (None when there are too many OPDs)."""
    import matplotlib.pyplot as plt

    if len(profiles) > max_opds:  # a dendrogram needs the n x n distances
        return None
    fig, ax = plt.subplots(figsize=(13, 5.5))
    plot_dendrogram(model, lang=lang, labels=opd_labels(profiles, lang), ax=ax)
    if simulated:
        ax.set_title(f"{ax.get_title()} — {t('simulated_stamp', lang)}")
    fig.tight_layout()
    return ax
