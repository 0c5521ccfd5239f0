import numpy as np
import pandas as pd
import pytest

from iid_research import data, frameworks, scoring
from iid_research.analysis.quality import data_quality_issues


@pytest.fixture(scope="module")
def fw23():
    return frameworks.load_framework(2023)


@pytest.fixture(scope="module")
def fw26():
    return frameworks.load_framework(2026)


def test_2026_maxima_are_63_111_76_250(fw26):
    assert 3 * fw26.spd["weight"].sum() == 63
    assert scoring.score_sid_innovation({i: 3 for i in range(16, 36)}, fw26) == 111
    assert scoring.count_score(500, fw26, n_urusan_yandas=6) == pytest.approx(76)
    assert fw26.max_total == 250
    assert len(fw26.spd) == 20 and fw26.spd["indicator_no"].nunique() == 15
    assert fw26.divisor_floor == 12 and frameworks.load_framework(2023).divisor_floor == 10


def test_worked_examples_from_the_2026_tables(fw26):
    # 16 Regulasi: "Peraturan Kepala Daerah" is level 2 -> 3 x 2 = 6; 17 SDM "11-30 SDM" is level 2 -> 2 x 2 = 4
    assert scoring.score_sid_innovation({16: 2}, fw26) == 6
    assert scoring.score_sid_innovation({17: 2}, fw26) == 4
    # 35 Video "5 unsur substansi" level 3 -> 12; 31 Replikasi level 1 -> 3
    assert scoring.score_sid_innovation({35: 3, 31: 1}, fw26) == 15
    # SPD 5a TPT progress level 3 -> 0.75 x 3 = 2.25; 8 Opini BPK WTP level 3 -> 4.5
    assert scoring.score_spd({"5a": 3, "8": 3}, fw26) == pytest.approx(6.75)
    assert scoring.score_spd({str(r): 3 for r in fw26.spd_row_ids}, fw26) == pytest.approx(63)


def test_sid_divisor_floor_counts_empty_seats(fw23, fw26):
    scores = [55.5] * 8
    r23 = scoring.compute_sid(scores, fw23)
    assert r23.divisor == 10 and r23.empty_seats == 2
    assert r23.quality_score == pytest.approx(444 / 10)
    assert r23.count_score == pytest.approx(0.38 * 8)
    r26 = scoring.compute_sid(scores, fw26, n_urusan_yandas=5)
    assert r26.divisor == 12 and r26.quality_score == pytest.approx(37.0)
    assert scoring.compute_sid(scores, fw26, n_urusan_yandas=4).count_score == 0
    many = scoring.compute_sid([50.0] * 15, fw26, n_urusan_yandas=6)
    assert many.divisor == 15 and many.empty_seats == 0 and many.quality_score == pytest.approx(50)


def test_iid_is_total_over_max_times_100(fw23):
    result = scoring.score_pemda({"1": 3, "8": 3}, [{i: 3 for i in range(16, 36)}] * 10, fw23)
    spd = 3 + 4.5
    sid = 111 + 0.38 * 10
    assert result["spd_score"] == pytest.approx(spd)
    assert result["iid_score"] == pytest.approx((spd + sid) / 250 * 100)


def test_count_score_caps_at_200(fw23):
    assert scoring.count_score(200, fw23) == pytest.approx(76)
    assert scoring.count_score(350, fw23) == pytest.approx(76)
    assert scoring.count_score(np.array([0, 10, 250]), fw23) == pytest.approx([0, 3.8, 76])


def test_2026_count_score_needs_urusan(fw26):
    with pytest.raises(ValueError, match="n_urusan_yandas"):
        scoring.count_score(10, fw26)


def test_bad_levels_and_indicators_are_rejected(fw26):
    with pytest.raises(ValueError, match="levels must be 0, 1, 2 or 3"):
        scoring.score_sid_innovation({16: 4}, fw26)
    with pytest.raises(ValueError, match=r"unknown SID indicator number\(s\) \[36\]"):
        scoring.score_sid_innovation({36: 1}, fw26)
    with pytest.raises(ValueError, match="unknown SPD row"):
        scoring.score_spd({"2": 1}, fw26)  # 2 has sub-rows 2a / 2b
    frame = pd.DataFrame({c: [1] for c in scoring.SID_COLUMNS}).assign(sid_20=[7])
    with pytest.raises(ValueError, match="sid_20"):
        scoring.score_sid_innovations(frame, fw26)


def test_vectorised_sid_matches_scalar(fw23, rng):
    levels = rng.integers(0, 4, size=(50, 20))
    frame = pd.DataFrame(levels, columns=scoring.SID_COLUMNS)
    vec = scoring.score_sid_innovations(frame, fw23)
    scalar = [scoring.score_sid_innovation(row, fw23) for row in levels]
    assert np.allclose(vec, scalar)


def test_spd_long_to_wide(fw26):
    spd = pd.DataFrame({"kode_wilayah": ["33.16"] * 3, "year": [2026] * 3, "indicator_no": [1, 2, 2],
                        "sub": ["", "a", "b"], "level": [3, 1, 2]})
    wide = scoring.spd_levels_wide(spd, fw26)
    assert wide.loc[("33.16", 2026), ["spd_1", "spd_2a", "spd_2b", "spd_3"]].tolist() == [3, 1, 2, 0]
    with pytest.raises(ValueError, match="duplicate"):
        scoring.spd_levels_wide(pd.concat([spd, spd.iloc[:1]]), fw26)


