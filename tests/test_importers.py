"""Tests of the importers: good files parsed right, each bad file refused with a clear message."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from iid_research import importers
from iid_research.cli import import_command
from iid_research.importers import DataImportError, import_annex, import_file, import_innovations, import_spd
from iid_research.importers import sheets as importer_sheets
from iid_research.importers.cells import LevelReader, parse_date

BAD = Path(__file__).parent / "bad_inputs"


def _cases():
    with open(BAD / "cases.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


# --------------------------------------------------------------------------- bad-input corpus

def test_corpus_has_one_case_per_file():
    listed = {c["file"] for c in _cases()}
    present = {p.name for p in BAD.iterdir() if p.name not in ("cases.csv", "make_corpus.py", "__pycache__")}
    assert listed == present


@pytest.mark.parametrize("case", _cases(), ids=lambda c: c["file"])
def test_bad_input_case(case, tmp_path):
    kwargs = dict(out_dir=tmp_path, strict=case["strict"] == "true")
    if case["outcome"] == "error":
        with pytest.raises(DataImportError) as info:
            import_file(case["kind"], BAD / case["file"], int(case["year"]), **kwargs)
        message = str(info.value)
        assert info.value.report.output_path is None
        assert list(tmp_path.iterdir()) == []  # nothing written
    else:  # "warning": the fragments are in the warnings; "ok": in the warnings or the output file name
        report = import_file(case["kind"], BAD / case["file"], int(case["year"]), **kwargs)
        message = "\n".join(report.warnings + ([report.output_path.name] if case["outcome"] == "ok" else []))
        assert report.output_path is not None and report.output_path.exists()
        assert report.output_path.with_suffix(".meta.json").exists()
        if case["outcome"] == "ok":
            assert report.rows_rejected == 0
    for fragment in case["expected"].split(" && "):
        assert fragment in message, f"{fragment!r} not in:\n{message}"


def test_rejected_frame_names_file_row_column_reason(tmp_path):
    with pytest.raises(DataImportError) as info:
        import_annex(BAD / "annex_score_out_of_range.csv", 2024, out_dir=tmp_path, strict=True)
    rep = info.value.report
    assert (rep.rows_read, rep.rows_matched, rep.rows_rejected) == (2, 1, 1)
    row = rep.rejected.iloc[0]
    assert row["file"] == "annex_score_out_of_range.csv"
    assert row["row"] == 3 and row["column"] == "NILAI INDEKS" and row["cell"] == "C3"
    assert "outside 0-100" in row["reason"]


def test_bad_rows_dropped_when_share_allowed(tmp_path):
    # 1 of 3 rows bad: refused at the default 5 %, accepted at 50 % with the bad row listed
    report = import_annex(BAD / "annex_too_many_bad.csv", 2024, out_dir=tmp_path, max_bad_share=0.5)
    assert (report.rows_read, report.rows_matched, report.rows_rejected) == (3, 2, 1)
    out = pd.read_csv(report.output_path, dtype={"kode_wilayah": str})
    assert list(out["kode_wilayah"]) == ["33.16", "33.74"]
    assert report.rejected.iloc[0]["row"] == 4


# --------------------------------------------------------------------------- good annex files

def _realistic_annex(path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Lampiran"
    ws.append(["LAMPIRAN"])
    ws.append(["KEPUTUSAN MENTERI DALAM NEGERI REPUBLIK INDONESIA"])
    ws.append(["NOMOR 400.10.11-4898 TAHUN 2024"])
    ws.append(["TENTANG INDEKS INOVASI DAERAH TAHUN 2024"])
    ws.append([])
    ws.append(["NO.", "PEMERINTAH\nDAERAH", "NILAI\nINDEKS", "Predikat", "PERINGKAT"])
    ws.append(["A. PROVINSI"])
    ws.append([1, "PROV. JAWA TENGAH", 71.5, "SANGAT INOVATIF", 1])
    ws.append([2, "Provinsi Jawa Timur", "68,20", "Sangat Inovatif", 2])
    ws.append(["B. KABUPATEN"])
    ws.append([None, "PROVINSI JAWA TENGAH"])
    ws.append([1, "Kab. Blora", "60,01", "Sangat Inovatif", 1])
    ws.append([2, "SEMARANG", "55,5", "inovatif", 2])  # bare: the KABUPATEN section decides
    ws.append([None, "PROVINSI JAWA TIMUR"])
    ws.append([])
    # page break in the PDF: header repeated inside the kabupaten section
    ws.append(["NO.", "PEMERINTAH\nDAERAH", "NILAI\nINDEKS", "Predikat", "PERINGKAT"])
    ws.append([3, "MALANG", 34.99, "Kurang Inovatif", 3])  # bare: still the KABUPATEN section
    # a second table with its own header
    ws.append(["NO", "KABUPATEN/KOTA", "SKOR", "PREDIKAT", "PERINGKAT"])
    ws.append(["C. KOTA"])
    ws.append([1, "SEMARANG", "66,66", "Sangat Inovatif", 1])
    ws.append([2, "Kota Surabaya", "64,10", "Sangat Inovatif", 2])
    ws.append([])
    ws.append(["Keterangan: *) nilai dibulatkan dua angka di belakang koma"])
    ws.append([None, "MENTERI DALAM NEGERI,"])
    ws.append([None, "ttd"])
    ws.append([None, "MUHAMMAD TITO KARNAVIAN"])
    wb.save(path)


@pytest.mark.parametrize("engine", ["calamine", "openpyxl"])
def test_realistic_annex_xlsx(tmp_path, monkeypatch, engine):
    if engine == "calamine":
        pytest.importorskip("python_calamine")
    monkeypatch.setattr(importer_sheets, "XLSX_ENGINE", engine)
    src = tmp_path / "lampiran_iid_2024.xlsx"
    _realistic_annex(src)
    report = import_annex(src, 2024, out_dir=tmp_path / "out", strict=True)
    t = report.table.set_index("source_row")
    assert (report.rows_read, report.rows_matched, report.rows_rejected) == (7, 7, 0)
    assert t.loc[12, "kode_wilayah"] == "33.16" and t.loc[12, "iid_score"] == pytest.approx(60.01)
    assert t.loc[12, "nama"] == "Kabupaten Blora" and t.loc[12, "level"] == "kabupaten"
    assert t.loc[13, "kode_wilayah"] == "33.22"  # SEMARANG in the kabupaten section
    assert t.loc[20, "kode_wilayah"] == "33.74"  # SEMARANG in the kota section
    assert t.loc[8, "kode_wilayah"] == "33" and t.loc[8, "level"] == "provinsi"
    assert t.loc[9, "iid_score"] == pytest.approx(68.2)
    assert t.loc[13, "predicate"] == "Inovatif" and t.loc[8, "predicate"] == "Sangat Inovatif"
    assert t.loc[17, "kode_wilayah"] == "35.07" and t.loc[17, "rank"] == 3  # Kabupaten Malang
    assert list(report.table.columns) == importers.ANNEX_COLUMNS
    assert report.warnings and "MUHAMMAD TITO KARNAVIAN" in report.warnings[0]
    skipped = {row: text for _, row, text in report.rows_skipped}
    assert skipped[16] == skipped[18] == "repeated header" and 11 in skipped and 1 in skipped
    written = pd.read_csv(report.output_path, dtype={"kode_wilayah": str})
    assert written["kode_wilayah"].tolist() == ["33", "35", "33.16", "33.22", "35.07", "33.74", "35.78"]
    meta = report.output_path.with_suffix(".meta.json").read_text()
    assert report.input_sha256 in meta


def test_annex_two_row_header_and_sheets_per_cluster(tmp_path):
    src = tmp_path / "lampiran_2025.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Provinsi"
    ws.append(["NO", "PROVINSI", "INDEKS INOVASI DAERAH", None])
    ws.merge_cells("C1:D1")
    ws.append([None, None, "NILAI", "PREDIKAT"])
    ws.append([1, "JAWA TENGAH", "65,02", "Sangat Inovatif"])
    ws2 = wb.create_sheet("Kota")
    ws2.append(["Klaster Kota"])
    ws2.append(["No", "Kota", "Skor", "Predikat"])
    ws2.append([1, "Semarang", 40.0, "Kurang Inovatif"])
    hidden = wb.create_sheet("catatan")
    hidden.append(["tidak dibaca"])
    hidden.sheet_state = "hidden"
    wb.save(src)
    rep = import_annex(src, 2025, write=False, strict=True)
    t = rep.table
    assert t["kode_wilayah"].tolist() == ["33", "33.74"]
    assert t["source_file"].tolist() == ["lampiran_2025.xlsx!Provinsi", "lampiran_2025.xlsx!Kota"]
    assert t["source_row"].tolist() == [3, 3] and t["iid_score"].tolist() == [65.02, 40.0]
    assert t["predicate"].tolist() == ["Sangat Inovatif", "Kurang Inovatif"]
    # 2025 thresholds 65.01 / 40.01: both predicates agree; the only warning names the hidden sheet
    assert rep.warnings == ["lampiran_2025.xlsx: hidden sheet(s) 'catatan' not read; unhide them or pass "
                            "sheet=/--sheet to read one"]


def test_annex_with_province_column(tmp_path):
    src = tmp_path / "a.csv"
    src.write_text("NO;PROVINSI;KABUPATEN/KOTA;NILAI;PREDIKAT\n"
                   "1;Jawa Tengah;Blora;60,01;Sangat Inovatif\n"
                   "2;Jawa Tengah;Kota Semarang;50;Inovatif\n"
                   "3;Jawa Timur;Brebes;50;Inovatif\n", encoding="utf-8")
    with pytest.raises(DataImportError) as info:
        import_annex(src, 2024, write=False, strict=True)
    rep = info.value.report
    assert rep.rejected[["row", "column"]].values.tolist() == [[4, "PROVINSI"]]
    assert "'Brebes' is 33.29 Kabupaten Brebes in Jawa Tengah, not in Provinsi Jawa Timur" in str(info.value)
    assert rep.table["kode_wilayah"].tolist() == ["33.16", "33.74"]


def test_annex_kabupaten_in_kota_section_is_named(tmp_path):
    src = tmp_path / "a.csv"
    src.write_text("NO;KOTA;NILAI INDEKS;PREDIKAT\n1;Blora;60,01;Sangat Inovatif\n", encoding="utf-8")
    with pytest.raises(DataImportError, match="33.16 Kabupaten Blora \\(a kabupaten\\) but the row is in the KOTA"):
        import_annex(src, 2024, out_dir=tmp_path, strict=True)


def test_annex_csv_with_bom_semicolons(tmp_path):
    src = tmp_path / "bom.csv"
    text = "NO;PEMERINTAH DAERAH;NILAI INDEKS;PREDIKAT\r\n1;Kab. Blora;60,01;Sangat Inovatif\r\n"
    src.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    report = import_annex(src, 2024, out_dir=tmp_path / "out", strict=True)
    assert report.encoding == "utf-8-sig"
    assert report.table.loc[0, "kode_wilayah"] == "33.16"
    assert report.table.loc[0, "iid_score"] == pytest.approx(60.01)


def test_annex_cp1252(tmp_path):
    src = tmp_path / "win.csv"
    text = ("LAMPIRAN – KEPUTUSAN MENDAGRI\nNO,PEMERINTAH DAERAH,NILAI INDEKS,PREDIKAT\n"
            '1,Kab. Blora,"60,01",Sangat Inovatif\n')
    src.write_bytes(text.encode("cp1252"))
    report = import_annex(src, 2024, out_dir=tmp_path / "out", strict=True)
    assert report.encoding == "cp1252"
    assert any("Windows-1252" in w for w in report.warnings)
    assert report.rows_skipped[0] == ("win.csv", 1, "LAMPIRAN – KEPUTUSAN MENDAGRI")
    assert report.table.loc[0, "iid_score"] == pytest.approx(60.01)


def test_annex_province_heading_rows_still_skipped(tmp_path):
    src = tmp_path / "a.csv"
    src.write_text('NO,PEMERINTAH DAERAH,NILAI INDEKS,PREDIKAT\n'
                   '1,Kab. Blora,"60,01",Sangat Inovatif\n'
                   ',JAWA TENGAH,,\n'
                   '2,Kab. Pati,"50,5",Inovatif\n'
                   'PROVINSI JAWA TENGAH,,,\n'
                   '3,Kab. Rembang,"50,5",Inovatif\n', encoding="utf-8")
    rep = import_annex(src, 2024, write=False, strict=True)
    assert rep.table["kode_wilayah"].tolist() == ["33.16", "33.18", "33.17"]
    assert [(r, t) for _, r, t in rep.rows_skipped] == [(3, "JAWA TENGAH"), (5, "PROVINSI JAWA TENGAH")]
    assert not rep.warnings


def _tied_annex(path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["NO", "PEMERINTAH DAERAH", "NILAI INDEKS", "PREDIKAT", "PERINGKAT"])
    ws.append([1, "Kab. Blora", "60,01", "Sangat Inovatif", 1])
    ws.append([2, "Kab. Pati", "50,5", "Inovatif", 2])
    ws.append([3, "Kab. Rembang", None, None, 2])
    ws.append([4, "Kab. Kudus", "40,5", "Inovatif", 4])
    ws.append([5, "Kab. Jepara", None, None, 4])  # a tie on the last rows: must not read as a footnote
    for ref in ("C3:C4", "D3:D4", "C5:C6", "D5:D6"):
        ws.merge_cells(ref)
    wb.save(path)


@pytest.mark.parametrize("engine", ["calamine", "openpyxl"])
def test_annex_merged_tie_cells_read_for_each_row(tmp_path, monkeypatch, engine):
    if engine == "calamine":
        pytest.importorskip("python_calamine")
    monkeypatch.setattr(importer_sheets, "XLSX_ENGINE", engine)
    src = tmp_path / "ties.xlsx"
    _tied_annex(src)
    rep = import_annex(src, 2024, write=False, strict=True)
    t = rep.table
    assert t["kode_wilayah"].tolist() == ["33.16", "33.18", "33.17", "33.19", "33.20"]
    assert t["iid_score"].tolist() == [60.01, 50.5, 50.5, 40.5, 40.5]
    assert t["predicate"].tolist()[1:] == ["Inovatif"] * 4
    assert not rep.rows_skipped
    assert "4 empty cell(s) inside a merged range" in rep.warnings[0] and "ties.xlsx C4 = C3" in rep.warnings[0]


def test_csv_cell_over_field_limit_is_a_clear_error(tmp_path):
    src = tmp_path / "huge.csv"
    rows = ['NO,PEMERINTAH DAERAH,NILAI INDEKS,PREDIKAT'] + ['1,Kab. Blora,"60,01",Sangat Inovatif'] * 70
    rows.insert(65, '2,"' + "x" * 140_000 + '",50,Inovatif')  # beyond the delimiter-sniffing sample
    src.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(DataImportError, match=r"huge.csv row 66: cannot read the CSV: a cell holds more than "
                                              r"131,072 characters"):
        import_annex(src, 2024, write=False)
    src.write_text('NO,PEMERINTAH DAERAH,NILAI INDEKS\n1,"' + "y" * 140_000 + '",50\n', encoding="utf-8")
    for kind in importers.KINDS:  # the sniffer sees the long line too
        with pytest.raises(DataImportError, match="huge.csv row 2: cannot read the CSV"):
            import_file(kind, src, 2024, write=False)


# --------------------------------------------------------------------------- innovations

def _innovation_header():
    return ["No", "Pemerintah Daerah", "ID Inovasi", "Nama Inovasi", "Perangkat Daerah", "Tahapan", "Jenis",
            "Waktu Uji Coba", "Waktu Penerapan", "16", "SID_17", "Indikator 18", "19. Penggunaan IT",
            *[f"sid {i}" for i in range(20, 35)], "Kualitas Inovasi Daerah"]


@pytest.mark.parametrize("engine", ["calamine", "openpyxl"])
def test_innovations_xlsx_levels_and_parameter_texts(tmp_path, monkeypatch, engine):
    if engine == "calamine":
        pytest.importorskip("python_calamine")
    monkeypatch.setattr(importer_sheets, "XLSX_ENGINE", engine)
    src = tmp_path / "inovasi_blora.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["DAFTAR INOVASI KABUPATEN BLORA 2024"])
    ws.append(_innovation_header())
    # year 2024 uses framework 2023: indicator 16 param3 = "Peraturan Kepala Daerah / Peraturan Daerah",
    # 17 param2 = "11 - 30 SDM"
    ws.append([1, "Kab. Blora", "BLR-1", "Café Literasi", "Dinas Pendidikan", "Uji Coba", "Non-Digital",
               dt.datetime(2023, 5, 2), "1 Maret 2024", "peraturan kepala daerah", "11-30 sdm", 3, "Level 2",
               *([1] * 15), None])
    ws.append([2, "Kabupaten Blora", "BLR-2", "SIAP", "Dinas Kesehatan", "penerapan", "digital",
               "02/05/2023", "2024-01-15", "SK Kepala Daerah", "Lebih dari 30 SDM", "-", 0, *([3] * 15),
               "memenuhi 5 unsur substansi"])
    wb.save(src)
    report = import_innovations(src, 2024, out_dir=tmp_path / "out", strict=True)
    t = report.table
    assert (report.rows_read, report.rows_matched) == (2, 2)
    assert list(t.columns) == importers.INNOVATION_COLUMNS
    assert t.loc[0, "sid_16"] == 3 and t.loc[0, "sid_17"] == 2 and t.loc[0, "sid_19"] == 2
    assert t.loc[1, "sid_16"] == 2 and t.loc[1, "sid_17"] == 3 and t.loc[1, "sid_18"] == 0
    assert t.loc[0, "sid_35"] == 0 and t.loc[1, "sid_35"] == 3
    assert t.loc[0, "tahapan"] == "uji coba" and t.loc[0, "jenis"] == "non digital"
    assert t.loc[0, "trial_date"] == pd.Timestamp(2023, 5, 2)
    assert t.loc[0, "implementation_date"] == pd.Timestamp(2024, 3, 1)
    assert t.loc[1, "trial_date"] == pd.Timestamp(2023, 5, 2)  # 02/05/2023 read day first
    assert set(t["kode_wilayah"]) == {"33.16"} and t.loc[0, "nama_inovasi"] == "Café Literasi"
    assert t.loc[0, "source_row"] == 3
    assert any("2 empty SID answer(s)" in w for w in report.warnings)


def test_same_text_different_level_in_2026(tmp_path):
    # "Peraturan Kepala Daerah" is level 2 under the 2026 guideline, level 3 (alternative) under 2023
    src = tmp_path / "x.csv"
    head = ["pemda", *[f"sid_{i}" for i in range(16, 36)]]
    src.write_text(",".join(head) + "\nKab. Blora,Peraturan Kepala Daerah," + ",".join(["1"] * 19) + "\n",
                   encoding="utf-8")
    assert import_innovations(src, 2026, write=False, strict=True).table.loc[0, "sid_16"] == 2
    assert import_innovations(src, 2024, write=False, strict=True).table.loc[0, "sid_16"] == 3


def test_legal_instrument_abbreviations(tmp_path):
    # a Peraturan Bupati (Perbup) is the Peraturan Kepala Daerah of a kabupaten; Perda = Peraturan Daerah
    src = tmp_path / "x.csv"
    head = ["pemda", *[f"sid_{i}" for i in range(16, 36)]]
    body = ["Kab. Blora,Perbup," + ",".join(["1"] * 19), "Kab. Blora,PERDA," + ",".join(["1"] * 19),
            "Kab. Blora,Peraturan Bupati No. 5," + ",".join(["1"] * 19)]
    src.write_text(",".join(head) + "\n" + "\n".join(body) + "\n", encoding="utf-8")
    with pytest.raises(DataImportError) as info:
        import_innovations(src, 2026, write=False, strict=True)
    rep = info.value.report
    assert rep.rows_rejected == 1 and rep.rejected.iloc[0]["row"] == 4  # extra words are not guessed away
    ok = import_innovations(src, 2026, write=False, max_bad_share=0.5).table
    assert ok["sid_16"].tolist() == [2, 3]


def test_read_imported_keeps_codes_and_dtypes(tmp_path):
    src = tmp_path / "lampiran.xlsx"
    _realistic_annex(src)
    rep = import_annex(src, 2024, out_dir=tmp_path)
    back = importers.read_imported(rep.output_path)
    assert back["kode_wilayah"].tolist() == rep.table["kode_wilayah"].tolist()
    assert back["rank"].dtype == "Int64" and back["iid_score"].tolist() == rep.table["iid_score"].tolist()
    inn = import_innovations(BAD / "innovations_bad_date.csv", 2024, out_dir=tmp_path, max_bad_share=0.5)
    back = importers.read_imported(inn.output_path)
    assert back.loc[0, "trial_date"] == pd.Timestamp(2024, 3, 1) and back["sid_18"].dtype == "Int64"
    assert back[[f"sid_{i}" for i in range(16, 36)]].iloc[0].tolist() == inn.table.iloc[0, 12:32].tolist()


def test_innovations_cp1252_with_pemda_option(tmp_path):
    src = tmp_path / "win.csv"
    head = ["Nama Inovasi", *[str(i) for i in range(16, 36)]]
    body = "Café – Sehat;" + ";".join(["2"] * 20)
    src.write_bytes((";".join(head) + "\r\n" + body + "\r\n").encode("cp1252"))
    report = import_innovations(src, 2024, pemda="Kabupaten Blora", write=False, strict=True)
    assert report.table.loc[0, "nama_inovasi"] == "Café – Sehat"
    assert report.table.loc[0, "kode_wilayah"] == "33.16"
    assert report.table.loc[0, "innovation_id"] == "win-r2"


def test_dates_and_level_texts_read_strictly():
    assert parse_date("2024-03-01 00:00:00") == (pd.Timestamp(2024, 3, 1), None)
    assert parse_date("2024-03-01T13:45") == (pd.Timestamp(2024, 3, 1), None)
    ts, err = parse_date("2024-03-01 garbage")
    assert ts is pd.NaT and "is not a date (expected e.g. 2024-03-01" in err
    reader = LevelReader("indicator 16", ("a", "b", "c"), 2023)
    assert [reader.read(v)[0] for v in ("1", "1.0", "1,0", 1, 1.0, "Level 2")] == [1, 1, 1, 1, 1, 2]
    for text in ("1.000", "2,000"):
        level, err, _ = reader.read(text)
        assert level is None and "is ambiguous" in err and "whole numbers 0-3" in err


def test_formula_like_text_neutralised_in_written_csv(tmp_path):
    src = tmp_path / "inov.csv"
    head = ["pemda", "id inovasi", "nama inovasi", "opd", *[f"sid_{i}" for i in range(16, 36)]]
    body = [["Kab. Blora", '"=HYPERLINK(""http://x"",""y"")"', "+62 Layanan", "@SUM(A1)"],
            ["Kab. Blora", "'=already quoted", "Sehat", "-Dinas"],
            ["Kab. Blora", "INV-3", "Ok", "Dinas Kesehatan"]]
    src.write_text(",".join(head) + "\n" + "\n".join(",".join(r + ["1"] * 20) for r in body) + "\n",
                   encoding="utf-8")
    rep = import_innovations(src, 2024, out_dir=tmp_path / "out", strict=True)
    assert rep.table["innovation_id"].tolist() == ['=HYPERLINK("http://x","y")', "'=already quoted", "INV-3"]
    written = pd.read_csv(rep.output_path, dtype=str, keep_default_na=False)
    assert written["innovation_id"].tolist() == ['\'=HYPERLINK("http://x","y")', "''=already quoted", "INV-3"]
    assert written["nama_inovasi"].tolist() == ["'+62 Layanan", "Sehat", "Ok"]
    assert written["opd_name"].tolist() == ["'@SUM(A1)", "'-Dinas", "Dinas Kesehatan"]
    back = importers.read_imported(rep.output_path)
    for col in ("innovation_id", "nama_inovasi", "opd_name"):
        assert back[col].tolist() == rep.table[col].tolist()


# --------------------------------------------------------------------------- SPD

def test_spd_long_and_wide_agree(tmp_path):
    long_src = tmp_path / "spd_long.csv"
    long_src.write_text("Pemerintah Daerah,Indikator,Jawaban,Capaian\n"
                        "Kab. Blora,1,Kepala Daerah memiliki Misi dan Visi Inovasi,\n"
                        "Kab. Blora,2 a,2,\n"
                        "Kab. Blora,3,\"-50,33% s.d. 8,16%\",\"1,5\"\n"
                        "Kab. Blora,8,wtp/unqualified,\n", encoding="utf-8")
    rep = import_spd(long_src, 2024, write=False, strict=True)
    t = rep.table.set_index(rep.table["indicator_no"].astype(str) + rep.table["sub"])
    assert t.loc["1", "level"] == 3 and t.loc["2a", "level"] == 2 and t.loc["3", "level"] == 2
    assert t.loc["8", "level"] == 3 and t.loc["3", "raw_value"] == pytest.approx(1.5)
    assert any("lacks 2b" in w for w in rep.warnings)

    ids = ["1", "2a", "2b", "3", "4", "5a", "5b", "6", "7", "8", "9", "10a", "10b", "11a", "11b", "12", "13a",
           "13b", "14", "15"]
    wide_src = tmp_path / "spd_wide.csv"
    wide_src.write_text("kode_wilayah," + ",".join(f"SPD {i}" for i in ids) + "\n33.16,"
                        + ",".join(["1"] * 19 + ["Sosialisasi HAKI"]) + "\n", encoding="utf-8")
    wide = import_spd(wide_src, 2024, write=False, strict=True).table
    assert len(wide) == 20 and wide["level"].tolist() == [1] * 20
    assert list(wide.columns) == importers.SPD_COLUMNS
    assert wide.iloc[1][["indicator_no", "sub"]].tolist() == [2, "a"]


def test_spd_row_numbers_with_leading_zeros(tmp_path):
    long_src = tmp_path / "long.csv"
    long_src.write_text("pemda,indikator,level\nKab. Blora,01,3\nKab. Blora,02a,2\nKab. Blora,02 b,1\n",
                        encoding="utf-8")
    t = import_spd(long_src, 2024, write=False, strict=True).table
    assert (t["indicator_no"].astype(str) + t["sub"]).tolist() == ["1", "2a", "2b"]
    ids = ["01", "02a", "02b", "03", "04", "05a", "05b", "06", "07", "08", "09", "10a", "10b", "11a", "11b", "12",
           "13a", "13b", "14", "15"]
    wide_src = tmp_path / "wide.csv"
    wide_src.write_text("pemda," + ",".join(ids) + "\nKab. Blora," + ",".join(["2"] * 20) + "\n", encoding="utf-8")
    wide = import_spd(wide_src, 2024, write=False, strict=True).table
    assert len(wide) == 20 and wide.iloc[1][["indicator_no", "sub"]].tolist() == [2, "a"]


def test_spd_capaian_written_as_a_percentage_is_read_as_that_number(tmp_path):
    src = tmp_path / "spd.csv"
    src.write_text('pemda,indikator,jawaban,capaian\nKab. Blora,1,3,80 %\nKab. Blora,2a,2,"1,5%"\n'
                   'Kab. Blora,2b,1,"12,25"\n', encoding="utf-8")
    t = import_spd(src, 2024, write=False, strict=True).table
    assert t["raw_value"].tolist() == [80.0, 1.5, 12.25]


def test_codes_typed_as_numbers_in_xlsx(tmp_path):
    # Excel turns a typed "33.10" into the number 33.1 and "3316" (BPS code) into 3316
    src = tmp_path / "spd.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Kode Wilayah", "Indikator", "Level"])
    ws.append([33.1, "1", 2])
    ws.append([3316, "1", 3])
    wb.save(src)
    t = import_spd(src, 2024, write=False, strict=True).table
    assert t["kode_wilayah"].tolist() == ["33.10", "33.16"] and t["level"].tolist() == [2, 3]


# --------------------------------------------------------------------------- nothing lost

def test_failed_import_leaves_previous_output_intact(tmp_path):
    out = tmp_path / "out"
    src = tmp_path / "annex.csv"
    src.write_text('NO,PEMERINTAH DAERAH,NILAI INDEKS,PREDIKAT\n1,Kab. Blora,"60,01",Sangat Inovatif\n',
                   encoding="utf-8")
    first = import_annex(src, 2024, out_dir=out, strict=True).output_path
    before = first.read_bytes()
    src.write_text('NO,PEMERINTAH DAERAH,NILAI INDEKS,PREDIKAT\n1,Kab. Blora,"160,01",Sangat Inovatif\n',
                   encoding="utf-8")
    with pytest.raises(DataImportError):
        import_annex(src, 2024, out_dir=out, strict=True)
    assert first.read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == ["annex_2024_annex.csv", "annex_2024_annex.meta.json"]


def test_interrupted_write_leaves_previous_output(tmp_path, monkeypatch):
    out = tmp_path / "out"
    src = tmp_path / "annex.csv"
    src.write_text('NO,PEMERINTAH DAERAH,NILAI INDEKS,PREDIKAT\n1,Kab. Blora,"60,01",Sangat Inovatif\n',
                   encoding="utf-8")
    first = import_annex(src, 2024, out_dir=out).output_path
    before = first.read_bytes()

    def killed(self, path, **kwargs):
        Path(path).write_text("kode_wilayah,na")  # half a file, then the process is killed
        raise KeyboardInterrupt

    monkeypatch.setattr(pd.DataFrame, "to_csv", killed)
    with pytest.raises(KeyboardInterrupt):
        import_annex(src, 2024, out_dir=out)
    assert first.read_bytes() == before
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


_KILLED_CHILD = """
import sys, time
from pathlib import Path
import pandas as pd
from iid_research.importers import import_annex

