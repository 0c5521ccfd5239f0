"""Build notebooks/03_rank_drivers.ipynb (thin; no outputs). Run: python notebooks/builders/make_03_rank_drivers.py"""

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

cells = [
    new_markdown_cell("# Rank drivers (SIMULATED indicator-level data)\n\nWhich indicators drove a pemda's IID rank "
                      "change and what it takes to reach a target rank. Run with papermill; see the `parameters` "
                      "cell.", metadata={"tags": ["remove-cell"]}),
    new_code_cell('kode_wilayah: str = "33.16"  # Kemendagri code of the pemda; 33.16 is Kabupaten Blora\n'
                  'year_from: int = 2021  # first assessment year (2021-2025)\n'
                  'year_to: int = 2022  # second assessment year (2021-2025)\n'
                  'target_rank: int = 10  # target rank within the cluster for the path-to-target plan\n'
                  'lang: str = "id"  # report language: "id" (Bahasa Indonesia) or "en"',
                  metadata={"tags": ["parameters"]}),
    new_code_cell("import matplotlib.pyplot as plt\n"
                  "from IPython.display import display\n"
                  "from iid_research import drivers, plots_drivers as pdv\n"
                  "from iid_research.simulate import simulate_iid\n"
                  "year_from, year_to, target_rank = int(year_from), int(year_to), int(target_rank)\n"
                  "sim = simulate_iid()\n"
                  "study = drivers.study_rank_drivers(sim, kode_wilayah, year_from, year_to, target_rank, lang=lang)\n"
                  "row = sim.scores[(sim.scores.kode_wilayah == kode_wilayah) & (sim.scores.year == year_to)].iloc[0]\n"
                  "display(pdv.notebook_text('title', lang, nama=study.nama, year_from=year_from, year_to=year_to))\n"
                  "display(pdv.notebook_text('banner', lang, seed=sim.seed))\n"
                  "pdv.show_source_caveat(kode_wilayah, year_from, year_to, lang)\n"
                  "display(pdv.notebook_text('summary', lang, score_from=study.score_from, rank_from=study.rank_from,"
                  " score_to=study.score_to, rank_to=study.rank_to, rank_of=int(row['rank_of']),"
                  " level=pdv.LEVEL_PLURAL[lang][row['level']]))"),
    new_code_cell("display(pdv.notebook_text('h_waterfall', lang))\n"
                  "display(pdv.notebook_text('t_waterfall', lang))\n"
                  "pdv.plot_waterfall(study.decomposition, start=study.score_from, end=study.score_to, lang=lang,"
                  " ax=plt.figure(figsize=(8, 6)).gca())\n"
                  "plt.show()"),
    new_code_cell("display(pdv.notebook_text('h_shapley', lang))\n"
                  "display(pdv.notebook_text('t_shapley', lang, year_to=year_to,"
                  " change=study.rank_to - study.rank_from))\n"
                  "pdv.plot_shapley_bars(study.variable_shapley, lang=lang, ax=plt.figure(figsize=(8, 4)).gca())\n"
                  "plt.show()\n"
                  "display(pdv.notebook_text('h_counterfactual', lang))\n"
                  "display(pdv.simulated_table(study.counterfactual, lang))"),
    new_code_cell("ind = study.indicator_shapley\n"
                  "display(pdv.notebook_text('h_indicators', lang))\n"
                  "display(pdv.notebook_text('t_indicators', lang, n=ind.n_permutations, err=ind.max_ci95_halfwidth))\n"
                  "pdv.plot_shapley_bars(ind.values, error='ci95_halfwidth', top_n=15, lang=lang,"
                  " ax=plt.figure(figsize=(8, 5.5)).gca())\n"
                  "plt.show()"),
    new_code_cell("display(pdv.notebook_text('h_path', lang, target=target_rank))\n"
                  "display(pdv.Markdown(study.plan.summary(lang)))\n"
                  "display(pdv.simulated_table(study.plan_table, lang, digits=3))"),
    new_code_cell("rules = drivers.rules_comparison(sim, year_to)\n"
                  "display(pdv.notebook_text('h_rules', lang, f1=2023, f2=2026, year=year_to))\n"
                  "display(pdv.notebook_text('t_rules', lang, f2=2026, year=year_to))\n"
                  "display(pdv.simulated_table(rules.loc[[kode_wilayah]].reset_index(), lang))\n"
                  "display(pdv.simulated_table(pdv.predicate_counts_table(rules, lang), lang, digits=0))"),
    new_code_cell("national = drivers.national_drivers(sim, year_from, year_to)\n"
                  "display(pdv.notebook_text('h_national', lang, year_from=year_from, year_to=year_to))\n"
                  "display(pdv.notebook_text('t_fe', lang))\n"
                  "display(pdv.simulated_table(national.fixed_effects, lang, digits=3))\n"
                  "display(pdv.notebook_text('t_gb', lang, r2=national.test_r2))\n"
                  "pdv.plot_shapley_bars(national.importances.assign(player=national.importances.feature), "
                  "x='importance', lang=lang, ax=plt.figure(figsize=(8, 4)).gca()).set_xlabel(pdv.importance_label(lang))\n"
                  "plt.show()\n"
                  "pdv.plot_partial_dependence(national.partial_dependence, feature=national.top_feature, lang=lang)\n"
                  "plt.show()\n"
                  "display(pdv.notebook_text('t_transitions', lang))\n"
                  "pdv.plot_transition_heatmap(national.transitions, lang=lang)\n"
                  "plt.show()"),
]
nb = new_notebook(cells=cells, metadata={
    "kernelspec": {"display_name": "Python (iid-research)", "language": "python", "name": "iid-research"},
    "language_info": {"name": "python"}})
out = Path(__file__).resolve().parent.parent / "03_rank_drivers.ipynb"
for i, c in enumerate(nb.cells):
    c.id = f"cell-{i:02d}"  # stable ids: rebuilding gives the same file
nbformat.write(nb, out)
print(out)
