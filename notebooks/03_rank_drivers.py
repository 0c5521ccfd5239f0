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
# # Rank drivers
#
# Which indicators drove a pemda's IID rank change and what it takes to reach a target rank.
# Run with papermill; see the `parameters` cell.

# %% tags=["parameters"]
kode_wilayah: str = "33.16"  # Kemendagri code of the pemda; 33.16 is Kabupaten Blora
year_from: int = 2021  # first assessment year
year_to: int = 2022  # second assessment year
target_rank: int = 10  # target rank within the cluster for the path-to-target plan
lang: str = "id"  # report language: "id" (Bahasa Indonesia) or "en"
workspace: str = ""  # folder of a workspace with the pemda's own files; empty: the SIMULATED demo data

# %%
import matplotlib.pyplot as plt

from iid_research.analysis.decomposition import rules_comparison
from iid_research.analysis.panel import national_drivers
from iid_research.analysis.uncertainty import dataset_uncertainty
from iid_research.figures import drivers as fig
from iid_research.frameworks import framework_for_year, latest_framework
from iid_research.notebook import display as nb
from iid_research.notebook import rank_drivers as rd
from iid_research.notebook import uncertainty as unc
from iid_research.text import t

nb.setup(lang)
data = nb.dataset_for(workspace, kode_wilayah)
missing = rd.missing_answers(data, kode_wilayah, (year_from, year_to))
study = None if missing else rd.study_rank_drivers(data, kode_wilayah, year_from, year_to, target_rank, lang=lang)
nb.show_markdown(t("nb03_title", lang, nama=rd.pemda_name(kode_wilayah), year_from=year_from, year_to=year_to))
nb.data_banner(data, lang)
if data.kind == "simulated":
    nb.show_markdown(t("nb03_banner", lang, seed=data.simulation.seed))
    nb.show_markdown(rd.source_caveat(kode_wilayah, (year_from, year_to), lang))
for year in missing:  # name what is missing: one kind of a year is not "no answers"
    lacking = data.missing_kinds(kode_wilayah, year)
    nb.show_markdown(t("nb03_missing_answers", lang, year=year, nama=rd.pemda_name(kode_wilayah)) if len(lacking) == 2
                     else t("nb02_missing_kind", lang, year=year, what=t(lacking[0], lang), kind=lacking[0],
                            nama=rd.pemda_name(kode_wilayah)))
if study is not None:
    nb.show_markdown(rd.summary_line(study, lang))
    basis_note = rd.rank_basis_note(study, lang)  # ranks against published plus SIMULATED totals: said up front
    if basis_note:
        nb.show_markdown(basis_note)

# %%
if study is not None and study.has_ranks:
    band = dataset_uncertainty(data, kode_wilayah, year_to, target_rank=target_rank, draws=unc.DRAWS)
    unc.show_band(band, lang, simulated=study.is_simulated, previous_rank=study.rank_from, previous_year=year_from)

# %%
if study is not None:
    nb.show_markdown(t("nb03_h_waterfall", lang))
    nb.show_markdown(t("nb03_t_waterfall", lang, floor=framework_for_year(year_to).divisor_floor))
    fig.plot_waterfall(study.decomposition, start=study.score_from, end=study.score_to, lang=lang,
                       simulated=study.is_simulated, ax=plt.figure(figsize=(8, 6)).gca())
    plt.show()

# %%
if study is not None:
    nb.show_markdown(t("nb03_h_shapley", lang))
if study is not None and study.has_ranks:
    nb.show_markdown(t("nb03_t_shapley", lang, year_to=year_to, change=study.rank_to - study.rank_from))
    fig.plot_shapley_bars(study.variable_shapley, lang=lang, simulated=study.is_simulated,
                          ax=plt.figure(figsize=(8, 4)).gca())
    plt.show()
    nb.show_markdown(t("nb03_h_counterfactual", lang))
    nb.show_table(study.counterfactual, lang, simulated=study.is_simulated)

# %%
if study is not None and study.has_ranks:
    ind = study.indicator_shapley
    nb.show_markdown(t("nb03_h_indicators", lang))
    nb.show_markdown(t("nb03_t_indicators", lang, n=ind.n_permutations, err=ind.max_ci95_halfwidth))
    fig.plot_shapley_bars(ind.values, error="ci95_halfwidth", top_n=15, lang=lang, simulated=study.is_simulated,
                          ax=plt.figure(figsize=(8, 5.5)).gca())
    plt.show()

# %%
if study is not None and study.has_ranks:
    nb.show_markdown(t("nb03_h_path", lang, target=target_rank))
    nb.show_markdown(rd.plan_summary(study.plan, lang))
    nb.show_table(study.plan_table, lang, digits=3, simulated=study.is_simulated)

# %%
if study is not None:
    rules = rules_comparison(data, year_to)
    f1, f2 = framework_for_year(year_to).year, latest_framework().year
    nb.show_markdown(t("nb03_h_rules", lang, f1=f1, f2=f2, year=year_to))
    nb.show_markdown(t("nb03_t_rules", lang, f2=f2, year=year_to, **rd.rules_text_fields(f2)))
    nb.show_table(rd.rules_table(rules.loc[[kode_wilayah]].reset_index(), lang, ranks=data.kind == "simulated"),
                  lang, simulated=study.is_simulated)
    if data.kind == "simulated":
        nb.show_table(rd.predicate_counts_table(rules, lang), lang, digits=0, simulated=True)

# %%
if data.kind == "simulated" and study is not None:
    national = national_drivers(data, year_from, year_to)
    nb.show_markdown(t("nb03_h_national", lang, year_from=year_from, year_to=year_to))
    nb.show_markdown(rd.rank_value_text(national.indicator_model, lang))
    nb.show_table(rd.rank_value_table(national.indicator_model, lang), lang, simulated=True)
    nb.show_markdown(t("nb03_t_fe", lang))
    nb.show_table(rd.indicator_model_table(national.indicator_model, lang, framework_for_year(year_to)), lang,
                  digits=3, simulated=True)
    nb.show_markdown(t("nb03_t_gb", lang, r2=national.test_r2))
    fig.plot_shapley_bars(national.importances.assign(player=national.importances.feature), x="importance",
                          lang=lang, xlabel=t("fig_importance", lang), ax=plt.figure(figsize=(8, 4)).gca())
    plt.show()
    fig.plot_partial_dependence(national.partial_dependence, feature=national.top_feature, lang=lang)
    plt.show()
    nb.show_markdown(t("nb03_t_transitions", lang))
    fig.plot_transition_heatmap(national.transitions, lang=lang)
    plt.show()
else:
    nb.show_markdown(t("nb03_national_skipped", lang, n=len(data.pemda())))

# %%
nb.show_sources(data, lang)
