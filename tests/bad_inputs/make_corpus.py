"""Regenerate the bad-input corpus (one small file per kind of fault).

Run from the worktree root: ``python tests/bad_inputs/make_corpus.py``.  The
files are committed; ``cases.csv`` (hand-written) lists, for each file, the
import kind, year, strictness and the message fragment(s) expected.
"""

import io
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

ANNEX_HEAD = "LAMPIRAN KEPUTUSAN MENTERI DALAM NEGERI\nNO,PEMERINTAH DAERAH,NILAI INDEKS,PREDIKAT\n"


def annex(rows: list[str]) -> str:
    return ANNEX_HEAD + "\n".join(rows) + "\n"


SID = [f"sid_{i}" for i in range(16, 36)]


def innovations(rows: list[list], sid_cols=None) -> str:
    cols = sid_cols or SID
    head = ["pemda", "innovation_id", "nama inovasi", "tahapan", "jenis", "waktu uji coba", *cols]
    lines = [",".join(head)]
    for r in rows:
        lines.append(",".join(str(v) for v in r))
    return "\n".join(lines) + "\n"


GOOD_SID = [1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0]


def inno_row(i, pemda="Kab. Blora", sid=None, tahapan="Penerapan", date="2024-03-01", iid=None):
    return [pemda, iid or f"INV-{i}", f"Inovasi {i}", tahapan, "Digital", date, *(sid or GOOD_SID)]


SPD_ROWS = ["1", "2a", "2b", "3", "4", "5a", "5b", "6", "7", "8", "9", "10a", "10b", "11a", "11b", "12", "13a",
            "13b", "14", "15"]

