"""How sure is a rank (issue 12): rank bands, the chance of the target, Sobol indices.

Expected values are computed independently: ranks by counting, scores with ``score_pemda`` answer by answer,
expectations of the validation cuts by hand, a "true" world drawn answer by answer with Python loops.
"""

import json
import shutil

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from workspace_inputs import ANNEX, write_inputs

from iid_research import config
from iid_research.analysis.projection import project, published_year_changes
from iid_research.analysis.uncertainty import (
    OthersField,
    UncertaintySettings,
    claims_from_answers,
    cluster_rank_bands,
    others_draws,
    project_uncertainty,
    rank_change_verdict,
    rank_uncertainty,
    uncertainty_dict,
    validation_draws,
)
from iid_research.cli import main
from iid_research.dataset import from_workspace
from iid_research.frameworks import (
    framework_for_year,
    method_alternatives,
    predicate_thresholds,
    validation_uncertainty,
)
from iid_research.scoring import rank_among_draws, rank_within_cluster, ranks_within_rows, score_pemda
from iid_research.workspace import init_workspace

BLORA = "33.16"
YEAR = 2024  # 2023 rules; method alternatives: the count rule's urusan condition and the divisor floor 10 or 12
OTHERS = [s for name, s in ANNEX if name.startswith("Kabupaten") and name != "Kabupaten Blora"]


def _rank_by_hand(iid, others=OTHERS):
    return 1 + sum(s > round(iid + 1e-9, 2) for s in others)


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    """A workspace of Blora 2024 (12 innovations, all mandatory evidence given) with the 2024 annex."""
    root = tmp_path_factory.mktemp("unc")
    fw = framework_for_year(YEAR)
    levels = np.random.default_rng(7).integers(1, 4, (12, len(fw.sid_indicators)))
    w = init_workspace(root / "ws")
    for kind, path in zip(("innovations", "spd", "annex"), write_inputs(root, YEAR, levels, 2)):
        w.import_file(kind, path, YEAR)
    return w, levels


def _frames(levels, spd_level, year=YEAR, urusan=None, tahapan=None):
    """Contract tables of one pemda-year built directly (no files)."""
    fw = framework_for_year(year)
    n = len(levels)
    inn = pd.DataFrame(np.asarray(levels, int), columns=list(fw.sid_columns))
    inn.insert(0, "innovation_id", [f"I{j}" for j in range(n)])
    inn.insert(1, "kode_wilayah", BLORA)
    inn.insert(2, "year", year)
    inn.insert(3, "urusan", urusan if urusan is not None else ["Kesehatan"] * n)
    inn.insert(4, "tahapan", tahapan if tahapan is not None else ["penerapan"] * n)
    spd = pd.DataFrame({"kode_wilayah": BLORA, "year": year,
                        "indicator_no": [int("".join(c for c in r if c.isdigit())) for r in fw.spd_row_ids],
                        "sub": ["".join(c for c in r if c.isalpha()) for r in fw.spd_row_ids],
                        "level": spd_level})
    return spd, inn


def _held(others=OTHERS):
    m = len(others)
    return OthersField(np.array([f"x{k}" for k in range(m)]), np.array(others, float), np.zeros(m), np.zeros(m),
                       f"annex {YEAR}")


# --------------------------------------------------------------------------- the collapse (the check)

def test_band_collapses_to_the_point_rank_without_validation_and_method_and_a_same_year_annex(ws):
    w, levels = ws
    fw = framework_for_year(YEAR)
    data = from_workspace(w)
    by_hand = score_pemda({r: 2 for r in fw.spd_row_ids}, [dict(zip(fw.sid_indicators, row)) for row in levels], fw,
                          n_urusan_yandas=1)["iid_score"]
    rank = _rank_by_hand(by_hand)
    for target in (rank - 1, rank, rank + 1):
        p = project(data, BLORA, YEAR, target_rank=target, plans=False)
        u = project_uncertainty(data, p, settings=UncertaintySettings(validation=False, method=False), draws=500,
                                seed=3)
        assert "annex" in u.basis and u.point_rank == p.rank == rank
        assert u.rank_p05 == u.rank_p50 == u.rank_p95 == rank and (u.rank == rank).all()
        assert u.p_target == (1.0 if rank <= target else 0.0)
        assert u.point_iid == pytest.approx(by_hand, abs=1e-9) and np.allclose(u.iid, by_hand)
        assert u.contributions["sobol_total"].abs().max() == 0  # nothing varies: no index to share out


