# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: tags,-all
#     notebook_metadata_filter: kernelspec,-jupytext.text_representation.jupytext_version
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#   kernelspec:
#     display_name: Python (iid-research)
#     language: python
#     name: iid-research
# ---

# %% [markdown] tags=["remove-cell"]
# # OPD clusters
#
# OPD innovation profiles, clusters, archetypes and scorecards. Run with papermill; see the `parameters` cell.

# %% tags=["parameters"]
kode_wilayah: str = "33.16"  # pemda code (Kemendagri, e.g. "33.16" is Kabupaten Blora) or "all" for every pemda
year: int = 2025  # assessment year of the simulated SID answers (2021-2025)
method: str = "kmeans"  # clustering method: "kmeans", "ward", "hdbscan" or "kmedoids"
k: str = "auto"  # number of clusters ("3", "4", ...) or "auto" (highest silhouette over 2-8)
lang: str = "id"  # language of text and labels: "id" (Bahasa Indonesia) or "en" (English)
workspace: str = ""  # folder of a workspace with the pemda's own files; empty: the SIMULATED demo SID answers

# %%
import matplotlib.pyplot as plt

from iid_research.analysis import opd
from iid_research.analysis.clustering import OPDClusterer
from iid_research.analysis.upgrades import opd_scorecards, sid_upgrade_gains, upgrade_menu
from iid_research.data import load_innovations
from iid_research.figures import clusters as fig
from iid_research.notebook import display as nb
from iid_research.notebook import opd_clusters as oc
from iid_research.text import t

nb.setup(lang)
k_value = oc.parse_k(k)
kode_wilayah = oc.resolve_kode_wilayah(kode_wilayah)  # also accepts "3316" or "Kab. Blora"
nb.show_markdown(t("nb04_title", lang, where=oc.pemda_label(kode_wilayah, lang), year=year))

# %%
nb.show_markdown(t("nb04_real_heading", lang) + "\n\n" + t("nb04_real_intro", lang))
real_profiles, note = oc.real_profiles_for(kode_wilayah, lang=lang)
nb.show_markdown(note)
lan = load_innovations()
nb.show_markdown(t("nb04_unmapped", lang))
oc.show_table(oc.unmapped_table(opd.unmapped_opd_names(lan.loc[lan["is_pemda"], "opd_name"]), lang), lang)

# %%
real, real_message = oc.fit_or_message(OPDClusterer("kmedoids", k=k_value, n_bootstrap=20, random_state=0),
                                       real_profiles, lang)
if real.is_fitted:
    nb.show_markdown(oc.structure_message(real.model, lang))
    oc.show_table(oc.summary_table(real.model, lang), lang)
else:
    nb.show_markdown(real_message)

# %%
if real.is_fitted:
    oc.show_table(oc.cluster_type_report(real_profiles, real.model, lang), lang)
    figure, axes = plt.subplots(1, 3 if real.model.gap_ is not None else 2, figsize=(16, 4.5))
    fig.plot_k_selection(real.model, lang=lang, ax=axes[0])
    if real.model.gap_ is not None:
        fig.plot_gap_statistic(real.model, lang=lang, ax=axes[1])
    fig.plot_cluster_pca(real.model, lang=lang, ax=axes[-1])
    figure.tight_layout()

# %%
data = nb.dataset_for(workspace, kode_wilayah)
simulated = data.is_simulated
if workspace:
    nb.show_markdown(t("nb04_ws_heading", lang, year=year))
    nb.data_banner(data, lang)
else:
    nb.show_markdown(t("nb04_sim_heading", lang) + "\n\n" + t("nb04_sim_banner", lang))
innovations = opd.select_pemda_year(data.innovations, kode_wilayah, year) if len(data.innovations) else \
    data.innovations
innovations = innovations.drop(columns=["source_file", "source_row"], errors="ignore")
if workspace and innovations.empty:
    nb.show_markdown(t("nb04_ws_missing", lang, year=year, where=oc.pemda_label(kode_wilayah, lang)))
# on a workspace, OPDs are named as reports 02 and 05 name them (the OPD list and its Singkatan)
innovations, opd_key, opd_note = oc.workspace_opds(data, innovations, kode_wilayah, year, lang)
nb.show_markdown(opd_note)
profiles = opd.build_opd_profiles(innovations, opd_key=opd_key)
outcome, message = oc.fit_or_message(OPDClusterer(method, k=k_value, n_bootstrap=20, random_state=0), profiles,
                                     lang)
model = outcome.model
if model is not None:
    nb.show_markdown(oc.structure_message(model, lang))
    oc.show_table(oc.summary_table(model, lang), lang, simulated=simulated)
elif len(innovations) or not workspace:
    nb.show_markdown(message)

# %%
if model is not None:
    if model.stability_ is not None:
        nb.show_markdown(t("nb04_stability", lang, ari=model.stability_.mean_ari, n=model.stability_.n_bootstrap))
    figure, axes = plt.subplots(1, 3 if model.gap_ is not None else 2, figsize=(16, 4.5))
    fig.plot_k_selection(model, lang=lang, ax=axes[0])
    if model.gap_ is not None:
        fig.plot_gap_statistic(model, lang=lang, ax=axes[1])
    fig.plot_cluster_pca(model, lang=lang, ax=axes[-1])
    if simulated:
        axes[-1].set_title(axes[-1].get_title() + " — " + t("simulated_stamp", lang))
    figure.tight_layout()

# %%
if model is not None:
    if model.k_ > 1:  # one group has nothing to contrast
        ax = fig.plot_cluster_heatmap(model, lang=lang, ax=plt.figure(figsize=(11, 9)).gca())
        if simulated:
            ax.set_title(ax.get_title() + " — " + t("simulated_stamp", lang))
        plt.show()
    oc.plot_dendrogram_report(model, profiles, lang=lang, simulated=simulated)
    plt.show()

# %%
if model is not None and kode_wilayah != "all":
    nb.show_markdown(t("nb04_scorecards", lang))
    spd_scores = oc.spd_score_lookup(data.own_scores())
    cards = opd_scorecards(profiles, model, innovations, spd_scores=spd_scores, top_n=2, opd_key=opd_key)
    oc.show_table(oc.scorecard_table(cards, lang, "profile"), lang, digits=1, simulated=simulated)
    oc.show_table(oc.scorecard_table(cards, lang, "upgrades"), lang, digits=3, simulated=simulated)

# %%
if len(innovations) and kode_wilayah != "all":
    nb.show_markdown(t("nb04_upgrades", lang))
    gains = sid_upgrade_gains(innovations, kode_wilayah=kode_wilayah, year=year, opd_key=opd_key,
                              spd_score=oc.spd_score_lookup(data.own_scores()).get((kode_wilayah, year), 0.0))
    oc.show_table(oc.upgrade_table(upgrade_menu(gains), lang), lang, digits=3, simulated=simulated)

# %%
nb.show_sources(data, lang)
