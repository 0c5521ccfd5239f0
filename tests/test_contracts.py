"""The one user-data contract: columns, enums, validation messages, and the one urusan matcher."""

import numpy as np
import pandas as pd
import pytest

from iid_research import contracts
from iid_research.data import DataValidationError
from iid_research.frameworks import load_framework
from iid_research.scoring import (
    SID_COLUMNS,
    count_urusan_pelayanan_dasar,
    match_urusan,
    pemda_components,
    score_components,
    score_pemda,
    unknown_urusan,
)


def _innovations(**overrides) -> pd.DataFrame:
    base = {
        "innovation_id": ["A1", "A2", "B1"], "kode_wilayah": "33.16", "year": 2025,
        "opd_name": ["Dinas Kesehatan", "UPT Puskesmas Jepon", "Bappeda"],
        "tahapan": ["Penerapan", "Uji Coba", "inisiatif"], "jenis": ["Digital", "non-digital", "digital"],
        "bentuk": ["Inovasi pelayanan public", "pelayanan publik", "tata kelola pemerintahan daerah"],
        "inisiator": ["OPD", "masyarakat", "Perangkat Daerah"],
        "urusan": ["Kesehatan", "Pekerjaan umum dan penataan ruang", "Perencanaan"],
        "tematik": ["Non tematik", "", None],
        "trial_date": ["2022-06-30", "2024-01-01", ""], "implementation_date": ["2022-12-31", None, ""],
    }
    frame = pd.DataFrame(base)
    for c in SID_COLUMNS:
        frame[c] = ["1", 3, 0]
    for k, v in overrides.items():
        frame[k] = v
    return frame


def test_innovations_are_coerced_and_enums_normalised():
    out = contracts.validate_innovations(_innovations())
    assert out["tahapan"].tolist() == ["penerapan", "uji coba", "inisiatif"]
    assert out["jenis"].tolist() == ["digital", "non digital", "digital"]
    assert out["bentuk"].tolist() == ["pelayanan publik", "pelayanan publik", "tata kelola pemerintahan daerah"]
    assert out["inisiator"].tolist() == ["opd", "masyarakat", "opd"]
    assert out["tematik"].tolist()[1:] == [None, None]  # empty text is missing, not ""
    assert out["sid_16"].tolist() == [1, 3, 0] and out["sid_16"].dtype == np.int64
    assert pd.isna(out.loc[1, "implementation_date"]) and out.loc[0, "trial_date"] == pd.Timestamp("2022-06-30")


def test_innovation_errors_name_row_column_and_value():
    with pytest.raises(DataValidationError, match=r"row 2, column 'inisiator'.*'bupati'"):
        contracts.validate_innovations(_innovations(inisiator=["bupati", "opd", "opd"]), "inn.csv")
    with pytest.raises(DataValidationError, match=r"missing column\(s\) \['sid_35'\]"):
        contracts.validate_innovations(_innovations().drop(columns="sid_35"))
    with pytest.raises(DataValidationError, match=r"row 3, column 'sid_20'"):
        contracts.validate_innovations(_innovations(sid_20=[0, 4, 1]))
    with pytest.raises(DataValidationError, match=r"unexpected column\(s\) \['remarks'\]"):
        contracts.validate_innovations(_innovations(remarks="x"))
    with pytest.raises(DataValidationError, match="innovation_id"):
        contracts.validate_innovations(_innovations(innovation_id=["A1", "A1", "B1"]))