@pytest.mark.parametrize("score, year, expected", [
    (60.01, 2023, "Sangat Inovatif"), (60.00, 2023, "Inovatif"), (35.00, 2023, "Inovatif"),
    (34.99, 2023, "Kurang Inovatif"), (0.01, 2023, "Kurang Inovatif"), (0.0, 2023, "Tidak Dapat Dinilai"),
    (65.00, 2026, "Inovatif"), (65.01, 2026, "Sangat Inovatif"), (40.00, 2026, "Kurang Inovatif"),
    (40.01, 2026, "Inovatif"), (60.004, 2022, "Inovatif"), (60.006, 2022, "Sangat Inovatif"),
])
def test_predicate_thresholds(score, year, expected):
    assert scoring.predicate_for(score, year) == expected


def test_predicate_errors_name_years_with_rules():
    with pytest.raises(KeyError, match=r"rules exist for \[2021, 2022, 2023, 2024, 2025, 2026\]"):
        scoring.predicate_for(50, 2019)
    with pytest.raises(ValueError, match="0-100"):
        scoring.predicate_for(120, 2023)


def test_predicate_agrees_with_every_published_pair_except_listed_contradictions():
    results = data.load_iid_results()
    checked = scoring.check_published_predicates(results)
    assert len(checked) >= 50
    bad = checked[~checked["is_consistent"]]
    issues = data_quality_issues(results)
    listed = issues[issues["issue"] == "predicate_contradicts_threshold"]
    assert set(zip(bad["kode_wilayah"], bad["year"])) == set(zip(listed["kode_wilayah"], listed["year"]))
    # Kota Serang 2022: 60.56 published as "Inovatif" although 60.01 is the Sangat Inovatif bound
    assert ("36.73", 2022) in set(zip(bad["kode_wilayah"], bad["year"]))
    assert len(bad) == 1


def test_quality_list_flags_unsourced_and_provisional_rows():
    results = data.load_iid_results()
    issues = data_quality_issues(results)
    by_issue = issues.groupby("issue")["kode_wilayah"].apply(set).to_dict()
    # Blora's 2021 rank 80 now cites the regent's statement (second collection): every row has a source
    assert "no_source" not in by_issue and results["has_source"].all()
    assert {"52.04", "64.02", "63.11"} <= by_issue["provisional"]  # Sumbawa 2022, Kukar 2023, Balangan 2025
    # a row without a source page is still listed
    unsourced = results.assign(has_source=results["kode_wilayah"].eq("33.16") & results["year"].eq(2021)
                               ).assign(has_source=lambda d: ~d["has_source"])
    listed = data_quality_issues(unsourced)
    assert set(zip(*[listed.loc[listed["issue"] == "no_source", c] for c in ("kode_wilayah", "year")])) == \
        {("33.16", 2021)}


def test_rank_within_cluster_ties_share_the_best_rank():
    frame = pd.DataFrame({"level": ["kota"] * 4 + ["kabupaten"] * 2, "year": 2023,
                          "iid_score": [70.0, 65.001, 64.998, 50.0, 40.0, 80.0]})
    ranks = scoring.rank_within_cluster(frame)
    assert ranks.tolist() == [1, 2, 2, 4, 2, 1]
    assert scoring.cluster_sizes(frame).tolist() == [4, 4, 4, 4, 2, 2]


def test_framework_replace_is_a_what_if_copy(fw26):
    what_if = fw26.replace(divisor_floor=14)
    assert scoring.compute_sid([60.0] * 12, what_if, n_urusan_yandas=6).divisor == 14
    assert fw26.divisor_floor == 12


def test_unknown_framework_year_lists_known(tmp_path):
    with pytest.raises(KeyError, match=r"defines \[2023, 2026\]"):
        frameworks.load_framework(2030)


def test_rule_files_are_checked_against_stated_maxima(tmp_path):
    import shutil
    shutil.copytree(frameworks.config.RULES_DIR, tmp_path / "rules")
    table = pd.read_csv(tmp_path / "rules" / "frameworks.csv")
    table.loc[table["framework"] == 2026, "max_spd"] = 60
    table.to_csv(tmp_path / "rules" / "frameworks.csv", index=False)
    with pytest.raises(ValueError, match="max_spd stated 60"):
        frameworks.load_framework(2026, tmp_path / "rules")


def test_round_published_is_half_up():
    assert scoring.round_published(60.005) == pytest.approx(60.01)
    assert scoring.predicate_for(60.005, 2023) == "Sangat Inovatif"
    assert scoring.predicate_for(60.0049, 2023) == "Inovatif"


@pytest.mark.parametrize("levels, message", [
    ({"016": 3}, None), ({" 16": 3}, None), ({16.5: 3}, "not an indicator number"),
    ({16: 3, "16": 1}, "given twice"),
])
def test_sid_mapping_keys_are_normalised_or_refused(fw26, levels, message):
    if message is None:
        assert scoring.score_sid_innovation(levels, fw26) == 9
    else:
        with pytest.raises(ValueError, match=message):
            scoring.score_sid_innovation(levels, fw26)


def test_impossible_scores_are_refused(fw23):
    with pytest.raises(ValueError, match="within 0-111"):
        scoring.compute_sid([50, float("nan")], fw23)
    with pytest.raises(ValueError, match="within 0-111"):
        scoring.compute_sid([-500, 50], fw23)
    with pytest.raises(ValueError, match="SPD must be within 0-63"):
        scoring.compute_iid(-1000, 10, fw23)
    with pytest.raises(ValueError, match="whole number"):
        scoring.count_score(2.5, fw23)
    with pytest.raises(ValueError, match="whole number"):
        scoring.count_score(float("nan"), fw23)
    with pytest.raises(ValueError, match="within 0-100"):
        scoring.assign_predicates([150], 2023)
    spd = pd.DataFrame({"kode_wilayah": ["33.16"], "year": [2023], "indicator_no": [2.7], "sub": ["a"], "level": [1]})
    with pytest.raises(ValueError, match="whole numbers"):
        scoring.spd_levels_wide(spd, fw23)
