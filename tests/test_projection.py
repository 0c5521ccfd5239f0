"""Projected rank, the gap card, the plan per OPD and the regent's OPD evaluation (issue 11)."""

import json
import re

import numpy as np
import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner
from workspace_inputs import ANNEX, write_inputs

from iid_research import config
from iid_research.analysis.projection import project
from iid_research.cli import main
from iid_research.dataset import from_workspace
from iid_research.frameworks import framework_for_year
from iid_research.scoring import SID_COLUMNS, score_pemda
from iid_research.workspace import init_workspace

BLORA = "33.16"
YEAR = 2024
OPDS = ["Dinas Kesehatan Kab. Blora", "Dinas Pendidikan", "Bappeda Blora", "Dinas Sosial"]


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    root = tmp_path_factory.mktemp("proj")
    rng = np.random.default_rng(5)
    fw = framework_for_year(YEAR)
    levels = rng.integers(1, 4, (12, len(fw.sid_indicators)))
    levels[0, fw.sid_indicators.index(16)] = 0  # innovation I0: mandatory indicator 16 without evidence
    w = init_workspace(root / "ws")
    inn, spd, ax = write_inputs(root, YEAR, levels, 1, opds=OPDS, first_inisiatif=True)
    w.import_file("innovations", inn, YEAR)
    w.import_file("spd", spd, YEAR)
    w.import_file("annex", ax, YEAR)
    opd_list = root / "opd.csv"
    opd_list.write_text("Nama OPD\n" + "\n".join(OPDS + ["Dinas Perhubungan"]) + "\n", encoding="utf-8")
    w.import_file("opd", opd_list, YEAR, pemda=BLORA)
    return w, levels


def test_projection_equals_the_scoring_engine_and_a_rank_by_hand(ws):
    w, levels = ws
    fw = framework_for_year(YEAR)
    p = project(from_workspace(w), BLORA, YEAR, target_rank=2)
    spd = {r: 1 for r in fw.spd_row_ids}
    by_hand = score_pemda(spd, [dict(zip(fw.sid_indicators, row)) for row in levels], fw, n_urusan_yandas=1)
    assert p.score["iid_score"] == pytest.approx(by_hand["iid_score"], abs=1e-12)
    assert p.score["quality_score"] == pytest.approx(by_hand["quality_score"])
    # rank by hand: the other kabupaten of the annex (Blora's own annex row, 99.0, is not one of them)
    others = [s for name, s in ANNEX if name.startswith("Kabupaten") and name != "Kabupaten Blora"]
    assert p.rank == 1 + sum(s > round(by_hand["iid_score"], 2) for s in others) and p.rank_of == len(others) + 1
    assert "annex" in p.rank_basis and p.framework == 2023


def test_the_plan_is_verified_by_rescoring_and_assigned_to_opds(ws):
    w, levels = ws
    fw = framework_for_year(YEAR)
    p = project(from_workspace(w), BLORA, YEAR, target_rank=1)
    plan = p.plan
    assert plan is not None and plan.reachable
    answers = plan.new_sid_answers
    rescored = score_pemda(plan.new_spd_levels, answers[list(fw.sid_columns)], fw, n_urusan_yandas=1)["iid_score"]
    others = [s for name, s in ANNEX if name.startswith("Kabupaten") and name != "Kabupaten Blora"]
    rank_after = 1 + sum(s > round(rescored, 2) for s in others)
    assert rank_after == plan.planned_rank == 1 and rescored >= max(others) - 0.005
    steps = p.plan_steps
    assert steps["steps"].sum() == plan.n_steps and steps["opd_name"].ne("").all()
    sid = steps[steps["kind"] == "sid"]
    by_id = pd.Series([OPDS[j % 4] for j in range(len(levels))], index=[f"I{j}" for j in range(len(levels))])
    assert (sid["opd_name"] == sid["innovation_id"].map(by_id)).all()  # the OPD that owns the innovation
    owners = {"7": "Pendapatan Daerah", "12": "Riset dan Inovasi Daerah"}  # office types the pemda has not listed
    for r in steps[steps["kind"] == "spd"].itertuples():
        if r.indicator in owners:
            assert owners[r.indicator] in r.opd_name


