"""OPD-type mapping, the innovations contract and OPD profiles."""

import numpy as np
import pandas as pd
import pytest

from iid_research.analysis import opd
from iid_research.data import load_innovations
from iid_research.frameworks import framework_for_year
from iid_research.scoring import SID_COLUMNS

SEED_LIST = opd.config.RAW_DIR / "opd_list_pemprov_banten_seed.csv"


# --------------------------------------------------------------------------- names

@pytest.mark.parametrize("name, expected", [
    ("Dinas Kesehatan", "kesehatan"),
    ("Dinkes Kab. Blora", "kesehatan"),
    ("DINAS KESEHATAN", "kesehatan"),
    ("Badan Perencanaan Pembangunan Daerah", "perencanaan"),
    ("Bappeda", "perencanaan"),
    ("BAPPEDA Kota Semarang", "perencanaan"),
    ("SD Negeri 1 Blora", "pendidikan"),
    ("SMP N 2 Cepu", "pendidikan"),
    ("UPT Puskesmas Jepon", "kesehatan"),
    ("PKM Blora Utara", "kesehatan"),
    ("RSUD dr. R. Soetijono Blora", "kesehatan"),
    ("UPT RS Paru Batu Dinas Kesehatan Provinsi Jawa Timur", "kesehatan"),
    ("UPTD PKMS, Dinas Kesehatan Kota Surakarta", "kesehatan"),
    ("Dinas Pendidikan, Pemuda dan Olahraga (Dikpora)", "pendidikan"),
    ("Dinas Pertanian dan Perikanan Kota Depok", "pertanian"),
    ("Dinas Pendapatan dan Pengelolaan Keuangan Kota Surabaya", "pendapatan"),
    ("Bagian Bina Program Sekretariat Daerah Pemkot Surabaya", "sekretariat_daerah"),
    ("Biro Perekonomian Pemerintah Provinsi Jawa Tengah", "sekretariat_daerah"),
    ("DisKominfo Kota Serang", "kominfo"),
    ("Dukcapil Bagian Bidang data dan Statistik Kota surakarta", "kependudukan_capil"),
    ("Satpol PP", "satpol_pp"),
    ("Kec. Blora Kota", "kecamatan_kelurahan"),
    ("Dinas Pertanian Tanaman Pangan Perkebunan & Kehutanan Kabupaten Magelang", "pertanian"),
])
def test_opd_type_of_known_spellings(name, expected):
    assert opd.opd_type_of(name) == expected


def test_banten_seed_list_is_fully_mapped_and_keeps_every_row():
    seed = pd.read_csv(SEED_LIST, dtype=str)
    mapped = opd.map_opd_types(seed["opd_name"])
    assert len(mapped) == len(seed)
    assert mapped["is_mapped"].all(), mapped.loc[~mapped["is_mapped"], "opd_name"].tolist()
    # both Bappeda rows (one with a non-standard code) and the kab/kota entries mixed into the list
    types = dict(zip(seed["opd_name"], mapped["opd_type"]))
    assert types["Dinas Kesehatan Kabupaten Serang"] == "kesehatan"
    assert types["Dinas Komunikasi, Informatika, Statistik dan Persandian"] == "kominfo"
    assert types["Dinas Pemberdayaan Perempuan, Perlindungan Anak, Kependudukan dan Keluarga Berencana"] \
        == "pemberdayaan_perempuan_anak"


def test_real_lan_names_unmapped_are_listed_not_dropped():
    lan = load_innovations()
    names = lan.loc[lan["is_pemda"], "opd_name"]
    mapped = opd.map_opd_types(names)
    assert len(mapped) == len(names) == 111
    unmapped = opd.unmapped_opd_names(names)
    assert sorted(unmapped["opd_name"]) == ["Kantor Pengelolaan Taman Pintar Yogyakarta", "Pemerintah Kota Semarang"]
    assert (mapped["opd_type"] == opd.UNMAPPED).sum() == 2


def test_missing_names_are_unmapped_rows():
    mapped = opd.map_opd_types(["Dinkes", None, np.nan, "Kantor Taman Pintar"])
    assert mapped["opd_type"].tolist() == ["kesehatan", opd.UNMAPPED, opd.UNMAPPED, opd.UNMAPPED]
    assert mapped["label_en"].tolist()[1] == "Unmapped"


