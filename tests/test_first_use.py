"""A new user's first hour: the project's own templates, its --help, its file names, its demo, `make bench`.

Each test started as a problem a new user met: the SPD template filled with `--pemda` and the Pemda
column left empty was refused row by row; `import --help` showed a literal ``\\b``; nothing said which
template serves which assessment year; the demo's XLSX changed bytes on every build; `make bench` did not
finish.  Expected values are written out by hand or read from the rules files directly.
"""

import hashlib
import re
import subprocess
import sys
from pathlib import Path

import click
import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from iid_research import config
from iid_research.cli import main
from iid_research.workspace import Workspace, init_workspace

ROOT = Path(__file__).resolve().parents[1]
YEAR = 2024
BLORA, REMBANG = "33.16", "33.17"
SPD_ROWS = ["1", "2a", "2b", "3", "4", "5a", "5b", "6", "7", "8", "9", "10a", "10b", "11a", "11b", "12", "13a",
            "13b", "14", "15"]  # the SPD rows of the 2023 framework, as the guideline lists them


def _import(*args):
    return CliRunner().invoke(main, ["import", *map(str, args)])


def _fill_spd_xlsx(template: Path, out: Path, pemda_cells: dict[int, str] | None = None) -> dict[str, int]:
    """Fill the levels of the SPD template (level = row number mod 4), Pemda left empty unless given."""
    wb = openpyxl.load_workbook(template)
    sheet = wb["SPD"]
    levels = {}
    for r in range(2, sheet.max_row + 1):
        levels[str(sheet.cell(r, 2).value)] = r % 4
        sheet.cell(r, 4, r % 4)
        if pemda_cells and r in pemda_cells:
            sheet.cell(r, 1, pemda_cells[r])
    wb.save(out)
    return levels


def _fill_spd_csv(template: Path, out: Path) -> dict[str, int]:
    frame = pd.read_csv(template, dtype=str, keep_default_na=False)
    frame["Jawaban"] = [str(k % 4) for k in range(len(frame))]
    frame.to_csv(out, index=False)
    return {row_id: k % 4 for k, row_id in enumerate(frame["Indikator"])}


# --------------------------------------------------------------------------- 1. --pemda fills empty Pemda cells

def test_the_spd_template_filled_without_pemda_imports_with_pemda_option(tmp_path):
    ws = init_workspace(tmp_path / "ws")
    levels = _fill_spd_xlsx(ws.path / "templat" / "spd_2023.xlsx", tmp_path / "spd.xlsx")
    assert list(levels) == SPD_ROWS  # the template lists every SPD row once, Pemda empty
    result = _import("spd", tmp_path / "spd.xlsx", "--year", YEAR, "--pemda", "Kab. Blora", "--workspace", ws.path)
    assert result.exit_code == 0, result.output
    assert "rows read 20, matched 20, rejected 0" in result.output
    assert "20 empty cell(s) in column 'Pemda' read as the pemda given (33.16 Kabupaten Blora)" in result.output
    table = Workspace(ws.path).table("spd", year=YEAR)
    assert set(table["kode_wilayah"]) == {BLORA}
    got = dict(zip(table["indicator_no"].astype(str) + table["sub"].astype(str), table["level"]))
    assert got == levels