def test_gap_card_and_opd_evaluation(ws):
    w, levels = ws
    fw = framework_for_year(YEAR)
    p = project(from_workspace(w), BLORA, YEAR, target_rank=2)
    gaps = p.gaps.set_index("gap")
    assert "rank:2" in gaps.index
    # the best kabupaten of Jawa Tengah in the annex is Kabupaten Semarang (62.5; Kota Semarang, 90.0, is a
    # kota, ranked apart; Bantul, 70.0, is in DI Yogyakarta; Blora's own annex row is not one of the others)
    prov = [g for g in gaps.index if g.startswith("province_best:")]
    assert prov == ["province_best:33.22"] and gaps.loc[prov[0], "target_score"] == 62.5
    needed = round(62.5 - round(p.score["iid_score"], 2), 2)
    assert gaps.loc[prov[0], "iid_needed"] == pytest.approx(needed) and gaps.loc[prov[0], "points_needed"] == \
        pytest.approx(needed * 2.5)
    opds = p.opds.set_index("opd_name")
    points = pd.Series([float(np.asarray(row) @ fw.sid_weights.to_numpy()) for row in levels],
                       index=[OPDS[j % 4] for j in range(len(levels))]).groupby(level=0).sum()
    for name, pts in points.items():
        assert opds.loc[name, "sid_points"] == pytest.approx(pts)
        assert opds.loc[name, "sid_points_share"] == pytest.approx(pts / points.sum())
        assert opds.loc[name, "iid_contribution"] == pytest.approx(pts / max(10, len(levels)) / 250 * 100)
    assert opds.loc["Dinas Perhubungan", "status"] == "belum_berinovasi" and opds.loc["Dinas Perhubungan",
                                                                                         "innovations"] == 0
    assert opds.loc["Dinas Kesehatan Kab. Blora", "at_risk"] >= 1  # I0: tahapan inisiatif and no evidence on 16
    assert p.opds["rank"].iloc[0] == 1 and "top" in p.opds["reward"].iloc[0]


def test_validators_cut_and_projection_without_them(ws):
    w, levels = ws
    fw = framework_for_year(YEAR)
    p = project(from_workspace(w), BLORA, YEAR)
    risky = p.risk[p.risk["at_risk"]]
    assert risky["innovation_id"].tolist() == ["I0"] and risky["missing_mandatory"].iloc[0] == [16]
    kept = score_pemda({r: 1 for r in fw.spd_row_ids}, [dict(zip(fw.sid_indicators, r)) for r in levels[1:]], fw,
                       n_urusan_yandas=1)
    assert p.without_risk["iid_score"] == pytest.approx(kept["iid_score"]) and p.without_risk["innovations_removed"] == 1


def test_an_earlier_annex_is_shifted_by_the_stated_drift(tmp_path):
    rng = np.random.default_rng(2)
    fw = framework_for_year(YEAR)
    w = init_workspace(tmp_path / "w")
    inn, spd, ax = write_inputs(tmp_path, YEAR, rng.integers(1, 4, (11, 20)), 2, opds=OPDS, first_inisiatif=True)
    w.import_file("innovations", inn, YEAR)
    w.import_file("spd", spd, YEAR)
    prev_ax = tmp_path / "lampiran_prev.csv"
    prev_ax.write_text(ax.read_text())
    w.import_file("annex", prev_ax, YEAR - 1)
    p = project(from_workspace(w), BLORA, YEAR, drift=2.0, plans=False)
    assert p.rank_basis == f"annex {YEAR - 1} + drift +2.00/yr" and p.drift == 2.0
    shifted = sorted(s + 2.0 for name, s in ANNEX if name.startswith("Kabupaten") and name != "Kabupaten Blora")
    assert sorted(p.field["iid_score"]) == pytest.approx(shifted)
    assert p.rank == 1 + sum(s > round(p.score["iid_score"], 2) for s in shifted)
    assert fw.year == p.framework


