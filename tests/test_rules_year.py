"""Adding a framework year is CSV edits only: a fake 2027 framework in a temporary rules folder."""

import shutil

import numpy as np
import pandas as pd
import pytest

from iid_research import config, frameworks
from iid_research.analysis.decomposition import rules_comparison
from iid_research.importers import import_innovations
from iid_research.scoring import SID_COLUMNS, pemda_components, rank_within_cluster, score_components, score_pemda

RENAMED = "Regulasi Inovasi Daerah Tahun Berjalan"


@pytest.fixture
def rules_2027(tmp_path, monkeypatch):
    """The package rules plus a framework 2027 (divisor floor 14, all 6 urusan) scoring assessment year 2027."""
    folder = tmp_path / "rules"
    shutil.copytree(config.RULES_DIR, folder)
    fw = pd.read_csv(folder / "frameworks.csv", keep_default_na=False)
    row = fw[fw["framework"] == 2026].iloc[0].copy()
    row["framework"], row["divisor_floor"], row["count_score_min_urusan_yandas"] = 2027, 14, 6
    row["status"], row["source"] = "test: announced ladder", "test"
    pd.concat([fw, row.to_frame().T]).to_csv(folder / "frameworks.csv", index=False)
    ind = pd.read_csv(folder / "indicators_2026.csv", keep_default_na=False, dtype={"sub": str})
    ind["framework"] = 2027
    ind.loc[ind["indicator_no"] == 16, "name_id"] = RENAMED  # a wording only the 2027 table has
    ind.to_csv(folder / "indicators_2027.csv", index=False)
    years = pd.read_csv(folder / "assessment_years.csv", keep_default_na=False)
    new = years[years["year"] == 2026].iloc[0].copy()
    new["year"], new["framework"] = 2027, 2027
    pd.concat([years, new.to_frame().T]).to_csv(folder / "assessment_years.csv", index=False)
    monkeypatch.setattr(config, "RULES_DIR", folder)
    return folder


def test_the_fake_year_is_read_from_the_rules(rules_2027):
    assert frameworks.framework_years() == [2023, 2026, 2027]
    assert 2027 in frameworks.assessment_years()
    fw = frameworks.framework_for_year(2027)
    assert fw.divisor_floor == 14 and fw.count_score_min_urusan_yandas == 6
    assert frameworks.latest_framework().year == 2027


def test_scoring_uses_the_fake_framework(rules_2027):
    fw = frameworks.framework_for_year(2027)
    answers = [dict.fromkeys(range(16, 36), 1)] * 13  # 13 innovations of 37 points, below the floor 14
    got = score_pemda({"1": 3}, answers, fw, n_urusan_yandas=6)
    assert got["quality_score"] == pytest.approx(13 * 37 / 14)  # MAX(14, 13) = 14, by hand
    assert got["count_score"] == pytest.approx(0.38 * 13)
    assert score_pemda({"1": 3}, answers, fw, n_urusan_yandas=5)["count_score"] == 0  # 2027: all 6 urusan


def test_importers_recognise_the_fake_years_headers(rules_2027, tmp_path):
    header = ["pemda", "nama inovasi", RENAMED] + [str(i) for i in range(17, 36)]
    rows = [["Kab. Blora", "Inovasi A"] + ["2"] * 20, ["Kab. Blora", "Inovasi B"] + ["1"] * 20]
    src = tmp_path / "inovasi_2027.csv"
    src.write_text("\n".join(",".join(r) for r in [header, *rows]) + "\n", encoding="utf-8")
    report = import_innovations(src, 2027, write=False)
    assert report.table["sid_16"].tolist() == [2, 1] and report.table["sid_35"].tolist() == [2, 1]


def test_rules_comparison_on_the_fake_framework(rules_2027):
    rng = np.random.default_rng(3)
    fw26 = frameworks.load_framework(2026)
    spd_rows = fw26.spd[["indicator_no", "sub"]].to_numpy()
    codes = [f"99.{k:02d}" for k in range(1, 7)]
    spd = pd.DataFrame([(c, 2026, int(i), str(s), int(rng.integers(0, 4))) for c in codes for i, s in spd_rows],
                       columns=["kode_wilayah", "year", "indicator_no", "sub", "level"])
    urusan = ["Pendidikan", "Kesehatan", "Sosial", "Pekerjaan Umum dan Penataan Ruang",
              "Perumahan Rakyat dan Kawasan Permukiman", "Trantibumlinmas"]
    inn = pd.DataFrame([{"kode_wilayah": c, "year": 2026, "urusan": urusan[j % (5 + k % 2)],
                         **{col: int(rng.integers(0, 4)) for col in SID_COLUMNS}}
                        for k, c in enumerate(codes) for j in range(12)])

    class Data:
        scores = pd.DataFrame({"kode_wilayah": codes, "year": 2026, "level": "kota"})

        @staticmethod
        def components():
            return pemda_components(spd, inn, fw26)

    out = rules_comparison(Data, 2026, framework_years=(2026, 2027))
    comp = pemda_components(spd, inn, fw26)
    by_hand = {fy: score_components(comp, frameworks.load_framework(fy))["iid_score"].droplevel("year")
               for fy in (2026, 2027)}
    assert np.allclose(out["iid_2027"], by_hand[2027].loc[out.index])
    assert np.allclose(out["rules_effect"], (by_hand[2027] - by_hand[2026]).loc[out.index])
    # pemda with 5 of 6 urusan lose the whole count score under 2027; those with 6 keep it (floor 14 costs all)
    five = [c for k, c in enumerate(codes) if k % 2 == 0]
    assert (out.loc[five, "rules_effect"] < -0.38 * 12 / 250 * 100 + 1e-9).all()
    ranks = rank_within_cluster(out.assign(year=2026), score="iid_2027")
    assert ranks.tolist() == out["rank_2027"].tolist()