def test_the_csv_spd_template_filled_without_pemda_imports_with_pemda_option(tmp_path):
    ws = init_workspace(tmp_path / "ws")
    levels = _fill_spd_csv(ws.path / "templat" / "spd_2023.csv", tmp_path / "spd.csv")
    result = _import("spd", tmp_path / "spd.csv", "--year", YEAR, "--pemda", "33.16", "--workspace", ws.path)
    assert result.exit_code == 0, result.output
    table = Workspace(ws.path).table("spd", year=YEAR)
    assert set(table["kode_wilayah"]) == {BLORA} and len(table) == 20
    assert dict(zip(table["indicator_no"].astype(str) + table["sub"].astype(str), table["level"])) == levels


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_the_innovation_template_filled_without_pemda_imports_with_pemda_option(tmp_path, suffix):
    ws = init_workspace(tmp_path / "ws")
    template = ws.path / "templat" / f"inovasi_2023.{suffix}"
    rows = [["", f"INO-{k}", f"Inovasi {k}", "Dinas Kesehatan"] + [""] * 8 + [str((k + j) % 4) for j in range(20)]
            for k in range(1, 4)]
    out = tmp_path / f"inovasi.{suffix}"
    if suffix == "xlsx":
        wb = openpyxl.load_workbook(template)
        for r in rows:
            wb["Inovasi"].append([None if v == "" else v for v in r])
        wb.save(out)
    else:
        head = pd.read_csv(template, nrows=0).columns.tolist()
        pd.DataFrame(rows, columns=head).to_csv(out, index=False)
    result = _import("innovations", out, "--year", YEAR, "--pemda", "Kab. Blora", "--workspace", ws.path)
    assert result.exit_code == 0, result.output
    table = Workspace(ws.path).table("innovations", year=YEAR)
    assert table["kode_wilayah"].tolist() == [BLORA] * 3
    assert table["innovation_id"].tolist() == ["INO-1", "INO-2", "INO-3"]
    assert table["sid_16"].tolist() == [1, 2, 3] and table["sid_35"].tolist() == [0, 1, 2]


def test_a_pemda_cell_naming_another_pemda_than_the_option_is_a_row_error_naming_both(tmp_path):
    ws = init_workspace(tmp_path / "ws")
    _fill_spd_xlsx(ws.path / "templat" / "spd_2023.xlsx", tmp_path / "spd.xlsx",
                   pemda_cells={2: "Kab. Blora", 5: "Kabupaten Rembang"})
    result = _import("spd", tmp_path / "spd.xlsx", "--year", YEAR, "--pemda", "Kab. Blora", "--workspace", ws.path,
                     "--strict")
    assert result.exit_code == 1
    assert ("spd.xlsx row 5, column 'Pemda' (A5): pemda 'Kabupaten Rembang' is 33.17 Kabupaten Rembang, not the "
            "pemda given with pemda=/--pemda ('Kab. Blora', 33.16 Kabupaten Blora)") in result.output
    assert "rejected 1" in result.output  # row 2 names the pemda given: accepted; the empty rows take it
    assert Workspace(ws.path).manifest().empty


def test_without_the_option_an_empty_pemda_cell_says_to_give_it(tmp_path):
    ws = init_workspace(tmp_path / "ws")
    _fill_spd_xlsx(ws.path / "templat" / "spd_2023.xlsx", tmp_path / "spd.xlsx")
    result = _import("spd", tmp_path / "spd.xlsx", "--year", YEAR, "--workspace", ws.path)
    assert result.exit_code == 1
    assert re.search(r"spd\.xlsx row 2, column 'Pemda' \(A2\): pemda is empty; fill in the pemda, or give the pemda "
                     r"of the file with pemda=/--pemda", result.output)


def test_an_opd_list_with_a_pemda_column_takes_the_option_for_empty_cells_and_refuses_another(tmp_path):
    ws = init_workspace(tmp_path / "ws")
    good = tmp_path / "opd.csv"
    good.write_text("Pemda,Nama OPD\n,Dinas Kesehatan\nKab. Blora,Dinas Pendidikan\n", encoding="utf-8")
    part = ws.import_file("opd", good, YEAR, pemda="Kab. Blora")[0]
    assert (part.kode_wilayah, part.rows) == (BLORA, 2)
    bad = tmp_path / "opd_bad.csv"
    bad.write_text("Pemda,Nama OPD\n,Dinas Kesehatan\nKab. Rembang,Dinas Pendidikan\n", encoding="utf-8")
    result = _import("opd", bad, "--year", YEAR, "--pemda", "Kab. Blora", "--workspace", ws.path, "--replace")
    assert result.exit_code == 1
    assert ("opd_bad.csv row 3, column 'Pemda': pemda 'Kab. Rembang' is 33.17 Kabupaten Rembang, not the pemda "
            "given with --pemda ('Kab. Blora', 33.16 Kabupaten Blora)") in result.output
    assert Workspace(ws.path).table("opd")["opd_name"].tolist() == ["Dinas Kesehatan", "Dinas Pendidikan"]


