import shutil

import pandas as pd
import pytest

from iid_research import config, data


@pytest.fixture
def raw_copy(tmp_path):
    target = tmp_path / "raw"
    shutil.copytree(config.RAW_DIR, target)
    return target


def test_every_raw_file_matches_its_manifest_checksum():
    table = data.input_checksums()
    manifest = data.load_manifest()
    assert set(table["file"]) == set(manifest["file"])
    assert len(manifest) == 15  # 10 of the first collection + 5 of the second (2026-12-01)
    assert (manifest[["source", "licence", "accessed_date", "description"]] != "").all().all()


def test_changed_raw_file_raises_naming_the_file(raw_copy):
    file = raw_copy / "iga_awards_2020_2025.csv"
    file.write_text(file.read_text() + "2025,X,Kota Y,kota,Z,,,\n")
    with pytest.raises(data.ChecksumMismatchError, match="iga_awards_2020_2025.csv: SHA-256 mismatch"):
        data.load_awards(raw_copy)


def test_missing_and_unlisted_files_are_errors(raw_copy):
    (raw_copy / "idsd_2024_kabkota_partial.csv").unlink()
    with pytest.raises(FileNotFoundError, match="idsd_2024_kabkota_partial.csv"):
        data.verify_raw_file("idsd_2024_kabkota_partial.csv", raw_copy)
    with pytest.raises(KeyError, match="not listed"):
        data.verify_raw_file("other.csv", raw_copy)


def test_regions_table_counts_and_autonomy():
    regions = data.load_regions()
    assert regions["level"].value_counts().to_dict() == {"kabupaten": 416, "kota": 98, "provinsi": 38}
    auto = regions[regions["is_autonomous"]]
    assert auto["level"].value_counts().to_dict() == {"kabupaten": 415, "kota": 93, "provinsi": 38}
    blora = regions.set_index("kode_wilayah").loc["33.16"]
    assert blora["nama"] == "Kabupaten Blora" and blora["province"] == "Jawa Tengah"
    assert blora["population"] > 800_000 and 1900 < blora["area_km2"] < 2000


def test_iid_results_keep_the_two_scales_apart():
    res = data.load_iid_results()
    assert not res.duplicated(["kode_wilayah", "year"]).any()
    assert res.loc[res["year"] < 2021, "iid_score"].isna().all()
    assert res.loc[res["year"] >= 2021, "raw_score"].isna().all()
    banyuwangi = res.set_index(["kode_wilayah", "year"]).loc[("35.10", 2019)]
    assert banyuwangi["raw_score"] == 74400  # "74400" on the old raw scale
    assert res.set_index(["kode_wilayah", "year"]).loc[("35.10", 2021), "iid_score"] == pytest.approx(84.19)


def test_blora_rank_history_is_80_16_12():
    res = data.load_iid_results()
    blora = res[res["kode_wilayah"] == "33.16"].set_index("year")["rank"]
    assert blora.loc[[2021, 2022, 2023]].tolist() == [80, 16, 12]


def test_schema_failures_are_all_reported_with_rows(raw_copy):
    file = raw_copy / "iid_region_scores_news_2019_2025.csv"
    frame = pd.read_csv(file, dtype=str, keep_default_na=False)
    frame.loc[60, "iid_score"] = "160,5"      # out of 0-100
    frame.loc[61, "predicate"] = "Luar Biasa"  # unknown predikat
    frame.to_csv(file, index=False)
    manifest = pd.read_csv(raw_copy / "manifest.csv", dtype=str, keep_default_na=False)
    from iid_research._io import sha256_file
    manifest.loc[manifest["file"] == file.name, "sha256"] = sha256_file(file)
    manifest.to_csv(raw_copy / "manifest.csv", index=False)
    with pytest.raises(data.DataValidationError) as info:
        data.load_iid_results(raw_copy)
    assert "row 63" in str(info.value) and "Luar Biasa" in str(info.value)
    frame.loc[61, "predicate"] = "Inovatif"
    frame.to_csv(file, index=False)
    manifest.loc[manifest["file"] == file.name, "sha256"] = sha256_file(file)
    manifest.to_csv(raw_copy / "manifest.csv", index=False)
    with pytest.raises(data.DataValidationError) as info:
        data.load_iid_results(raw_copy)
    assert "row 62" in str(info.value) and "iid_score" in str(info.value)


def test_innovations_resolve_pemda_from_names():
    inn = data.load_innovations()
    assert len(inn) == 200 and inn["is_pemda"].sum() == 111
    assert inn.loc[inn["is_pemda"], "kode_wilayah"].notna().all()
    kulon_progo = inn[inn["nama_instansi"].str.upper() == "KABUPATEN KULON PROGO"]
    assert set(kulon_progo["kode_wilayah"]) == {"34.01"}
    # the source codes Kota Sukabumi as 32.02 (Kabupaten Sukabumi); the name wins
    sukabumi = inn[inn["nama_instansi"] == "Kota Sukabumi"]
    assert set(sukabumi["kode_wilayah"]) == {"32.72"}


