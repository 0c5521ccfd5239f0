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
# # Workspace report
#
# Before the portal closes: the projected score and rank from the pemda's workspace answers, the gap card,
# the plan per OPD, the OPD scoreboard and a printable scorecard per OPD. Run with papermill.

# %% tags=["parameters"]
workspace: str = ""  # folder of the workspace with the pemda's files (required; `iid-research workspace init`)
kode_wilayah: str = "33.16"  # Kemendagri code of the pemda; 33.16 is Kabupaten Blora
year: int = 2023  # assessment year to project (its rules apply)
target_rank: int = 10  # the rank to plan for within the cluster
lang: str = "id"  # report language: "id" (Bahasa Indonesia) or "en"

# %%
import matplotlib.pyplot as plt

from iid_research.analysis.projection import missing_answers, project
from iid_research.analysis.uncertainty import project_uncertainty
from iid_research.figures import drivers as fig
from iid_research.frameworks import framework_for_year
from iid_research.notebook import display as nb
from iid_research.notebook import rank_drivers as rd
from iid_research.notebook import uncertainty as unc
from iid_research.notebook import workspace_report as wr
from iid_research.text import t

nb.setup(lang)
data = nb.dataset_for(workspace or nb.demo_workspace(), kode_wilayah)
nama = rd.pemda_name(kode_wilayah)
nb.show_markdown(t("nb05_title", lang, year=year, nama=nama))
nb.data_banner(data, lang)
missing = missing_answers(data, kode_wilayah, year)
p = None if missing else project(data, kode_wilayah, year, target_rank=target_rank)
if len(missing) == 2:
    nb.show_markdown(t("nb05_missing", lang, year=year, nama=nama))
elif missing:
    nb.show_markdown(t("nb05_missing_kind", lang, year=year, nama=nama, what=t(missing[0], lang), kind=missing[0]))
else:
    nb.bullets(wr.summary_lines(p, nama, lang))

# %%
if p is not None and p.rank is not None:
    band = project_uncertainty(data, p, draws=unc.DRAWS)
    previous, previous_year = unc.previous_rank(data, kode_wilayah, year)
    unc.show_band(band, lang, simulated=data.is_simulated, previous_rank=previous, previous_year=previous_year)

# %%
if p is not None:
    nb.heading("nb05_h_gaps", lang)
    if p.rank_basis == "published+simulated":  # ranks after the plan are against SIMULATED totals too
        nb.text("nb03_basis_published_simulated", lang, year=year)
    nb.show_table(wr.gap_table(p, lang), lang, simulated=data.is_simulated)
    nb.heading("nb05_h_plan", lang, target=target_rank)
    if p.plan is None:  # no other pemda's totals to rank against
        nb.show_markdown(t("proj_no_rank", lang, year=year))
    elif p.plan_steps.empty:  # the target is met: a sentence, not an empty table
        nb.show_markdown(t("plan_met", lang, rank=p.plan.current_rank, target=target_rank))
    else:  # identical steps of one owner as one row; one row per step as a second download
        nb.text("nb05_t_plan", lang)
        nb.show_table(wr.plan_by_opd(p, lang), lang, simulated=data.is_simulated)
        nb.show_download(wr.plan_steps_table(p, lang), lang, filename=f"{t('file_plan_steps', lang)}.csv",
                         text_key="download_csv_steps")

# %%
if p is not None:
    nb.heading("nb05_h_board", lang)
    nb.text("nb05_t_board", lang, floor=framework_for_year(year).divisor_floor)
    nb.show_markdown(wr.iid_parts_line(p, lang))
    board = wr.scoreboard(p, lang)  # the pemda's OPDs only; placeholder owners of plan steps come apart
    fig.plot_opd_contribution(board, lang=lang, simulated=data.is_simulated,
                              ax=plt.figure(figsize=(8, 0.3 * min(len(board), 25) + 1.5)).gca())
    plt.show()
    nb.show_table(board, lang, simulated=data.is_simulated)
    owners = wr.placeholder_owners(p, lang)
    if len(owners):
        nb.text("nb05_t_placeholders", lang)
        nb.show_table(owners, lang, simulated=data.is_simulated)

# %%
if p is not None:
    nb.heading("nb05_h_risk", lang)
    risk = wr.risk_table(p, lang)
    if risk.empty:
        nb.text("nb05_no_risk", lang)
    else:
        nb.show_table(risk, lang, simulated=data.is_simulated)

# %%
if p is not None:
    nb.heading("nb05_h_cards", lang)
    for key in p.opds["opd_key"]:
        nb.opd_scorecard(wr.opd_scorecard(p, key, lang), lang, simulated=data.is_simulated)

# %%
nb.show_sources(data, lang)
