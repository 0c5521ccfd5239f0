"""A pemda's own files in a workspace, and every analysis on them (issue 10)."""

import json
import re

import numpy as np
import openpyxl
import pytest
from click.testing import CliRunner

from iid_research import config
from iid_research.cli import main
from iid_research.dataset import from_workspace
from iid_research.frameworks import framework_for_year
from iid_research.scoring import score_pemda
from iid_research.workspace import Workspace, WorkspaceError, init_workspace

BLORA, REMBANG = "33.16", "33.17"
OPDS = ["Dinas Kesehatan Kab. Blora", "Dinas Pendidikan", "Bappeda Blora", "DPMPTSP"]
URUSAN = ["Kesehatan", "pendidikan", "Perencanaan", "Penanaman Modal"]


def _levels(rng, n, fw):
    return rng.integers(0, 4, (n, len(fw.sid_indicators)))


def fill_innovation_template(ws_path, year, kode_name, levels, rng, path, *, as_text=True):
    """Fill the workspace's XLSX innovation template: levels as parameter texts (every other column) or numbers."""
    fw = framework_for_year(year)
    wb = openpyxl.load_workbook(ws_path / "templat" / f"inovasi_{fw.year}.xlsx")
    sheet = wb["Inovasi"]
    sid = fw.sid.set_index("indicator_no")
    for j, row in enumerate(levels):
        cells = [kode_name, f"INO-{year}-{j + 1}", f"Inovasi {j + 1}", OPDS[j % 4], "penerapan", "digital",
                 "pelayanan publik", "opd", URUSAN[j % 4], "", f"{year - 1}-03-01", f"{year - 1}-09-01"]
        for k, (number, level) in enumerate(zip(fw.sid_indicators, row)):
            if as_text and k % 2 == 0 and level > 0:  # the guideline's parameter text, as the drop-down offers
                cells.append(sid.loc[number, f"param{level}"])
            else:
                cells.append(int(level))
        sheet.append(cells)
    wb.save(path)
    return path


def fill_spd_template(ws_path, year, kode_name, spd_levels, path):
    fw = framework_for_year(year)
    wb = openpyxl.load_workbook(ws_path / "templat" / f"spd_{fw.year}.xlsx")
    sheet = wb["SPD"]
    params = fw.spd.set_index("row_id")
    for r in range(2, sheet.max_row + 1):
        row_id = str(sheet.cell(r, 2).value)
        level = spd_levels[row_id]
        sheet.cell(r, 1, kode_name)
        sheet.cell(r, 4, params.loc[row_id, f"param{level}"] if level else "tidak ada")
    wb.save(path)
    return path