def test_project_command_json_and_workbook(ws, tmp_path):
    w, _ = ws
    book = tmp_path / "opd.xlsx"
    result = CliRunner().invoke(main, ["project", "--workspace", str(w.path), "--pemda", "Kab. Blora", "--year",
                                       str(YEAR), "--target-rank", "2", "--json", "--xlsx", str(book)])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    for key in ("kode_wilayah", "year", "framework", "spd_score", "sid_score", "count_score", "iid_score",
                "predicate", "rank", "rank_of", "rank_basis", "gaps", "plan", "opds"):
        assert key in out, key
    assert "annex" in out["rank_basis"] and set(out["plan"]) >= {"reachable", "rank_after", "steps"}
    named = [o for o in out["opds"] if o["status"] != "plan_owner"]
    assert len(named) == 5  # four OPDs with innovations and Dinas Perhubungan from the OPD list
    assert all(o["plan_steps"] > 0 for o in out["opds"] if o["status"] == "plan_owner")
    wb = openpyxl.load_workbook(book)
    first = wb.worksheets[0]
    assert first.title == "Papan skor OPD" and first.freeze_panes == "A2"
    assert first.max_row - 1 == len(named)  # one row per OPD under the header; placeholder owners apart
    assert all(o["is_placeholder"] == (o["status"] == "plan_owner") for o in out["opds"])
    assert first.cell(1, 2).value == "OPD" and [s.title for s in wb.worksheets][1:3] == ["Rencana", "Kartu selisih"]
    cells = [v for sheet in wb.worksheets for row in sheet.iter_rows(min_row=2, values_only=True) for v in row]
    assert not any(isinstance(v, bool) for v in cells)  # yes/no written in the reader's language
    reachable = [r[-1] for r in wb["Kartu selisih"].iter_rows(min_row=2, values_only=True)]
    assert set(reachable) <= {"Ya", "Tidak", None} and reachable
    human = CliRunner().invoke(main, ["project", "--workspace", str(w.path), "--pemda", "33.16", "--year",
                                      str(YEAR), "--target-rank", "2", "--lang", "en"])
    assert human.exit_code == 0 and "Projected IID 2024 of Kabupaten Blora" in human.output
    missing = CliRunner().invoke(main, ["project", "--workspace", str(w.path), "--pemda", "33.16", "--year", "2021"])
    assert missing.exit_code == 1 and "Traceback" not in missing.output  # in the default language, Indonesian
    assert ("Ruang kerja tidak memuat jawaban 2021 untuk Kabupaten Blora; impor daftar inovasi dan jawaban SPD 2021. "
            f"Tahun yang dapat diproyeksikan: {YEAR}.") in " ".join(missing.output.split())


@pytest.mark.slow
def test_notebook_05_runs_through_papermill(ws, tmp_path):
    from iid_research.render.execute import run_notebook

    w, _ = ws
    out = run_notebook(config.NOTEBOOKS_DIR / "05_workspace_report.ipynb",
                       {"workspace": str(w.path), "kode_wilayah": BLORA, "year": YEAR, "target_rank": 2,
                        "lang": "en"}, tmp_path)
    page = out["html"].read_text(encoding="utf-8")
    assert "Gap card" in page and "OPD scoreboard" in page and "Dinas Perhubungan" in page
    assert page.count('class="iid-scorecard"') == 11 and "SIMULATED" not in page  # 5 named OPDs, 6 plan owners
    assert "inovasi_2024.csv" in page
    assert "Download CSV per action" in page and 'download="plan-per-action.csv"' in page


def test_innovation_columns_match_the_contract():
    assert SID_COLUMNS[0] == "sid_16" and len(SID_COLUMNS) == 20


def test_default_drift_is_the_mean_yearly_change_of_the_published_national_mean():
    from iid_research.analysis.projection import default_drift

    raw = pd.read_csv(config.RAW_DIR / "iid_national_aggregates_2020_2025.csv", dtype=str)
    means = raw[raw["item"] == "national mean IID"].set_index("year")["value"].astype(float).sort_index()
    by_hand = (means.iloc[-1] - means.iloc[0]) / (int(means.index[-1]) - int(means.index[0]))
    assert default_drift() == pytest.approx(by_hand) == pytest.approx(49.43 - 46.01)


def test_raises_on_planned_new_innovations_are_listed_and_replay_to_the_plan(tmp_path):
    # two weak innovations, the leader far ahead: the plan adds innovations AND raises their answers
    fw = framework_for_year(YEAR)
    levels = np.ones((2, len(fw.sid_indicators)), int)
    annex = [("Kabupaten Semarang", 80.0), ("Kabupaten Kudus", 40.0), ("Kabupaten Pati", 30.0)]
    w = init_workspace(tmp_path / "ws")
    files = write_inputs(tmp_path, YEAR, levels, 1, opds=OPDS, annex=annex, first_inisiatif=True)
    for kind, f in zip(("innovations", "spd", "annex"), files):
        w.import_file(kind, f, YEAR)
    p = project(from_workspace(w), BLORA, YEAR, target_rank=1)
    plan, steps = p.plan, p.plan_steps
    assert plan.reachable and (steps["kind"] == "new_innovation").sum() >= 1
    new_ids = steps.loc[steps["kind"] == "new_innovation", "innovation_id"].tolist()
    raised_new = steps[(steps["kind"] == "sid") & steps["innovation_id"].isin(new_ids)]
    assert len(raised_new) > 0  # the case this test is about
    assert steps["steps"].sum() == plan.n_steps and steps["cost"].sum() == pytest.approx(plan.total_cost)
    # replay the listed rows: existing answers, new innovations at their starting answers, then every raise
    start = [int(plan.new_innovation_levels[c]) for c in fw.sid_columns]
    answers = {f"I{j}": list(levels[j]) for j in range(len(levels))} | {i: list(start) for i in new_ids}
    spd = {r: 1 for r in fw.spd_row_ids}
    for r in steps.itertuples():
        if r.kind == "spd":
            assert spd[r.indicator] == int(r.from_level)
            spd[r.indicator] = int(r.to_level)
        elif r.kind == "sid":
            k = fw.sid_indicators.index(int(r.indicator))
            assert answers[r.innovation_id][k] == r.from_level
            answers[r.innovation_id][k] = r.to_level
    rows = [dict(zip(fw.sid_indicators, a)) for a in answers.values()]
    replayed = score_pemda(spd, rows, fw, n_urusan_yandas=1)["iid_score"]
    assert replayed == pytest.approx(plan.planned_score, abs=1e-9)
    assert round(replayed + 1e-9, 2) >= 80.0