def test_spd_and_annex_contracts():
    spd = contracts.validate_spd(pd.DataFrame({"kode_wilayah": ["33.16"] * 2, "year": ["2023"] * 2,
                                               "indicator_no": [2, "12"], "sub": ["A", None], "level": ["3", 0]}))
    assert spd["sub"].tolist() == ["a", ""] and spd["level"].tolist() == [3, 0]
    with pytest.raises(DataValidationError, match=r"row 2, column 'level'"):
        contracts.validate_spd(pd.DataFrame({"kode_wilayah": ["33.16"], "year": [2023], "indicator_no": [1],
                                             "sub": [""], "level": [4]}))
    annex = contracts.validate_annex(pd.DataFrame({"kode_wilayah": ["33.16"], "nama": ["Kabupaten Blora"],
                                                   "level": ["kabupaten"], "year": [2022], "iid_score": ["61.3"],
                                                   "predicate": ["Sangat Inovatif"], "rank": ["16"]}))
    assert annex["rank"].dtype == "Int64" and annex["iid_score"].iloc[0] == 61.3
    with pytest.raises(DataValidationError, match=r"column 'iid_score'"):
        contracts.validate_annex(annex.assign(iid_score=101.0))


def test_the_fields_table_documents_every_column():
    table = contracts.fields_table("innovations")
    assert list(table["name"][:3]) == ["innovation_id", "kode_wilayah", "year"]
    assert table.loc[table["name"] == "tahapan", "allowed"].iloc[0] == "inisiatif, uji coba, penerapan"
    assert table["description"].str.len().gt(5).all()


# --------------------------------------------------------------------------- urusan (defect 1)

@pytest.mark.parametrize("text", ["kesehatan", "KESEHATAN", " Kesehatan ", "Ketentraman, Ketertiban Umum, dan "
                                  "Perlindungan Masyarakat", "Trantibumlinmas", "Pekerjaan Umum & Penataan Ruang",
                                  "PUPR", "perumahan rakyat dan kawasan pemukiman", "Sosial."])
def test_loosely_typed_urusan_pelayanan_dasar_are_recognised(text):
    m = match_urusan([text])
    assert m["is_pelayanan_dasar"].iloc[0], text


def test_unknown_urusan_is_reported_with_its_row_and_not_counted():
    texts = ["Kesehatan", "Pendidkan", "Pertanian", ""]
    bad = unknown_urusan(texts)
    assert bad["position"].tolist() == [1] and bad["suggestion"].tolist() == ["Pendidikan"]
    assert count_urusan_pelayanan_dasar(texts) == 1


def test_2026_count_score_is_not_lost_for_lower_case_urusan():
    """Audit defect 1: 'kesehatan' and 'Ketentraman' dropped the 2026 count score to 0 (up to 30.4 IID)."""
    fw = load_framework(2026)
    urusan = ["Pendidikan", "kesehatan", "Pekerjaan Umum & Penataan Ruang", "Perumahan Rakyat dan Kawasan Permukiman",
              "Ketentraman, Ketertiban Umum, dan Perlindungan Masyarakat", "Pertanian"] * 4
    inn = pd.DataFrame({"kode_wilayah": "T", "year": 2026, "urusan": urusan, **{c: 1 for c in SID_COLUMNS}})
    spd = pd.DataFrame({"kode_wilayah": ["T"], "year": [2026], "indicator_no": [1], "sub": [""], "level": [1]})
    comp = pemda_components(spd, inn, fw)
    assert comp["n_urusan_yandas"].iloc[0] == 5
    got = score_components(comp, fw)["count_score"].iloc[0]
    assert got == pytest.approx(0.38 * 24)  # by hand: 24 innovations, 5 of 6 urusan -> 0.38 × 24
    direct = score_pemda({"1": 1}, inn[list(SID_COLUMNS)], fw, n_urusan_yandas=count_urusan_pelayanan_dasar(urusan))
    assert direct["count_score"] == pytest.approx(got)


def test_duplicate_spd_answers_are_refused_not_added_up():
    """Audit defect 7: the bulk SPD path added duplicate answers up (level 6)."""
    fw = load_framework(2023)
    spd = pd.DataFrame({"kode_wilayah": ["T", "T"], "year": [2023, 2023], "indicator_no": [1, 1], "sub": ["", ""],
                        "level": [3, 3]})
    inn = pd.DataFrame({"kode_wilayah": [], "year": [], "urusan": [], **{c: [] for c in SID_COLUMNS}})
    with pytest.raises(ValueError, match="duplicate SPD answer for T 2023 row 1"):
        pemda_components(spd, inn, fw)
