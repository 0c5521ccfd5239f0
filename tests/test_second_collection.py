"""The second data collection: the merged published results, the new tables and their loaders.

Expected values are read from the raw CSV files with the csv module (not through the loaders) or
written by hand from the source rows quoted in the comments.
"""

import csv
import shutil

import numpy as np
import pandas as pd
import pytest

from iid_research import config, data
from iid_research._io import sha256_file
from iid_research.published_sources import TRUST_GRADES, merge_result_rows, parse_rank_of

RAW = config.RAW_DIR
ROUND2 = "iid_region_results_news_round2_2017_2025.csv"


def _csv(name):
    with open(RAW / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture
def raw_copy(tmp_path):
    target = tmp_path / "raw"
    shutil.copytree(config.RAW_DIR, target)
    return target


def _rewrite(raw_copy, name, rows, fields):
    with open(raw_copy / name, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    manifest = pd.read_csv(raw_copy / "manifest.csv", dtype=str, keep_default_na=False)
    manifest.loc[manifest["file"] == name, "sha256"] = sha256_file(raw_copy / name)
    manifest.to_csv(raw_copy / "manifest.csv", index=False)


@pytest.fixture(scope="module")
def results():
    return data.load_iid_results().set_index(["kode_wilayah", "year"])


# --------------------------------------------------------------------------- the merge

def test_one_row_per_pemda_year_and_every_dated_source_row_accounted_for():
    res = data.load_iid_results()
    src = data.load_iid_result_sources()
    assert not res.duplicated(["kode_wilayah", "year"]).any()
    first, second = _csv("iid_region_scores_news_2019_2025.csv"), _csv(ROUND2)
    assert len(src) == len(first) + len(second) == 147 + 77
    dated = src[src["status"] != "no_year"]
    assert len(res) == dated.groupby(["kode_wilayah", "year"]).ngroups
    assert res["n_sources"].sum() == len(dated)
    # Kota Payakumbuh: "YEAR NOT STATED" rank 25 of 512 -> kept out of the yearly table
    no_year = src[src["status"] == "no_year"]
    assert no_year["nama"].tolist() == ["Kota Payakumbuh"] and "13.76" not in set(res["kode_wilayah"])


def test_final_0_100_scores_count():
    res = data.load_iid_results()
    first = [r for r in _csv("iid_region_scores_news_2019_2025.csv") if r["score_scale"] == "0-100" and r["iid_score"]]
    second = [r for r in _csv(ROUND2) if r["score"] and "RAW SCALE" not in r["note"]]
    # the second table repeats Solok Selatan 2022 (two scores in one article): one pemda-year
    assert len(first) == 55 and len(second) == 35
    assert res["iid_score"].notna().sum() == 55 + 35 - 1


def test_pohuwato_2021_denominator_conflict_keeps_the_cluster_size(results):
    row = results.loc[("75.04", 2021)]
    assert (row["rank"], row["rank_of"], row["n_conflicts"]) == (197, 415, 1)
    conflicts = data.load_iid_result_conflicts()
    poh = conflicts[(conflicts["kode_wilayah"] == "75.04") & (conflicts["year"] == 2021)]
    assert poh[["field", "kept_value", "other_value"]].values.tolist() == [["rank_of", 415, 251]]
    assert poh["other_url"].iloc[0].startswith("https://tatiye.id/")


def test_solok_selatan_2022_two_values_in_one_article(results):
    row = results.loc[("13.11", 2022)]
    assert row["iid_score"] == pytest.approx(53.14) and row["rank"] == 114 and bool(row["is_year_uncertain"])
    conflicts = data.load_iid_result_conflicts()
    sol = conflicts[(conflicts["kode_wilayah"] == "13.11") & (conflicts["year"] == 2022)]
    assert sorted(map(tuple, sol[["field", "other_value"]].values.tolist())) == [("iid_score", 53.02), ("rank", 89)]


def test_raw_scale_provisional_rounded_and_scoped_ranks(results):
    karo = results.loc[("12.06", 2020)]  # "3319 ... RAW SCALE ... PROVISIONAL", rank 97
    assert pd.isna(karo["iid_score"]) and karo["raw_score"] == 3319 and bool(karo["is_provisional"])
    assert results.loc[("18.04", 2019), "raw_score"] == 12500  # Lampung Barat "indeks 12.500"
    assert bool(results.loc[("63.11", 2025), "is_provisional"])  # Balangan 97.60 "capaian ... sementara"
    deli = results.loc[("12.07", 2023)]  # "skor 59", rounded as quoted
    assert deli["iid_score"] == 59 and deli["score_decimals"] == 0 and bool(deli["is_rounded"])
    assert not bool(results.loc[("12.07", 2025), "is_rounded"])  # 64.02
    deli25 = results.loc[("12.07", 2025)]  # "rank 1 / kab/kota in Sumatera Utara": not a national rank
    assert pd.isna(deli25["rank"]) and deli25["scoped_rank"] == 1 and deli25["rank_scope"] == "province"
    # Tegal 2024: the first table has only the predikat, the second adds the exact score
    tegal = results.loc[("33.28", 2024)]
    assert tegal["iid_score"] == pytest.approx(67.8) and tegal["predicate"] == "Sangat Inovatif"
    assert tegal["trust"] == "regional government page" and tegal["n_sources"] == 2
    # "Terinovatif (as written)" is an award title, not a predikat
    bojo = results.loc[("35.22", 2024)]
    assert pd.isna(bojo["predicate"]) and bojo["predicate_as_written"].startswith("Terinovatif")


def test_blora_2021_rank_is_now_sourced(results):
    blora = results.loc[("33.16", 2021)]
    assert bool(blora["has_source"]) and "tribunnews.com/2023/07/10" in blora["source_url"]
    assert blora["n_sources"] == 2 and blora["n_conflicts"] == 0
    assert "VERIFY" not in str(blora["note"])


def test_the_published_results_schema_is_strict():
    res = data.load_iid_results()
    assert list(res.columns) == list(data.IID_RESULTS_SCHEMA.columns)
    with pytest.raises(data.DataValidationError, match="column_in_schema"):
        data.validate_schema(data.IID_RESULTS_SCHEMA, res.assign(extra=1), "x")


def test_merge_rules_final_before_provisional_then_trust_then_first_table():
    base = {"kode_wilayah": "33.16", "nama": "Kabupaten Blora", "level": "kabupaten", "province": "Jawa Tengah",
            "year": 2023, "score_decimals": 2, "is_rounded": False, "raw_score": np.nan, "predicate": None,
            "predicate_as_written": None, "rank": None, "rank_of": None, "scoped_rank": None, "scoped_rank_of": None,
            "rank_scope": None, "is_year_uncertain": False, "note": None}
    rows = pd.DataFrame([
        {**base, "iid_score": 70.0, "is_provisional": True, "trust": "BSKDN page", "source_url": "a",
         "source_file": "f2", "source_row": 2, "file_order": 1},
        {**base, "iid_score": 66.0, "is_provisional": False, "trust": "news only", "source_url": "b",
         "source_file": "f2", "source_row": 3, "file_order": 1},
        {**base, "iid_score": 66.0, "score_decimals": 0, "is_provisional": False, "trust": "news only",
         "source_url": "c", "source_file": "f1", "source_row": 9, "file_order": 0},
    ])
    for col in ("rank", "rank_of", "scoped_rank", "scoped_rank_of", "score_decimals"):
        rows[col] = rows[col].astype("Float64").astype("Int64")
    merged, conflicts, status = merge_result_rows(rows)
    # final beats provisional whatever the grade; at equal grade the first table (file_order 0) wins
    assert merged["iid_score"].tolist() == [66.0] and merged["source_url"].tolist() == ["c"]
    assert conflicts[["kept_value", "other_value"]].values.tolist() == [[66.0, 70.0]]
    assert status.tolist() == ["conflict", "agrees", "kept"]  # "66" agrees with 66.00 at 0 decimals
    assert TRUST_GRADES["news quoting regional official"] == TRUST_GRADES["news (grade not recorded)"]


def test_rank_of_text():
    assert parse_rank_of("kab/kota in Sulawesi Utara") == (None, "province")
    assert parse_rank_of("all kab/kota (n not stated)") == (None, "kabupaten_kota")
    assert parse_rank_of("251 (as written)") == (251, None)


def test_changed_second_file_is_refused(raw_copy):
    (raw_copy / ROUND2).write_text((raw_copy / ROUND2).read_text() + "\n")
    with pytest.raises(data.ChecksumMismatchError, match=ROUND2):
        data.load_iid_results(raw_copy)


def test_raw_scale_flag_on_a_0_100_year_names_the_row(raw_copy):
    rows = _csv(ROUND2)
    fields = list(rows[0])
    rows[2]["note"] = "RAW SCALE " + rows[2]["note"]  # Deli Serdang 2023 (row 4 of the file)
    _rewrite(raw_copy, ROUND2, rows, fields)
    with pytest.raises(data.DataValidationError, match=r"row 4, column 'note': RAW SCALE for 2023"):
        data.load_iid_results(raw_copy)


# --------------------------------------------------------------------------- the other tables

def test_innovation_counts_as_published():
    counts = data.load_innovation_counts()
    by = counts.dropna(subset=["year"]).set_index(["kode_wilayah", "year"])
    tegal = by.loc["33.28"]
    assert tegal["n_sent_or_counted"].tolist() == [157, 89, 139] and tegal["n_accepted"].tolist() == [129, 89, 137]
    assert tegal["mean_maturity"].tolist() == [52.04, 79.69, 90.91]
    assert tegal["iid_score"].tolist() == [60.3, 67.8, 77.59]
    assert by.loc["33.16", "n_sent_or_counted"].tolist() == [210, 250, 471]
    assert bool(by.loc[("96.01", 2023), "iid_is_provisional"]) and by.loc[("96.01", 2023), "iid_score"] == 47.63
    assert by.loc[("12.06", 2020), "raw_score"] == 3319 and pd.isna(by.loc[("12.06", 2020), "iid_score"])
    assert by.loc[("33.14", 2024), "maturity_as_written"] == "min maturity 100 for sending"
    assert len(counts) == len(_csv("iid_innovation_counts_maturity_2021_2025.csv")) == 29


def test_named_innovations_with_opd():
    named = data.load_named_innovations()
    sumbawa = named[(named["kode_wilayah"] == "52.04") & (named["year"] == 2022)]
    assert len(sumbawa) == 9 and sumbawa["opd_name"].notna().all()
    assert sumbawa.set_index("nama_inovasi").loc["Bank Desa", "opd_name"] == "Kecamatan Lopok"
    blora = named[named["kode_wilayah"] == "33.16"].set_index("nama_inovasi")
    assert pd.isna(blora.loc["Kotak Umat (kotoran ternak untuk pupuk organik)", "opd_name"])
    assert blora.loc["SIKEP (Sistem Informasi Kinerja dan Informasi Pembangunan)", "opd_name"] == \
        "Bapperida Kabupaten Blora"


def test_awards_from_both_tables():
    aw = data.load_awards()
    nominees = aw[aw["category"] == "IGA nominee - kabupaten cluster (12)"]
    assert len(nominees) == 12 and nominees["note"].str.contains("listed 1 of 12").sum() == 1
    sragen = aw[(aw["kode_wilayah"] == "33.14") & (aw["year"] == 2023)]
    # the second table "adds rank to the existing IGA 2023 row": one row, rank 4
    assert len(sragen) == 1 and sragen["award_rank"].tolist() == [4]
    assert set(aw["source_file"]) == set(data.AWARD_FILES)


def test_national_aggregates_and_participation_by_level():
    assert data.national_mean_iid().to_dict() == {2024: 46.01, 2025: 49.43}
    counts = data.load_predicate_counts().set_index("year")
    cols = ["participating_provinsi_count", "participating_kabupaten_count", "participating_kota_count"]
    assert counts.loc[2024, cols].tolist() == [38, 398, 93]  # "38 prov 398 of 415 kab 93 kota"
    assert counts.loc[2025, cols].tolist() == [38, 400, 98]
    assert counts.loc[2021, cols].isna().all()