def test_validation_risk_reads_tahapan_in_any_case():
    from iid_research.analysis.evaluation import validation_risk

    fw = framework_for_year(YEAR)
    inn = pd.DataFrame({"innovation_id": ["a", "b", "c", "d"], "opd_name": ["X"] * 4,
                        "tahapan": ["Inisiatif", " INISIATIF ", "uji coba", None],
                        **{c: [2] * 4 for c in fw.sid_columns}})
    assert validation_risk(inn, fw)["at_risk"].tolist() == [True, True, False, False]


def test_pemda_report_opd_standing_is_the_workspace_scoreboard(tmp_path):
    from iid_research.notebook.pemda import opd_standing

    fw = framework_for_year(YEAR)
    w_sum = float(fw.sid_weights.sum())
    opds = ["Dinas Kesehatan", "RSUD Blora", "Dinas Pendidikan", "DINAS  KESEHATAN"]  # the last: the first again
    levels = np.array([[2] * 20, [3] * 20, [1] * 20, [2] * 20])
    w = init_workspace(tmp_path / "ws")
    files = write_inputs(tmp_path, YEAR, levels, 1, opds=opds, first_inisiatif=True)
    for kind, f in zip(("innovations", "spd", "annex"), files):
        w.import_file(kind, f, YEAR)
    data = from_workspace(w)
    board = opd_standing(data, BLORA, YEAR)
    # by hand: the hospital is its own OPD (not merged into the health office by type); spellings merge
    assert board["opd_innovations"].tolist() == [2, 1, 1]
    assert board["opd_sid_points"].tolist() == pytest.approx([4 * w_sum, 3 * w_sum, w_sum])
    assert board["opd"].iloc[1] == "RSUD Blora" and board["opd"].iloc[2] == "Dinas Pendidikan"
    top05 = project(data, BLORA, YEAR).opds
    assert board["opd"].iloc[0] == top05["opd_name"].iloc[0]


def test_summary_says_when_the_annex_lists_only_part_of_the_cluster(ws):
    from iid_research.data import load_regions
    from iid_research.notebook.workspace_report import summary_lines

    w, _ = ws
    p = project(from_workspace(w), BLORA, YEAR, target_rank=2)
    regions = load_regions()
    kabupaten = int(((regions["level"] == "kabupaten") & regions["is_autonomous"]).sum())
    assert kabupaten == 415
    lines = summary_lines(p, "Kabupaten Blora", "en")
    others = [name for name, _ in ANNEX if name.startswith("Kabupaten") and name != "Kabupaten Blora"]
    assert p.rank_of == len(others) + 1 == 7
    assert f"lists only 7 of the {kabupaten} regencies" in " ".join(lines)


def test_the_rank_basis_says_simulated_when_the_annex_is_the_demos(ws):
    """A rank against the demo's SIMULATED annex must say so in the sentence itself, not only in the banner."""
    import dataclasses

    from iid_research.notebook.workspace_report import summary_lines

    w, _ = ws
    p = project(from_workspace(w), BLORA, YEAR)
    real = " ".join(summary_lines(p, "Kabupaten Blora", "id"))
    assert f"lampiran Kepmendagri {YEAR}" in real and "SIMULASI" not in real
    demo = dataclasses.replace(p, field=p.field.assign(source="simulated"))
    assert f"lampiran Kepmendagri {YEAR} (SIMULASI)" in " ".join(summary_lines(demo, "Kabupaten Blora", "id"))
    assert f"the {YEAR} decree annex (SIMULATED)" in " ".join(summary_lines(demo, "Kabupaten Blora", "en"))