def slow(self, path, **kwargs):
    Path(path).write_text("kode_wilayah,na")
    Path(sys.argv[3]).write_text("writing")
    time.sleep(60)

pd.DataFrame.to_csv = slow
import_annex(sys.argv[1], 2024, out_dir=sys.argv[2])
"""


def test_killed_import_leaves_previous_output(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    out = tmp_path / "out"
    src = tmp_path / "annex.csv"
    src.write_text('NO,PEMERINTAH DAERAH,NILAI INDEKS,PREDIKAT\n1,Kab. Blora,"60,01",Sangat Inovatif\n',
                   encoding="utf-8")
    first = import_annex(src, 2024, out_dir=out).output_path
    before = first.read_bytes()
    marker = tmp_path / "marker"
    env = {**os.environ, "PYTHONPATH": str(Path(importers.__file__).parents[2])}
    child = subprocess.Popen([sys.executable, "-c", _KILLED_CHILD, str(src), str(out), str(marker)], env=env)
    try:
        for _ in range(600):  # wait until the child is half-way through writing
            if marker.exists() or child.poll() is not None:
                break
            time.sleep(0.1)
        assert marker.exists(), "child never started writing"
        child.send_signal(signal.SIGKILL)
        child.wait()
    finally:
        if child.poll() is None:
            child.kill()
    assert first.read_bytes() == before  # the previous output is untouched; only a hidden .tmp is left
    leftovers = [p.name for p in out.iterdir() if p.name not in (first.name, first.with_suffix(".meta.json").name)]
    assert all(name.startswith(".") and name.endswith(".tmp") for name in leftovers)


def test_same_input_gives_byte_identical_output(tmp_path):
    src = tmp_path / "lampiran.xlsx"
    _realistic_annex(src)
    a = import_annex(src, 2024, out_dir=tmp_path / "a").output_path
    b = import_annex(src, 2024, out_dir=tmp_path / "b").output_path
    assert a.read_bytes() == b.read_bytes()
    assert a.with_suffix(".meta.json").read_bytes() == b.with_suffix(".meta.json").read_bytes()
    inn = BAD / "innovations_bad_date.csv"  # one good row of two: accepted with a 50 % allowance
    c = import_innovations(inn, 2024, out_dir=tmp_path / "c", max_bad_share=0.5).output_path
    d = import_innovations(inn, 2024, out_dir=tmp_path / "d", max_bad_share=0.5).output_path
    assert c.read_bytes() == d.read_bytes()


# --------------------------------------------------------------------------- CLI

def test_cli_success_and_failure(tmp_path):
    runner = CliRunner()
    src = tmp_path / "lampiran.xlsx"
    _realistic_annex(src)
    ok = runner.invoke(import_command, ["annex", str(src), "--year", "2024", "--out", str(tmp_path / "o"),
                                        "--strict"])
    assert ok.exit_code == 0, ok.output
    assert "rows read 7, matched 7, rejected 0" in ok.output
    assert (tmp_path / "o" / "annex_2024_lampiran.csv").exists()
    errs = tmp_path / "errors.csv"
    bad = runner.invoke(import_command, ["annex", str(BAD / "annex_duplicate.csv"), "--year", "2024", "--out",
                                         str(tmp_path / "p"), "--errors-csv", str(errs)])
    assert bad.exit_code == 1
    assert "annex_duplicate.csv row 5, column 'PEMERINTAH DAERAH' (B5): duplicate pemda-year" in bad.output
    assert not (tmp_path / "p").exists()
    assert pd.read_csv(errs)["row"].tolist() == [3, 5]
    usage = runner.invoke(import_command, ["annex", str(src)])
    assert usage.exit_code == 2 and "--year" in usage.output


def test_cli_workspace_import_writes_the_rejected_rows_it_stored_around(tmp_path):
    """--errors-csv with --workspace: an import that stores the good rows still writes the rejected ones."""
    from iid_research.cli import main
    from iid_research.workspace import init_workspace

    ws = init_workspace(tmp_path / "ws")
    errs = tmp_path / "errors.csv"
    res = CliRunner().invoke(main, ["import", "annex", str(BAD / "annex_unknown_pemda.csv"), "--year", "2024",
                                    "--workspace", str(ws.path), "--errors-csv", str(errs), "--max-bad-share", "0.5"])
    assert res.exit_code == 0, res.output
    assert "stored annex 2024 semua: 1 rows" in res.output
    rejected = pd.read_csv(errs)
    assert rejected["row"].tolist() == [3] and rejected["cell"].tolist() == ["B3"]  # 'Kab. Bloraa', row 3 of the file


def test_cli_attaches_to_a_group(tmp_path):
    import click

    @click.group()
    def main():
        pass

    main.add_command(import_command, name="import")
    res = CliRunner().invoke(main, ["import", "innovations", str(BAD / "innovations_level_out_of_range.csv"),
                                    "--year", "2024", "--dry-run", "--max-bad-share", "0.5"])
    assert res.exit_code == 0, res.output
    assert "rows read 2, matched 1, rejected 1" in res.output and "written: nothing" in res.output
    assert "row 3, column 'sid_16' (G3): level 4 outside 0-3" in res.output


def test_mutated_inputs_give_clear_errors_not_tracebacks(tmp_path):
    """Randomly damaged corpus files (seeded) either import or raise DataImportError, nothing else."""
    import random

    rng = random.Random(20261129)
    sources = sorted(p for p in BAD.glob("*.csv") if p.name != "cases.csv")
    alphabet = b',;"\n\r0123456789-.aZ \xe9\x96\xef\xbb\xbf'
    for i in range(80):
        data = bytearray(rng.choice(sources).read_bytes())
        for _ in range(rng.randint(1, 6)):
            pos = rng.randrange(len(data) + 1)
            if rng.random() < 0.5 and data:
                data[min(pos, len(data) - 1)] = rng.choice(alphabet)
            else:
                data[pos:pos] = bytes([rng.choice(alphabet)])
        path = tmp_path / f"m{i}.csv"
        path.write_bytes(bytes(data))
        for kind in importers.KINDS:
            try:
                import_file(kind, path, 2024, write=False)
            except DataImportError as exc:
                assert str(exc)