FILES = {
    "empty.csv": b"",
    "blank_cells.csv": b";;;\n;;;\n\n",
    "annex_pdf.pdf": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n",
    "annex_no_header.csv": annex([]).replace("NO,PEMERINTAH DAERAH,NILAI INDEKS,PREDIKAT\n", "")
    + "1,Kab. Blora,\"60,01\",Sangat Inovatif\n",
    "annex_missing_score.csv": "LAMPIRAN\nNO,PEMERINTAH DAERAH,PREDIKAT\n1,Kab. Blora,Sangat Inovatif\n",
    "annex_duplicate.csv": annex(['1,Kab. Blora,"60,01",Sangat Inovatif', '2,Kabupaten Brebes,"50,00",Inovatif',
                                  '3,KABUPATEN BLORA,"58,00",Inovatif']),
    "annex_score_out_of_range.csv": annex(['1,Kab. Blora,"160,5",Sangat Inovatif', '2,Kab. Brebes,"50,00",Inovatif']),
    "annex_unknown_pemda.csv": annex(['1,Kab. Bloraa,"60,01",Sangat Inovatif', '2,Kab. Brebes,"50,00",Inovatif']),
    "annex_ambiguous_name.csv": annex(['1,Semarang,"60,01",Sangat Inovatif', '2,Kab. Brebes,"50,00",Inovatif']),
    "annex_year_no_rules.csv": annex(['1,Kab. Blora,"60,01",Sangat Inovatif']),
    "annex_predicate_contradiction.csv": annex(['1,Kab. Blora,"60,00",Sangat Inovatif',
                                                '2,Kab. Brebes,"50,00",Inovatif']),
    "annex_unknown_predicate.csv": annex(['1,Kab. Blora,"60,01",Cukup Inovatif', '2,Kab. Brebes,"50,00",Inovatif']),
    "annex_bad_number.csv": annex(['1,Kab. Blora,"6O,01",Sangat Inovatif', '2,Kab. Brebes,"50,00",Inovatif']),
    "annex_too_many_bad.csv": annex(['1,Kab. Blora,"60,01",Sangat Inovatif', '2,Kab. Brebes,"150,00",Inovatif',
                                     '3,Kota Semarang,"55,00",Inovatif']),
    "annex_score_gap.csv": annex(['1,Kab. Blora,"60,01",Sangat Inovatif', '2,Kab. Pati,,',
                                  '3,Kab. Rembang,"50,5",Inovatif', '4,Kab. Kudus,,']),
    "annex_score_nan.csv": annex(['1,Kab. Blora,"60,01",Sangat Inovatif', '2,Kab. Brebes,nan,Inovatif']),
    "innovations_date_garbage.csv": innovations([inno_row(1), inno_row(2, date="2024-03-01 garbage")]),
    "innovations_date_after_year.csv": innovations([inno_row(1), inno_row(2, date="2025-01-15")]),
    "innovations_level_thousands.csv": innovations([inno_row(1), inno_row(2, sid=["1.000"] + GOOD_SID[1:])]),
    "innovations_year_not_a_year.csv": "pemda,tahun," + ",".join(SID) + "\n"
    + "Kab. Blora,2024," + ",".join(map(str, GOOD_SID)) + "\n"
    + "Kab. Blora,abc," + ",".join(map(str, GOOD_SID)) + "\n",
    "spd_long_blank_level.csv": "pemda,indikator,level\nKab. Blora,1,3\nKab. Blora,2a,\n",
    "innovations_level_out_of_range.csv": innovations([inno_row(1), inno_row(2, sid=[4] + GOOD_SID[1:])]),
    "innovations_unknown_indicator.csv": innovations([inno_row(1) + [1]], sid_cols=SID + ["Indikator 40"]),
    "innovations_unknown_text.csv": innovations([inno_row(1), inno_row(2, sid=["Surat Edaran Sekda"] + GOOD_SID[1:])]),
    "innovations_missing_sid_column.csv": innovations([inno_row(1)[:-1]], sid_cols=SID[:-1]),
    "innovations_duplicate_id.csv": innovations([inno_row(1), inno_row(2, iid="INV-1")]),
    "innovations_bad_tahapan.csv": innovations([inno_row(1), inno_row(2, tahapan="Selesai")]),
    "innovations_bad_date.csv": innovations([inno_row(1), inno_row(2, date="31/02/2024")]),
    "innovations_unknown_pemda.csv": innovations([inno_row(1, pemda="Kab. Jemberr")]),
    "spd_unknown_indicator.csv": "pemda,indikator,level\nKab. Blora,1,3\nKab. Blora,16,2\n",
    "spd_missing_sub.csv": "pemda,indikator,level\nKab. Blora,1,3\nKab. Blora,2,2\n",
    "spd_duplicate_long.csv": "pemda,indikator,level\nKab. Blora,1,3\nKab. Blora,2a,2\nKab. Blora,1,1\n",
    "spd_level_out_of_range.csv": "pemda,indikator,level\nKab. Blora,1,5\nKab. Blora,2a,2\n",
    "spd_duplicate_wide.csv": "pemda," + ",".join(SPD_ROWS) + "\n"
    + "Kab. Blora," + ",".join(["2"] * 20) + "\n" + "Kab. Brebes," + ",".join(["1"] * 20) + "\n"
    + "Kabupaten Blora," + ",".join(["3"] * 20) + "\n",
    "spd_wide_unknown_column.csv": "pemda," + ",".join(SPD_ROWS) + ",16\n" + "Kab. Blora," + ",".join(["2"] * 21) + "\n",
}

# --------------------------------------------------------------------------- issue 15: files as pemda send them

ANNEX_RANK_HEAD = "NO,PEMERINTAH DAERAH,PREDIKAT,NILAI INDEKS,PERINGKAT\n"
SID_HEAD = ",".join(SID)
SID_ONES = ",".join(["1"] * 20)


def inno_dates(rows: list[tuple[str, str]]) -> str:
    head = "pemda,innovation_id,waktu uji coba,waktu penerapan," + SID_HEAD + "\n"
    return head + "".join(f"Kab. Blora,INV-{i},{t},{p},{SID_ONES}\n" for i, (t, p) in enumerate(rows, 1))


def _xlsx(build, patch=None) -> bytes:
    """A workbook made with openpyxl, optionally with its first sheet's XML patched (cached error values)."""
    import openpyxl

    wb = openpyxl.Workbook()
    build(wb.active)
    buf = io.BytesIO()
    wb.save(buf)
    if patch is None:
        return buf.getvalue()
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                for old, new in patch:
                    assert old in data, old
                    data = data.replace(old, new)
            dst.writestr(item, data)
    return out.getvalue()