def test_the_opd_clusters_report_identifies_opds_as_the_scoreboard_does(tmp_path):
    """04 profiles the OPDs of the 02/05 scoreboard: the OPD list's names, its Singkatan read, an RSUD kept apart."""
    from iid_research.analysis.clustering import OPDClusterer
    from iid_research.analysis.opd import build_opd_profiles
    from iid_research.analysis.upgrades import opd_scorecards, sid_upgrade_gains, upgrade_menu
    from iid_research.notebook import opd_clusters as oc
    from iid_research.notebook.pemda import opd_standing

    fw = framework_for_year(YEAR)
    written = ["Dinas Kesehatan", "Disdukcapil", "RSUD dr. R. Soetijono", "Bappeda"]
    listed = {"Dinas Kesehatan": "Dinas Kesehatan", "Disdukcapil": "Dinas Kependudukan dan Pencatatan Sipil",
              "RSUD dr. R. Soetijono": "RSUD dr. R. Soetijono", "Bappeda": "Badan Perencanaan Pembangunan Daerah"}
    levels = np.random.default_rng(3).integers(0, 4, (8, len(fw.sid_indicators)))
    w = init_workspace(tmp_path / "ws")
    files = write_inputs(tmp_path, YEAR, levels, 1, opds=written)
    for kind, f in zip(("innovations", "spd", "annex"), files):
        w.import_file(kind, f, YEAR)
    opd_file = tmp_path / "daftar_opd.csv"
    opd_file.write_text("Nama OPD,Singkatan\nDinas Kesehatan,Dinkes\nDinas Kependudukan dan Pencatatan Sipil,"
                        "Disdukcapil\nRSUD dr. R. Soetijono,RSUD\nBadan Perencanaan Pembangunan Daerah,Bappeda\n"
                        "Dinas Perhubungan,Dishub\n", encoding="utf-8")
    w.import_file("opd", opd_file, YEAR, pemda=BLORA)
    data = from_workspace(w)
    inn = data.innovations[data.innovations["year"] == YEAR].reset_index(drop=True)
    resolved, key, note = oc.workspace_opds(data, inn, BLORA, YEAR, "id")
    # by hand: innovation j belongs to written[j % 4], shown by its name on the OPD list
    assert resolved["opd_name"].tolist() == [listed[written[j % 4]] for j in range(8)] and key == "opd_name"
    assert "Dinas Perhubungan" in note and "4 OPD" in note  # listed, no innovation, so no profile
    profiles = build_opd_profiles(resolved, opd_key=key)
    points = levels @ fw.sid_weights.to_numpy()
    by_hand = {listed[name]: points[j::4].mean() for j, name in enumerate(written)}
    got = dict(zip(profiles["opd_name"], profiles["maturity_mean_score"]))
    assert got.keys() == by_hand.keys() and all(got[n] == pytest.approx(v) for n, v in by_hand.items())
    assert (profiles["innovation_count"] == 2).all()  # the RSUD's innovations are not the health office's
    # the same OPDs, named the same way, as the 05 scoreboard and the 02 table
    board = project(data, BLORA, YEAR, plans=False)
    assert set(board.opds.loc[board.opds["status"] == "berinovasi", "opd_name"]) == set(by_hand)
    assert set(opd_standing(data, BLORA, YEAR)["opd"]) == set(by_hand)
    assert set(board.risk["opd_name"]) <= set(by_hand)  # the validators' list names them so too
    # scorecards find each OPD's own upgrades; the menu counts OPDs as the scoreboard does
    model = OPDClusterer(n_bootstrap=0, random_state=0).fit(profiles)
    cards = opd_scorecards(profiles, model, resolved, top_n=2, opd_key=key)
    for card in cards.itertuples():
        assert card.best_upgrades and all(u["opd_key"] == card.opd_key for u in card.best_upgrades)
    menu = upgrade_menu(sid_upgrade_gains(resolved, kode_wilayah=BLORA, year=YEAR, opd_key=key)).set_index(
        ["step_kind", "indicator_no"])
    for k, no in enumerate(fw.sid_indicators):
        open_opds = {written[j % 4] for j in range(8) if levels[j, k] < 3}
        if open_opds:
            assert menu.loc[("raise_level", no), "opd_count"] == len(open_opds)