def test_mapping_table_errors_name_the_row(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("pattern,opd_type,label_id,label_en,note\n(unclosed,kesehatan,Kesehatan,Health,\n")
    with pytest.raises(ValueError, match=r"row 2: pattern '\(unclosed' is not a valid regular expression"):
        opd.load_opd_types(bad)
    two_labels = tmp_path / "labels.csv"
    two_labels.write_text("pattern,opd_type,label_id,label_en,note\na,x,A,A,\nb,x,B,A,\n")
    with pytest.raises(ValueError, match=r"opd_type\(s\) \['x'\] have more than one label"):
        opd.load_opd_types(two_labels)


def test_edited_table_changes_the_mapping(tmp_path):
    table = opd.load_opd_types()
    extra = pd.DataFrame([{"pattern": r"taman pintar", "opd_type": "pendidikan", "label_id": "Pendidikan",
                           "label_en": "Education", "note": "test"}])
    path = tmp_path / "opd_types.csv"
    pd.concat([table, extra]).to_csv(path, index=False)
    assert opd.opd_type_of("Kantor Pengelolaan Taman Pintar Yogyakarta", path=path) == "pendidikan"


# --------------------------------------------------------------------------- contract

def _innovations(**overrides):
    base = {
        "innovation_id": ["A1", "A2", "B1"], "kode_wilayah": ["33.16"] * 3, "year": [2025] * 3,
        "opd_name": ["Dinas Kesehatan", "UPT Puskesmas Jepon", "Bappeda"],
        "tahapan": ["Penerapan", "uji coba", "inisiatif"], "jenis": ["Digital", "non-digital", "digital"],
        "bentuk": ["pelayanan publik", "pelayanan publik", "tata kelola pemerintahan daerah"],
        "inisiator": ["opd", "masyarakat", "kepala daerah"],
        "urusan": ["Kesehatan", "Pekerjaan umum dan penataan ruang", "Perencanaan"],
        "tematik": ["Non tematik"] * 3,
        "trial_date": pd.to_datetime(["2022-06-30", "2024-01-01", None]),
        "implementation_date": pd.to_datetime(["2022-12-31", None, None]),
    }
    frame = pd.DataFrame(base)
    for c in SID_COLUMNS:
        frame[c] = [1, 3, 0]
    frame["sid_31"] = [2, 0, 0]
    for k, v in overrides.items():
        frame[k] = v
    return frame


def test_profiles_values_by_hand():
    prof = opd.build_opd_profiles(_innovations()).set_index("opd_key")
    # Dinas Kesehatan and its puskesmas fold into one OPD; Bappeda is another
    assert sorted(prof.index) == ["kesehatan", "perencanaan"]
    kes = prof.loc["kesehatan"]
    assert kes["innovation_count"] == 2
    assert kes["opd_name"] in ("Dinas Kesehatan", "UPT Puskesmas Jepon")
    assert kes["tahapan_penerapan_share"] == 0.5 and kes["tahapan_uji_coba_share"] == 0.5
    assert kes["jenis_digital_share"] == 0.5
    assert kes["inisiator_masyarakat_share"] == 0.5
    assert kes["urusan_yandas_count"] == 2 and kes["urusan_other_count"] == 0
    fw = framework_for_year(2025)
    w = fw.sid_weights
    # A1: all level 1 except sid_31 = 2; A2: all level 3 except sid_31 = 0
    a1 = w.sum() + w[31]
    a2 = 3 * (w.sum() - w[31])
    assert kes["maturity_mean_score"] == pytest.approx((a1 + a2) / 2)
    assert kes["replicated_share"] == 0.5
    assert kes["sid_16_mean_level"] == 2.0
    # ages to 31 Dec 2025: A1 implemented 2022-12-31 (3 years), A2 trial 2024-01-01 (~2 years)
    assert kes["age_mean_year"] == pytest.approx((3.0 + 730 / 365.25) / 2, abs=0.01)
    bap = prof.loc["perencanaan"]
    assert bap["maturity_mean_score"] == 0 and bap["mandatory_met_share"] == 0
    assert np.isnan(bap["age_mean_year"])
    assert bap["urusan_yandas_count"] == 0 and bap["urusan_other_count"] == 1


def test_dormant_opds_from_an_opd_list_are_added():
    opd_list = pd.DataFrame({"kode_wilayah": "33.16", "year": 2025,
                             "opd_name": ["Dinas Kesehatan", "Dinas Sosial", "Inspektorat"]})
    prof = opd.build_opd_profiles(_innovations(), opd_list=opd_list).set_index("opd_key")
    assert prof.loc["sosial", "is_dormant"] and prof.loc["inspektorat", "innovation_count"] == 0
    assert not prof.loc["kesehatan", "is_dormant"]
    assert len(prof) == 4


def test_profiles_keep_unmapped_opds_apart():
    frame = _innovations(opd_name=["Kantor Taman Pintar", "Kantor Museum Kereta", "Bappeda"])
    prof = opd.build_opd_profiles(frame)
    assert len(prof) == 3
    assert (prof["opd_type"] == opd.UNMAPPED).sum() == 1  # museum -> pariwisata_kebudayaan
    assert prof.loc[prof["opd_type"] == opd.UNMAPPED, "opd_key"].iloc[0] == "belum_terpetakan:kantor taman pintar"


def test_profiles_of_planted_data_have_40_features(planted_profiles):
    profiles, _ = planted_profiles
    assert len(opd.profile_feature_columns(profiles)) == 40
    assert (profiles["source"] == "simulated").all()
    shares = profiles[[c for c in profiles.columns if c.startswith("tahapan_")]].sum(axis=1)
    np.testing.assert_allclose(shares, 1.0)


# --------------------------------------------------------------------------- real LAN records

def test_real_profiles_from_lan_records():
    prof = opd.build_real_opd_profiles()
    assert prof["innovation_count"].sum() == 111  # every pemda record counted once
    sby = prof[(prof["kode_wilayah"] == "35.78") & (prof["opd_key"] == "pendidikan")].iloc[0]
    assert sby["innovation_count"] == 6  # six spellings of Dinas Pendidikan Kota Surabaya
    assert sby["jenis_teknologi_share"] == 1.0 and sby["jenis_main"] == "Teknologi"
    shares = prof[[c for c in prof.columns if c.startswith("jenis_") and c.endswith("_share")]].sum(axis=1)
    np.testing.assert_allclose(shares, 1.0)


def test_real_profiles_for_a_pemda_without_records_is_empty_not_an_error():
    prof = opd.build_real_opd_profiles(kode_wilayah="33.16")
    assert prof.empty and "innovation_count" in prof.columns
