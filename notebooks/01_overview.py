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
# # IID overview
#
# National view of the Indeks Inovasi Daerah from the real public data shipped in `data/raw/`.
# Run with papermill; see the `parameters` cell.

# %% tags=["parameters"]
year: int = 2022  # focus assessment year; 2021 onward uses the 0-100 scale
level: str = "all"  # cluster shown: "all", "provinsi", "kabupaten" or "kota"
province: str = "all"  # province name or code to focus on, or "all"
lang: str = "id"  # report language: "id" (Bahasa Indonesia) or "en"

# %%
import matplotlib.pyplot as plt

from iid_research import data, frameworks
from iid_research.analysis import published
from iid_research.figures import overview as fig
from iid_research.notebook import display as nb
from iid_research.notebook import overview as ov
from iid_research.simulate import simulate_iid
from iid_research.text import t

nb.setup(lang)
all_results = data.load_iid_results()
results = published.filter_results(all_results, level=level, province=province)
nb.heading("overview_title", lang, level=1)
nb.text("overview_intro", lang, year=year, level=t(level, lang), province=t(province, lang))
nb.banner("real", lang)

# %%
nb.heading("h_participation", lang)
participation = published.participation_table()
fig.plot_predicate_counts(participation, lang=lang, ax=plt.figure().gca())
plt.show()
nb.show_table(participation, lang, digits=0)

# %%
nb.heading("h_national_mean", lang)
nb.text("national_mean_caption", lang)
national_mean = published.national_mean_by_year(all_results).drop(columns=["simulated_mean"])
fig.plot_national_mean(national_mean, lang=lang, ax=plt.figure(figsize=(7, 3.5)).gca())
plt.show()
nb.show_table(national_mean, lang)

# %%
nb.heading("h_distribution", lang)
nb.text("distribution_caption", lang)
fig.plot_score_distribution(results[results.year >= frameworks.index_scale_first_year()], lang=lang,
                            ax=plt.figure().gca())
plt.show()
nb.show_table(results.loc[results.year == year, ["nama", "level", "iid_score", "predicate", "rank", "rank_of",
                                                 "source_url"]].sort_values("iid_score", ascending=False), lang)

# %%
nb.heading("h_trajectories", lang)
nb.text("trajectories_caption", lang)
trajectories = published.rank_trajectories(results)
for shown_level in ("provinsi", "kabupaten", "kota"):
    part = trajectories[trajectories.level == shown_level]
    if len(part):
        ax = fig.plot_rank_trajectories(part, highlight="33.16", lang=lang, ax=plt.figure(figsize=(8, 4)).gca())
        ax.set_title(f"{t('h_trajectories', lang)}: {t(shown_level, lang)}")
        plt.show()
nb.show_table(trajectories.drop(columns=["kode_wilayah"]), lang, max_rows=500)

# %%
nb.heading("h_coverage", lang)
nb.text("coverage_caption", lang, year=frameworks.index_scale_first_year())
coverage = published.provincial_coverage(all_results)
fig.plot_provincial_coverage(coverage, lang=lang, ax=plt.figure(figsize=(8, 9)).gca())
plt.show()
nb.show_markdown(ov.coverage_summary(coverage, lang))
nb.show_table(ov.coverage_table(coverage, lang).drop(columns=["kode_province"]), lang, max_rows=60)

# %%
nb.heading("h_awards", lang)
awards = published.filter_results(data.load_awards(), level=level, province=province)
nb.show_table(awards.loc[awards.year == year, ["year", "category", "nama", "award_rank", "note", "source_url"]],
              lang)

# %%
nb.heading("h_covariates", lang)
fig.plot_score_vs_covariate(published.scores_with_covariates(results), lang=lang, ax=plt.figure().gca())
plt.show()

# %%
nb.heading("h_quality", lang)
nb.text("quality_caption", lang)
nb.text("quality_intro", lang)
nb.show_table(ov.quality_table(lang=lang, simulation=simulate_iid()), lang, max_rows=500)

# %%
nb.heading("h_method_check", lang, level=3)
method_rules = frameworks.framework_for_year(max(frameworks.assessment_years()))
nb.text("method_check_caption", lang, factor=method_rules.max_total / 100, max_spd=method_rules.max_spd)
nb.show_table(ov.method_table(), lang)

# %%
nb.heading("h_rules", lang)
years = frameworks.assessment_years()
nb.show_table(ov.rules_table(frameworks.framework_for_year(min(max(year, years[0]), years[-1])), lang), lang)

# %%
nb.heading("h_provenance", lang)
nb.text("provenance_intro", lang)
nb.show_table(published.provenance()[0], lang)

# %%
from iid_research.notebook.uncertainty import show_rank_rule

show_rank_rule(year, lang)