def test_project_command_uncertainty_json_is_reproducible_and_p_target_grows_with_the_target(ws):
    w, _ = ws
    outs = {}
    for target in (1, 3, 5, 6):
        args = ["project", "--workspace", str(w.path), "--pemda", BLORA, "--year", str(YEAR), "--target-rank",
                str(target), "--json", "--uncertainty", "--draws", "2000", "--seed", "11"]
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, result.output
        outs[target] = json.loads(result.output)["uncertainty"]
        if target == 3:
            again = json.loads(CliRunner().invoke(main, args).output)["uncertainty"]
            assert again == outs[3]  # the same seed gives the same output
    u = outs[3]
    for key in ("rank_p05", "rank_p50", "rank_p95", "p_target", "p_predicate", "contributions"):
        assert key in u, key
    assert u["rank_p05"] <= u["rank_p50"] <= u["rank_p95"]
    assert sum(u["p_predicate"].values()) == pytest.approx(1.0, abs=1e-3)
    assert set(u["p_predicate"]) == {"Sangat Inovatif", "Inovatif", "Kurang Inovatif", "Tidak Dapat Dinilai"}
    assert set(u["contributions"]) == {"validation", "method", "others"}
    assert u["contributions"]["others"]["active"] is False  # the annex is of the projected year: held
    p = [outs[k]["p_target"] for k in (1, 3, 5, 6)]
    assert p == sorted(p) and p[-1] == 1.0  # rank 6 of 6 is always reached
    human = CliRunner().invoke(main, ["project", "--workspace", str(w.path), "--pemda", BLORA, "--year", str(YEAR),
                                      "--uncertainty", "--draws", "500", "--lang", "en"])
    assert human.exit_code == 0 and "likely" in human.output and "Chance of each predikat" in human.output


def test_a_projection_from_an_earlier_annex_draws_the_others(tmp_path):
    fw = framework_for_year(YEAR)
    levels = np.random.default_rng(7).integers(1, 4, (12, len(fw.sid_indicators)))
    w = init_workspace(tmp_path / "ws")
    inn, spd, _ = write_inputs(tmp_path, YEAR, levels, 2)
    _, _, ax = write_inputs(tmp_path, YEAR - 1, levels, 2)  # only the annex of the year before
    for kind, path in (("innovations", inn), ("spd", spd), ("annex", ax)):
        w.import_file(kind, path, YEAR - 1 if kind == "annex" else YEAR)
    data = from_workspace(w)
    p = project(data, BLORA, YEAR, target_rank=3, drift=2.0, plans=False)
    assert p.rank_basis.startswith(f"annex {YEAR - 1}") and p.drift == 2.0
    assert sorted(p.field["iid_score"]) == sorted(s + 2.0 for s in OTHERS)  # the point: last annex + drift
    only = project_uncertainty(data, p, settings=UncertaintySettings().only("others"), draws=3000, seed=1)
    assert only.contributions.set_index("source").loc["others", "active"]
    assert only.parameters["others_spread"] == pytest.approx(published_year_changes()["spread_per_year"])
    drawn = only.rank
    assert drawn.min() < only.point_rank or drawn.max() > only.point_rank  # the others move
    assert only.rank_p05 <= only.point_rank <= only.rank_p95  # centred on the point: drift error and spread ±


# --------------------------------------------------------------------------- each source by hand

def test_method_draws_give_the_documented_alternatives_with_their_weights():
    fw = framework_for_year(YEAR)
    levels = np.random.default_rng(2).integers(1, 4, (8, 20))  # 8 innovations: MAX(10, 8) and MAX(12, 8) differ
    spd, inn = _frames(levels, 1)
    claims = claims_from_answers(spd, inn, fw, BLORA, YEAR)
    u = rank_uncertainty(claims, _held(), settings=UncertaintySettings(validation=False), draws=20_000, seed=5,
                         sobol=False)
    alts = method_alternatives(YEAR)
    assert set(alts["part"]) == {"count_rule", "divisor_floor"}
    w = alts.set_index(["part", "value"])["weight"]
    answers = [dict(zip(fw.sid_indicators, row)) for row in levels]
    expected = {}
    for floor in (10, 12):
        for need in (0, 5):
            f = fw.replace(divisor_floor=floor, count_score_min_urusan_yandas=need)
            iid = score_pemda({r: 1 for r in fw.spd_row_ids}, answers, f, n_urusan_yandas=1)["iid_score"]
            key = round(iid, 6)
            expected[key] = expected.get(key, 0) + w[("divisor_floor", floor)] * w[("count_rule", need)]
    got = pd.Series(np.round(u.iid, 6)).value_counts(normalize=True)
    assert set(got.index) == set(expected)
    for iid, share in expected.items():
        assert got[iid] == pytest.approx(share, abs=0.015)
    ranks = {_rank_by_hand(i) for i in expected}
    assert set(np.unique(u.rank)) == ranks


