"""Build notebooks/01_overview.ipynb and 02_pemda_report.ipynb (thin; no outputs).

Run: python notebooks/builders/make_01_02_reports.py
"""
from pathlib import Path
import nbformat as nbf
def nb(cells, path):
    n = nbf.v4.new_notebook()
    n.metadata["kernelspec"] = {"name": "iid-research", "display_name": "Python (iid-research)", "language": "python"}
    n.metadata["language_info"] = {"name": "python"}
    out = []
    for kind, src, *tags in cells:
        if kind == "markdown" and not tags:
            tags = [["remove-cell"]]
        c = nbf.v4.new_code_cell(src) if kind == "code" else nbf.v4.new_markdown_cell(src)
        if tags: c.metadata["tags"] = tags[0]
        out.append(c)
    n.cells = out
    for i, c in enumerate(n.cells):
        c.id = f"cell-{i:02d}"  # stable ids: rebuilding gives the same file
    nbf.write(n, path)

overview = [
 ("markdown", "# IID overview\n\nNational view of the Indeks Inovasi Daerah from the real public data shipped in `data/raw/`. Run with papermill; see the `parameters` cell."),
 ("code", 'year: int = 2022  # focus assessment year; 2021 onward uses the 0-100 scale\nlevel: str = "all"  # cluster shown: "all", "provinsi", "kabupaten" or "kota"\nprovince: str = "all"  # province name or code to focus on, or "all"\nlang: str = "id"  # report language: "id" (Bahasa Indonesia) or "en"', ["parameters"]),
 ("code", "import matplotlib.pyplot as plt\nfrom iid_research import data, plots, views, report as rp\nrp.setup(lang)\nresults = views.filter_results(data.load_iid_results(), level=level, province=province)\nrp.heading(\"overview_title\", lang, level=1)\nrp.text(\"overview_intro\", lang, year=year, level=rp.t(level, lang), province=rp.t(province, lang))\nrp.banner(\"real\", lang)"),
 ("code", "rp.heading(\"h_participation\", lang)\nparticipation = views.participation_table()\nplots.plot_predicate_counts(participation, lang=lang, ax=plt.figure().gca())\nplt.show()\nrp.show_table(participation, lang, floatfmt=\"{:,.0f}\")"),
 ("code", "rp.heading(\"h_distribution\", lang)\nrp.text(\"distribution_caption\", lang)\nplots.plot_score_distribution(results[results.year >= 2021], lang=lang, ax=plt.figure().gca())\nplt.show()\nrp.show_table(results.loc[results.year == year, [\"nama\", \"level\", \"iid_score\", \"predicate\", \"rank\", \"rank_of\", \"source_url\"]].sort_values(\"iid_score\", ascending=False), lang)"),
 ("code", "rp.heading(\"h_trajectories\", lang)\ntrajectories = views.rank_trajectories(results)\nplots.plot_rank_trajectories(trajectories, highlight=\"33.16\", lang=lang, ax=plt.figure(figsize=(8, 5)).gca())\nplt.show()\nrp.show_table(trajectories.drop(columns=[\"kode_wilayah\"]), lang)"),
 ("code", "rp.heading(\"h_awards\", lang)\nawards = views.filter_results(data.load_awards(), level=level, province=province)\nrp.show_table(awards.loc[awards.year == year, [\"year\", \"category\", \"nama\", \"award_rank\", \"note\", \"source_url\"]], lang)"),
 ("code", "rp.heading(\"h_covariates\", lang)\nplots.plot_score_vs_covariate(views.scores_with_covariates(results), lang=lang, ax=plt.figure().gca())\nplt.show()"),
 ("code", "rp.heading(\"h_quality\", lang)\nrp.text(\"quality_caption\", lang)\nrp.show_table(views.quality_list(lang=lang), lang)"),
 ("code", "rp.heading(\"h_rules\", lang)\nfrom iid_research import frameworks\nrp.show_table(frameworks.framework_for_year(min(max(year, 2021), 2026)).describe(), lang)"),
 ("code", "rp.heading(\"h_provenance\", lang)\nrp.text(\"provenance_intro\", lang)\nrp.show_table(views.provenance()[0], lang)"),
]
pemda = [
 ("markdown", "# Pemda report\n\nReport on one pemda for policy readers, from real public data. Run with papermill; see the `parameters` cell."),
 ("code", 'kode_wilayah: str = "33.16"  # Kemendagri code of the pemda, 33.16 is Kabupaten Blora\nyear: int = 2023  # assessment year of the report\nlang: str = "id"  # report language: "id" (Bahasa Indonesia) or "en"', ["parameters"]),
 ("code", "import matplotlib.pyplot as plt\nfrom iid_research import insights, plots, views, report as rp\nrp.setup(lang)\nsummary = views.pemda_summary(kode_wilayah, year)\nrp.heading(\"pemda_title\", lang, level=1, nama=summary[\"nama\"])\nrp.banner(\"real\", lang)\nrp.pemda_summary_block(summary, lang, extra=insights.summary_sentences(kode_wilayah, year, lang))"),
 ("code", "rp.heading(\"h_history\", lang)\nhistory = views.pemda_history(kode_wilayah)\nif history[\"rank\"].notna().sum() >= 2:\n    plots.plot_rank_trajectories(history.assign(kode_wilayah=kode_wilayah, nama=summary[\"nama\"]).dropna(subset=[\"rank\"]), highlight=kode_wilayah, lang=lang, ax=plt.figure(figsize=(7, 3.5)).gca())\n    plt.show()\nrp.show_table(history, lang)\nif history[\"raw_score\"].notna().any():\n    rp.text(\"old_scale_note\", lang)"),
 ("code", "shown_year = summary[\"latest_year\"] or year\nrp.heading(\"h_peers\", lang, year=shown_year)\npeers = views.province_peers(kode_wilayah, shown_year)\nif len(peers) > 1:\n    plots.plot_peer_scores(peers, lang=lang, ax=plt.figure(figsize=(7, 0.4 * len(peers) + 1)).gca())\n    plt.show()\n    rp.show_table(peers.drop(columns=[\"kode_wilayah\", \"is_focus\"]), lang)\nelse:\n    rp.text(\"no_peers\", lang)"),
 ("code", "rp.heading(\"h_pemda_awards\", lang)\nrp.show_table(views.pemda_awards(kode_wilayah), lang)"),
 ("code", "rp.heading(\"h_pemda_covariates\", lang)\nrp.show_table(views.covariates_vs_peers(kode_wilayah, year), lang, floatfmt=\"{:,.1f}\")"),
 ("code", "rp.heading(\"h_simulated_insights\", lang)\nrp.banner(\"simulated\", lang)\nrp.text(\"simulated_insights_intro\", lang)\nrp.show_table(insights.score_drivers(kode_wilayah, year, lang=lang).drop(columns=[\"component\"]), lang)\nrp.show_table(insights.opd_standing(kode_wilayah, year, lang=lang), lang, floatfmt=\"{:,.1f}\")"),
 ("code", "rp.heading(\"h_provenance\", lang)\ninputs, sources = views.provenance(kode_wilayah)\nrp.show_table(sources, lang)\nrp.text(\"provenance_intro\", lang)\nrp.show_table(inputs, lang)"),
]
OUT = Path(__file__).resolve().parent.parent
nb(overview, OUT / "01_overview.ipynb")
nb(pemda, OUT / "02_pemda_report.ipynb")