def _excel_errors(ws):
    ws.append(["pemda", "innovation_id", *SID])
    ws.append(["Kab. Blora", "INV-1", *([1] * 20)])
    ws.append(["Kab. Blora", "INV-2", "=NA()", "=VLOOKUP(B3,Data!A:B,2,0)", *([2] * 18)])
    ws.append(["Kab. Blora", "INV-3", *([3] * 19), "=1/0"])


def _hidden_rows(ws):
    ws.append(["NO", "PEMERINTAH DAERAH", "NILAI INDEKS", "PREDIKAT"])
    ws.append([1, "Kab. Blora", 60.01, "Sangat Inovatif"])
    ws.append([2, "Kab. Pati", 50.5, "Inovatif"])
    ws.append([3, "Kab. Rembang", 45.0, "Inovatif"])
    ws.row_dimensions[3].hidden = True


def _score_spd_sid_iid(ws):
    ws.append(["NO", "PEMERINTAH DAERAH", "NILAI", None, None, "PREDIKAT"])
    ws.append([None, None, "SPD", "SID", "IID", None])
    ws.append([1, "Kab. Blora", 70.1, 55.2, 60.01, "Sangat Inovatif"])
    ws.append([2, "Kab. Pati", 45.0, 52.3, 50.5, "Inovatif"])
    ws.merge_cells("C1:E1")