def test_validation_draws_match_the_expected_cuts_by_hand():
    fw = framework_for_year(YEAR)
    rng = np.random.default_rng(4)
    levels = rng.integers(0, 4, (6, 20))
    at_risk_row = 2
    levels[at_risk_row, fw.sid_indicators.index(16)] = 0  # mandatory indicator 16 unevidenced: at risk
    levels[:, fw.sid_indicators.index(17)] = np.maximum(levels[:, fw.sid_indicators.index(17)], 1)
    levels[[j for j in range(6) if j != at_risk_row], fw.sid_indicators.index(16)] = 2
    for i in (32, 33, 35):  # the other mandatory indicators evidenced
        if i in fw.sid_indicators:
            levels[:, fw.sid_indicators.index(i)] = np.maximum(levels[:, fw.sid_indicators.index(i)], 1)
    spd_levels = rng.integers(0, 4, len(fw.spd_row_ids))
    spd, inn = _frames(levels, spd_levels)
    claims = claims_from_answers(spd, inn, fw, BLORA, YEAR)
    assert claims.at_risk.tolist() == [j == at_risk_row for j in range(6)]
    draws = 40_000
    v = validation_draws(claims, UncertaintySettings(), np.random.default_rng(9), draws)
    table = validation_uncertainty()
    rej = table.set_index("target")["p_down_all"]
    answer = table[table["target"] == "answer"]

    def probs(aspect, number):
        rows = answer[answer["aspect"] == aspect].set_index("indicator_no")
        row = rows.loc[str(number)] if str(number) in rows.index else rows.loc["*"]
        return [float(row[c]) for c in ("p_keep", "p_down_1", "p_down_2", "p_down_all")]

    def expected_level(level, p):  # E[level after the cut]
        return level * p[0] + max(level - 1, 0) * p[1] + max(level - 2, 0) * p[2]

    keep = [1 - (rej["innovation_at_risk"] if j == at_risk_row else rej["innovation"]) for j in range(6)]
    w_sid = dict(zip(fw.sid_indicators, fw.sid_weights))
    e_sid = sum(keep[j] * sum(w_sid[i] * expected_level(levels[j, k], probs("SID", i))
                              for k, i in enumerate(fw.sid_indicators)) for j in range(6))
    w_spd = fw.spd_weights.to_numpy()
    e_spd = sum(w_spd[r] * expected_level(spd_levels[r], probs("SPD", int("".join(c for c in row if c.isdigit()))))
                for r, row in enumerate(fw.spd_row_ids))
    for key, expect in (("sid_points", e_sid), ("spd_points", e_spd), ("n_innovations", sum(keep))):
        drawn = v[key][1:]
        assert drawn.mean() == pytest.approx(expect, abs=5 * drawn.std() / np.sqrt(draws) + 1e-9), key
    assert (v["n_innovations"][1:] == 6).mean() == pytest.approx(np.prod(keep), abs=0.01)
    assert v["sid_points"][0] == pytest.approx(float((levels @ fw.sid_weights.to_numpy()).sum()))
    off = validation_draws(claims, UncertaintySettings(validation=False), np.random.default_rng(9), 10)
    assert (off["sid_points"] == v["sid_points"][0]).all() and (off["n_innovations"] == 6).all()


def test_others_drift_error_and_spread():
    m = 3
    field = OthersField(np.array(["a", "b", "c"]), np.array([40.0, 50.0, 99.0]), np.full(m, 2.0),
                        np.full(m, np.sqrt(2.0)), "annex 2022 + drift +3.00/yr")
    o = others_draws(field, UncertaintySettings(others_spread=2.0, others_drift_sd=0.5), np.random.default_rng(1),
                     50_000)
    assert (o[0] == field.iid_score).all() and o.min() >= 0 and o.max() <= 100
    # sd of one total: √((2 · 0.5)² + (√2 · 2)²) = 3; correlation of two totals: 1 / 9 (the common drift)
    assert o[1:, 0].std() == pytest.approx(3.0, rel=0.02) and o[1:, 0].mean() == pytest.approx(40.0, abs=0.05)
    assert np.corrcoef(o[1:, 0], o[1:, 1])[0, 1] == pytest.approx(1 / 9, abs=0.02)
    assert others_draws(_held(), UncertaintySettings(), np.random.default_rng(1), 10) is None