def test_an_opd_list_is_read_from_the_sheet_given_and_refuses_options_it_cannot_honour(tmp_path):
    ws = init_workspace(tmp_path / "ws")
    book = tmp_path / "opd.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Petunjuk"
    wb.active.append(["Isi daftar OPD di lembar 'Daftar'"])
    daftar = wb.create_sheet("Daftar")
    for row in (["Nama OPD", "Singkatan"], ["Dinas Kesehatan", "Dinkes"], ["Dinas Sosial", ""]):
        daftar.append(row)
    wb.save(book)
    first = _import("opd", book, "--year", YEAR, "--pemda", "Kab. Blora", "--workspace", ws.path)
    assert first.exit_code == 1 and "no column 'Nama OPD'" in first.output  # the instructions sheet is first
    ok = _import("opd", book, "--year", YEAR, "--pemda", "Kab. Blora", "--workspace", ws.path, "--sheet", "Daftar")
    assert ok.exit_code == 0, ok.output
    assert Workspace(ws.path).table("opd")["opd_name"].tolist() == ["Dinas Kesehatan", "Dinas Sosial"]
    csv = tmp_path / "opd.csv"
    csv.write_text("Nama OPD\nDinas Kesehatan\n", encoding="utf-8")
    on_csv = _import("opd", csv, "--year", YEAR, "--pemda", "Kab. Blora", "--workspace", ws.path, "--sheet", "X")
    assert on_csv.exit_code == 1 and "--sheet 'X' applies to workbooks (.xlsx)" in on_csv.output
    for option in (["--skip-hidden"], ["--max-bad-share", "0.2"]):
        usage = _import("opd", book, "--year", YEAR, "--pemda", "Kab. Blora", "--workspace", ws.path, *option)
        assert usage.exit_code == 2 and "an OPD list is read whole" in usage.output, option


# --------------------------------------------------------------------------- 2. every command's --help

def _commands(group=main, path=()):
    """(path, command) of every command and group under ``main``."""
    yield path, group
    for name, cmd in getattr(group, "commands", {}).items():
        yield from _commands(cmd, (*path, name))


def _help(path) -> str:
    result = CliRunner().invoke(main, [*path, "--help"], terminal_width=100)
    assert result.exit_code == 0, (path, result.output)
    return result.output


def test_no_help_shows_a_literal_backslash_b_and_every_option_says_what_it_does():
    undocumented = []
    for path, cmd in _commands():
        text = _help(path)
        assert "\\b" not in text and "\b" not in text, path
        undocumented += [f"{' '.join(path)} {p.opts[0]}" for p in cmd.params
                         if isinstance(p, click.Option) and not p.help and p.name != "version"]
    assert not undocumented, undocumented


def test_import_help_lists_each_kind_on_its_own_line():
    text = _help(["import"])
    for kind in ("annex", "innovations", "spd", "opd"):
        assert re.search(rf"^  {kind} +\S", text, re.MULTILINE), (kind, text)
    assert re.search(r"^  opd +the pemda's OPD list \(with --workspace only\)$", text, re.MULTILINE)


def test_workspace_demo_takes_a_pemda_name_as_its_help_says_and_refuses_unsimulated_years(tmp_path):
    result = CliRunner().invoke(main, ["workspace", "demo", str(tmp_path / "d"), "--pemda", "Kab. Rembang",
                                       "--year", "2023"])
    assert result.exit_code == 0, result.output
    assert Workspace(tmp_path / "d").pemda() == [REMBANG]
    for args, said in ((["--year", "2019"], "demo years [2019]: the simulator covers 2021, 2022, 2023, 2024, 2025"),
                       (["--pemda", "Atlantis"], "'Atlantis' matches no pemda")):
        result = CliRunner().invoke(main, ["workspace", "demo", str(tmp_path / "e"), *args])
        assert result.exit_code == 1 and said in result.output and "Traceback" not in result.output, result.output
        assert not (tmp_path / "e").exists()  # nothing written


