"""A new analyst's messy habits against the workspace and the projection (issues 10, 11).

Every test here started as a way a Bappeda/BRIDA analyst broke the workspace: a path with spaces, a
template filled in place, workspace.json edited by hand, the same file imported for two years, an OPD
spelled three ways, a pemda without its SPD answers, ...  Expected values are computed by hand or with
the scoring engine applied directly, never with the code under test.
"""

import json
import shlex

import numpy as np
import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from iid_research.analysis.projection import MissingAnswersError, project
from iid_research.cli import main
from iid_research.dataset import from_workspace
from iid_research.frameworks import framework_for_year
from iid_research.importers import import_file
from iid_research.notebook import workspace_report as wr
from iid_research.workspace import Workspace, WorkspaceError, init_workspace

BLORA = "33.16"
YEAR = 2024
ANNEX = [("Kabupaten Semarang", 62.5), ("Kabupaten Kudus", 55.0), ("Kabupaten Pati", 48.0), ("Kota Semarang", 90.0)]


def _innovations_csv(path, levels, opds, *, pemda="Kab. Blora", year=YEAR):
    fw = framework_for_year(year)
    head = ["pemda", "id inovasi", "nama inovasi", "opd", "tahapan", "urusan", *map(str, fw.sid_indicators)]
    rows = [[pemda, f"I{j}", f"Inovasi {j}", opds[j % len(opds)], "penerapan", "Kesehatan", *map(str, levels[j])]
            for j in range(len(levels))]
    path.write_text("\n".join(",".join(r) for r in [head, *rows]) + "\n", encoding="utf-8")
    return path


def _spd_csv(path, level, *, year=YEAR):
    fw = framework_for_year(year)
    path.write_text("pemda,indikator,jawaban\n" + "".join(f"Kab. Blora,{r},{level}\n" for r in fw.spd_row_ids),
                    encoding="utf-8")
    return path


def _annex_csv(path, rows, title=None):
    head = [title] if title else []
    body = [f'{k},{name},"{str(s).replace(".", ",")}",{"Sangat Inovatif" if s > 60 else "Inovatif"}'
            for k, (name, s) in enumerate(rows, start=1)]
    path.write_text("\n".join([*head, "NO,PEMERINTAH DAERAH,NILAI INDEKS,PREDIKAT", *body]) + "\n", encoding="utf-8")
    return path


def _points(levels, year=YEAR) -> np.ndarray:
    """SID points (skor kematangan) of each innovation by hand: Σ weight × level."""
    return np.asarray(levels) @ framework_for_year(year).sid_weights.to_numpy()


# --------------------------------------------------------------------------- init and the README