def test_published_year_changes_by_hand():
    results = pd.DataFrame({"kode_wilayah": ["a", "a", "a", "b", "b"], "year": [2021, 2022, 2024, 2022, 2023],
                            "iid_score": [40.0, 44.0, 50.0, 30.0, 32.0]})
    est = published_year_changes(results)
    # pairs: (1 y, +4), (2 y, +6), (1 y, +2): μ = 12 / 4 = 3
    resid = [(4 - 3) ** 2 / 1, (6 - 6) ** 2 / 2, (2 - 3) ** 2 / 1]
    assert est["n_pairs"] == 3 and est["drift_per_year"] == pytest.approx(3.0)
    assert est["spread_per_year"] == pytest.approx(np.sqrt(sum(resid) / 2))
    assert est["drift_sd"] == pytest.approx(np.sqrt(sum(resid) / 2) / 2)


def test_sobol_indices_give_the_rank_to_the_source_that_moves_it():
    fw = framework_for_year(YEAR)
    levels = np.random.default_rng(2).integers(1, 4, (8, 20))
    spd, inn = _frames(levels, 1)
    claims = claims_from_answers(spd, inn, fw, BLORA, YEAR)
    others = list(np.linspace(30, 70, 41))
    alone = rank_uncertainty(claims, _held(others), settings=UncertaintySettings(method=False), draws=4000, seed=1)
    c = alone.contributions.set_index("source")
    assert c.loc["validation", "sobol_total"] > 0.9 and c.loc["validation", "sobol_first"] > 0.9
    assert c.loc["method", "sobol_total"] == pytest.approx(0, abs=1e-9) and not c.loc["others", "active"]
    both = rank_uncertainty(claims, _held(others), draws=4000, seed=1)
    c = both.contributions.set_index("source")
    assert c.loc["method", "sobol_total"] > c.loc["validation", "sobol_total"] > 0  # the count rule dominates here
    assert c.loc["method", "band_width"] > c.loc["validation", "band_width"]
    d = uncertainty_dict(both)
    assert d["contributions"]["method"]["sobol_total"] == round(float(c.loc["method", "sobol_total"]), 4)


def test_rank_change_verdict():
    fw = framework_for_year(YEAR)
    spd, inn = _frames(np.full((12, 20), 2), 2)
    u = rank_uncertainty(claims_from_answers(spd, inn, fw, BLORA, YEAR), _held(list(np.linspace(30, 90, 61))),
                         draws=2000, seed=0, sobol=False)
    assert rank_change_verdict(u.rank_p95 + 1, u) == "up_beyond_band"
    assert rank_change_verdict(u.rank_p05 - 1, u) == "down_beyond_band"
    assert rank_change_verdict(u.rank_p50, u) == "within_band" and rank_change_verdict(None, u) is None


# --------------------------------------------------------------------------- rules data and the rank rules

def test_method_alternatives_are_rule_data_checked_on_load(tmp_path):
    table = method_alternatives()
    assert {"count_rule", "divisor_floor", "predicate_thresholds"} <= set(table["part"])
    ladder = table[(table["part"] == "divisor_floor") & (table["year"] == 2029)]
    assert sorted(ladder["value"]) == [12, 14, 16, 18] and ladder["source"].str.len().gt(0).all()
    assert (table.groupby(["part", "year"])["weight"].sum().round(9) == 1).all()
    th = method_alternatives(2025)
    assert sorted(th.loc[th["part"] == "predicate_thresholds", "value"]) == [35.0, 40.01]
    assert predicate_thresholds(2025).inovatif_min == th.loc[th["package_reading"] & (th["part"] ==
                                                                                        "predicate_thresholds"),
                                                              "value"].iloc[0]
    rules = tmp_path / "rules"
    shutil.copytree(config.RULES_DIR, rules)
    text = (rules / "method_alternatives.csv").read_text().replace("MAX(12, n) as 2026\",12,0.5",
                                                                     "MAX(12, n) as 2026\",12,0.4")
    (rules / "method_alternatives.csv").write_text(text)
    with pytest.raises(ValueError, match="divisor_floor 2024: weights sum to 0.9"):
        method_alternatives(rules_dir=rules)