def test_placeholder_owners_are_not_counted_as_opds(ws, tmp_path):
    """Owners of plan steps that no OPD of the pemda's files can take are shown apart and never counted."""
    import matplotlib.pyplot as plt

    from iid_research.analysis.evaluation import ANY_OPD
    from iid_research.figures.drivers import plot_opd_contribution
    from iid_research.figures.labels import description
    from iid_research.notebook import workspace_report as wr
    from iid_research.render.workbook import write_projection_workbook

    w, _ = ws
    p = project(from_workspace(w), BLORA, YEAR, target_rank=1)
    real_names = set(OPDS) | {"Dinas Perhubungan"}  # the innovation list's four and the OPD list's fifth
    steps = p.plan_steps
    by_hand = steps["opd_key"].eq(ANY_OPD) | steps["opd_key"].str.startswith("type:")
    assert by_hand.any() and (~by_hand).any()  # the case: the plan has both kinds of owner
    assert steps["is_placeholder"].tolist() == by_hand.tolist()
    assert set(steps.loc[~by_hand, "opd_name"]) <= real_names
    # the scoreboard: the five OPDs ranked, the placeholders after them without a rank
    o = p.opds
    assert o["is_placeholder"].tolist() == o["status"].eq("plan_owner").tolist()
    assert set(o.loc[~o["is_placeholder"], "opd_name"]) == real_names
    assert o["is_placeholder"].is_monotonic_increasing and o.loc[o["is_placeholder"], "rank"].isna().all()
    points = o.loc[~o["is_placeholder"], "sid_points"].to_numpy()
    assert o.loc[~o["is_placeholder"], "rank"].tolist() == [1 + int((points > v).sum()) for v in points]
    board, owners = wr.scoreboard(p, "en"), wr.placeholder_owners(p, "en")
    assert set(board["opd"]) == real_names and len(owners) == o["is_placeholder"].sum()
    assert owners["opd"].str.endswith("(placeholder owner)").sum() == steps.loc[
        steps["opd_key"].str.startswith("type:"), "opd_key"].nunique()
    # the figure and the summary count OPDs only, and say how many steps the placeholders hold
    ax = plot_opd_contribution(board, lang="en", ax=plt.figure().gca())
    assert "contribution of 5 OPDs" in description(ax)
    plt.close("all")
    n_real = steps.loc[~by_hand, "opd_key"].nunique()
    line = " ".join(wr.summary_lines(p, "Kabupaten Blora", "en"))
    assert (f"Taken by: {int(steps.loc[~by_hand, 'steps'].sum())} steps by {n_real} OPDs; "
            f"{int(steps.loc[by_hand, 'steps'].sum())} steps by {steps.loc[by_hand, 'opd_key'].nunique()} "
            "placeholder owners") in line
    # the workbook: one scoreboard row per OPD, the placeholders on their own sheet
    book = write_projection_workbook(p, tmp_path / "opd.xlsx", "en")
    wb = openpyxl.load_workbook(book)
    assert wb["OPD scoreboard"].max_row - 1 == 5
    assert wb["Placeholder owners"].max_row - 1 == len(owners)


def test_identical_plan_steps_of_one_owner_are_one_row(tmp_path):
    """The plan table: one row per (owner, action) with the count, the summed IID gain and cost; the steps apart."""
    from iid_research.notebook import workspace_report as wr
    from iid_research.render.workbook import write_projection_workbook

    fw = framework_for_year(YEAR)
    levels = np.ones((2, len(fw.sid_indicators)), int)
    annex = [("Kabupaten Semarang", 80.0), ("Kabupaten Kudus", 40.0), ("Kabupaten Pati", 30.0)]
    w = init_workspace(tmp_path / "ws")
    for kind, f in zip(("innovations", "spd", "annex"),
                       write_inputs(tmp_path, YEAR, levels, 1, opds=OPDS, annex=annex, first_inisiatif=True)):
        w.import_file(kind, f, YEAR)
    p = project(from_workspace(w), BLORA, YEAR, target_rank=1)
    s = p.plan_steps
    n_new = int((s["kind"] == "new_innovation").sum())
    assert n_new >= 2  # the case: several new innovations, the same action many times
    # by hand: group the steps on owner, kind, indicator, levels and (for existing innovations) the innovation
    new = s["innovation_id"].str.startswith("(baru/new)")
    key = pd.DataFrame({"owner": s["opd_key"], "kind": s["kind"], "ind": s["indicator"], "a": s["from_level"],
                        "b": s["to_level"], "inn": s["innovation_id"].where(~new, "new"), "u": s["urusan"]})
    groups = key.assign(gain=s["gain_iid"], cost=s["cost"]).groupby(list(key.columns))
    by_hand = sorted(zip(groups.size(), groups["gain"].sum().round(9), groups["cost"].sum()))
    table = wr.plan_by_opd(p, "en")
    assert sorted(zip(table["plan_count"], table["plan_gain_total"].round(9), table["plan_cost_sum"])) == by_hand
    assert table["plan_count"].sum() == len(s) and table["plan_cost_sum"].sum() == pytest.approx(p.plan.total_cost)
    report_new = table[table["plan_action"] == "Report one new innovation"]
    assert report_new["plan_count"].tolist() == [n_new] and report_new["opd"].tolist() == ["(any OPD)"]
    assert not table.duplicated(["opd", "plan_action"]).any()
    # one row per step: the download and the workbook's last sheet, new innovations numbered
    steps = wr.plan_steps_table(p, "en")
    assert len(steps) == len(s) and steps["plan_gain_iid"].sum() == pytest.approx(s["gain_iid"].sum())
    assert (new & (s["kind"] == "sid")).any()  # raises of planned new innovations, numbered per step
    assert steps["plan_action"].str.contains("of innovation new no. 1 from").any()
    assert table["plan_action"].str.contains("of innovation new from").any()  # ... and merged in the table
    wb = openpyxl.load_workbook(write_projection_workbook(p, tmp_path / "plan.xlsx", "en"))
    assert wb["Plan"].max_row - 1 == len(table) and wb["Plan per action"].max_row - 1 == len(s)