def test_readme_commands_can_be_pasted_for_a_path_with_spaces(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    init_workspace("Ruang Kerja Bappéda 2024")
    readme = (tmp_path / "Ruang Kerja Bappéda 2024" / "BACA_SAYA.md").read_text(encoding="utf-8")
    assert "--workspace 'Ruang Kerja Bappéda 2024'" in readme  # quoted: the shell keeps it one argument
    assert shlex.split("iid-research workspace status 'Ruang Kerja Bappéda 2024'")[-1] == "Ruang Kerja Bappéda 2024"
    assert "iid-research import opd daftar_opd.xlsx" in readme and "Singkatan" in readme


def test_init_again_keeps_a_template_filled_in_place(tmp_path):
    ws = init_workspace(tmp_path / "w")
    template = ws.path / "templat" / "inovasi_2023.xlsx"
    wb = openpyxl.load_workbook(template)
    wb["Inovasi"].append(["Kab. Blora", "INO-1", "Inovasi pertama"])
    wb.save(template)
    (ws.path / "templat" / "lampiran.csv").unlink()
    init_workspace(tmp_path / "w")
    assert openpyxl.load_workbook(template)["Inovasi"].cell(2, 2).value == "INO-1"  # the analyst's row is kept
    assert (ws.path / "templat" / "lampiran.csv").is_file()  # a missing template is written again


# --------------------------------------------------------------------------- workspace.json edited by hand

@pytest.mark.parametrize("text, expected", [
    ('{"format": 1, "imports": [', r"not valid JSON \(line 1, column 27"),
    ('{"format": 1, "imports": [{"kind": "innovations", "year": 2024}]}', "import entry 1 lacks kode_wilayah"),
    ('[1, 2]', 'expected an object with a list "imports"'),
    ('{"format": 1, "imports": [{"kind": "spd", "year": "2024", "kode_wilayah": "33.16", "table": "tabel/2024/a.csv",'
     ' "source_file": "a.csv", "source_sha256": "0", "rows": 20, "imported_at": ""}]}',
     "import entry 1: year '2024' is not a whole number"),
    ('{"format": 1, "imports": [{"kind": "opd", "year": 2024, "kode_wilayah": "33.16", "table": "/tmp/victim.txt",'
     ' "source_file": "a.csv", "source_sha256": "0", "rows": 20, "imported_at": ""}]}',
     "import entry 1: table '/tmp/victim.txt' is not a file under the workspace's tabel/ folder"),
    ('{"format": 1, "imports": [{"kind": "opd", "year": 2024, "kode_wilayah": "33.16", "table": "tabel/../../v.txt",'
     ' "source_file": "a.csv", "source_sha256": "0", "rows": 20, "imported_at": ""}]}',
     "table 'tabel/../../v.txt' is not a file under"),
])
def test_a_damaged_manifest_is_a_clear_error_everywhere(tmp_path, text, expected):
    ws = init_workspace(tmp_path / "w")
    (ws.path / "workspace.json").write_text(text, encoding="utf-8")
    with pytest.raises(WorkspaceError, match=expected):
        Workspace(ws.path)
    for args in (["workspace", "status", str(ws.path)], ["workspace", "init", str(ws.path)],
                 ["project", "--workspace", str(ws.path), "--pemda", BLORA, "--year", str(YEAR)],
                 ["reports", "--workspace", str(ws.path)]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 1, (args, result.output)
        assert "workspace.json" in result.output and "Traceback" not in result.output, args
        assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), args


# --------------------------------------------------------------------------- imports

def test_importing_the_workspace_template_says_where_it_was_stored_and_no_hidden_sheet_warning(tmp_path):
    ws = init_workspace(tmp_path / "w")
    fw = framework_for_year(YEAR)
    wb = openpyxl.load_workbook(ws.path / "templat" / f"spd_{fw.year}.xlsx")
    sheet = wb["SPD"]
    for r in range(2, sheet.max_row + 1):
        sheet.cell(r, 1, "Kab. Blora")
        sheet.cell(r, 4, 1)
    wb.save(tmp_path / "spd.xlsx")
    result = CliRunner().invoke(main, ["import", "spd", str(tmp_path / "spd.xlsx"), "--year", str(YEAR),
                                       "--workspace", str(ws.path)])
    assert result.exit_code == 0, result.output
    assert "hidden sheet" not in result.output  # 'Pilihan' holds the template's drop-down lists, never data
    assert "written: nothing" not in result.output and f"written: {ws.path / 'tabel' / str(YEAR)}" in result.output


def test_a_second_sheet_with_innovations_is_not_dropped_silently(tmp_path):
    fw = framework_for_year(YEAR)
    wb = openpyxl.Workbook()
    for title, ids in (("Dinkes", ("A1", "A2")), ("Disdik", ("B1", "B2", "B3"))):
        sheet = wb.active if title == "Dinkes" else wb.create_sheet(title)
        sheet.title = title
        sheet.append(["Pemda", "ID Inovasi", "OPD", *map(str, fw.sid_indicators)])
        for ident in ids:
            sheet.append(["Kab. Blora", ident, title, *[1] * 20])
    wb.save(tmp_path / "per_opd.xlsx")
    report = import_file("innovations", tmp_path / "per_opd.xlsx", YEAR, write=False)
    assert report.rows_read == 2
    assert any("Disdik" in w and "3 rows" in w and "NOT read" in w for w in report.warnings), report.warnings


def test_the_same_file_cannot_be_the_data_of_two_years(tmp_path):
    ws = init_workspace(tmp_path / "w")
    inn = _innovations_csv(tmp_path / "inovasi.csv", np.ones((3, 20), int), ["Dinas Sosial"])
    ws.import_file("innovations", inn, YEAR)
    before = (ws.path / "workspace.json").read_text()
    with pytest.raises(WorkspaceError, match=f"already stored as the {YEAR} innovations.*Check --year"):
        ws.import_file("innovations", inn, YEAR - 1)
    assert (ws.path / "workspace.json").read_text() == before and not (ws.path / "tabel" / str(YEAR - 1)).exists()
    opd = tmp_path / "opd.csv"
    opd.write_text("Nama OPD\nDinas Sosial\n", encoding="utf-8")
    ws.import_file("opd", opd, YEAR, pemda=BLORA)
    ws.import_file("opd", opd, YEAR - 1, pemda=BLORA)  # one OPD list may serve two years


def test_an_annex_whose_title_names_another_year_is_refused(tmp_path):
    ws = init_workspace(tmp_path / "w")
    ax = _annex_csv(tmp_path / "lampiran.csv", ANNEX,
                    title="LAMPIRAN HASIL PENGUKURAN INDEKS INOVASI DAERAH TAHUN 2024")
    result = CliRunner().invoke(main, ["import", "annex", str(ax), "--year", "2023", "--workspace", str(ws.path)])
    assert result.exit_code == 1 and "row 1" in result.output and "names the IID of 2024" in result.output
    assert "check --year" in result.output and "Traceback" not in result.output
    assert Workspace(ws.path).manifest().empty
    parts = ws.import_file("annex", ax, 2024)  # the right year is accepted
    assert parts[0].rows == len(ANNEX)
    assert any(f"lists {len(ANNEX)} pemda" in w for w in ws.last_report.warnings)  # far fewer than took part


def test_an_interrupted_import_leaves_no_table_behind(tmp_path, monkeypatch):
    ws = init_workspace(tmp_path / "w")
    inn = _innovations_csv(tmp_path / "inovasi.csv", np.ones((3, 20), int), ["Dinas Sosial"])

    def interrupted(self):
        raise KeyboardInterrupt

    monkeypatch.setattr(Workspace, "_save_manifest", interrupted)
    with pytest.raises(KeyboardInterrupt):
        ws.import_file("innovations", inn, YEAR)
    assert list((ws.path / "tabel").rglob("*.csv")) == [] and Workspace(ws.path).manifest().empty
    assert ws.manifest().empty  # the object itself forgot the half-done import too


def test_opd_list_without_pemda_duplicates_and_empty_rows(tmp_path):
    ws = init_workspace(tmp_path / "w")
    opd = tmp_path / "daftar_opd.csv"
    opd.write_text("Nama OPD,Singkatan\nDinas Kesehatan,Dinkes\n,\nDINAS KESEHATAN ,\n  ,\nDinas Perhubungan,Dishub\n",
                   encoding="utf-8")
    result = CliRunner().invoke(main, ["import", "opd", str(opd), "--year", str(YEAR), "--workspace", str(ws.path)])
    assert result.exit_code == 1 and "--pemda" in result.output and "Kabupaten Bone" not in result.output
    assert result.output.count("row") <= 1  # one sentence, not one per row
    part = ws.import_file("opd", opd, YEAR, pemda="Kab. Blora")[0]
    assert part.rows == 2  # empty rows skipped, "DINAS KESEHATAN " is Dinas Kesehatan again
    table = Workspace(ws.path).table("opd")
    assert table["opd_name"].tolist() == ["Dinas Kesehatan", "Dinas Perhubungan"]
    assert table["opd_abbrev"].tolist() == ["Dinkes", "Dishub"]


# --------------------------------------------------------------------------- status and reports

def test_status_of_a_workspace_with_only_an_annex_lists_it(tmp_path):
    ws = init_workspace(tmp_path / "w")
    ws.import_file("annex", _annex_csv(tmp_path / "lampiran.csv", ANNEX), YEAR)
    result = CliRunner().invoke(main, ["workspace", "status", str(ws.path), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert f"No pemda answers for {YEAR} yet" in result.output and "annex: 4 rows" in result.output
    assert "lampiran.csv (" in result.output and "holds no data" not in result.output
    reports = CliRunner().invoke(main, ["reports", "--workspace", str(ws.path), "-o", str(tmp_path / "r")])
    assert reports.exit_code == 1 and "holds no pemda answers yet" not in reports.output  # Indonesian by default
    assert "belum memuat jawaban pemda" in reports.output and "Traceback" not in reports.output


# --------------------------------------------------------------------------- project

@pytest.fixture
def blora(tmp_path):
    """Blora 2024: 12 innovations by four OPDs, SPD answers at level 1, the annex of 2024."""
    rng = np.random.default_rng(11)
    levels = rng.integers(1, 4, (12, 20))
    ws = init_workspace(tmp_path / "w")
    opds = ["Dinas Kesehatan", "Dinkes", "Dinas Kesehatan Kab. Blora", "Dinas Pendidikan"]
    ws.import_file("innovations", _innovations_csv(tmp_path / "inovasi.csv", levels, opds), YEAR)
    ws.import_file("spd", _spd_csv(tmp_path / "spd.csv", 1), YEAR)
    ws.import_file("annex", _annex_csv(tmp_path / "lampiran.csv", ANNEX), YEAR)
    return ws, levels, opds


def test_an_opd_spelled_three_ways_is_one_opd(blora, tmp_path):
    ws, levels, opds = blora
    opd = tmp_path / "daftar_opd.csv"
    opd.write_text("Nama OPD,Singkatan\nDinas Kesehatan,Dinkes\nDinas Pendidikan,Disdik\nDinas Sosial,\n",
                   encoding="utf-8")
    ws.import_file("opd", opd, YEAR, pemda=BLORA)
    p = project(from_workspace(ws, kode_wilayah=BLORA), BLORA, YEAR, plans=False)
    board = p.opds.set_index("opd_name")
    points = _points(levels)
    health = sum(points[j] for j in range(len(levels)) if j % 4 != 3)  # three spellings of the health office
    assert board.loc["Dinas Kesehatan", "innovations"] == 9
    assert board.loc["Dinas Kesehatan", "sid_points"] == pytest.approx(health)
    assert board.loc["Dinas Pendidikan", "sid_points"] == pytest.approx(points[3::4].sum())
    assert "Dinkes" not in board.index and "Dinas Kesehatan Kab. Blora" not in board.index
    assert board.loc["Dinas Sosial", "status"] == "belum_berinovasi"
    assert board.loc["Dinas Kesehatan", "rank"] == 1 and board["sid_points_share"].sum() == pytest.approx(1.0)


def test_without_an_opd_list_the_pemda_name_at_the_end_still_joins(blora):
    ws, levels, _ = blora
    p = project(from_workspace(ws), BLORA, YEAR, plans=False)
    names = set(p.opds["opd_name"])
    # "Dinas Kesehatan Kab. Blora" is Dinas Kesehatan; "Dinkes" needs the OPD list's short name to join
    assert names == {"Dinas Kesehatan", "Dinkes", "Dinas Pendidikan"}
    points = _points(levels)
    assert p.opds.set_index("opd_name").loc["Dinas Kesehatan", "sid_points"] == pytest.approx(
        points[0::4].sum() + points[2::4].sum())


def test_project_a_pemda_without_its_spd_answers_says_which_file(tmp_path):
    ws = init_workspace(tmp_path / "w")
    ws.import_file("innovations", _innovations_csv(tmp_path / "inovasi.csv", np.ones((3, 20), int), ["Dinsos"]), YEAR)
    with pytest.raises(MissingAnswersError, match=f"no SPD answers for {YEAR}") as err:
        project(from_workspace(ws), BLORA, YEAR)
    assert err.value.missing == ["spd"]
    result = CliRunner().invoke(main, ["project", "--workspace", str(ws.path), "--pemda", BLORA, "--year",
                                       str(YEAR)])
    said = " ".join(result.output.split())
    assert result.exit_code == 1 and f"Ruang kerja tidak memuat jawaban SPD {YEAR} untuk Kabupaten Blora" in said
    assert f"iid-research import spd BERKAS --year {YEAR}" in said  # the command that mends it
    assert "Error: kode_wilayah" not in result.output and "Traceback" not in result.output
    english = CliRunner().invoke(main, ["project", "--workspace", str(ws.path), "--pemda", BLORA, "--year",
                                        str(YEAR), "--lang", "en"])
    assert f"The workspace holds no {YEAR} SPD answers for Kabupaten Blora" in " ".join(english.output.split())


def test_project_a_pemda_that_is_not_in_the_workspace_names_those_that_are(blora):
    ws, _, _ = blora
    result = CliRunner().invoke(main, ["project", "--workspace", str(ws.path), "--pemda", "Kab. Rembang", "--year",
                                       str(YEAR), "--lang", "en"])
    assert result.exit_code == 1 and "holds no answers of Kabupaten Rembang (33.17)" in result.output
    assert "pemda in the workspace: Kabupaten Blora (33.16)" in result.output


def test_project_xlsx_to_a_place_that_cannot_be_written(blora, tmp_path):
    ws, _, _ = blora
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    result = CliRunner().invoke(main, ["project", "--workspace", str(ws.path), "--pemda", BLORA, "--year", str(YEAR),
                                       "--xlsx", str(blocker / "opd.xlsx")])
    assert result.exit_code == 1 and "cannot write --xlsx" in result.output and "Traceback" not in result.output
    assert blocker.read_text() == "x"


def test_report_texts_follow_the_language_and_the_year_rules(tmp_path):
    ws = init_workspace(tmp_path / "w")
    levels = np.full((12, 20), 3)
    levels[::2, 5] = 1  # Dinkes (every other row) is weakest on indicator 21, named differently in 2023 and 2026
    ws.import_file("innovations", _innovations_csv(tmp_path / "inovasi.csv", levels, ["Dinkes", "Disdik"]), YEAR)
    ws.import_file("spd", _spd_csv(tmp_path / "spd.csv", 3), YEAR)
    ws.import_file("annex", _annex_csv(tmp_path / "lampiran.csv", [("Kabupaten Kudus", 95.0)]), YEAR)
    p = project(from_workspace(ws), BLORA, YEAR, target_rank=1)
    assert (p.plan_steps["kind"] == "new_innovation").any()  # steps no particular OPD must take
    for lang in ("en", "id"):
        shown = pd.concat([wr.plan_by_opd(p, lang)["opd"], wr.scoreboard(p, lang)["opd"]])
        assert not shown.str.contains("OPD mana pun / any OPD", regex=False).any()
    assert "(any OPD)" in set(wr.plan_by_opd(p, "en")["opd"]) and "(OPD mana pun)" in set(wr.plan_by_opd(p, "id")["opd"])
    # weakest indicators are named as the rules of the projected year name them (2024: framework 2023)
    names = framework_for_year(YEAR).sid.set_index("indicator_no")["name_en"]
    for cell, pairs in zip(wr.scoreboard(p, "en")["opd_weakest"], p.opds["weakest_indicators"]):
        assert cell == "; ".join(f"{i} {names[i]} ({g:+.1f})" for i, g in pairs)
    assert any(pairs for pairs in p.opds["weakest_indicators"])


def test_a_report_on_one_pemda_names_its_own_files_only(tmp_path):
    ws = init_workspace(tmp_path / "w")
    for pemda, sub in (("Kab. Blora", "blora"), ("Kab. Rembang", "rembang")):
        (tmp_path / sub).mkdir()
        ws.import_file("innovations", _innovations_csv(tmp_path / sub / "inovasi.csv", np.ones((2, 20), int),
                                                       ["Dinsos"], pemda=pemda), YEAR)
    ws.import_file("annex", _annex_csv(tmp_path / "lampiran.csv", ANNEX), YEAR)
    sources = from_workspace(ws, kode_wilayah=BLORA).sources
    assert sorted(sources["kode_wilayah"]) == [BLORA, "semua"]
    assert len(from_workspace(ws).sources) == 3


def test_the_default_drift_is_the_mean_yearly_change_of_the_published_mean(tmp_path):
    from iid_research.analysis.projection import default_drift

    assert default_drift() == pytest.approx(49.43 - 46.01)  # 2024 → 2025, as published
    ws = init_workspace(tmp_path / "w")
    ws.import_file("innovations", _innovations_csv(tmp_path / "inovasi.csv", np.ones((3, 20), int), ["Dinsos"]), YEAR)
    ws.import_file("spd", _spd_csv(tmp_path / "spd.csv", 1), YEAR)
    ws.import_file("annex", _annex_csv(tmp_path / "lampiran.csv", ANNEX), YEAR - 1)
    result = CliRunner().invoke(main, ["project", "--workspace", str(ws.path), "--pemda", BLORA, "--year", str(YEAR),
                                       "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["rank_basis"] == f"annex {YEAR - 1} + drift +3.42/yr"


def test_innovations_without_an_opd_are_named_in_the_report_language(tmp_path):
    ws = init_workspace(tmp_path / "w")
    ws.import_file("innovations", _innovations_csv(tmp_path / "inovasi.csv", np.full((4, 20), 2), ["Dinsos", ""]),
                   YEAR)
    ws.import_file("spd", _spd_csv(tmp_path / "spd.csv", 2), YEAR)
    p = project(from_workspace(ws), BLORA, YEAR, plans=False)
    assert set(wr.scoreboard(p, "en")["opd"]) == {"Dinsos", "(no OPD name)"}
    assert set(wr.scoreboard(p, "id")["opd"]) == {"Dinsos", "(tanpa nama OPD)"}
    assert p.opds.set_index("opd_name").loc["(tanpa nama)", "innovations"] == 2


def test_the_demo_never_enters_a_real_workspace(tmp_path):
    ws = init_workspace(tmp_path / "w")
    inn = _innovations_csv(tmp_path / "inovasi.csv", np.ones((3, 20), int), ["Dinas Sosial"], year=2023)
    ws.import_file("innovations", inn, 2023)
    before = (ws.path / "workspace.json").read_text()
    result = CliRunner().invoke(main, ["workspace", "demo", str(ws.path)])
    assert result.exit_code == 1 and "not a demo" in result.output and "Traceback" not in result.output
    assert (ws.path / "workspace.json").read_text() == before  # no SIMULASI file was imported
    assert not (ws.path / "berkas_simulasi").exists()
    demo = tmp_path / "demo"
    from iid_research.demo import build_demo_workspace

    build_demo_workspace(demo, years=(2023,))
    result = CliRunner().invoke(main, ["import", "innovations", str(inn), "--year", "2023", "--workspace", str(demo)])
    assert result.exit_code == 1 and "SIMULATED demo workspace" in result.output
    assert "inovasi.csv" not in (demo / "workspace.json").read_text()


@pytest.fixture(scope="module")
def demo_2023(tmp_path_factory):
    """The labelled demo workspace of 2023 (built once): its SIMULASI files, by kind."""
    from iid_research.demo import build_demo_workspace

    demo, files = build_demo_workspace(tmp_path_factory.mktemp("demo") / "demo", years=(2023,))
    kinds = {"daftar_inovasi": "innovations", "jawaban_spd": "spd", "lampiran": "annex", "daftar_opd": "opd"}
    return demo, {next(k for w, k in kinds.items() if w in f.name): f for f in files}


def test_the_demo_workspace_still_takes_its_own_simulated_files(demo_2023):
    demo, files = demo_2023
    assert demo.is_demo and sorted(files) == ["annex", "innovations", "opd", "spd"]
    man = demo.manifest()
    assert sorted(man["kind"]) == ["annex", "innovations", "opd", "spd"]
    assert set(man["source_file"]) == {f.name for f in files.values()}
    assert all(f.name.startswith("SIMULASI_") for f in files.values())
    assert len(demo.table("opd")) > 10  # the OPD list's title row is passed over, its header found below


def _refused(exc_info, name: str, row: int, cell: str):
    message = str(exc_info.value)
    assert message.startswith(f"{name} row {row}, column {cell[0]} ({cell}) reads 'DATA SIMULASI - bukan data "
                              "resmi pemda mana pun (iid-research demo, simulate_iid seed "), message
    assert "labelled SIMULATED demo data" in message and "cannot enter a pemda's workspace" in message
    assert message.endswith("nothing written")


@pytest.mark.parametrize("kind", ["innovations", "spd", "annex", "opd"])
def test_the_demos_simulated_files_never_enter_a_real_workspace(demo_2023, tmp_path, kind):
    from iid_research.importers import DataImportError

    file = demo_2023[1][kind]
    ws = init_workspace(tmp_path / "w")
    before = (ws.path / "workspace.json").read_bytes()
    renamed = tmp_path / f"berkas_pemda{file.suffix}"  # users rename files: the title row decides
    renamed.write_bytes(file.read_bytes())
    row = 2 if kind == "annex" else 1  # the annex's first title names the decree, the second says SIMULASI
    for path in (file, renamed):
        with pytest.raises(DataImportError) as info:
            ws.import_file(kind, path, 2023, pemda="Kab. Blora" if kind == "opd" else None)
        _refused(info, path.name, row, f"A{row}")
    assert (ws.path / "workspace.json").read_bytes() == before and not (ws.path / "tabel").exists()
    result = CliRunner().invoke(main, ["import", kind, str(renamed), "--year", "2023", "--workspace", str(ws.path),
                                       *(["--pemda", "Kab. Blora"] if kind == "opd" else [])])
    assert result.exit_code == 1 and "labelled SIMULATED demo data" in result.output
    assert "Traceback" not in result.output and (ws.path / "workspace.json").read_bytes() == before
    if kind != "opd":  # an OPD list is stored in a workspace only
        result = CliRunner().invoke(main, ["import", kind, str(file), "--year", "2023", "--out", str(tmp_path / "o")])
        assert result.exit_code == 1 and f"ERROR: {file.name} row {row}, column A (A{row}) reads" in result.output
        assert not (tmp_path / "o").exists()


def test_the_demo_workbook_without_its_title_row_is_still_refused(demo_2023, tmp_path):
    from iid_research.importers import DataImportError

    book = openpyxl.load_workbook(demo_2023[1]["innovations"])
    book.active.delete_rows(1)  # the title row deleted, the file renamed: the document title stays
    book.save(tmp_path / "inovasi.xlsx")
    ws = init_workspace(tmp_path / "w")
    with pytest.raises(DataImportError) as info:
        ws.import_file("innovations", tmp_path / "inovasi.xlsx", 2023)
    assert str(info.value).startswith("inovasi.xlsx: the workbook's document properties (title, docProps/core.xml) "
                                      "read 'DATA SIMULASI - bukan data resmi pemda mana pun")
    assert Workspace(ws.path).manifest().empty
    with pytest.raises(WorkspaceError, match="simulated_ok= is not an option of a workspace import"):
        ws.import_file("innovations", tmp_path / "inovasi.xlsx", 2023, simulated_ok=True)


def test_an_opd_list_with_a_title_row_is_read_and_names_rows_as_the_sheet_shows_them(tmp_path):
    from iid_research.importers import DataImportError

    ws = init_workspace(tmp_path / "w")
    opd = tmp_path / "opd.csv"
    opd.write_text("Daftar Perangkat Daerah Kabupaten Blora 2024\nNama OPD,Pemda\nDinas Kesehatan,\n"
                   "Dinas Sosial,Kab. Rembang\n", encoding="utf-8")
    with pytest.raises(DataImportError, match=r"opd\.csv row 4, column 'Pemda': pemda 'Kab\. Rembang' is 33\.17"):
        ws.import_file("opd", opd, YEAR, pemda="Kab. Blora")
    opd.write_text("Daftar Perangkat Daerah Kabupaten Blora 2024\nNama OPD,Pemda\nDinas Kesehatan,\nDinas Sosial,\n",
                   encoding="utf-8")
    ws.import_file("opd", opd, YEAR, pemda="Kab. Blora")
    assert Workspace(ws.path).table("opd")["opd_name"].tolist() == ["Dinas Kesehatan", "Dinas Sosial"]


def test_a_manifest_year_edited_by_hand_is_refused(tmp_path):
    ws = init_workspace(tmp_path / "w")
    ws.import_file("innovations", _innovations_csv(tmp_path / "inovasi.csv", np.ones((3, 20), int), ["Dinsos"]), YEAR)
    meta = json.loads((ws.path / "workspace.json").read_text())
    meta["imports"][0]["year"] = YEAR - 1  # "it was really last year's list"
    (ws.path / "workspace.json").write_text(json.dumps(meta))
    with pytest.raises(WorkspaceError, match="edited by hand"):
        from_workspace(ws.path)


@pytest.mark.slow
def test_notebook_05_says_what_is_missing_and_when_the_target_is_met(tmp_path):
    import re

    from iid_research import config
    from iid_research.render.execute import run_notebook

    ws = init_workspace(tmp_path / "w")
    ws.import_file("innovations", _innovations_csv(tmp_path / "inovasi.csv", np.full((4, 20), 3), ["Dinsos"]), YEAR)
    ws.import_file("annex", _annex_csv(tmp_path / "lampiran.csv", ANNEX), YEAR)
    params = {"workspace": str(ws.path), "kode_wilayah": BLORA, "year": YEAR, "target_rank": 10, "lang": "en"}

    def text(out):
        page = out["html"].read_text(encoding="utf-8")
        return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", page,
                                                                    flags=re.S)))

    missing = text(run_notebook(config.NOTEBOOKS_DIR / "05_workspace_report.ipynb", params, tmp_path / "a"))
    assert f"holds no {YEAR} SPD answers for Kabupaten Blora" in missing and "import spd FILE" in missing
    ws.import_file("spd", _spd_csv(tmp_path / "spd.csv", 3), YEAR)
    met = text(run_notebook(config.NOTEBOOKS_DIR / "05_workspace_report.ipynb", params, tmp_path / "b"))
    # IID 4 × 111 ... rank 1 of the 4 kabupaten: the plan section says the target is met, no empty table
    assert "already meets the target 10" in met and "No data" not in met and "SIMULATED" not in met
    assert "Every innovation has evidence for every mandatory indicator" in met


def test_the_workbook_gap_card_holds_numbers_as_a_reader_reads_them(blora, tmp_path):
    ws, _, _ = blora
    book = tmp_path / "papan skor é" / "opd.xlsx"
    result = CliRunner().invoke(main, ["project", "--workspace", str(ws.path), "--pemda", BLORA, "--year", str(YEAR),
                                       "--target-rank", "1", "--xlsx", str(book), "--lang", "en", "--json"])
    assert result.exit_code == 0, result.output
    gaps = json.loads(result.output)["gaps"]
    rows = list(openpyxl.load_workbook(book)["Gap card"].iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows][1] == "rank 1" and rows[1][1] == gaps[1]["target_score"] == 62.5  # Kab. Semarang
    for gap, row in zip(gaps, rows, strict=True):  # 2 decimals as published, not 6.789999999999999
        assert row[1] == round(gap["target_score"], 2) and row[3] == round(gap["iid_needed"], 2)
        assert all(len(repr(v)) <= 8 for v in row[1:4]), row


def test_the_demo_opd_list_names_each_office_once_with_its_spellings(tmp_path):
    from iid_research.analysis.evaluation import evaluate_opds
    from iid_research.demo import build_demo_workspace
    from iid_research.simulate_records import OPD_CATALOGUE

    ws, _ = build_demo_workspace(tmp_path / "demo", years=(2023,))
    data = from_workspace(ws)
    inn = data.innovations[data.innovations["year"] == 2023]
    board = evaluate_opds(inn, 2023, opd_list=data.opd_list)
    listed = set(data.opd_list["opd_name"])
    # every office with innovations is one of the list's names: "Disdik", "DINAS PENDIDIKAN" and
    # "Dinas Pendidikan Kabupaten Blora" are one row, not three
    assert set(board.loc[board["status"] == "berinovasi", "opd_name"]) <= listed
    assert board["innovations"].sum() == len(inn) and board["opd_name"].is_unique
    assert {full for full, *_ in OPD_CATALOGUE} <= listed


@pytest.mark.slow
def test_a_workspace_with_spd_answers_only_renders_every_report_with_sentences(tmp_path):
    from iid_research.render.batch import workspace_run_list
    from iid_research.render.execute import run_notebook

    ws = init_workspace(tmp_path / "w")
    ws.import_file("spd", _spd_csv(tmp_path / "spd.csv", 2), YEAR)
    jobs = workspace_run_list(ws.path)
    assert [j.notebook.name[:2] for j in jobs] == ["02", "04", "05"]  # no two consecutive years: no 03
    texts = {}
    for job in jobs:
        out = run_notebook(job.notebook, job.parameters, tmp_path / "out")
        texts[job.notebook.name[:2]] = out["html"].read_text(encoding="utf-8")
    assert "Ruang kerja tidak memuat daftar inovasi 2024 pemda ini" in texts["02"]
    assert "Tidak ada data" not in texts["02"]
    assert "iid-research import innovations" in texts["04"] and "iid-research import innovations" in texts["05"]


def test_a_year_missing_one_kind_is_not_scored_as_zeros(tmp_path):
    """SPD answers without the innovation list (or the reverse) give no score, not one with zeros (breaker #1)."""
    from iid_research.notebook import pemda
    from iid_research.notebook import rank_drivers as rd

    prev = YEAR - 1
    ws = init_workspace(tmp_path / "w")
    ws.import_file("innovations", _innovations_csv(tmp_path / "i23.csv", [[2] * 20, [1] * 20], ["Dinkes"],
                                                   year=prev), prev)
    ws.import_file("spd", _spd_csv(tmp_path / "s23.csv", 3, year=prev), prev)
    ws.import_file("spd", _spd_csv(tmp_path / "s24.csv", 2), YEAR)  # 2024: SPD answers only
    data = from_workspace(ws)
    assert data.missing_kinds(BLORA, YEAR) == ["innovations"] and data.missing_kinds(BLORA, prev) == []
    assert not data.has_answers(BLORA, YEAR) and data.has_answers(BLORA, prev)
    scores = data.scores
    scored = scores[(scores["kode_wilayah"] == BLORA) & (scores["source"] == "workspace")]
    assert scored["year"].tolist() == [prev]  # no 2024 score from the files with every SID answer counted 0
    assert rd.missing_answers(data, BLORA, (prev, YEAR)) == [YEAR]  # 03 says what is missing instead
    assert pemda.score_drivers(data, BLORA, prev, YEAR).empty  # 02 shows no drivers of a made-up change
    ws.remove("spd", prev)  # 2023: innovations only
    data = from_workspace(ws)
    assert data.missing_kinds(BLORA, prev) == ["spd"] and (data.scores["source"] != "workspace").all()


def test_init_below_a_file_and_remove_of_an_annex_by_pemda_are_clear_errors(tmp_path):
    a_file = tmp_path / "daftar.csv"
    a_file.write_text("x\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["workspace", "init", str(a_file / "ws")])
    assert result.exit_code == 1 and "cannot create the folder" in result.output, result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)
    ws = init_workspace(tmp_path / "w")
    ws.import_file("annex", _annex_csv(tmp_path / "lampiran.csv", ANNEX), YEAR)
    wrong = CliRunner().invoke(main, ["workspace", "remove", str(ws.path), "annex", "--year", str(YEAR),
                                      "--pemda", BLORA])
    assert wrong.exit_code == 1 and "leave out --pemda to remove the 2024 annex" in wrong.output
    assert len(Workspace(ws.path).manifest()) == 1  # nothing removed


def test_the_workspace_readme_examples_name_the_workspaces_own_pemda(tmp_path):
    """Copying an example from a Tegal workspace's README must not store the files under Blora."""
    tegal = (init_workspace(tmp_path / "tegal", name="Kabupaten Tegal").path / "BACA_SAYA.md").read_text("utf-8")
    assert "--pemda 'Kabupaten Tegal'" in tegal and "Kab. Blora" not in tegal
    other = (init_workspace(tmp_path / "b", name="Bappeda 2024").path / "BACA_SAYA.md").read_text("utf-8")
    assert "--pemda 'NAMA PEMDA'" in other and "Kab. Blora" not in other


def test_the_pemda_report_gives_the_iid_from_the_files_beside_the_published_one(tmp_path):
    """Kab. Tegal published 67,80 for 2024; its own files give another score: 02 says both, and the gap."""
    from iid_research.data import load_iid_results
    from iid_research.notebook import pemda

    tegal, year = "33.28", 2024
    published = load_iid_results()
    published = float(published[(published["kode_wilayah"] == tegal) & (published["year"] == year)]["iid_score"].iloc[0])
    ws = init_workspace(tmp_path / "w")
    ws.import_file("innovations", _innovations_csv(tmp_path / "i.csv", np.full((12, 20), 2), ["Dinkes"],
                                                   pemda="Kab. Tegal"), year)
    spd = tmp_path / "s.csv"
    spd.write_text("pemda,indikator,jawaban\n" + "".join(f"Kab. Tegal,{r},2\n"
                                                         for r in framework_for_year(year).spd_row_ids), "utf-8")
    ws.import_file("spd", spd, year)
    data = from_workspace(ws)
    iid = project(data, tegal, year).score["iid_score"]  # the projection's own path to the same score
    line = pemda.workspace_sentences(data, tegal, year, "en")[0]
    assert line.startswith(f"From the pemda's files, the {year} IID computes to {iid:.2f} (")
    assert f"The published score is {published:.2f}; the difference of {iid - published:+.2f} points" in line


def test_the_demo_innovation_list_without_its_title_is_still_refused_by_its_ids(tmp_path):
    from iid_research.importers import DataImportError

    src = _innovations_csv(tmp_path / "inovasi.csv", np.full((3, 20), 2), ["Dinkes"])
    demo_ids = src.read_text(encoding="utf-8")
    for j in range(3):
        demo_ids = demo_ids.replace(f",I{j},", f",SIM-33.16-{YEAR}-{j + 1:04d},")
    src.write_text(demo_ids, encoding="utf-8")
    ws = init_workspace(tmp_path / "w")
    with pytest.raises(DataImportError, match=r"every innovation id is one the iid-research simulator writes "
                                        rf"\('SIM-33.16-{YEAR}-0001', \.\.\. 3 in all\)"):
        ws.import_file("innovations", src, YEAR)
    assert Workspace(ws.path).manifest().empty  # nothing written
    src.write_text(demo_ids.replace(f"SIM-33.16-{YEAR}-0003", "BLR-03"), encoding="utf-8")  # a pemda's own ids
    assert ws.import_file("innovations", src, YEAR)[0].rows == 3


def test_status_says_what_ranks_are_against_without_the_annex(tmp_path):
    """The reports rank against published plus SIMULATED scores without the annex; status says the same."""
    ws = init_workspace(tmp_path / "w")
    ws.import_file("innovations", _innovations_csv(tmp_path / "i.csv", np.full((3, 20), 2), ["Dinkes"]), YEAR)
    ws.import_file("spd", _spd_csv(tmp_path / "s.csv", 2), YEAR)
    out = " ".join(CliRunner().invoke(main, ["workspace", "status", str(ws.path)]).output.split())
    assert (f"perlu lampiran {YEAR} untuk peringkat resmi (tanpa itu: terhadap nilai dipublikasikan ditambah nilai "
            "SIMULASI)") in out