def test_ranks_of_draws_follow_rank_within_cluster():
    rng = np.random.default_rng(0)
    scores = np.round(rng.uniform(0, 100, (50, 30)), 1)  # ties on purpose
    ranks = ranks_within_rows(scores)
    for d in range(50):
        frame = pd.DataFrame({"iid_score": scores[d], "level": "kabupaten", "year": 1})
        assert ranks[d].tolist() == rank_within_cluster(frame).tolist()
    x = scores[:, 0]
    assert rank_among_draws(x, scores[:, 1:]).tolist() == [1 + int((scores[d, 1:] > x[d]).sum()) for d in range(50)]


def test_cluster_bands_collapse_without_uncertainty_and_widen_with_it():
    fw = framework_for_year(YEAR)
    rng = np.random.default_rng(8)
    claims = []
    for k in range(25):
        n = int(rng.integers(3, 30))
        spd, inn = _frames(rng.integers(0, 4, (n, 20)), rng.integers(0, 4, len(fw.spd_row_ids)))
        claims.append(claims_from_answers(spd.assign(kode_wilayah=f"p{k}"), inn.assign(kode_wilayah=f"p{k}"), fw,
                                          f"p{k}", YEAR))
    fixed = cluster_rank_bands(claims, level="kabupaten", settings=UncertaintySettings(validation=False, method=False),
                               draws=200)
    by_hand = [score_pemda(dict(zip(fw.spd_row_ids, c.spd_levels)),
                           [dict(zip(fw.sid_indicators, row)) for row in c.sid_levels], fw)["iid_score"]
               for c in claims]
    expected = pd.Series([1 + sum(round(o, 2) > round(s, 2) for o in by_hand) for s in by_hand],
                         index=[c.kode_wilayah for c in claims])
    b = fixed.bands.set_index("kode_wilayah")
    assert (b["rank"] == expected[b.index]).all() and (b["band_width"] == 0).all()
    assert fixed.meaningful_gap == 1 and (fixed.order_kept["p_order_kept"] == 1).all()
    noisy = cluster_rank_bands(claims, level="kabupaten", draws=1000, seed=2)
    assert noisy.bands["band_width"].mean() > 0
    kept = noisy.order_kept.set_index("distance")["p_order_kept"]
    assert kept.iloc[-1] > kept.iloc[0]  # pemda far apart keep their order more often than neighbours
    assert noisy.meaningful_gap is None or kept[noisy.meaningful_gap] >= 0.9


# --------------------------------------------------------------------------- coverage against a "true" world

def _true_world(rng, fw, weights, spread, drift_sd, drift, annex):
    """One world drawn answer by answer (Python loops, score_pemda), independent of the vectorised engine."""
    n = int(rng.integers(6, 30))
    levels = rng.integers(0, 4, (n, 20))
    urusan = rng.choice(["Kesehatan", "Pendidikan", "Sosial", "Pariwisata", "Pertanian", "Perhubungan"], n)
    tahapan = rng.choice(["penerapan", "uji coba", "inisiatif"], n, p=[0.8, 0.15, 0.05])
    spd_levels = rng.integers(0, 4, len(fw.spd_row_ids))
    spd, inn = _frames(levels, spd_levels, urusan=list(urusan), tahapan=list(tahapan))
    claims = claims_from_answers(spd, inn, fw, BLORA, YEAR)
    table = validation_uncertainty()
    answer = table[table["target"] == "answer"]
    rej = table.set_index("target")["p_down_all"]

    chances = {(r.aspect, r.indicator_no): [r.p_keep, r.p_down_1, r.p_down_2, r.p_down_all]
               for r in answer.itertuples(index=False)}

    def cut(level, aspect, number):
        p = chances.get((aspect, str(number)), chances[(aspect, "*")])
        k = int(np.searchsorted(np.cumsum(p), rng.random(), side="right"))  # category with chance p[k]
        return 0 if k >= 3 else max(0, level - k)

    true_spd = {r: cut(int(spd_levels[i]), "SPD", int("".join(c for c in r if c.isdigit())))
                for i, r in enumerate(fw.spd_row_ids)}
    kept, kept_urusan = [], []
    for j in range(n):
        p = rej["innovation_at_risk"] if claims.at_risk[j] else rej["innovation"]
        if rng.random() < p:
            continue
        kept.append({i: cut(int(levels[j, k]), "SID", i) for k, i in enumerate(fw.sid_indicators)})
        kept_urusan.append(urusan[j])
    f = fw
    for _part, g in weights.groupby("part"):
        value = rng.choice(g["value"].to_numpy(), p=g["weight"].to_numpy())
        f = f.replace(**{g["setting"].iloc[0]: int(value)})
    yandas = len({u for u in kept_urusan if u in ("Kesehatan", "Pendidikan", "Sosial")})
    true_iid = score_pemda(true_spd, kept, f, n_urusan_yandas=yandas)["iid_score"]
    true_others = np.clip(annex + drift + drift_sd * rng.standard_normal() + spread * rng.standard_normal(len(annex)),
                          0, 100)
    return claims, 1 + int((np.round(true_others, 2) > round(true_iid, 2)).sum())