ISSUE15 = {
    # 1 unquoted decimal commas
    "annex_decimal_comma_unquoted.csv": "LAMPIRAN\n" + ANNEX_RANK_HEAD
    + "1,Kab. Blora,Sangat Inovatif,82,80,1\n2,Kab. Pati,Inovatif,55,5,2\n3,Kab. Rembang,Inovatif,50,3\n",
    "annex_extra_field_in_name.csv": annex(['1,Kab. Blora,"60,01",Sangat Inovatif',
                                            '2,Kab. Pati, Jawa Tengah,"50,50",Inovatif']),
    # 2 score header over sub-columns
    "annex_score_subcolumns_years.csv": "NO,PEMERINTAH DAERAH,NILAI IID,,PREDIKAT\n,,2023,2024,\n"
    '1,Kab. Blora,"55,50","60,01",Sangat Inovatif\n2,Kab. Pati,"40,00","50,50",Inovatif\n',
    "annex_score_subcolumns_no_year.csv": "NO,PEMERINTAH DAERAH,NILAI IID,,PREDIKAT\n,,2022,2023,\n"
    '1,Kab. Blora,"55,50","60,01",Sangat Inovatif\n',
    "annex_score_subcolumns_spd_sid_iid.xlsx": _xlsx(_score_spd_sid_iid),
    # 3 names wrapped by a PDF converter
    "annex_wrapped_name.csv": annex(['1,Kota Tangerang,"60,01",Sangat Inovatif', ',Selatan,,',
                                     '2,Kab. Pati,"50,50",Inovatif']),
    "annex_wrapped_name_unknown.csv": annex(['1,Kota Tangerang,"60,01",Sangat Inovatif', ',Selatn,,',
                                             '2,Kab. Pati,"50,50",Inovatif']),
    # 4 spreadsheet errors and formulas without a saved value
    "innovations_excel_errors.xlsx": _xlsx(_excel_errors, [
        (b'<c r="C3"><f>NA()</f><v /></c>', b'<c r="C3" t="e"><f>NA()</f><v>#N/A</v></c>'),
        (b'<c r="V4"><f>1/0</f><v /></c>', b'<c r="V4" t="e"><f>1/0</f><v>#DIV/0!</v></c>')]),
    "annex_excel_error_exported.csv": annex(['1,Kab. Blora,"60,01",Sangat Inovatif', "2,Kab. Pati,#DIV/0!,Inovatif"]),
    # 5 hidden rows
    "annex_hidden_rows.xlsx": _xlsx(_hidden_rows),
    # 6 date order
    "innovations_dates_month_first.csv": inno_dates([("03/25/2024", "06/01/2024"), ("02/05/2024", "04/05/2024")]),
    "innovations_dates_ambiguous.csv": inno_dates([("02/05/2023", "03/06/2023")]),
    "innovations_dates_serial_and_month_names.csv": inno_dates([("45352", "1 Maret 2024"),
                                                               ('"Jumat, 1 Maret 2024"', "15-Agt-2024")]),
    # 7 trial after implementation
    "innovations_trial_after_implementation.csv": inno_dates([("2024-01-10", "2024-03-01"),
                                                             ("2024-05-01", "2024-02-01")]),
    # 8 one Windows-1252 line in a UTF-8 file
    "annex_utf8_one_cp1252_line.csv": ("LAMPIRAN – KEPUTUSAN\nNO,PEMERINTAH DAERAH,NILAI INDEKS,PREDIKAT,KETERANGAN\n"
                                       '1,Kab. Blora,"60,01",Sangat Inovatif,naik – 2 peringkat\n').encode()
    + '2,Kab. Pati,"50,50",Inovatif,turun – 1 peringkat\n'.encode("cp1252"),
    # 9 same file name, different pemda (the test copies both to "inovasi.csv")
    "innovations_same_name_blora.csv": "pemda," + SID_HEAD + "\nKab. Blora," + SID_ONES + "\n",
    "innovations_same_name_pati.csv": "pemda," + SID_HEAD + "\nKab. Pati," + SID_ONES + "\n",
    # 10 crashes
    "innovations_header_only.csv": "pemda,innovation_id," + SID_HEAD + "\n",
    "annex_utf16_no_bom.csv": 'NO;PEMERINTAH DAERAH;NILAI INDEKS;PREDIKAT\r\n1;Kab. Blora;60,01;Sangat Inovatif\r\n'
    .encode("utf-16-le"),
    # 11 interrupted imports (the test interrupts the import of this file)
    "annex_interrupted_import.csv": annex(['1,Kab. Blora,"60,01",Sangat Inovatif', '2,Kab. Pati,"50,50",Inovatif']),
    # 12 region names as annexes write them
    "annex_kep_abbreviation.csv": annex(['1,Prov. Kep. Riau,"60,01",Sangat Inovatif',
                                         '2,Kab. Kep. Selayar,"50,50",Inovatif', '3,Kota Tidore Kep.,"45,00",Inovatif']),
    "annex_former_name.csv": annex(['1,Kabupaten Toba Samosir,"60,01",Sangat Inovatif',
                                    '2,Kab. Mamuju Utara,"50,50",Inovatif']),
    "annex_2021_former_province.csv": "NO,PROVINSI,KABUPATEN/KOTA,NILAI,PREDIKAT\n"
    '1,Papua,Merauke,"40,50",Inovatif\n2,Papua Barat,Kab. Sorong,"35,00",Inovatif\n'
    '3,Papua,Kab. Jayapura,"30,00",Kurang Inovatif\n',
    "annex_2024_former_province.csv": "NO,PROVINSI,KABUPATEN/KOTA,NILAI,PREDIKAT\n"
    '1,Papua,Merauke,"40,50",Inovatif\n2,Papua,Kab. Jayapura,"50,00",Inovatif\n',
    # 13 ties
    "annex_rank_ties.csv": "NO,PEMERINTAH DAERAH,NILAI INDEKS,PREDIKAT,PERINGKAT\n"
    '1,Kab. Blora,"60,01",Sangat Inovatif,1\n2,Kab. Pati,"50,50",Inovatif,=2\n3,Kab. Rembang,"50,50",Inovatif,2=\n'
    '4,Kab. Kudus,"45,00",Inovatif,4\n',
    # 14 summary rows
    "annex_summary_rows.csv": annex(['1,Kab. Blora,"60,01",Sangat Inovatif', '2,Kab. Pati,"50,50",Inovatif',
                                     ',RATA-RATA,"55,26",', ',NILAI TERTINGGI,"60,01",', 'JUMLAH,,"110,51",']),
    # 15 Opini BPK abbreviations
    "spd_opini_bpk_abbreviation.csv": "pemda,indikator,jawaban\nKab. Blora,8,WTP\nKab. Pati,8,WDP\n"
    "Kab. Rembang,8,TW\nKab. Kudus,8,TMP\nKab. Jepara,8,Wajar Tanpa Pengecualian\n",
    # 16 a rejection under a province heading names the column
    "annex_name_outside_heading_province.csv": annex([',PROVINSI JAWA TIMUR,,', '1,Kab. Blora,"60,01",Sangat Inovatif',
                                                      '2,Kab. Jember,"50,50",Inovatif']),
}
FILES.update(ISSUE15)

# --------------------------------------------------------------------------- a new user's review of `import`