def test_reports_help_names_the_notebooks_a_workspace_renders(tmp_path):
    from iid_research.render.batch import workspace_run_list

    ws = init_workspace(tmp_path / "ws")
    for year in (2022, 2023):  # two consecutive scored years: every workspace report, 03 included
        spd = tmp_path / f"spd_{year}.csv"
        spd.write_text("pemda,indikator,level\n" + "".join(f"Kab. Blora,{r},{year % 4}\n" for r in SPD_ROWS),
                       encoding="utf-8")
        ws.import_file("spd", spd, year)
        sid = [str(i) for i in range(16, 36)]  # the SID indicators of the 2023 framework
        inn = tmp_path / f"inovasi_{year}.csv"
        inn.write_text("pemda,id inovasi,nama inovasi,opd,tahapan,urusan," + ",".join(sid) + "\n"
                       f"Kab. Blora,I1,Inovasi {year},Dinas Kesehatan,penerapan,Kesehatan," + ",".join(["2"] * 20) + "\n",
                       encoding="utf-8")
        ws.import_file("innovations", inn, year)
    text = " ".join(_help(["reports"]).split())
    m = re.search(r"--workspace DIRECTORY Render the reports of this workspace's pemda \((\d\d)-(\d\d);", text)
    assert m, text
    named = {f"{k:02d}" for k in range(int(m.group(1)), int(m.group(2)) + 1)}
    rendered = {job.notebook.name[:2] for job in workspace_run_list(ws.path)}
    assert named == rendered == {"02", "03", "04", "05"}


# --------------------------------------------------------------------------- 3. which template for which year

def _rules() -> pd.DataFrame:
    return pd.read_csv(config.PACKAGE_DIR / "rules" / "assessment_years.csv")


def _years_by_framework() -> dict[str, str]:
    """Framework -> its assessment years as "2021–2025", read from the rules file directly."""
    out = {}
    for framework, years in _rules().groupby("framework")["year"]:
        years = sorted(years)
        assert years == list(range(years[0], years[-1] + 1))  # consecutive today: written as a span
        out[str(framework)] = f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])
    return out


def test_baca_saya_says_which_template_serves_which_assessment_years(tmp_path):
    ws = init_workspace(tmp_path / "ws")
    readme = (ws.path / "BACA_SAYA.md").read_text(encoding="utf-8")
    expected = _years_by_framework()
    assert expected["2023"] == "2021–2025" and expected["2026"] == "2026"
    for framework, span in expected.items():
        assert f"`inovasi_{framework}` dan `spd_{framework}` (.xlsx/.csv): tahun penilaian {span}" in readme
    framework_2024 = int(_rules().set_index("year").loc[2024, "framework"])
    assert re.search(rf"iid-research import spd \S*ws/templat/spd_{framework_2024}\.xlsx --year 2024 --pemda 'NAMA "
                     r"PEMDA' --workspace", readme), readme  # no --name: the placeholder, never another pemda


def test_workspace_init_prints_which_template_serves_which_assessment_years(tmp_path):
    result = CliRunner().invoke(main, ["workspace", "init", str(tmp_path / "ws")])
    assert result.exit_code == 0, result.output
    for framework, span in _years_by_framework().items():
        assert f"inovasi_{framework} dan spd_{framework} (.xlsx/.csv): tahun penilaian {span}" in result.output
    english = CliRunner().invoke(main, ["workspace", "init", str(tmp_path / "ws"), "--lang", "en"]).output
    assert "inovasi_2023 and spd_2023 (.xlsx/.csv): for the assessments of 2021–2025" in english


def test_readme_table_of_templates_matches_the_rules():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `inovasi_(\d{4})`, `spd_\1` \(\.xlsx/\.csv\) \| ([^|]+?) \|$", readme, re.MULTILINE))
    assert rows == _years_by_framework()


