# ---
# jupyter:
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
year_from: int = 2021  # first assessment year (2021-2025)
year_to: int = 2022  # second assessment year (2021-2025)
target_rank: int = 10  # target rank within the cluster for the path-to-target plan
lang: str = "id"  # report language: "id" (Bahasa Indonesia) or "en"

# %%
import matplotlib.pyplot as plt

from iid_research.analysis.decomposition import rules_comparison
from iid_research.analysis.panel import national_drivers
from iid_research.figures import drivers as fig
from iid_research.frameworks import framework_for_year, latest_framework
from iid_research.notebook import display as nb
from iid_research.notebook import rank_drivers as rd
from iid_research.simulate import simulate_iid
from iid_research.text import level_plural, t

nb.setup(lang)
sim = simulate_iid()
study = rd.study_rank_drivers(sim, kode_wilayah, year_from, year_to, target_rank, lang=lang)
row = sim.scores[(sim.scores.kode_wilayah == kode_wilayah) & (sim.scores.year == year_to)].iloc[0]
nb.show_markdown(t("nb03_title", lang, nama=study.nama, year_from=year_from, year_to=year_to))
nb.show_markdown(t("nb03_banner", lang, seed=sim.seed))
nb.show_markdown(rd.source_caveat(kode_wilayah, (year_from, year_to), lang))
nb.show_markdown(t("nb03_summary", lang, score_from=study.score_from, rank_from=study.rank_from,
                   score_to=study.score_to, rank_to=study.rank_to, rank_of=int(row["rank_of"]),
                   level=level_plural(row["level"], lang)))

# %%
nb.show_markdown(t("nb03_h_waterfall", lang))
nb.show_markdown(t("nb03_t_waterfall", lang, floor=framework_for_year(year_to).divisor_floor))
fig.plot_waterfall(study.decomposition, start=study.score_from, end=study.score_to, lang=lang,
                   ax=plt.figure(figsize=(8, 6)).gca())
plt.show()

# %%
nb.show_markdown(t("nb03_h_shapley", lang))
nb.show_markdown(t("nb03_t_shapley", lang, year_to=year_to, change=study.rank_to - study.rank_from))
fig.plot_shapley_bars(study.variable_shapley, lang=lang, ax=plt.figure(figsize=(8, 4)).gca())
plt.show()
nb.show_markdown(t("nb03_h_counterfactual", lang))
nb.show_table(study.counterfactual, lang, simulated=study.is_simulated)

# %%
ind = study.indicator_shapley
nb.show_markdown(t("nb03_h_indicators", lang))
nb.show_markdown(t("nb03_t_indicators", lang, n=ind.n_permutations, err=ind.max_ci95_halfwidth))
fig.plot_shapley_bars(ind.values, error="ci95_halfwidth", top_n=15, lang=lang, ax=plt.figure(figsize=(8, 5.5)).gca())
plt.show()

# %%
nb.show_markdown(t("nb03_h_path", lang, target=target_rank))
nb.show_markdown(rd.plan_summary(study.plan, lang))
nb.show_table(study.plan_table, lang, digits=3, simulated=study.is_simulated)

# %%
rules = rules_comparison(sim, year_to)
f1, f2 = framework_for_year(year_to).year, latest_framework().year
nb.show_markdown(t("nb03_h_rules", lang, f1=f1, f2=f2, year=year_to))
nb.show_markdown(t("nb03_t_rules", lang, f2=f2, year=year_to, **rd.rules_text_fields(f2)))
nb.show_table(rd.rules_table(rules.loc[[kode_wilayah]].reset_index(), lang), lang, simulated=study.is_simulated)
nb.show_table(rd.predicate_counts_table(rules, lang), lang, digits=0, simulated=study.is_simulated)

# %%
national = national_drivers(sim, year_from, year_to)
nb.show_markdown(t("nb03_h_national", lang, year_from=year_from, year_to=year_to))
nb.show_markdown(t("nb03_t_fe", lang))
nb.show_table(nb.label_players(national.fixed_effects, lang), lang, digits=3, simulated=True)
nb.show_markdown(t("nb03_t_gb", lang, r2=national.test_r2))
fig.plot_shapley_bars(national.importances.assign(player=national.importances.feature), x="importance", lang=lang,
                      xlabel=t("fig_importance", lang), ax=plt.figure(figsize=(8, 4)).gca())
plt.show()
fig.plot_partial_dependence(national.partial_dependence, feature=national.top_feature, lang=lang)
plt.show()
nb.show_markdown(t("nb03_t_transitions", lang))
fig.plot_transition_heatmap(national.transitions, lang=lang)
plt.show()
