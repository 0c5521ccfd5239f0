"""Files as pemda really send them (issue 15): no silent wrong value, no traceback, nothing left behind.

The corpus cases in ``bad_inputs/cases.csv`` check the messages; these tests check the values read,
the options (``column=``, ``skip_hidden=``), the output names, and interrupted or failing writes.
Expected values are written out by hand from the input files.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from iid_research import importers
from iid_research.cli import import_command
from iid_research.data import region_matcher
from iid_research.importers import DataImportError, import_annex, import_file, import_innovations, import_spd
from iid_research.importers import sheets as importer_sheets
from iid_research.importers.csvfile import repair_decimal_commas
from iid_research.importers.dates import parse_date, read_date_column
from iid_research.importers.grid import Sheet
from iid_research.importers.output import ImportedFileError

BAD = Path(__file__).parent / "bad_inputs"
SRC = str(Path(importers.__file__).parents[2])


def _cases():
    with open(BAD / "cases.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


# --------------------------------------------------------------------------- 1 decimal commas

def test_unquoted_decimal_commas_read_as_the_numbers_written():
    t = import_annex(BAD / "annex_decimal_comma_unquoted.csv", 2024, write=False, strict=True).table
    # rows "82,80,1", "55,5,2" and "50,3" (a whole score 50, rank 3)
    assert t["iid_score"].tolist() == [82.8, 55.5, 50.0]
    assert t["rank"].tolist() == [1, 2, 3]


def test_extra_fields_in_different_places_are_row_errors():
    sheet = Sheet("x.csv", [["NO", "NAMA", "X", "Y"], ["1", "Blora", "60", "01", "t"], ["2", "Pati", "t", "50", "5"]],
                  delimiter=",")
    errors = repair_decimal_commas(sheet, 0, 4, ["NO", "NAMA", "X", "Y"])
    assert sorted(errors) == [1, 2]
    assert "decimal commas in different places" in errors[1][1]
    assert sheet.rows[1] == ["1", "Blora", "60", "01", "t"]  # left as read, never half-repaired


def test_extra_field_in_innovation_name_is_a_row_error(tmp_path):
    src = tmp_path / "inovasi.csv"
    src.write_text("pemda,nama inovasi," + ",".join(f"sid_{i}" for i in range(16, 36)) + "\n"
                   "Kab. Blora,Sehat," + ",".join(["1"] * 20) + "\n"
                   "Kab. Blora,Sehat, Cerdas," + ",".join(["2"] * 20) + "\n", encoding="utf-8")
    with pytest.raises(DataImportError) as info:
        import_innovations(src, 2024, write=False, strict=True)
    rejected = info.value.report.rejected
    assert rejected["row"].tolist() == [3] and "the row has 23 fields but the header has 22" in rejected.iloc[0]["reason"]


# --------------------------------------------------------------------------- 2 score sub-columns

def test_column_option_picks_the_sub_column(tmp_path):
    src = BAD / "annex_score_subcolumns_no_year.csv"  # NILAI IID over 2022 | 2023, imported as 2024
    assert import_annex(src, 2024, write=False, column="2023").table["iid_score"].tolist() == [60.01]
    assert import_annex(src, 2024, write=False, column="C").table["iid_score"].tolist() == [55.5]
    with pytest.raises(DataImportError, match="column='2021' .* names no column of the header; columns are '2022'"):
        import_annex(src, 2024, write=False, column="2021")
    res = CliRunner().invoke(import_command, ["annex", str(src), "--year", "2024", "--column", "2023", "--out",
                                              str(tmp_path)])
    assert res.exit_code == 0, res.output
    assert pd.read_csv(tmp_path / "annex_2024_annex_score_subcolumns_no_year.csv")["iid_score"].tolist() == [60.01]
    with pytest.raises(ValueError, match="column= applies to the annex only"):
        import_file("spd", BAD / "spd_missing_sub.csv", 2024, column="x")


# --------------------------------------------------------------------------- 3 wrapped names

def test_wrapped_name_with_the_score_on_the_second_row(tmp_path):
    src = tmp_path / "a.csv"
    src.write_text('NO,PEMERINTAH DAERAH,NILAI INDEKS,PREDIKAT\n12,Kota Tangerang,,\n,Selatan,"60,01",Sangat Inovatif\n'
                   '13,Kota Tangerang,"55,00",Inovatif\n', encoding="utf-8")
    t = import_annex(src, 2024, write=False, strict=True).table
    assert t["kode_wilayah"].tolist() == ["36.74", "36.71"]  # Kota Tangerang Selatan, then Kota Tangerang
    assert t["iid_score"].tolist() == [60.01, 55.0] and t["source_row"].tolist() == [2, 4]


def test_footnote_after_a_short_name_is_not_a_wrapped_name(tmp_path):
    src = tmp_path / "a.csv"
    src.write_text('NO,PEMERINTAH DAERAH,NILAI INDEKS,PREDIKAT\n1,Kota Tangerang,"60,01",Sangat Inovatif\n'
                   ',MENTERI DALAM NEGERI,,\n', encoding="utf-8")
    rep = import_annex(src, 2024, write=False, strict=True)
    assert rep.table["kode_wilayah"].tolist() == ["36.71"]
    assert "row 3: 'MENTERI DALAM NEGERI'" in rep.warnings[0]


# --------------------------------------------------------------------------- 4 spreadsheet errors

@pytest.mark.parametrize("engine", ["calamine", "openpyxl"])
def test_error_cells_are_never_level_0(monkeypatch, engine):
    if engine == "calamine":
        pytest.importorskip("python_calamine")
    monkeypatch.setattr(importer_sheets, "XLSX_ENGINE", engine)
    rep = import_innovations(BAD / "innovations_excel_errors.xlsx", 2024, write=False, max_bad_share=1)
    assert rep.table["innovation_id"].tolist() == ["INV-1"]  # INV-2 (#N/A, formula) and INV-3 (#DIV/0!) rejected
    assert sorted(rep.rejected["cell"]) == ["C3", "D3", "V4"]
    assert not any("empty" in w for w in rep.warnings)


def test_exported_error_text_in_spd_answer_is_rejected(tmp_path):
    src = tmp_path / "spd.csv"
    src.write_text("pemda,indikator,level\nKab. Blora,1,3\nKab. Blora,2a,#N/A\n", encoding="utf-8")
    rep = import_spd(src, 2024, write=False, max_bad_share=1)
    assert rep.table["level"].tolist() == [3]
    assert "spreadsheet error #N/A" in rep.rejected.iloc[0]["reason"] and rep.rejected.iloc[0]["column"] == "level"


# --------------------------------------------------------------------------- 5 hidden rows and columns

def test_hidden_rows_imported_by_default_or_skipped():
    src = BAD / "annex_hidden_rows.xlsx"  # row 3 (Kab. Pati) is hidden
    assert import_annex(src, 2024, write=False).table["kode_wilayah"].tolist() == ["33.16", "33.18", "33.17"]
    rep = import_annex(src, 2024, write=False, skip_hidden=True)
    assert rep.table["kode_wilayah"].tolist() == ["33.16", "33.17"]
    assert "1 hidden row(s) (3) skipped" in rep.warnings[0]


def test_hidden_column_named(tmp_path):
    src = tmp_path / "h.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["NO", "PEMERINTAH DAERAH", "NILAI INDEKS", "PREDIKAT", "CATATAN"])
    ws.append([1, "Kab. Blora", 60.01, "Sangat Inovatif", "cek ulang"])
    ws.column_dimensions["E"].hidden = True
    wb.save(src)
    assert "1 hidden column(s) (E)" in import_annex(src, 2024, write=False).warnings[0]


# --------------------------------------------------------------------------- 6 dates

def test_dates_serials_month_names_and_order():
    assert parse_date(45352) == (pd.Timestamp(2024, 3, 1), None)  # 45292 is 2024-01-01, +31 +29 days
    assert parse_date("45352") == (pd.Timestamp(2024, 3, 1), None)
    assert parse_date("1 Maret 2024")[0] == pd.Timestamp(2024, 3, 1)
    assert parse_date("Jumat, 1 Maret 2024")[0] == pd.Timestamp(2024, 3, 1)
    assert parse_date("15-Agt-2024")[0] == pd.Timestamp(2024, 8, 15)
    assert parse_date(dt.date(2024, 2, 29))[0] == pd.Timestamp(2024, 2, 29)
    assert parse_date("02/05/2024", "mdy")[0] == pd.Timestamp(2024, 2, 5)
    assert parse_date("02/05/2024")[0] == pd.Timestamp(2024, 5, 2)
    ts, err = parse_date(2024)
    assert ts is pd.NaT and "is a number, not a date" in err
    values, errors, warnings = read_date_column(pd.Series(["25/03/2024", "03/25/2024", "02/05/2024"], index=[2, 3, 4]),
                                                "tanggal")
    assert values[:2] == [pd.Timestamp(2024, 3, 25)] * 2 and list(errors) == [4]
    assert "day-first ('25/03/2024') and month-first ('03/25/2024')" in warnings[0]


def test_month_first_file_read_month_first():
    t = import_innovations(BAD / "innovations_dates_month_first.csv", 2024, write=False, strict=True).table
    assert t["trial_date"].tolist() == [pd.Timestamp(2024, 3, 25), pd.Timestamp(2024, 2, 5)]
    assert t["implementation_date"].tolist() == [pd.Timestamp(2024, 6, 1), pd.Timestamp(2024, 4, 5)]


def test_serials_and_month_names_in_a_file():
    t = import_innovations(BAD / "innovations_dates_serial_and_month_names.csv", 2024, write=False, strict=True).table
    assert t["trial_date"].tolist() == [pd.Timestamp(2024, 3, 1)] * 2
    assert t["implementation_date"].tolist() == [pd.Timestamp(2024, 3, 1), pd.Timestamp(2024, 8, 15)]


# --------------------------------------------------------------------------- 8 encodings

def test_one_cp1252_line_decoded_alone():
    rep = import_annex(BAD / "annex_utf8_one_cp1252_line.csv", 2024, write=False, strict=True)
    assert rep.encoding == "utf-8+cp1252"
    assert rep.rows_skipped[0][2] == "LAMPIRAN – KEPUTUSAN"  # the UTF-8 line stays UTF-8 (not 'â€“')


# --------------------------------------------------------------------------- 9 same name, different pemda

def test_same_file_name_for_two_pemda_never_replaces(tmp_path):
    out = tmp_path / "out"
    for pemda in ("blora", "pati"):
        (tmp_path / pemda).mkdir()
        shutil.copy(BAD / f"innovations_same_name_{pemda}.csv", tmp_path / pemda / "inovasi.csv")
    first = import_innovations(tmp_path / "blora" / "inovasi.csv", 2024, out_dir=out).output_path
    second = import_innovations(tmp_path / "pati" / "inovasi.csv", 2024, out_dir=out).output_path
    assert (first.name, second.name) == ("innovations_2024_33.16_inovasi.csv", "innovations_2024_33.18_inovasi.csv")
    assert importers.read_imported(first)["kode_wilayah"].tolist() == ["33.16"]
    assert importers.read_imported(second)["kode_wilayah"].tolist() == ["33.18"]
    assert json.loads(second.with_suffix(".meta.json").read_text())["pemda"] == ["33.18"]
    import_innovations(tmp_path / "blora" / "inovasi.csv", 2024, out_dir=out)  # the same pemda again: replaced
    assert len(list(out.iterdir())) == 4


# --------------------------------------------------------------------------- 10 no traceback

def test_out_below_a_regular_file(tmp_path):
    blocker = tmp_path / "not_a_folder"
    blocker.write_text("x")
    res = CliRunner().invoke(import_command, ["annex", str(BAD / "annex_interrupted_import.csv"), "--year", "2024",
                                              "--out", str(blocker / "sub")])
    assert res.exit_code == 1
    assert f"{blocker} is a file, not a folder" in res.output and "Traceback" not in res.output
    assert blocker.read_text() == "x"


def test_unexpected_error_is_a_message_not_a_traceback(monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("something odd")

    monkeypatch.setattr(importers, "import_file", boom)
    res = CliRunner().invoke(import_command, ["annex", str(BAD / "annex_interrupted_import.csv"), "--year", "2024"])
    assert res.exit_code == 1
    assert "annex_interrupted_import.csv: the import failed unexpectedly (RuntimeError: something odd)" in res.output


def _cli(args, **kwargs):
    env = {**os.environ, "PYTHONPATH": SRC}
    return subprocess.run([sys.executable, "-m", "iid_research.cli", *args], env=env, capture_output=True, text=True,
                          timeout=120, **kwargs)


def test_full_disk_is_a_clear_error(tmp_path):
    import resource

    out = tmp_path / "out"
    args = ["import", "annex", str(BAD / "annex_interrupted_import.csv"), "--year", "2024", "--out", str(out)]
    assert _cli(args).returncode == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def limit():  # writes beyond 100 bytes fail (EFBIG), as on a full disk
        resource.setrlimit(resource.RLIMIT_FSIZE, (100, 100))

    res = _cli(args, preexec_fn=limit)
    assert res.returncode == 1, res.stderr
    assert "file-size limit" in res.stderr and "nothing written" in res.stderr and "Traceback" not in res.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # previous pair intact, no temp file


_SLOW_CLI = """
import sys, time
from pathlib import Path
import pandas as pd
from iid_research.cli import main