# --------------------------------------------------------------------------- 4. the demo, byte for byte

def _hashes(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def demos(tmp_path_factory):
    """The demo workspace built twice, in two folders of different names, more than a second apart."""
    import time

    from iid_research.demo import build_demo_workspace

    first = build_demo_workspace(tmp_path_factory.mktemp("a") / "demo")[0]
    time.sleep(1.1)  # the document times openpyxl writes have one-second resolution
    second = build_demo_workspace(tmp_path_factory.mktemp("b") / "contoh lain")[0]
    return first, second


def test_the_demo_built_twice_is_the_same_bytes(demos):
    first, second = demos
    a, b = _hashes(first.path), _hashes(second.path)
    xlsx = [name for name in a if name.endswith(".xlsx")]
    assert len(xlsx) >= 8  # the demo's innovation lists and every template are workbooks
    assert a.keys() == b.keys()
    assert {k: v for k, v in a.items() if b[k] != v} == {}


def test_every_workbook_carries_fixed_times(demos):
    import zipfile

    for path in sorted(demos[0].path.rglob("*.xlsx")):
        with zipfile.ZipFile(path) as z:
            assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}, path
            core = z.read("docProps/core.xml").decode()
        assert re.findall(r"<dcterms:(?:created|modified)[^>]*>([^<]*)<", core) == ["1980-01-01T00:00:00Z"] * 2
        assert openpyxl.load_workbook(path).sheetnames  # still a workbook Excel and openpyxl open


def test_the_projection_workbook_and_contract_templates_are_the_same_bytes_twice(demos, tmp_path):
    import time

    from iid_research.analysis.projection import project
    from iid_research.contracts import write_templates
    from iid_research.dataset import from_workspace
    from iid_research.render.workbook import write_projection_workbook

    result = project(from_workspace(demos[0].path), BLORA, 2023, target_rank=10)
    write_projection_workbook(result, tmp_path / "a.xlsx")
    write_templates(tmp_path / "ta")
    time.sleep(1.1)
    write_projection_workbook(result, tmp_path / "b.xlsx")
    write_templates(tmp_path / "tb")
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()
    assert _hashes(tmp_path / "ta") == _hashes(tmp_path / "tb") and len(_hashes(tmp_path / "ta")) == 4


# --------------------------------------------------------------------------- 5. make bench

