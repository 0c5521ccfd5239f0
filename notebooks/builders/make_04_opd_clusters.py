"""Build ``notebooks/04_opd_clusters.ipynb`` with nbformat (no outputs).

Run from the project root: ``python notebooks/builders/make_04_opd_clusters.py``.
"""

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

PARAMETERS = '''\
kode_wilayah: str = "33.16"  # pemda code (Kemendagri, e.g. "33.16" is Kabupaten Blora) or "all" for every pemda
year: int = 2025  # assessment year of the simulated SID answers (2021-2025)
method: str = "kmeans"  # clustering method: "kmeans", "ward", "hdbscan" or "kmedoids"
k: str = "auto"  # number of clusters ("3", "4", ...) or "auto" (highest silhouette over 2-8)
lang: str = "id"  # language of text and labels: "id" (Bahasa Indonesia) or "en" (English)'''

CELLS = [
    '''\
import matplotlib.pyplot as plt
from IPython.display import Markdown, display

from iid_research import clustering as cl
from iid_research import opd
from iid_research.data import load_innovations

k_value = cl.parse_k(k)
kode_wilayah = cl.resolve_kode_wilayah(kode_wilayah)  # also accepts "3316" or "Kab. Blora"
display(Markdown(cl.notebook_text("title", lang, where=cl.pemda_label(kode_wilayah, lang), year=year)))''',
    # ---- A. real LAN records
    '''\
display(Markdown(cl.notebook_text("real_heading", lang) + "\\n\\n" + cl.notebook_text("real_intro", lang)))
real_profiles, note = cl.real_profiles_for(kode_wilayah, lang=lang)
display(Markdown(note))
lan = load_innovations()
display(Markdown(cl.notebook_text("unmapped", lang)))
cl.show_table(cl.unmapped_table(opd.unmapped_opd_names(lan.loc[lan["is_pemda"], "opd_name"]), lang), lang)''',
    '''\
real = cl.fit_or_explain(cl.OPDClusterer("kmedoids", k=k_value, n_bootstrap=20, random_state=0), real_profiles,
                         lang=lang)
if real.is_fitted:
    cl.show_table(cl.summary_table(real.model, lang), lang)
else:
    display(Markdown(real.message))''',
    '''\
if real.is_fitted:
    cl.show_table(cl.cluster_type_report(real_profiles, real.model, lang), lang)
    fig, axes = plt.subplots(1, 2, figsize=(13, 4.5))
    cl.plot_k_selection(real.model, lang=lang, ax=axes[0])
    cl.plot_cluster_pca(real.model, lang=lang, ax=axes[1])
    fig.tight_layout()''',
    # ---- B. simulated SID answers
    '''\
display(Markdown(cl.notebook_text("sim_heading", lang) + "\\n\\n" + cl.notebook_text("sim_banner", lang)))
from iid_research.simulate import simulate_iid  # noqa: E402

sim = simulate_iid(years=(year,))
innovations = opd.select_pemda_year(sim.innovations, kode_wilayah, year)
profiles = opd.build_opd_profiles(innovations)
outcome = cl.fit_or_explain(cl.OPDClusterer(method, k=k_value, n_bootstrap=20, random_state=0), profiles, lang=lang)
model = outcome.model
if model is not None:
    cl.show_table(cl.summary_table(model, lang), lang)
else:
    display(Markdown(outcome.message))''',
    '''\
if model is not None:
    display(Markdown(cl.notebook_text("stability", lang, ari=model.stability_.mean_ari,
                                      n=model.stability_.n_bootstrap)))
    fig, axes = plt.subplots(1, 2, figsize=(13, 4.5))
    cl.plot_k_selection(model, lang=lang, ax=axes[0])
    cl.plot_cluster_pca(model, lang=lang, ax=axes[1])
    axes[1].set_title(axes[1].get_title() + " — " + cl.simulated_stamp(lang))
    fig.tight_layout()''',
    '''\
if model is not None:
    ax = cl.plot_cluster_heatmap(model, lang=lang, ax=plt.figure(figsize=(11, 9)).gca())
    ax.set_title(ax.get_title() + " — " + cl.simulated_stamp(lang))
    plt.show()
    cl.plot_dendrogram_report(model, profiles, lang=lang)
    plt.show()''',
    '''\
if model is not None and kode_wilayah != "all":
    display(Markdown(cl.notebook_text("scorecards", lang)))
    cards = cl.opd_scorecards(profiles, model, innovations, spd_scores=cl.spd_score_lookup(sim.scores), top_n=2,
                              lang=lang)
    cl.show_table(cl.scorecard_table(cards, lang, "profile"), lang, digits=1)
    cl.show_table(cl.scorecard_table(cards, lang, "upgrades"), lang, digits=3)''',
    '''\
if len(innovations) and kode_wilayah != "all":
    display(Markdown(cl.notebook_text("upgrades", lang)))
    gains = cl.sid_upgrade_gains(innovations, kode_wilayah=kode_wilayah, year=year,
                                 spd_score=cl.spd_score_lookup(sim.scores).get((kode_wilayah, year), 0.0))
    cl.show_table(cl.upgrade_table(cl.upgrade_menu(gains), lang), lang, digits=3)''',
]


def build() -> nbformat.NotebookNode:
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "iid-research", "display_name": "Python (iid-research)", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    nb.cells = [new_code_cell(PARAMETERS, metadata={"tags": ["parameters"]})] + [new_code_cell(c) for c in CELLS]
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"opd-clusters-{i:02d}"
    return nb


if __name__ == "__main__":
    out = Path(__file__).resolve().parent.parent / "04_opd_clusters.ipynb"
    nbformat.validate(build())
    out.write_text(nbformat.writes(build()), encoding="utf-8")
    print(f"wrote {out}")