def test_reports_02_and_05_write_an_opds_points_and_contribution_alike(ws):
    import re

    from iid_research.notebook import workspace_report as wr
    from iid_research.notebook.display import quantity_text, table_html
    from iid_research.notebook.pemda import opd_standing

    w, levels = ws
    fw = framework_for_year(YEAR)
    data = from_workspace(w)
    p = project(data, BLORA, YEAR, plans=False)

    def cells(frame, columns):
        markup = table_html(frame, "id")
        head = re.findall(r'<th scope="col">([^<]*)</th>', markup)
        rows = [re.findall(r"<td>([^<]*)</td>", r) for r in re.findall(r"<tr>(.*?)</tr>", markup)[1:]]
        return {r[head.index("OPD")]: tuple(r[head.index(c)] for c in columns) for r in rows}

    cols = ["Poin SID", "Sumbangan ke IID (poin)"]
    in05, in02 = cells(wr.scoreboard(p, "id"), cols), cells(opd_standing(data, BLORA, YEAR, lang="id"), cols)
    points = pd.Series([float(np.asarray(r) @ fw.sid_weights.to_numpy()) for r in levels],
                       index=[OPDS[j % 4] for j in range(len(levels))]).groupby(level=0).sum()
    for name, pts in points.items():  # by hand: whole points, the contribution with the IID's two decimals
        contribution = pts / max(10, len(levels)) / 250 * 100
        expected = (f"{pts:.0f}", f"{contribution:.2f}".replace(".", ","))
        assert in05[name] == in02[name] == expected, name
    card = wr.opd_scorecard(p, p.opds["opd_key"].iloc[0], "id")
    name = card["name"]
    assert quantity_text("opd_iid_contribution", card["row"]["opd_iid_contribution"], "id",
                         card["decimals"].get("opd_iid_contribution")) == in05[name][1]


def test_each_opd_scorecard_downloads_under_its_own_name(ws, monkeypatch):
    import re

    from iid_research.notebook import display
    from iid_research.notebook import workspace_report as wr

    w, _ = ws
    p = project(from_workspace(w), BLORA, YEAR, target_rank=1)
    shown, headings = [], []
    monkeypatch.setattr(display, "show_html", shown.append)
    for key in p.opds["opd_key"]:
        card = wr.opd_scorecard(p, key, "id")
        headings.append(card["name"])
        display.opd_scorecard(card, "id")
    names = [re.findall(r'download="([^"]+)"', page) for page in shown]
    assert len(names) == len(p.opds) and all(names) and p.opds["is_placeholder"].any()
    every = [n for card in names for n in card]
    assert len(every) == len(set(every))  # saving several scorecards never overwrites one
    for position, (files, heading) in enumerate(zip(names, headings), start=1):
        slug = re.sub(r"[^a-z0-9]+", "-", heading.lower()).strip("-")  # by hand: "Dinas Kesehatan Kab. Blora" -> ...
        assert files[0] == f"kartu-skor-{position:02d}-{slug}.csv"
        assert files[1:] in ([], [f"rencana-{position:02d}-{slug}.csv"])


def test_notebook_05_without_the_years_annex_says_simulated_where_it_ranks(tmp_path):
    """Ranks against published plus SIMULATED totals: the summary, the band and the gap card each say so."""
    from iid_research.render.execute import run_notebook

    fw = framework_for_year(YEAR)
    inn, spd, _ = write_inputs(tmp_path, YEAR, np.full((8, len(fw.sid_indicators)), 2), 2, opds=OPDS)
    w = init_workspace(tmp_path / "ws")
    w.import_file("innovations", inn, YEAR)
    w.import_file("spd", spd, YEAR)
    out = run_notebook(config.NOTEBOOKS_DIR / "05_workspace_report.ipynb",
                       {"workspace": str(w.path), "kode_wilayah": BLORA, "year": YEAR, "target_rank": 2,
                        "lang": "en"}, tmp_path / "out")
    page = out["html"].read_text(encoding="utf-8")
    band = page[page.index("How sure is"):page.index("Gap card")]
    gap_card = page[page.index("Gap card"):page.index("Plan per OPD")]
    for section in (band, gap_card):
        assert "plus SIMULATED scores for pemda without a published score" in section