def test_make_bench_is_quick_by_default_and_says_how_to_run_the_full_size():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import bench_reports
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    quick, full = bench_reports.parse_args([]), bench_reports.parse_args(["--full"])
    assert quick.n == 100 and 0 < quick.naive_sample <= 10  # ours on 100 reports, the naive loop on a few
    assert full.naive_sample == 0 and bench_reports.naive_estimate(12.0, 3, 100) == 400.0
    helptext = subprocess.run(["make", "-s", "help"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    bench = next(line for line in helptext.splitlines() if line.split()[:1] == ["bench"])
    assert re.search(r"\d+ min", bench) and "bench-full" in bench
    assert any(line.split()[:1] == ["bench-full"] and re.search(r"\d+ min", line) for line in helptext.splitlines())


# --------------------------------------------------------------------------- 6. a new user's review of `import`

def test_the_empty_spd_template_is_refused_as_no_answer_filled_in(tmp_path):
    ws = init_workspace(tmp_path / "ws")
    template = ws.path / "templat" / "spd_2023.xlsx"
    result = _import("spd", template, "--year", YEAR, "--pemda", "Kab. Blora", "--workspace", ws.path)
    assert result.exit_code == 1
    assert ("ERROR: spd_2023.xlsx: no answer is filled in: is this the empty template? The column 'Jawaban' (D) is "
            "empty in all 20 data row(s) (rows 2-21)") in result.output
    assert Workspace(ws.path).manifest().empty and not (ws.path / "tabel").exists()


def test_an_spd_template_with_one_answer_filled_keeps_todays_behaviour(tmp_path):
    ws = init_workspace(tmp_path / "ws")
    wb = openpyxl.load_workbook(ws.path / "templat" / "spd_2023.xlsx")
    wb["SPD"].cell(2, 4, 3)  # SPD row 1: level 3; the 19 other answers left empty
    wb.save(tmp_path / "spd.xlsx")
    result = _import("spd", tmp_path / "spd.xlsx", "--year", YEAR, "--pemda", "Kab. Blora", "--workspace", ws.path)
    assert result.exit_code == 0, result.output
    assert "warning: 19 empty SPD answer(s) read as level 0 (not filled)" in result.output
    table = Workspace(ws.path).table("spd", year=YEAR)
    assert len(table) == 20 and table["level"].tolist() == [3] + [0] * 19


def test_an_innovation_list_without_any_sid_answer_is_refused(tmp_path):
    ws = init_workspace(tmp_path / "ws")
    wb = openpyxl.load_workbook(ws.path / "templat" / "inovasi_2023.xlsx")
    for k in (1, 2):  # names and OPD typed in, no answer to indicators 16-35
        wb["Inovasi"].append([None, f"INO-{k}", f"Inovasi {k}", "Dinas Kesehatan"])
    wb.save(tmp_path / "inovasi.xlsx")
    result = _import("innovations", tmp_path / "inovasi.xlsx", "--year", YEAR, "--pemda", "Kab. Blora",
                     "--workspace", ws.path)
    assert result.exit_code == 1
    assert ("inovasi.xlsx: no answer is filled in: is this the empty template? The columns '16. Regulasi Inovasi "
            "Daerah' (M) to '35. Kualitas Inovasi Daerah' (AF) are empty in all 2 data row(s) (rows 2-3)") in result.output
    assert Workspace(ws.path).manifest().empty


# by template column (M = indicator 16, O = 18, P = 19): the 2023 framework's parameter texts of levels 3, 1
# and 3 (rules/indicators_2023.csv), none of them a 2026 text
TEXTS_2023 = {13: "Peraturan Kepala Daerah / Peraturan Daerah",
              15: "Anggaran dialokasikan pada kegiatan penerapan inovasi di T-0 (tahun berjalan)",
              16: "Pelaksanaan kerja sudah didukung sistem informasi online / daring"}


def _inovasi_2023_filled(ws: Path, out: Path, texts: bool) -> Path:
    """The 2023 innovation template with three rows; SID answers level 1, or the 2023 texts of 16, 18, 19."""
    wb = openpyxl.load_workbook(ws / "templat" / "inovasi_2023.xlsx")
    for k in (1, 2, 3):
        row = [None, f"INO-{k}", f"Inovasi {k}", "Dinas Kesehatan"] + [None] * 8 + [1] * 20
        for col, text in (TEXTS_2023.items() if texts else ()):
            row[col - 1] = text
        wb["Inovasi"].append(row)
    wb.save(out)
    return out


def test_the_2023_template_imported_for_a_2026_year_says_so_first_and_last(tmp_path):
    ws = init_workspace(tmp_path / "ws")
    book = _inovasi_2023_filled(ws.path, tmp_path / "inovasi.xlsx", texts=True)
    result = _import("innovations", book, "--year", 2026, "--pemda", "Kab. Blora", "--workspace", ws.path)
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    # the headers of 17, 19, 21, 30, 32 and 35 are the 2023 names (rules/indicators_*.csv: the others differ
    # in case only); the texts of 16, 18 and 19 are 2023 parameter texts
    expected = ("ERROR: inovasi.xlsx: this file follows the 2023 framework's template (parameter texts of indicators "
                "16, 18, 19 in rows 2-4; headers of indicators 17, 19, 21, 30, 32, 35 in row 1); --year 2026 is scored "
                "on the 2026 framework: use templat/inovasi_2026.xlsx, or check --year (the 2023 framework scores "
                "2021–2025). 3 of 3 rows rejected (100.0%)")
    assert lines[0].startswith(expected) and lines[-1] == lines[0]
    assert "rejected rows:" in result.output and Workspace(ws.path).manifest().empty


def test_the_2023_template_with_levels_imported_for_a_2026_year_warns_first(tmp_path):
    ws = init_workspace(tmp_path / "ws")
    book = _inovasi_2023_filled(ws.path, tmp_path / "inovasi.xlsx", texts=False)
    result = _import("innovations", book, "--year", 2026, "--pemda", "Kab. Blora", "--workspace", ws.path)
    assert result.exit_code == 0, result.output  # levels are levels; but they were chosen from other texts
    assert result.output.splitlines()[0] == (
        "warning: inovasi.xlsx: this file follows the 2023 framework's template (headers of indicators 17, 19, 21, 30, "
        "32, 35 in row 1); --year 2026 is scored on the 2026 framework: use templat/inovasi_2026.xlsx, or check --year "
        "(the 2023 framework scores 2021–2025)")
    assert result.output.count("follows the 2023 framework") == 1


@pytest.mark.parametrize("framework, year", [(2023, 2024), (2026, 2026)])
def test_a_template_imported_for_a_year_of_its_own_framework_gets_no_hint(tmp_path, framework, year):
    ws = init_workspace(tmp_path / "ws")
    wb = openpyxl.load_workbook(ws.path / "templat" / f"inovasi_{framework}.xlsx")
    wb["Inovasi"].append([None, "INO-1", "Inovasi 1", "Dinas Kesehatan"] + [None] * 8 + [2] * 20)
    wb.save(tmp_path / "inovasi.xlsx")
    result = _import("innovations", tmp_path / "inovasi.xlsx", "--year", year, "--pemda", "Kab. Blora",
                     "--workspace", ws.path)
    assert result.exit_code == 0, result.output
    assert "framework's template" not in result.output
    assert result.output.startswith("innovations ")


@pytest.mark.parametrize("target", ["--workspace", "--out"])
def test_a_missing_file_is_one_line_naming_its_absolute_path(tmp_path, monkeypatch, target):
    ws = init_workspace(tmp_path / "ws")
    monkeypatch.chdir(tmp_path)
    result = _import("innovations", "daftar_inovasi_2024.xlsx", "--year", YEAR, target,
                     ws.path if target == "--workspace" else tmp_path / "out")
    assert result.exit_code == 1
    assert result.output == f"error: {tmp_path.resolve() / 'daftar_inovasi_2024.xlsx'}: file not found\n"
    assert not (tmp_path / "out").exists() and Workspace(ws.path).manifest().empty


def test_import_hints_for_spd_innovations_and_opd_give_the_pemda(tmp_path):
    from iid_research.text import t

    for lang, word in (("id", "BERKAS"), ("en", "FILE")):
        text = t("nb03_missing_answers", lang, year=YEAR, nama="Kabupaten Blora")
        for kind in ("innovations", "spd"):
            assert (f'`iid-research import {kind} {word} --year {YEAR} --pemda "Kabupaten Blora" --workspace FOLDER`'
                    in text), text
        text = t("nb05_missing_kind", lang, year=YEAR, nama="Kabupaten Blora", what="x", kind="spd")
        assert f'`iid-research import spd {word} --year {YEAR} --pemda "Kabupaten Blora" --workspace FOLDER`' in text
        text = t("nb04_ws_missing", lang, year=YEAR, where="Kabupaten Blora (33.16)")
        placeholder = "NAMA PEMDA" if lang == "id" else "PEMDA NAME"
        assert f'import innovations {word} --year {YEAR} --pemda "{placeholder}" --workspace FOLDER`' in text
    readme = (init_workspace(tmp_path / "ws").path / "BACA_SAYA.md").read_text(encoding="utf-8")
    project_readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for text in (readme, project_readme):
        commands = re.findall(r"iid-research import (innovations|spd|opd) \S+ --year 2024 "
                              r"(--pemda (?:\"Kab\. Blora\"|'NAMA PEMDA') )?", text)
        assert {kind for kind, _ in commands} == {"innovations", "spd", "opd"}
        assert all(pemda for _, pemda in commands), commands
