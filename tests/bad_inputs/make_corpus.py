"""Regenerate the bad-input corpus (one small file per kind of fault).

Run from the worktree root: ``python tests/bad_inputs/make_corpus.py``.  The
files are committed; ``cases.csv`` (hand-written) lists, for each file, the
import kind, year, strictness and the message fragment(s) expected.
"""

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

if __name__ == "__main__":
    for name, content in FILES.items():
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        (HERE / name).write_bytes(data)
    print(f"wrote {len(FILES)} files to {HERE}")