def test_covariates_join_grdp_by_bps_code():
    cov = data.load_covariates().set_index(["kode_wilayah", "year"])
    raw = pd.read_csv(config.RAW_DIR / "grdp_per_capita_districts_2000_2024_quarcs.csv", dtype=str)
    blora_raw = float(raw.loc[raw["districtID"] == "3316", "grdp_pc_2022"].iloc[0])
    assert cov.loc[("33.16", 2022), "grdp_per_capita_thousand_idr"] == blora_raw
    assert pd.isna(cov.loc[("33.16", 2025), "grdp_per_capita_thousand_idr"])
    assert cov.loc[("61.71", 2024), "idsd_score"] == pytest.approx(4.18)  # Kota Pontianak


def test_awards_and_counts():
    aw = data.load_awards()
    # the second award table adds Blora's IGA 2025 nomination (field validation, 14 Nov 2025)
    assert set(aw.loc[aw["kode_wilayah"] == "33.16", "year"]) == {2022, 2023, 2024, 2025}
    counts = data.load_predicate_counts().set_index("year")
    assert counts.loc[2021, ["sangat_inovatif_count", "inovatif_count", "kurang_inovatif_count"]].tolist() == [37, 316, 166]
    assert counts.loc[2024, "innovations_reported_count"] == 31719


def test_write_processed_writes_every_table(tmp_path):
    paths = data.write_processed(out_dir=tmp_path)
    assert set(paths) == {"regions", "iid_results", "innovations", "covariates", "awards", "predicate_counts",
                          "iid_result_sources", "iid_result_conflicts", "innovation_counts", "named_innovations",
                          "national_aggregates"}
    back = pd.read_csv(paths["regions"], dtype={"kode_wilayah": str})
    assert len(back) == 552 and "33.16" in set(back["kode_wilayah"])
    assert not list(tmp_path.glob("*.tmp"))


def test_region_matcher_is_never_stale(raw_copy):
    assert data.match_region("Kab. Blora", path=raw_copy) == "33.16"
    file = raw_copy / "regions_kemendagri_2025_population_area.csv"
    file.write_text(file.read_text().replace("Kabupaten Blora,", "Kabupaten Blorax,"))
    with pytest.raises(data.ChecksumMismatchError):
        data.match_region("Kab. Blora", path=raw_copy)
    manifest = pd.read_csv(raw_copy / "manifest.csv", dtype=str, keep_default_na=False)
    from iid_research._io import sha256_file
    manifest.loc[manifest["file"] == file.name, "sha256"] = sha256_file(file)
    manifest.to_csv(raw_copy / "manifest.csv", index=False)
    assert data.match_region("Kab. Blorax", path=raw_copy) == "33.16"


def test_outputs_are_readable_by_others(tmp_path):
    import os
    import stat

    from iid_research._io import write_text_atomic
    old = os.umask(0o022)
    try:
        path = write_text_atomic(tmp_path / "r.html", "<html></html>")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_processed_tables_are_byte_identical_across_runs(tmp_path):
    first = data.write_processed(out_dir=tmp_path / "a")
    second = data.write_processed(out_dir=tmp_path / "b")
    for name in first:
        assert first[name].read_bytes() == second[name].read_bytes(), name


def test_built_tables_are_served_from_the_disk_cache_until_an_input_changes(tmp_path, monkeypatch):
    import shutil

    from iid_research import config, data

    raw = tmp_path / "raw"
    shutil.copytree(config.RAW_DIR, raw)
    monkeypatch.setattr(config, "PROCESSED_DIR", tmp_path / "processed")
    first = data.load_iid_results(raw)
    data.load_iid_results.cache_clear()  # as in a new process: only the disk level is left
    name = "iid_research.data.load_iid_results"
    built = data._FRAME_BUILDERS[name]

    def boom(path=None):
        raise AssertionError("rebuilt")

    monkeypatch.setitem(data._FRAME_BUILDERS, name, boom)
    pd.testing.assert_frame_equal(data.load_iid_results(raw), first)  # a disk hit, nothing rebuilt
    assert any((tmp_path / "processed" / "cache").rglob("output.pkl"))
    with open(raw / "iid_predicate_counts_2018_2025.csv", "a", encoding="utf-8") as fh:
        fh.write("\n")  # any raw file: the key is the whole folder
    with pytest.raises(AssertionError, match="rebuilt"):
        data.load_iid_results(raw)
    monkeypatch.setitem(data._FRAME_BUILDERS, name, built)