def test_the_summary_sets_the_annexs_own_row_beside_the_projection_and_the_iid_adds_up(ws):
    from iid_research.notebook.workspace_report import iid_parts_line, summary_lines

    w, _ = ws
    p = project(from_workspace(w), BLORA, YEAR)
    assert p.annex_own == 99.0  # Kabupaten Blora's own row of the annex the fixture imports
    lines = " ".join(summary_lines(p, "Kabupaten Blora", "en"))
    diff = p.score["iid_score"] - 99.0
    assert f"gives this pemda an IID of 99.00; the projection from the pemda's files differs by {diff:+.2f}" in lines
    fw = framework_for_year(YEAR)
    spd, count, quality = (p.score[k] * 100 / fw.max_total for k in ("spd_score", "count_score", "quality_score"))
    assert abs(spd + count + quality - p.score["iid_score"]) < 1e-9  # the three parts are the whole IID
    text = iid_parts_line(p, "en")
    shown = [float(x) for x in re.findall(r"\d+\.\d\d", text.split(" (IID points)")[0])]
    assert len(shown) == 4 and round(shown[1] + shown[2] + shown[3], 2) == shown[0]  # the sum as written holds
    assert shown[:3] == [round(p.score["iid_score"] + 1e-9, 2), round(spd + 1e-9, 2), round(count + 1e-9, 2)]
    assert abs(shown[3] - quality) <= 0.015  # the quality part, to the rounding of the other three
    assert f"add up to {p.opds['iid_contribution'].sum():.2f} of the quality part" in text


def test_the_summary_warns_when_the_plan_builds_on_an_innovation_likely_to_be_cut(ws):
    """I0 (inisiatif, mandatory indicator 16 without evidence) is at risk: plan steps on it are named."""
    from iid_research.notebook.workspace_report import summary_lines

    w, _ = ws
    p = project(from_workspace(w), BLORA, YEAR, target_rank=2)
    on_i0 = p.plan_steps[p.plan_steps["innovation_id"] == "I0"]
    assert len(on_i0) and set(p.risk.loc[p.risk["at_risk"], "innovation_id"]) == {"I0"}
    lines = " ".join(summary_lines(p, "Kabupaten Blora", "en"))
    assert (f"{int(on_i0['steps'].sum())} plan steps ({on_i0['gain_iid'].sum():.2f} IID points) are on 1 "
            "innovation(s) the validators are likely to cut (I0)") in lines


def test_a_merged_bapperida_owns_the_research_steps_of_the_plan(tmp_path):
    """SPD rows answered by the research office go to a Bapperida (planning + research), not a placeholder."""
    import csv

    bapperida = "Badan Perencanaan Pembangunan Riset dan Inovasi Daerah"  # no comma: the CSV writer is plain
    fw = framework_for_year(YEAR)
    inn, spd, ax = write_inputs(tmp_path, YEAR, np.full((6, len(fw.sid_indicators)), 1), 1,
                                opds=["Dinas Kesehatan", bapperida])
    w = init_workspace(tmp_path / "ws")
    for kind, path in (("innovations", inn), ("spd", spd), ("annex", ax)):
        w.import_file(kind, path, YEAR)
    p = project(from_workspace(w), BLORA, YEAR, target_rank=1)
    with open(config.MAPPINGS_DIR / "spd_responsible.csv", encoding="utf-8") as f:
        research_rows = {r["row_id"] for r in csv.DictReader(f) if r["opd_type"] == "penelitian_pengembangan"}
    spd_steps = p.plan_steps[p.plan_steps["kind"] == "spd"]
    on_research = spd_steps[spd_steps["indicator"].astype(str).isin(research_rows)]
    assert research_rows and len(on_research)  # the plan raises some of those rows
    assert set(on_research["opd_name"]) == {bapperida} and not on_research["is_placeholder"].any()


def test_the_gap_card_marks_a_province_best_whose_score_is_simulated(ws):
    import dataclasses

    from iid_research.notebook.workspace_report import gap_table

    w, _ = ws
    p = project(from_workspace(w), BLORA, YEAR, target_rank=2)
    real = gap_table(p, "id")["gap_goal"].tolist()
    assert "terbaik sejenis di provinsi (Kabupaten Semarang)" in real  # the annex's score: no label
    demo = dataclasses.replace(p, field=p.field.assign(source="simulated"))
    assert "terbaik sejenis di provinsi (Kabupaten Semarang) (SIMULASI)" in gap_table(demo, "id")["gap_goal"].tolist()
