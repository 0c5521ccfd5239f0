import pytest

from iid_research.data import load_regions, region_matcher
from iid_research.regions import RegionMatchError, split_prefix


@pytest.fixture(scope="module")
def matcher():
    return region_matcher()


@pytest.mark.parametrize("query, kode", [
    ("33.16", "33.16"),
    ("3316", "33.16"),
    ("Kab. Blora", "33.16"),
    ("Kabupaten Blora", "33.16"),
    ("BLORA", "33.16"),
    ("kab blora", "33.16"),
    ("Pemkab Blora", "33.16"),
    ("Kota Semarang", "33.74"),
    ("KOTA SEMARANG", "33.74"),
    ("Kabupaten Semarang", "33.22"),
    ("Prov. Jawa Tengah", "33"),
    ("Provinsi Jawa Tengah", "33"),
    ("DKI Jakarta", "31"),
    ("Fakfak", "92.03"),          # written "Fak Fak" in the region table
    ("Kota Baubau", "74.72"),     # written "Bau Bau"
    ("Pemda Jember", "35.09"),
])
def test_match_accepts_codes_and_names_as_people_write_them(matcher, query, kode):
    assert matcher.match(query) == kode


def test_bps_and_kemendagri_codes_differ_and_are_told_apart(matcher):
    # BPS 3374 is Kota Semarang, Kemendagri 33.74 too; but BPS 3202 (Kab. Sukabumi) is Kemendagri 32.02
    assert matcher.match("3374") == "33.74"
    regions = load_regions().set_index("kode_wilayah")
    assert regions.loc["33.16", "kode_bps"] == "3316"


def test_ambiguous_name_lists_both_candidates(matcher):
    with pytest.raises(RegionMatchError) as info:
        matcher.match("Semarang")
    assert "33.22 Kabupaten Semarang" in info.value.candidates
    assert "33.74 Kota Semarang" in info.value.candidates
    assert "matches 2 pemda" in str(info.value)


def test_level_and_province_hints_resolve_ambiguity(matcher):
    assert matcher.match("Semarang", level="kota") == "33.74"
    assert matcher.match("Bengkulu", level="provinsi") == "17"


def test_unknown_name_lists_closest_candidates(matcher):
    with pytest.raises(RegionMatchError) as info:
        matcher.match("Kabupaten Blorra")
    assert info.value.candidates[0] == "33.16 Kabupaten Blora"
    assert "matches no pemda" in str(info.value)


def test_unknown_code_and_level_mismatch_are_errors(matcher):
    with pytest.raises(RegionMatchError, match="not a known"):
        matcher.match("99.99")
    with pytest.raises(RegionMatchError, match="is a kabupaten, not a kota"):
        matcher.match("33.16", level="kota")


def test_match_many_reports_every_failure_with_row_numbers(matcher):
    with pytest.raises(ValueError) as info:
        matcher.match_many(["Kab. Blora", "Atlantis", "Semarang"], context="my.csv")
    msg = str(info.value)
    assert "my.csv: 2 region value(s)" in msg and "row 3" in msg and "row 4" in msg


def test_split_prefix_implies_level():
    assert split_prefix("Kab. Blora") == ("kabupaten", "blora")
    assert split_prefix("Prov. Jawa Tengah") == ("provinsi", "jawa tengah")
    assert split_prefix("Kota Administrasi Jakarta Pusat") == ("kota", "jakarta pusat")
    assert split_prefix("Kotawaringin Barat") == (None, "kotawaringin barat")


def test_level_and_province_are_enforced_not_just_tie_breakers(matcher):
    with pytest.raises(RegionMatchError, match="names a kabupaten, not a provinsi"):
        matcher.match("Kab. Pati", level="provinsi")
    with pytest.raises(RegionMatchError, match="names a kota, not a kabupaten"):
        matcher.match("Kota Semarang", level="kabupaten")
    with pytest.raises(RegionMatchError, match="not in province 'Jawa Timur'"):
        matcher.match("Blora", province="Jawa Timur")
    with pytest.raises(ValueError, match="province 'Atlantis' matches no province"):
        matcher.match("Blora", province="Atlantis")
    with pytest.raises(ValueError, match="level must be one of"):
        matcher.match("Blora", level="kecamatan")


def test_names_that_start_like_a_prefix_and_unicode(matcher):
    assert matcher.match("Kota Baru") == "63.02"      # Kabupaten Kotabaru
    assert matcher.match("Kotamobagu") == "71.74"
    assert matcher.match("Ｂｌｏｒａ") == "33.16"      # full-width letters
    assert matcher.match("Blora\u200b") == "33.16"   # zero-width space


def test_match_many_refuses_lists_of_different_lengths(matcher):
    with pytest.raises(ValueError, match="3 values but 1 levels"):
        matcher.match_many(["Blora", "Kab. Pati", "Kudus"], level=["kabupaten"])


def test_names_the_region_table_itself_abbreviates_are_matched():
    """The region table writes 'Kabupaten Kep. Siau Tagulandang Biaro'; 'Kep.' is also read as Kepulauan."""
    from iid_research.data import region_matcher

    m = region_matcher()
    assert m.match("Kabupaten Kep. Siau Tagulandang Biaro") == "71.09"
    assert m.match("Kabupaten Kepulauan Siau Tagulandang Biaro") == "71.09"
    assert m.match("KEP. SERIBU") == "31.01"