DEMO_TITLE = "DATA SIMULASI - bukan data resmi pemda mana pun (iid-research demo, simulate_iid seed 20240101)"
"""The title row of every file the demo writes (iid_research.demo.TITLE with the default seed)."""


def _csv_text(rows: list[list]) -> str:
    import csv

    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def _spd_rules_2023() -> list[tuple[str, str]]:
    """(row id, Indonesian name) of the 2023 framework's SPD rows, read from the rules file."""
    import csv

    with open(HERE.parents[1] / "src" / "iid_research" / "rules" / "indicators_2023.csv", encoding="utf-8") as f:
        return [(r["indicator_no"] + r["sub"], r["name_id"]) for r in csv.DictReader(f) if r["aspect"] == "SPD"]


def _demo_docprops_no_title_row(ws):
    """The demo's innovation workbook after its title row was deleted: the document title still says it."""
    ws.parent.properties.title = DEMO_TITLE
    ws.append(["pemda", "innovation_id", *SID])
    ws.append(["33.16", "INV-1", *([1] * 20)])


_FW2023_TEXTS = {"sid_16": "SK Kepala Perangkat Daerah",  # the 2023 framework's parameter texts, level 1
                 "sid_18": "Anggaran dialokasikan pada kegiatan penerapan inovasi di T-0 (tahun berjalan)",
                 "sid_19": "Pelaksanaan kerja secara manual / non elektronik"}
_ANNEX_SIM_TITLE = "LAMPIRAN HASIL PENGUKURAN INDEKS INOVASI DAERAH TAHUN 2023 - SIMULASI"

REVIEW = {
    # 1 the demo's SIMULATED files outside the demo workspace
    "simulated_spd_title_en_dash.csv": _csv_text([[DEMO_TITLE.replace(" - ", " – ")], ["Pemda", "Indikator", "Jawaban"],
                                                  ["33.16", "1", "2"], ["33.16", "2a", "1"]]),
    "simulated_annex_demo_titles.csv": _csv_text([[_ANNEX_SIM_TITLE], [DEMO_TITLE],
                                                  ["NO", "PEMERINTAH DAERAH", "NILAI INDEKS", "PREDIKAT", "PERINGKAT"],
                                                  ["A. KLASTER KABUPATEN"], ["1", "Kabupaten Blora", "60,01",
                                                                             "Sangat Inovatif", "1"]]),
    "simulated_innovations_docprops.xlsx": _xlsx(_demo_docprops_no_title_row),
    "SIMULASI_lampiran_kepmendagri_2023.csv": _csv_text([[_ANNEX_SIM_TITLE],
                                                         ["NO", "PEMERINTAH DAERAH", "NILAI INDEKS", "PREDIKAT"],
                                                         ["1", "Kabupaten Blora", "60,01", "Sangat Inovatif"]]),
    "annex_title_says_simulasi.csv": _csv_text([[_ANNEX_SIM_TITLE], ["NO", "PEMERINTAH DAERAH", "NILAI INDEKS", "PREDIKAT"],
                                                ["1", "Kabupaten Blora", "60,01", "Sangat Inovatif"]]),
    # 2 templates with no answer filled in
    "spd_empty_template.csv": _csv_text([["Pemda", "Indikator", "Nama Indikator", "Jawaban", "Capaian"],
                                         *[["", rid, name, "", ""] for rid, name in _spd_rules_2023()]]),
    "spd_wide_no_answer.csv": "pemda," + ",".join(SPD_ROWS) + "\nKab. Blora" + "," * 20 + "\n",
    "innovations_no_answer_filled.csv": innovations([inno_row(1, sid=[""] * 20), inno_row(2, sid=[""] * 20)]),
    # 3 the 2023 framework's parameter texts imported for a year of the 2026 framework
    "innovations_framework_2023_year_2026.csv": _csv_text(
        [["pemda", "innovation_id", *SID]]
        + [["Kab. Blora", f"INV-{i}", *[_FW2023_TEXTS.get(c, "2") for c in SID]] for i in (1, 2)]),
}
FILES.update(REVIEW)


if __name__ == "__main__":
    for name, content in FILES.items():
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        (HERE / name).write_bytes(data)
    print(f"wrote {len(FILES)} files to {HERE}")