@pytest.mark.slow
def test_the_90_band_covers_the_true_rank_in_about_90_percent_of_worlds():
    fw = framework_for_year(YEAR)
    weights = method_alternatives(YEAR)
    rng = np.random.default_rng(2024)
    spread, drift_sd, drift = 4.0, 1.0, 3.0
    annex = rng.uniform(15, 85, 120)  # last year's annex of 120 other pemda
    field = OthersField(np.array([f"x{k}" for k in range(120)]), np.clip(annex + drift, 0, 100), np.ones(120),
                        np.ones(120), "annex 2023 + drift +3.00/yr")
    settings = UncertaintySettings(others_spread=spread, others_drift_sd=drift_sd)
    worlds, covered = 300, 0
    for w in range(worlds):
        claims, true_rank = _true_world(rng, fw, weights, spread, drift_sd, drift, annex)
        u = rank_uncertainty(claims, field, settings=settings, draws=2000, seed=w, sobol=False)
        covered += u.rank_p05 <= true_rank <= u.rank_p95
    coverage = covered / worlds
    print(f"coverage of the 90 % band: {coverage:.3f} over {worlds} worlds")
    assert 0.85 <= coverage <= 0.97


def test_a_band_against_published_plus_simulated_totals_says_so_in_its_section(tmp_path, monkeypatch):
    """Without the year's annex the field holds SIMULATED totals: the band's own section must say it."""
    from iid_research.notebook import display
    from iid_research.notebook import uncertainty as unc

    shown = []
    monkeypatch.setattr(display, "text", lambda key, lang="id", **f: shown.append(key))
    monkeypatch.setattr(display, "heading", lambda key, lang="id", **f: shown.append(key))
    monkeypatch.setattr(display, "bullets", lambda lines: None)
    year = 2024
    fw = framework_for_year(year)
    inn, spd, ax = write_inputs(tmp_path, year, np.full((6, len(fw.sid_indicators)), 2), 2)
    ws = init_workspace(tmp_path / "ws")
    ws.import_file("innovations", inn, year)
    ws.import_file("spd", spd, year)
    band = unc.workspace_band(from_workspace(ws), "33.16", year, draws=200)
    assert band.basis == "published+simulated"
    unc.show_band(band, "id", figure=False, table=False)
    assert shown[:2] == ["unc_h", "nb03_basis_published_simulated"]
    ws.import_file("annex", ax, year)  # with the year's annex: no such sentence
    shown.clear()
    unc.show_band(unc.workspace_band(from_workspace(ws), "33.16", year, draws=200), "id", figure=False, table=False)
    assert "nb03_basis_published_simulated" not in shown and shown[0] == "unc_h"


def test_a_band_among_part_of_the_cluster_is_not_compared_with_national_ranks(tmp_path):
    """An annex of 7 of 415 kabupaten: last year's national rank 12 says nothing about a band among 7."""
    from iid_research.notebook import uncertainty as unc

    year = 2024
    fw = framework_for_year(year)
    inn, spd, ax = write_inputs(tmp_path, year, np.full((6, len(fw.sid_indicators)), 2), 2)
    ws = init_workspace(tmp_path / "ws")
    for kind, path in (("innovations", inn), ("spd", spd), ("annex", ax)):
        ws.import_file(kind, path, year)
    band = unc.workspace_band(from_workspace(ws), "33.16", year, draws=200)
    kabupaten_in_annex = sum(name.startswith("Kabupaten") and name != "Kabupaten Blora" for name, _ in ANNEX) + 1
    assert band.rank_of == kabupaten_in_annex == 7
    lines = " ".join(unc.band_lines(band, "en", previous_rank=12, previous_year=2023, published_rank=5))
    assert "among the 7 pemda the annex lists only, so it is not compared" in lines
    assert "12 (2023)" not in lines and "published rank of 2024 (5)" not in lines  # neither comparison
