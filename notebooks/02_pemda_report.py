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
# # Pemda report
#
# Report on one pemda for policy readers, from real public data. Run with papermill; see the `parameters` cell.

# %% tags=["parameters"]
kode_wilayah: str = "33.16"  # Kemendagri code of the pemda, 33.16 is Kabupaten Blora
year: int = 2023  # assessment year of the report
lang: str = "id"  # report language: "id" (Bahasa Indonesia) or "en"
workspace: str = ""  # folder of a workspace with the pemda's own files; empty: published facts only

# %%
import matplotlib.pyplot as plt

from iid_research.analysis import published
from iid_research.figures import overview as fig
from iid_research.notebook import display as nb
from iid_research.notebook import pemda
from iid_research.notebook import uncertainty as unc
from iid_research.text import t

nb.setup(lang)
data = nb.dataset_for(workspace, kode_wilayah) if workspace else None
summary = published.pemda_summary(kode_wilayah, year)
nb.heading("pemda_title", lang, level=1, nama=summary["nama"])
nb.banner("real", lang)
pemda.pemda_summary_block(summary, lang)
own = pemda.workspace_sentences(data, kode_wilayah, year, lang) if data is not None else []
if own:  # lines from the workspace's files, under their own banner (SIMULATED for the demo)
    nb.data_banner(data, lang)
    nb.bullets(own, lang)

# %%
nb.heading("h_history", lang)
history = published.pemda_history(kode_wilayah)
if history["rank"].notna().sum() >= 2:
    fig.plot_rank_trajectories(history.assign(kode_wilayah=kode_wilayah, nama=summary["nama"]).dropna(subset=["rank"]),
                               highlight=kode_wilayah, lang=lang, ax=plt.figure(figsize=(7, 3.5)).gca())
    plt.show()
nb.show_table(history, lang)
if history["raw_score"].notna().any():
    nb.text("old_scale_note", lang)

# %%
shown_year = summary["latest_year"] or year
nb.heading("h_peers", lang, year=shown_year)
peers = published.province_peers(kode_wilayah, shown_year)
if len(peers) > 1:
    fig.plot_peer_scores(peers, lang=lang, ax=plt.figure(figsize=(7, 0.4 * len(peers) + 1)).gca())
    plt.show()
    nb.show_table(peers.drop(columns=["kode_wilayah", "is_focus"]), lang)
else:
    nb.text("no_peers", lang)

# %%
nb.heading("h_pemda_awards", lang)
nb.show_table(published.pemda_awards(kode_wilayah), lang)

# %%
nb.heading("h_pemda_covariates", lang)
nb.show_table(published.covariates_vs_peers(kode_wilayah, year), lang, floatfmt=nb.magnitude_floatfmt(lang, 1))

# %%
nb.heading("nb02_h_drivers", lang)
if data is None:
    nb.text("nb02_no_workspace", lang)
    nb.text("unc_published_only", lang)
elif not data.has_answers(kode_wilayah, year):  # a score needs both kinds: one missing is not all zeros
    lacking = data.missing_kinds(kode_wilayah, year)
    if len(lacking) == 2:
        nb.text("nb02_not_in_workspace", lang, year=year)
    else:
        nb.text("nb02_missing_kind", lang, year=year, what=t(lacking[0], lang), kind=lacking[0], nama=summary["nama"])
else:
    nb.data_banner(data, lang)
    if not data.has_answers(kode_wilayah, year - 1):
        nb.text("nb02_one_year", lang, year=year, prev=year - 1)
    else:  # the drivers need both years; without the first the sentence above says so (no empty table)
        nb.show_table(pemda.score_drivers(data, kode_wilayah, year - 1, year, lang=lang).drop(columns=["component"]),
                      lang, simulated=data.is_simulated)
    standing = pemda.opd_standing(data, kode_wilayah, year, lang=lang)
    if standing.empty:  # SPD answers without the innovation list: a sentence, not an empty table
        nb.text("nb02_no_innovation_list", lang, year=year)
    else:
        nb.show_table(standing, lang, digits=1, simulated=data.is_simulated)

# %%
band = unc.workspace_band(data, kode_wilayah, year, target_rank=unc.REPORT_TARGET_RANK) if data is not None else None
if band is not None:
    nb.data_banner(data, lang)  # the band is computed from the workspace's files (SIMULATED for the demo)
    previous, previous_year = unc.previous_rank(data, kode_wilayah, year)
    unc.show_band(band, lang, simulated=data.is_simulated, previous_rank=previous, previous_year=previous_year,
                  published_rank=unc.published_rank(kode_wilayah, year))

# %%
nb.heading("h_provenance", lang)
inputs, sources = published.provenance(kode_wilayah)
nb.show_table(sources, lang)
nb.text("provenance_intro", lang)
nb.show_table(inputs, lang)
if data is not None:
    nb.show_sources(data, lang)