def slow(self, path, **kwargs):
    Path(path).write_text("kode_wilayah,na")
    Path(sys.argv[1]).write_text("writing")
    time.sleep(60)

pd.DataFrame.to_csv = slow
main(sys.argv[2:])
"""


def _interrupt(tmp_path, sig):
    out = tmp_path / "out"
    src = BAD / "annex_interrupted_import.csv"
    args = ["import", "annex", str(src), "--year", "2024", "--out", str(out)]
    assert _cli(args).returncode == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    marker = tmp_path / "marker"
    child = subprocess.Popen([sys.executable, "-c", _SLOW_CLI, str(marker), *args], env={**os.environ,
                             "PYTHONPATH": SRC}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(600):
            if marker.exists() or child.poll() is not None:
                break
            time.sleep(0.1)
        assert marker.exists(), child.communicate()
        child.send_signal(sig)
        _, err = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
    return out, before, child.returncode, err


@pytest.mark.parametrize("sig, code, word", [(signal.SIGTERM, 143, "terminated"), (signal.SIGINT, 130, "interrupted")])
def test_sigterm_and_ctrl_c_leave_previous_output_and_no_temp(tmp_path, sig, code, word):
    out, before, returncode, err = _interrupt(tmp_path, sig)
    assert returncode == code and word in err and "Traceback" not in err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_after_sigkill_the_next_import_removes_the_stale_temp(tmp_path):
    out, before, returncode, _ = _interrupt(tmp_path, signal.SIGKILL)
    assert returncode == -signal.SIGKILL
    stale = [p.name for p in out.iterdir() if p.name.endswith(".tmp")]
    assert stale and {p.name: p.read_bytes() for p in out.iterdir() if p.name in before} == before
    rep = import_annex(BAD / "annex_interrupted_import.csv", 2024, out_dir=out)
    assert sorted(p.name for p in out.iterdir()) == sorted(before)
    assert any(f"removed {len(stale)} temporary file(s)" in w for w in rep.warnings)


def test_table_and_sidecar_always_from_the_same_import(tmp_path, monkeypatch):
    from iid_research import _io

    out = tmp_path / "out"
    first = import_annex(BAD / "annex_interrupted_import.csv", 2024, out_dir=out).output_path
    importers.read_imported(first)  # a matching pair reads
    src = tmp_path / "annex_interrupted_import.csv"
    src.write_text(BAD.joinpath("annex_interrupted_import.csv").read_text().replace("50,50", "51,50"))
    real_replace, calls = os.replace, []

    def replace_then_die(a, b):  # killed between the table's rename and the sidecar's
        calls.append(b)
        if len(calls) == 2:
            raise KeyboardInterrupt
        real_replace(a, b)

    monkeypatch.setattr(_io.os, "replace", replace_then_die)
    with pytest.raises(KeyboardInterrupt):
        import_annex(src, 2024, out_dir=out)
    monkeypatch.undo()
    assert [Path(c).name for c in calls] == [first.name, first.with_suffix(".meta.json").name]  # sidecar last
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]
    with pytest.raises(ImportedFileError, match="does not match its sidecar"):
        importers.read_imported(first)
    first.with_suffix(".meta.json").unlink()
    with pytest.raises(ImportedFileError, match="no sidecar"):
        importers.read_imported(first)
    assert importers.read_imported(first, check=False)["iid_score"].tolist() == [60.01, 51.5]


# --------------------------------------------------------------------------- 12 region names

def test_region_names_as_annexes_write_them():
    m = region_matcher()
    assert [m.match(q) for q in ("Kab. Kep. Selayar", "Prov. Kep. Riau", "Kep. Bangka Belitung", "Kota Tidore Kep.",
                                 "Kab. Kep. Mentawai")] == ["73.01", "21", "19", "82.72", "13.09"]
    assert m.match("Kabupaten Toba Samosir") == "12.12" and m.match("Kabupaten Samosir") == "12.17"
    assert m.match("91.01") == "93.01"  # Merauke's code before Papua Selatan
    assert m.match("Kab. Sorong", province="Papua Barat", year=2021) == "96.01"
    with pytest.raises(Exception, match="is not in province"):
        m.match("Kab. Sorong", province="Papua Barat", year=2024)
    t = import_annex(BAD / "annex_kep_abbreviation.csv", 2024, write=False, strict=True).table
    assert t["kode_wilayah"].tolist() == ["21", "73.01", "82.72"]
    t = import_annex(BAD / "annex_2021_former_province.csv", 2021, write=False, strict=True).table
    assert t["kode_wilayah"].tolist() == ["93.01", "96.01", "91.03"]


def test_region_changes_table_is_consistent():
    changes = pd.read_csv(Path(importers.__file__).parents[1] / "mappings" / "region_changes.csv", dtype=str,
                          keep_default_na=False)
    codes = set(region_matcher().regions["kode_wilayah"])
    assert set(changes["kode_wilayah"]) <= codes
    moved = changes[changes["change"] == "moved"]
    assert not set(moved["former_kode"]) & codes  # a former code never names another pemda today
    assert (moved["former_kode"].str[:2] == moved["former_province"]).all()
    assert len(moved) == 26  # 4 + 8 + 8 kabupaten from Papua, 6 from Papua Barat


# --------------------------------------------------------------------------- 13-16

def test_ties_and_opini_bpk_values():
    assert import_annex(BAD / "annex_rank_ties.csv", 2024, write=False, strict=True).table["rank"].tolist() == [1, 2, 2, 4]
    t = import_spd(BAD / "spd_opini_bpk_abbreviation.csv", 2026, write=False, strict=True).table
    # WTP = level 3, WDP = 2, TW and TMP = 1 (indicators_2026.csv, SPD 8), Wajar Tanpa Pengecualian = WTP
    assert t["level"].tolist() == [3, 2, 1, 1, 3]


def test_summary_row_under_an_innovation_list_skipped(tmp_path):
    src = tmp_path / "inovasi.csv"
    head = "no,pemda," + ",".join(f"sid_{i}" for i in range(16, 36))
    src.write_text(head + "\n1,Kab. Blora," + ",".join(["1"] * 20) + "\nJUMLAH,," + ",".join(["1"] * 20) + "\n",
                   encoding="utf-8")
    rep = import_innovations(src, 2024, write=False, strict=True)
    assert rep.rows_read == 1 and "1 summary row(s) skipped" in rep.warnings[-1]


def test_every_rejection_names_its_column(tmp_path):
    for case in _cases():
        if case["outcome"] != "error":
            continue
        try:
            import_file(case["kind"], BAD / case["file"], int(case["year"]), write=False,
                        strict=case["strict"] == "true")
        except DataImportError as exc:
            rejected = exc.report.rejected
            assert (rejected["column"].astype(str).str.len() > 0).all(), (case["file"], rejected)
