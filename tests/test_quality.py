"""The data-quality list: the method check, conflicts, national figures, and `iid-research data check`.

Expected numbers are computed here by hand from the CSV cells (csv module) and the rule numbers
quoted in the comments (2023 rules: count score 0.38 × MIN(n, 200), divisor MAX(10, n), max_total
250, max_spd 63), never through the functions under test.
"""

import csv
import decimal
import shutil

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from iid_research import config, data, scoring
from iid_research.analysis import published
from iid_research.analysis.quality import (
    data_quality_issues,
    iid_bound_check,
    method_check,
    national_mean_check,
    rank_order_contradictions,
)
from iid_research.cli import main
from iid_research.frameworks import load_framework
from iid_research.notebook.overview import quality_lines, quality_table


@pytest.fixture(scope="module")
def issues():
    return data_quality_issues()


def _counts_csv():
    with open(config.RAW_DIR / "iid_innovation_counts_maturity_2021_2025.csv", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


# --------------------------------------------------------------------------- the method check

def test_tegal_implied_spd_by_hand():
    rows = [r for r in _counts_csv() if r["region_name"] == "Kabupaten Tegal"]
    expected = {}
    for r in rows:  # n ≥ 10, so the quality score is the mean maturity itself
        iid, n, mean = float(r["iid_score_same_source"]), int(r["accepted_by_kemendagri"]), \
            float(r["mean_maturity_or_threshold"])
        expected[int(r["year"])] = iid * 250 / 100 - mean - 0.38 * min(n, 200)
    assert expected == pytest.approx({2023: 49.69, 2024: 55.99, 2025: 51.005})
    got = method_check(data.load_innovation_counts()).set_index("year")
    assert got["implied_spd"].to_dict() == pytest.approx(expected)
    assert got["is_feasible"].all() and (got["max_spd"] == 63).all()
    assert got["count_score"].to_dict() == pytest.approx({2023: 49.02, 2024: 33.82, 2025: 52.06})


def test_an_impossible_triple_is_listed_as_a_contradiction():
    counts = data.load_innovation_counts().head(1).copy()  # Tegal 2023, then made impossible
    counts[["n_accepted", "mean_maturity", "iid_score"]] = [20, 30.0, 90.0]
    checked = method_check(counts)
    assert checked["implied_spd"].iloc[0] == pytest.approx(90 * 2.5 - 30 - 0.38 * 20)  # 187.4 > 63
    assert not checked["is_feasible"].iloc[0]
    found = data_quality_issues(innovation_counts=counts)
    row = found[found["issue"] == "method_implied_spd"].iloc[0]
    assert row["status"] == "contradiction" and row["values"]["implied_spd"] == pytest.approx(187.4)


def test_implied_spd_below_the_divisor_floor():
    fw = load_framework(2023)
    # 8 innovations of mean 80: quality = 80 × 8 / MAX(10, 8) = 64; count 0.38 × 8 = 3.04
    assert scoring.implied_spd_score(50.0, 8, 80.0, fw) == pytest.approx(125 - 64 - 3.04)
    assert scoring.max_iid_for_count(8, fw) == pytest.approx((63 + 111 * 0.8 + 3.04) / 2.5)


def test_iid_bound_uses_the_sent_count():
    bound = iid_bound_check(data.load_innovation_counts()).set_index(["kode_wilayah", "year"])
    sorong = bound.loc[("96.01", 2022)]  # 10 innovations, IID 46.14: max (63 + 111 + 3.8) / 2.5
    assert sorong["max_iid"] == pytest.approx(71.12) and sorong["count_kind"] == "sent" and sorong["is_feasible"]
    assert bound["is_feasible"].all()


# --------------------------------------------------------------------------- the list

def test_conflicts_and_contradictions_are_listed(issues):
    by = {(r.issue, r.kode_wilayah, r.year) for r in issues.itertuples(index=False)}
    assert ("source_conflict", "75.04", 2021) in by  # Pohuwato '197 of 251' vs '197 of 415'
    assert ("source_conflict", "13.11", 2022) in by  # Solok Selatan, two values in one article
    assert ("predicate_contradicts_threshold", "36.73", 2022) in by  # Kota Serang 60.56 "Inovatif"
    assert ("method_implied_spd", "33.28", 2023) in by
    assert ("provisional", "63.11", 2025) in by and ("rounded_score", "12.07", 2023) in by
    assert ("rank_not_national", "12.07", 2025) in by and ("year_not_stated", "13.76", None) not in by
    assert ("no_source", "33.16", 2021) not in by  # Blora's rank 80 now cites the regent's statement
    assert list(issues["status"].drop_duplicates()) == ["contradiction", "conflict", "caveat", "consistent"]


def test_rank_order_contradictions():
    pairs = rank_order_contradictions(data.load_iid_results())
    got = {(r.year, r.nama, r.other_nama) for r in pairs.itertuples(index=False)}
    # 2021 kabupaten: Gorontalo 27.32 at rank 261, Solok Selatan 22.24 at rank 228 (both cannot hold);
    # 2021 provinsi: Sumatera Selatan 79.51 rank 1 and the provisional NTB 54.3 "rank 1"
    assert got == {(2021, "Kabupaten Gorontalo", "Kabupaten Solok Selatan"),
                   (2021, "Provinsi Sumatera Selatan", "Provinsi Nusa Tenggara Barat")}


def test_participation_findings(issues):
    nat = issues[issues["kode_wilayah"].isna()]
    levels = nat[(nat["issue"] == "participation_levels_sum") & (nat["year"] == 2025)].iloc[0]
    assert levels["status"] == "conflict" and levels["values"]["levels_sum"] == 38 + 400 + 98
    assert levels["values"]["total"] == 541
    over = nat[nat["issue"] == "participation_exceeds_pemda"].iloc[0]
    assert (over["year"], over["values"]["reported"], over["values"]["autonomous"]) == (2025, 98, 93)
    other = nat[nat["issue"] == "participation_other_source"].iloc[0]  # "531 pemda, 36,742 innovations"
    assert other["values"]["stated"] == 531 and other["status"] == "conflict"
    ok = nat[(nat["issue"] == "participation_levels_sum") & (nat["year"] == 2024)].iloc[0]
    assert ok["status"] == "consistent"


def test_national_mean_against_the_sample():
    res = data.load_iid_results()
    final = res[(res["year"] == 2024) & res["iid_score"].notna() & ~res["is_provisional"]]["iid_score"]
    mean_by_hand = sum(final) / len(final)
    got = national_mean_check(res, pd.Series({2024: 46.01})).iloc[0]
    assert got["sample_n"] == len(final) and got["sample_mean"] == pytest.approx(mean_by_hand)
    assert got["sample_minus_national"] == pytest.approx(mean_by_hand - 46.01)
    assert got["is_within_sample"]


def test_framework_maxima_against_the_rules(issues):
    fm = issues[issues["issue"] == "framework_maxima"].set_index("year")
    assert fm.loc[2024, "status"] == "consistent"  # SPD 63, SID 187, total 250
    assert fm.loc[2025, "status"] == "conflict" and fm.loc[2025, "values"]["differs"] == "n_sid_indicators"


def test_rounded_quotes_are_judged_at_their_precision():
    frame = pd.DataFrame({"kode_wilayah": ["a", "b", "c"], "nama": "x", "year": 2023, "source_url": None,
                          "iid_score": [60.0, 61.0, 60.0], "score_decimals": [0, 0, 2],
                          "predicate": ["Inovatif", "Inovatif", "Sangat Inovatif"]})
    checked = scoring.check_published_predicates(frame).set_index("kode_wilayah")["is_consistent"]
    # "60" stands for 59.50-60.49: both Inovatif and Sangat Inovatif (≥ 60.01) possible; "61" is all Sangat
    assert checked.to_dict() == {"a": True, "b": False, "c": False}


def test_matches_published_against_decimal_rounding():
    def by_hand(value, published, d):
        two = decimal.Decimal(repr(value)).quantize(decimal.Decimal("0.01"), rounding=decimal.ROUND_HALF_UP)
        return two.quantize(decimal.Decimal(1).scaleb(-d), rounding=decimal.ROUND_HALF_UP) == \
            decimal.Decimal(repr(published)).quantize(decimal.Decimal(1).scaleb(-d))

    rng = np.random.default_rng(3)
    values = [float(v) for v in np.round(rng.uniform(0, 100, 300), 3)] + [58.496, 60.005, 59.995]
    for v in values:
        for d in (0, 1, 2):
            p = float(decimal.Decimal(repr(v)).quantize(decimal.Decimal(1).scaleb(-d),
                                                          rounding=decimal.ROUND_HALF_UP))
            for q in (p, p + 10 ** -d):
                assert scoring.matches_published(v, q, d) == by_hand(v, q, d), (v, q, d)
    assert scoring.matches_published(58.496, 59, 0) and not scoring.matches_published(58.494, 59, 0)


# --------------------------------------------------------------------------- in words: the overview and the command

def test_lines_and_table_are_the_same_list():
    table = quality_table(lang="en")
    lines = quality_lines("en")
    assert len(lines) == len(table) + 1
    pohuwato = [x for x in lines if "Pohuwato" in x]
    assert pohuwato and "'197 of 415' kept" in pohuwato[0] and "'197 of 251'" in pohuwato[0]
    tegal = [x for x in lines if "Tegal" in x and "implied SPD" in x and "2023" in x][0]
    assert "= 49.69" in tegal and "possible under the method" in tegal
    id_tegal = [x for x in quality_lines("id") if "Tegal" in x and "SPD tersirat" in x and "2023" in x][0]
    assert "49,69" in id_tegal and "60,30 × 2,5" in id_tegal


def test_data_check_command_prints_the_list():
    res = CliRunner().invoke(main, ["data", "check", "--no-simulation", "--lang", "en"])
    assert res.exit_code == 0, res.output
    assert res.output.splitlines()[0].startswith("Data-quality list:")
    assert "Kabupaten Pohuwato" in res.output and "implied SPD" in res.output
    assert "national mean IID 46.01" in res.output


def test_data_check_with_the_simulator_compares_innovation_totals(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "PROCESSED_DIR", tmp_path)
    res = CliRunner().invoke(main, ["data", "check", "--lang", "en"])
    assert res.exit_code == 0, res.output
    blora = [x for x in res.output.splitlines() if "simulated innovation counts" in x and "Kabupaten Blora" in x]
    assert len(blora) == 3 and all("published" in x for x in blora)


def test_data_check_on_broken_data_gives_a_message_not_a_traceback(tmp_path, monkeypatch):
    target = tmp_path / "raw"
    shutil.copytree(config.RAW_DIR, target)
    file = target / "iid_region_results_news_round2_2017_2025.csv"
    file.write_text(file.read_text() + "x\n")
    monkeypatch.setattr(config, "RAW_DIR", target)
    res = CliRunner().invoke(main, ["data", "check", "--no-simulation"])
    assert res.exit_code == 1
    assert "error: the data check could not run" in res.output and "SHA-256 mismatch" in res.output
    assert "Traceback" not in res.output


# --------------------------------------------------------------------------- overview tables

def test_provincial_coverage_by_hand():
    res = data.load_iid_results()
    regions = data.load_regions()
    cov = published.provincial_coverage(res, regions).set_index("province")
    pemda = regions[regions["is_autonomous"]]
    sampled = set(res.loc[res["year"] >= 2021, "kode_wilayah"]) & set(pemda["kode_wilayah"])
    aceh = pemda[pemda["kode_province"] == "11"]
    assert cov.loc["Aceh", "n_pemda"] == len(aceh) == 24
    assert cov.loc["Aceh", "n_sampled"] == len(sampled & set(aceh["kode_wilayah"]))
    ratio = (cov.loc["Aceh", "n_sampled"] / len(sampled)) / (24 / len(pemda))
    assert cov.loc["Aceh", "representation_ratio"] == pytest.approx(ratio)
    assert cov.loc["Aceh", "representation"] == "over" and cov.loc["Nusa Tenggara Timur", "representation"] == "under"
    assert cov["n_pemda"].sum() == len(pemda) == 546


def test_national_mean_by_year_table():
    table = published.national_mean_by_year(data.load_iid_results()).set_index("year")
    assert table.loc[2024, "national_mean"] == 46.01 and table.loc[2025, "national_mean"] == 49.43
    assert np.isnan(table.loc[2022, "national_mean"]) and table.loc[2022, "sample_n"] > 0