def write_annex(path, year, rows):
    lines = [f"LAMPIRAN KEPUTUSAN MENTERI DALAM NEGERI (uji) {year}", "NO,PEMERINTAH DAERAH,NILAI INDEKS,PREDIKAT"]
    lines += [f'{k},{name},"{str(round(score, 2)).replace(".", ",")}",{pred}'
              for k, (name, score, pred) in enumerate(rows, start=1)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


OTHERS = [("Kabupaten Semarang", 81.2, "Sangat Inovatif"), ("Kabupaten Kudus", 50.1, "Inovatif"),
          ("Kabupaten Pati", 40.0, "Inovatif"), ("Kabupaten Demak", 30.0, "Kurang Inovatif"),
          ("Kota Semarang", 70.0, "Sangat Inovatif")]


@pytest.fixture(scope="module")
def filled(tmp_path_factory):
    """A workspace filled from its templates: Blora 2022 and 2023 answers, annexes of both years."""
    root = tmp_path_factory.mktemp("ws")
    ws = init_workspace(root / "blora", name="Kabupaten Blora")
    rng = np.random.default_rng(7)
    truth = {}
    files = root / "files"
    files.mkdir()
    for year, n in ((2022, 14), (2023, 9)):
        fw = framework_for_year(year)
        levels = _levels(rng, n, fw)
        spd = {r: int(rng.integers(0, 4)) for r in fw.spd_row_ids}
        inn = fill_innovation_template(ws.path, year, "Kab. Blora", levels, rng, files / f"daftar_inovasi_{year}.xlsx")
        sp = fill_spd_template(ws.path, year, "Kab. Blora", spd, files / f"jawaban_spd_{year}.xlsx")
        ws.import_file("innovations", inn, year)
        ws.import_file("spd", sp, year)
        covered = len({u.lower() for u in URUSAN[:min(n, 4)]} & {"kesehatan", "pendidikan"})
        truth[year] = score_pemda(spd, [dict(zip(fw.sid_indicators, r)) for r in levels], fw,
                                  n_urusan_yandas=covered)["iid_score"]
        ws.import_file("annex", write_annex(files / f"lampiran_{year}.csv", year, OTHERS), year)
    return ws, truth, files


def test_workspace_init_writes_readme_templates_and_drop_downs(tmp_path):
    ws = init_workspace(tmp_path / "w")
    readme = (ws.path / "BACA_SAYA.md").read_text(encoding="utf-8")
    assert "Apa yang diletakkan di mana" in readme and "iid-research import innovations" in readme
    names = {p.name for p in (ws.path / "templat").iterdir()}
    assert {"inovasi_2026.xlsx", "inovasi_2026.csv", "spd_2023.xlsx", "lampiran.xlsx", "daftar_opd.csv"} <= names
    wb = openpyxl.load_workbook(ws.path / "templat" / "inovasi_2026.xlsx")
    head = [c.value for c in wb["Inovasi"][1]]
    assert head[:5] == ["Pemda", "ID Inovasi", "Nama Inovasi", "OPD", "Tahapan"] and head[12].startswith("16. ")
    formulas = {dv.formula1 for dv in wb["Inovasi"].data_validations.dataValidation}
    fw = framework_for_year(2026)
    pilihan = wb["Pilihan"]
    col16 = [pilihan.cell(r, c).value for c in range(1, pilihan.max_column + 1) if pilihan.cell(1, c).value == "row_16"
             for r in range(2, 6)]
    assert col16 == ["tidak ada", *fw.sid.set_index("indicator_no").loc[16, ["param1", "param2", "param3"]]]
    assert any("Pilihan!" in f for f in formulas) and len(formulas) >= 25  # tahapan ... urusan + 20 SID lists
    with pytest.raises(WorkspaceError, match="not empty and is not a workspace"):
        (tmp_path / "busy").mkdir()
        (tmp_path / "busy" / "x.txt").write_text("x")
        init_workspace(tmp_path / "busy")


def test_imported_scores_equal_the_scoring_engine(filled):
    ws, truth, _ = filled
    data = from_workspace(ws)
    assert data.pemda() == [BLORA] and data.years() == [2022, 2023] and not data.is_simulated
    scores = data.scores.set_index(["kode_wilayah", "year"])
    for year, iid in truth.items():
        assert scores.loc[(BLORA, year), "iid_score"] == pytest.approx(iid, abs=1e-9)
        assert scores.loc[(BLORA, year), "rank_basis"] == "annex"
        # rank by hand among the annex's kabupaten (Semarang 81.2, Kudus 50.1, Pati 40.0, Demak 30.0)
        expected = 1 + sum(s > round(iid, 2) for _, s, _ in OTHERS[:4])
        assert scores.loc[(BLORA, year), "rank"] == expected and scores.loc[(BLORA, year), "rank_of"] == 5
    assert set(data.spd["source"]) == {"workspace"} and set(data.annex["source"]) == {"workspace"}


def test_status_lists_files_and_what_each_analysis_can_do(filled):
    ws, _, _ = filled
    result = CliRunner().invoke(main, ["workspace", "status", str(ws.path), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "daftar_inovasi_2022.xlsx (" in result.output and "lampiran_2023.csv (" in result.output
    assert "decomposition 2022→2023: yes" in result.output
    assert "decomposition 2021→2022: needs the 2021 SPD answers" in result.output


def test_reimport_without_replace_is_refused_and_the_first_data_stays(filled, tmp_path):
    ws, _, files = filled
    table = ws.path / Workspace(ws.path).manifest().query("kind == 'innovations' and year == 2023")["table"].iloc[0]
    before = table.read_bytes()
    other = files / "daftar_inovasi_2022.xlsx"  # a different file for the same kind, pemda and year
    result = CliRunner().invoke(main, ["import", "innovations", str(other), "--year", "2023",
                                       "--workspace", str(ws.path)])
    assert result.exit_code == 1 and "already imported from daftar_inovasi_2023.xlsx" in result.output
    assert "--replace" in result.output and "Traceback" not in result.output
    assert table.read_bytes() == before and len(list(table.parent.glob("innovations_*"))) == 1
    manifest = json.loads((ws.path / "workspace.json").read_text())
    assert [e["source_file"] for e in manifest["imports"] if e["kind"] == "innovations" and e["year"] == 2023] == [
        "daftar_inovasi_2023.xlsx"]


def test_replace_replaces_and_records_the_new_file(tmp_path):
    ws = init_workspace(tmp_path / "w")
    rng = np.random.default_rng(1)
    fw = framework_for_year(2024)
    a = fill_innovation_template(ws.path, 2024, "Kab. Blora", _levels(rng, 3, fw), rng, tmp_path / "a.xlsx")
    b = fill_innovation_template(ws.path, 2024, "Kab. Blora", _levels(rng, 5, fw), rng, tmp_path / "b.xlsx")
    ws.import_file("innovations", a, 2024)
    parts = ws.import_file("innovations", b, 2024, replace=True)
    assert parts[0].replaced and parts[0].rows == 5
    assert Workspace(ws.path).manifest()["source_file"].tolist() == ["b.xlsx"]
    assert [p.name for p in (ws.path / "tabel" / "2024").iterdir()] == [parts[0].table.name]  # the old table gone
    assert len(from_workspace(ws).innovations) == 5


def test_a_stored_table_changed_by_hand_is_refused(tmp_path):
    ws = init_workspace(tmp_path / "w")
    rng = np.random.default_rng(3)
    fw = framework_for_year(2024)
    a = fill_innovation_template(ws.path, 2024, "Kab. Blora", _levels(rng, 3, fw), rng, tmp_path / "a.xlsx")
    part = ws.import_file("innovations", a, 2024)[0]
    part.table.write_text(part.table.read_text().replace("Inovasi 1", "Inovasi X"))
    with pytest.raises(WorkspaceError, match="was changed after its import from a.xlsx"):
        from_workspace(ws)


def test_two_pemda_in_one_workspace_are_each_analysed_on_their_own(tmp_path):
    """Two pemda's files both named daftar_inovasi.csv never overwrite each other."""
    ws = init_workspace(tmp_path / "w")
    fw = framework_for_year(2024)
    head = "pemda," + ",".join(str(i) for i in fw.sid_indicators)
    for name, level, sub in (("Kab. Blora", 1, "blora"), ("Kab. Rembang", 3, "rembang")):
        (tmp_path / sub).mkdir()
        f = tmp_path / sub / "daftar_inovasi.csv"
        f.write_text(head + "\n" + "\n".join(f"{name}," + ",".join([str(level)] * 20) for _ in range(4)) + "\n")
        ws.import_file("innovations", f, 2024)
    man = Workspace(ws.path).manifest()
    assert sorted(man["kode_wilayah"]) == [BLORA, REMBANG] and len(set(man["table"])) == 2
    blora, rembang = from_workspace(ws, kode_wilayah=BLORA), from_workspace(ws, kode_wilayah=REMBANG)
    assert set(blora.innovations["kode_wilayah"]) == {BLORA} and set(rembang.innovations["kode_wilayah"]) == {REMBANG}
    assert (blora.innovations["sid_16"] == 1).all() and (rembang.innovations["sid_16"] == 3).all()


def test_without_an_annex_ranks_are_published_plus_simulated(tmp_path, filled):
    ws, truth, files = filled
    bare = init_workspace(tmp_path / "noannex")
    for year in (2022, 2023):
        bare.import_file("innovations", files / f"daftar_inovasi_{year}.xlsx", year)
        bare.import_file("spd", files / f"jawaban_spd_{year}.xlsx", year)
    data = from_workspace(bare)
    s = data.scores
    assert set(s["rank_basis"]) == {"published+simulated"}
    assert {"published", "simulated", "workspace"} == set(s["source"])
    mine = s[s["kode_wilayah"] == BLORA].set_index("year")
    assert mine.loc[2023, "iid_score"] == pytest.approx(truth[2023])
    field = s[(s["year"] == 2023) & (s["level"] == "kabupaten") & (s["kode_wilayah"] != BLORA)]
    by_hand = 1 + int((field["iid_score"].round(2) > round(truth[2023], 2)).sum())  # no tie at 2 decimals here
    assert mine.loc[2023, "rank"] == by_hand and mine.loc[2023, "rank_of"] == len(field) + 1


# --------------------------------------------------------------------------- reports on the workspace

def _text(html_path) -> str:
    page = open(html_path, encoding="utf-8").read()
    page = re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


@pytest.mark.slow
def test_reports_03_and_04_on_a_complete_workspace_have_no_simulated_part(filled, tmp_path):
    from iid_research.render.execute import run_notebook

    ws, truth, _ = filled
    out = run_notebook(config.NOTEBOOKS_DIR / "03_rank_drivers.ipynb",
                       {"kode_wilayah": BLORA, "year_from": 2022, "year_to": 2023, "workspace": str(ws.path),
                        "lang": "id"}, tmp_path)
    text = _text(out["html"])
    assert "SIMULASI" not in text and "SIMULATED" not in text
    assert f"{truth[2023]:.2f}".replace(".", ",") in text  # the official method applied to the imported answers
    assert "daftar_inovasi_2023.xlsx" in text and "lampiran_2022.csv" in text  # sources named, with sha256
    sha = Workspace(ws.path).manifest().set_index("source_file").loc["lampiran_2022.csv", "source_sha256"]
    assert len(sha) == 64 and sha in text  # the whole checksum, so a reader can check the file
    assert "membutuhkan jawaban indikator banyak pemda" in text  # the cross-pemda section left out, saying why
    out4 = run_notebook(config.NOTEBOOKS_DIR / "04_opd_clusters.ipynb",
                        {"kode_wilayah": BLORA, "year": 2023, "workspace": str(ws.path), "lang": "en"}, tmp_path)
    text4 = _text(out4["html"])
    assert "SIMULATED" not in text4 and "SIMULASI" not in text4
    assert "Dinas Kesehatan Kab. Blora" in text4  # OPDs named as the pemda's own file names them


@pytest.mark.slow
def test_a_workspace_with_one_year_says_what_is_missing(tmp_path, filled):
    from iid_research.render.execute import run_notebook

    _, _, files = filled
    one = init_workspace(tmp_path / "one")
    one.import_file("innovations", files / "daftar_inovasi_2023.xlsx", 2023)
    one.import_file("spd", files / "jawaban_spd_2023.xlsx", 2023)
    out = run_notebook(config.NOTEBOOKS_DIR / "03_rank_drivers.ipynb",
                       {"kode_wilayah": BLORA, "year_from": 2022, "year_to": 2023, "workspace": str(one.path),
                        "lang": "en"}, tmp_path)
    text = _text(out["html"])
    assert "The workspace holds no 2022 answers for Kabupaten Blora" in text
    assert "iid-research import innovations FILE --year 2022" in text
    out4 = run_notebook(config.NOTEBOOKS_DIR / "04_opd_clusters.ipynb",
                        {"kode_wilayah": BLORA, "year": 2023, "workspace": str(one.path), "lang": "en"}, tmp_path)
    assert "Dinas Pendidikan" in _text(out4["html"])


@pytest.mark.slow
def test_pemda_report_without_workspace_has_no_simulated_text_and_says_which_files(tmp_path):
    from iid_research.render.execute import run_notebook

    out = run_notebook(config.NOTEBOOKS_DIR / "02_pemda_report.ipynb", {"kode_wilayah": BLORA, "year": 2023},
                       tmp_path)
    text = _text(out["html"])
    assert "SIMULASI" not in text and "SIMULATED" not in text and "simulasi" not in text.lower()
    assert "iid-research workspace init" in text and "templat" in text


@pytest.mark.slow
def test_pemda_report_with_workspace_shows_drivers_from_the_files(filled, tmp_path):
    from iid_research.render.execute import run_notebook

    ws, _, _ = filled
    out = run_notebook(config.NOTEBOOKS_DIR / "02_pemda_report.ipynb",
                       {"kode_wilayah": BLORA, "year": 2023, "workspace": str(ws.path), "lang": "en"}, tmp_path)
    text = _text(out["html"])
    assert "SIMULATED" not in text and "The three components that moved the score most 2022→2023" in text
    assert "OPDs contributing the most SID points" in text and "jawaban_spd_2023.xlsx" in text
    # the lines from the files stand under the workspace banner, not under the published-facts one
    own = text.index("The three components that moved the score most")
    assert text.index("REAL DATA") < text.index("PEMDA DATA") < own
