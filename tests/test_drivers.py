"""Driver analyses: exact decomposition, Shapley rank attribution, cross-pemda models, path to target."""

import itertools
import math
import os

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iid_research.analysis.decomposition import (
    decompose_score_change,
    decomposition_long,
    rules_comparison,
    rules_vs_data,
)
from iid_research.analysis.panel import (
    PanelFixedEffects,
    RankChangeDrivers,
    driver_panel,
    indicator_changes,
    indicator_panel,
    indicator_rank_model,
    predicate_transitions,
    rank_change_features,
    ranks_per_iid_point,
)
from iid_research.analysis.path import path_to_target
from iid_research.analysis.shapley import coalition_masks, indicator_rank_shapley, rank_shapley, shapley_values
from iid_research.frameworks import load_framework
from iid_research.notebook.rank_drivers import (
    counterfactual_table,
    indicator_model_table,
    plan_summary,
    plan_table,
    rank_value_text,
    source_caveat,
)
from iid_research.scoring import (
    COMPONENT_SID_COLUMNS,
    SID_COLUMNS,
    pemda_components,
    rank_within_cluster,
    score_components,
    score_pemda,
)
from iid_research.text import t

FW = load_framework(2023)
FW26 = load_framework(2026)
SPD_ROWS = FW.spd[["indicator_no", "sub"]].to_numpy()


def synthetic(seed, n_pemda=12, years=(2022, 2023), n_max=30, level="kabupaten"):
    """Small random panel in one cluster: (spd long, innovations, scores, components, levels)."""
    rng = np.random.default_rng(seed)
    spd_rows, inn_rows = [], []
    codes = [f"99.{k + 1:02d}" for k in range(n_pemda)]
    for code in codes:
        for y in years:
            for (ind, sub), lv in zip(SPD_ROWS, rng.integers(0, 4, len(SPD_ROWS))):
                spd_rows.append((code, y, int(ind), str(sub), int(lv)))
            n = int(rng.integers(0, n_max + 1))
            L = rng.integers(0, 4, (n, 20))
            for j in range(n):
                inn_rows.append((code, y, str(rng.choice(["Kesehatan", "Pendidikan", "Sosial", "Pariwisata"])),
                                 *L[j]))
    spd = pd.DataFrame(spd_rows, columns=["kode_wilayah", "year", "indicator_no", "sub", "level"])
    inn = pd.DataFrame(inn_rows, columns=["kode_wilayah", "year", "urusan", *SID_COLUMNS])
    index = pd.MultiIndex.from_product([codes, list(years)], names=["kode_wilayah", "year"])
    comp = pemda_components(spd, inn, FW, index=index)
    scores = score_components(comp, FW).reset_index()
    scores["level"] = level
    levels = pd.Series(level, index=codes)
    return spd, inn, scores, comp, levels


# --------------------------------------------------------------------------- 1. decomposition

@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), n_max=st.sampled_from([3, 12, 40]))
def test_decomposition_sums_exactly_and_matches_official_scores(seed, n_max):
    spd, inn, scores, comp, _ = synthetic(seed, n_pemda=6, n_max=n_max)
    dec = decompose_score_change(comp, 2022, 2023)
    assert dec["residual"].abs().max() < 1e-9
    parts = dec.drop(columns=["iid_from", "iid_to", "change", "residual"]).sum(axis=1)
    assert np.allclose(parts, dec["change"], atol=1e-9, rtol=0)
    code = dec.index[0]
    official = {}
    for y in (2022, 2023):
        s = spd[(spd.kode_wilayah == code) & (spd.year == y)]
        levels = {f"{i}{b}": lv for i, b, lv in zip(s.indicator_no, s["sub"], s.level)}
        official[y] = score_pemda(levels, inn[(inn.kode_wilayah == code) & (inn.year == y)][list(SID_COLUMNS)],
                                  FW)["iid_score"]
    assert dec.loc[code, "change"] == pytest.approx(official[2023] - official[2022], abs=1e-9)
    # the empty-seats part is non-zero only when a year has fewer innovations than the floor (10)
    n = comp["n_innovations"].unstack("year")
    full = (n.loc[dec.index] >= 10).all(axis=1)
    assert (dec.loc[full[full].index, "empty_seats"] == 0).all()


def test_decomposition_separates_the_rules_effect():
    _, _, _, comp, _ = synthetic(3, n_pemda=5, n_max=8)
    dec = decompose_score_change(comp, 2022, 2023, framework_from=FW, framework_to=FW26)
    assert dec["residual"].abs().max() < 1e-9
    a = comp.xs(2022, level="year").loc[dec.index]
    b = comp.xs(2023, level="year").loc[dec.index]

    def iid(x, fw):
        return score_components(x, fw)["iid_score"]

    # the two-factor Shapley rules effect, by hand: ½[(a, F26) − (a, F23) + (b, F26) − (b, F23)]
    expected = ((iid(a, FW26) - iid(a, FW)) + (iid(b, FW26) - iid(b, FW))) / 2
    assert np.allclose(dec["rules"], expected)
    assert (dec["rules"] != 0).any()  # 2026: floor 12 and the urusan condition change scores


def test_decomposition_and_rules_vs_data_give_one_rules_effect():
    """Audit defect 6: the two gave different rules effects for the same pair (−2.467 vs −2.713)."""
    _, _, _, comp, _ = synthetic(11, n_pemda=8, n_max=20)
    dec = decompose_score_change(comp, 2022, 2023, framework_from=FW, framework_to=FW26)
    split = rules_vs_data(comp, 2022, 2023, FW, FW26)
    assert np.allclose(dec["rules"], split.loc[dec.index, "rules_effect"], atol=1e-12)
    parts = dec.drop(columns=["iid_from", "iid_to", "change", "rules", "residual"]).sum(axis=1)
    assert np.allclose(parts, split.loc[dec.index, "data_effect"], atol=1e-9)


def test_empty_seats_effect_of_reporting_more_innovations():
    """Same per-innovation quality, n from 5 to 10: the whole quality change is the empty-seats effect."""
    _, _, _, comp, _ = synthetic(1, n_pemda=1, n_max=5)
    a = comp.xs(2022, level="year").iloc[[0]].copy()
    a[list(COMPONENT_SID_COLUMNS)] = 10
    a["n_innovations"] = 5
    b = a.copy()
    b[list(COMPONENT_SID_COLUMNS)] = 20
    b["n_innovations"] = 10
    both = pd.concat([a.assign(year=2022), b.assign(year=2023)]).set_index("year", append=True)
    dec = decompose_score_change(both, 2022, 2023)
    row = dec.iloc[0]
    assert np.allclose(row[list(SID_COLUMNS)], 0)  # mean points per innovation unchanged
    q_a = 10 * FW.sid_weights.sum() / 10
    q_b = 20 * FW.sid_weights.sum() / 10
    assert row["empty_seats"] == pytest.approx((q_b - q_a) / 250 * 100)
    assert row["count_score"] == pytest.approx(5 * 0.38 / 250 * 100)


# --------------------------------------------------------------------------- 2. Shapley

@settings(max_examples=30, deadline=None)
@given(p=st.integers(2, 6), seed=st.integers(0, 10_000))
def test_shapley_efficiency_symmetry_and_dummy(p, seed):
    rng = np.random.default_rng(seed)
    a = rng.normal(size=p)
    a[1] = a[0]          # players 0 and 1 are interchangeable
    a[-1] = 0.0 if p > 2 else a[-1]  # last player is a dummy (p > 2)
    masks = coalition_masks(p)
    values = np.sin(masks @ a) * 7 + (masks @ a) ** 2  # any function of the coalition's sum
    phi = shapley_values(values)
    assert phi.sum() == pytest.approx(values[-1] - values[0], abs=1e-9)
    assert phi[0] == pytest.approx(phi[1], abs=1e-9)
    if p > 2:
        assert phi[-1] == pytest.approx(0.0, abs=1e-9)


def test_shapley_matches_the_permutation_definition():
    rng = np.random.default_rng(5)
    p = 4
    values = rng.normal(size=2 ** p)
    expected = np.zeros(p)
    for perm in itertools.permutations(range(p)):
        mask = 0
        for j in perm:
            expected[j] += values[mask | (1 << j)] - values[mask]
            mask |= 1 << j
    expected /= math.factorial(p)
    assert np.allclose(shapley_values(values), expected)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_rank_shapley_is_efficient_and_uses_official_ranks(seed):
    _, _, scores, comp, levels = synthetic(seed, n_pemda=15)
    res = rank_shapley(comp, levels, 2022, 2023)
    v = res.values
    total = v["others"] + v["rules"] + v[res.players].sum(axis=1)
    assert np.allclose(total, v["change"], atol=1e-9)
    scores = scores.assign(rank=rank_within_cluster(scores)).set_index(["kode_wilayah", "year"])["rank"]
    assert (v["rank_to"].to_numpy() == scores.xs(2023, level="year").loc[v.index].to_numpy()).all()
    assert (v["rank_from"].to_numpy() == scores.xs(2022, level="year").loc[v.index].to_numpy()).all()
    assert len(res.players) == 8 and len(res.counterfactual) == 8 * len(v)


def test_rank_shapley_symmetric_variables_get_equal_values():
    _, _, _, comp, levels = synthetic(11, n_pemda=20)
    code = levels.index[0]
    b = comp.xs(2022, level="year").copy()
    b.loc[code, "spd_1"] = 0
    b.loc[code, "spd_12"] = 0
    a = b.copy()
    b.loc[code, "spd_1"] = 2    # Institusi +2 points (weight 1)
    b.loc[code, "spd_12"] = 1   # Sumber Daya Manusia +2 points (weight 2)
    both = pd.concat([a.assign(year=2022), b.assign(year=2023)]).set_index("year", append=True)
    res = rank_shapley(both, levels, 2022, 2023, kode_wilayah=code)
    row = res.values.loc[code]
    assert row["Institusi"] == pytest.approx(row["Sumber Daya Manusia"])
    assert row["Institusi"] < 0  # moved up
    for other in set(res.players) - {"Institusi", "Sumber Daya Manusia"}:
        assert row[other] == pytest.approx(0, abs=1e-9)
    assert row["others"] == 0 and row["rules"] == 0


def test_indicator_shapley_sums_exactly_and_reports_an_error_bound():
    _, _, _, comp, levels = synthetic(4, n_pemda=25)
    res = indicator_rank_shapley(comp, levels, levels.index[2], 2022, 2023, n_permutations=60, random_state=1)
    assert res.values["shapley_rank"].sum() == pytest.approx(res.rank_to - res.rank_from, abs=1e-9)
    assert np.isfinite(res.max_ci95_halfwidth) and res.max_ci95_halfwidth >= 0
    assert res.n_permutations == 60


def test_indicator_shapley_single_lever_gets_everything():
    _, _, _, comp, levels = synthetic(8, n_pemda=20)
    code = levels.index[0]
    a = comp.xs(2022, level="year").copy()
    a.loc[code, "spd_12"] = 0
    b = a.copy()
    b.loc[code, "spd_12"] = 3
    both = pd.concat([a.assign(year=2022), b.assign(year=2023)]).set_index("year", append=True)
    res = indicator_rank_shapley(both, levels, code, 2022, 2023, n_permutations=10, random_state=0)
    vals = res.values.set_index("player")["shapley_rank"]
    assert vals["spd_12"] == res.rank_to - res.rank_from
    assert (vals.drop("spd_12") == 0).all()


# --------------------------------------------------------------------------- 3. across pemda

@settings(max_examples=4, deadline=None)
@given(seed=st.integers(0, 1000), planted=st.integers(0, 3))
def test_fixed_effects_recover_a_planted_coefficient(seed, planted):
    rng = np.random.default_rng(seed)
    g, t, k = 60, 5, 4
    groups = np.repeat(np.arange(g), t)
    times = np.tile(np.arange(t), g)
    alpha = rng.normal(0, 5, g)[groups]
    tau = rng.normal(0, 3, t)[times]
    X = rng.normal(size=(g * t, k)) + alpha[:, None] * 0.3  # regressors correlated with the pemda effect
    y = 2.5 * X[:, planted] + alpha + tau + rng.normal(0, 0.5, g * t)
    fe = PanelFixedEffects(n_bootstrap=60, random_state=seed).fit(
        pd.DataFrame(X, columns=list("abcd")), y, groups=groups, times=times)
    lo, hi = fe.coef_ci_
    # the estimate is close to the planted 2.5 and sits inside a tight bootstrap interval
    # (asserting that a 95 % interval covers the truth would fail by design in 1 run of 20)
    assert abs(fe.coef_[planted] - 2.5) < 0.1
    assert lo[planted] < fe.coef_[planted] < hi[planted] and hi[planted] - lo[planted] < 0.5
    others = [j for j in range(k) if j != planted]
    assert np.all(np.abs(fe.coef_[others]) < 0.3)


def _dummy_ols(X, y, groups, times):
    """Slope coefficients of y on [X, pemda dummies, year dummies] by plain least squares (numpy lstsq)."""
    g = pd.get_dummies(pd.Series(groups)).to_numpy(float)
    t = pd.get_dummies(pd.Series(times), drop_first=True).to_numpy(float)
    Z = np.column_stack([X, g, t])
    return np.linalg.lstsq(Z, y, rcond=None)[0][: X.shape[1]]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_fixed_effects_equal_dummy_variable_ols_on_an_unbalanced_weakly_connected_panel(seed):
    """Issue 9, defect 3: staggered 3-year windows (each pemda overlaps the next by two years), rows dropped
    at random; alternating projections stopped after 50 sweeps gave 1.648 where dummy OLS gives 1.524."""
    rng = np.random.default_rng(seed)
    G = 60
    g = np.repeat(np.arange(G), 3)
    t = np.concatenate([[s, s + 1, s + 2] for s in range(G)])
    keep = rng.random(len(g)) > 0.1
    keep[::3] = True  # every pemda keeps its first year, so the chain of overlaps stays mostly connected
    g, t = g[keep], t[keep]
    X = np.column_stack([rng.normal(size=len(g)) + 0.05 * t, rng.normal(size=len(g))])
    y = 0.1 * g + 0.3 * t + 1.5 * X[:, 0] - 0.7 * X[:, 1] + rng.normal(0, 0.1, len(g))
    fe = PanelFixedEffects(n_bootstrap=0).fit(X, y, groups=g, times=t)
    np.testing.assert_allclose(fe.coef_, _dummy_ols(X, y, g, t), rtol=0, atol=1e-8)


def test_fixed_effects_repro_of_issue_9_gives_the_dummy_ols_value():
    rng = np.random.default_rng(0)
    G = 60
    g = np.repeat(np.arange(G), 3)
    t = np.concatenate([[s, s + 1, s + 2] for s in range(G)])
    X = rng.normal(size=(3 * G, 1)) + 0.05 * t[:, None]
    y = 0.1 * g + 0.3 * t + 1.5 * X[:, 0] + rng.normal(0, 0.1, 3 * G)
    fe = PanelFixedEffects(n_bootstrap=0).fit(X, y, groups=g, times=t)
    assert fe.coef_[0] == pytest.approx(1.5239580794641392, abs=1e-9)  # dummy OLS (1.648 before the fix)
    assert fe.coef_[0] == pytest.approx(_dummy_ols(X, y, g, t)[0], abs=1e-9)


def test_fixed_effects_with_time_effects_only_is_ols_with_year_dummies():
    rng = np.random.default_rng(4)
    n = 200
    groups = rng.integers(0, 40, n)
    times = rng.integers(0, 4, n)
    X = rng.normal(size=(n, 2)) + times[:, None] * 0.2
    y = X @ [0.8, -1.2] + 2.0 * times + rng.normal(0, 0.3, n)
    fe = PanelFixedEffects(n_bootstrap=20, entity_effects=False, random_state=0).fit(X, y, groups=groups,
                                                                                  times=times)
    Z = np.column_stack([X, pd.get_dummies(times).to_numpy(float)])
    np.testing.assert_allclose(fe.coef_, np.linalg.lstsq(Z, y, rcond=None)[0][:2], atol=1e-10)
    assert np.isfinite(fe.coef_ci_).all()


def test_fixed_effects_refuse_a_regressor_absorbed_by_the_effects():
    groups = np.repeat(np.arange(10), 3)
    times = np.tile(np.arange(3), 10)
    rng = np.random.default_rng(0)
    X = np.column_stack([rng.normal(size=30), groups * 1.0])  # second column constant within pemda
    with pytest.raises(ValueError, match=r"\['b'\] have no variation left"):
        PanelFixedEffects(n_bootstrap=0).fit(pd.DataFrame(X, columns=["a", "b"]), rng.normal(size=30),
                                             groups=groups, times=times)


def planted_indicator_panel(seed=0, sizes=(("provinsi", 30), ("kota", 90), ("kabupaten", 240)), n_years=5,
                            beta=(0.8, 0.0, 1.5, 0.2), noise=0.2):
    """Pemda-years whose rank percentile is α_i + τ_t + Σ β_j x_j + noise (percentile points), by construction."""
    rng = np.random.default_rng(seed)
    rows = []
    for level, size in sizes:
        for p in range(size):
            alpha = rng.normal(50, 10)
            x = np.column_stack([rng.integers(0, 4), rng.integers(0, 4), rng.uniform(0, 3), rng.integers(0, 30)])
            x = np.repeat(x.astype(float), n_years, axis=0)
            for y in range(1, n_years):  # persistent levels with random steps
                x[y] = x[y - 1] + [rng.integers(-1, 2), rng.integers(-1, 2), rng.normal(0, 0.4), rng.integers(-3, 4)]
            for y in range(n_years):
                rows.append((f"{level[:3]}{p:03d}", y + 1, level, size, alpha, *x[y]))
    frame = pd.DataFrame(rows, columns=["kode_wilayah", "year", "level", "rank_of", "alpha", "spd_1", "spd_2a",
                                        "sid_16", "n_innovations"])
    tau = rng.normal(0, 3, n_years + 1)[frame["year"]]
    pct = (frame["alpha"] + tau + frame[["spd_1", "spd_2a", "sid_16", "n_innovations"]].to_numpy() @ np.array(beta)
           + rng.normal(0, noise, len(frame)))
    return frame.assign(rank_pct=pct / 100).drop(columns="alpha")


def test_indicator_rank_model_recovers_planted_coefficients():
    """Issue 9, defect 4: the national model estimates what an indicator step is worth in rank percentile."""
    beta = np.array([0.8, 0.0, 1.5, 0.2])
    panel = planted_indicator_panel(beta=beta)
    changes = indicator_changes(panel)
    assert len(changes) == 360 * 4 and set(changes["year_to"] - changes["year_from"]) == {1}
    model = indicator_rank_model(changes, n_bootstrap=100, random_state=0)
    c = model.coefficients.set_index("feature")
    assert list(c.index) == ["spd_1", "spd_2a", "sid_16", "n_innovations"]
    np.testing.assert_allclose(c["coef"], beta, atol=0.05)  # about 5 standard errors
    assert ((c["ci_low"] < beta) & (beta < c["ci_high"])).sum() >= 3  # 95 % intervals: allow one miss
    assert (c["ci_high"] - c["ci_low"]).max() < 0.25
    # cluster size taken into account: a percentile point is (size - 1) / 100 ranks of that cluster
    for level, size in (("provinsi", 30), ("kota", 90), ("kabupaten", 240)):
        np.testing.assert_allclose(c[f"ranks_{level}"], c["coef"] * (size - 1) / 100)
    assert model.cluster_sizes.to_dict() == {"provinsi": 30, "kota": 90, "kabupaten": 240}
    assert model.n_pemda == 360 and model.pairs == [(1, 2), (2, 3), (3, 4), (4, 5)] and model.dropped == []


def test_indicator_rank_model_drops_constant_indicators_and_pairs_across_rules():
    panel = planted_indicator_panel(seed=1).assign(spd_3=2.0, framework=lambda f: np.where(f["year"] <= 3, 1, 2))
    changes = indicator_changes(panel)
    assert sorted(set(zip(changes["year_from"], changes["year_to"]))) == [(1, 2), (2, 3), (4, 5)]
    model = indicator_rank_model(changes, n_bootstrap=0)
    assert model.dropped == ["spd_3"] and "spd_3" not in set(model.coefficients["feature"])
    with pytest.raises(ValueError, match="repeated pemda-years"):
        indicator_changes(pd.concat([panel, panel.head(1)]))


def test_ranks_per_iid_point_recovers_planted_slopes_per_cluster():
    rng = np.random.default_rng(3)
    slopes = {"provinsi": 0.5, "kota": 1.2, "kabupaten": 5.0}
    rows = []
    for level, size in (("provinsi", 38), ("kota", 93), ("kabupaten", 415)):
        for p in range(size):
            iid = np.cumsum(rng.normal(0, 4, 4)) + 50
            for y in range(4):
                rank = size / 2 - slopes[level] * iid[y] + 2.0 * y + rng.normal(0, 0.3)
                rows.append((f"{level}{p}", y, level, size, iid[y], rank, 0.5))
    panel = pd.DataFrame(rows, columns=["kode_wilayah", "year", "level", "rank_of", "iid_score", "rank", "rank_pct"])
    per = ranks_per_iid_point(indicator_changes(panel), n_bootstrap=50, random_state=0).set_index("level")
    assert list(per.index) == ["provinsi", "kota", "kabupaten"]  # smallest cluster first
    np.testing.assert_allclose(per["ranks_per_iid_point"], list(slopes.values()), atol=0.02)
    assert (per["ci_low"] < per["ranks_per_iid_point"]).all() and (per["ranks_per_iid_point"] < per["ci_high"]).all()
    assert per["cluster_size"].tolist() == [38, 93, 415] and per["n_changes"].tolist() == [38 * 3, 93 * 3, 415 * 3]


def test_indicator_model_in_words():
    panel = planted_indicator_panel(seed=2).assign(iid_score=lambda f: 100 * f["rank_pct"],
                                                   rank=lambda f: (1 - f["rank_pct"]) * f["rank_of"])
    model = indicator_rank_model(indicator_changes(panel), framework=FW, n_bootstrap=0)
    table = indicator_model_table(model, "en", FW)
    assert table["coef_pct_per_step"].is_monotonic_decreasing
    assert table["model_indicator"].iloc[0].startswith("SID 16.") and "mean level" in table["model_indicator"].iloc[0]
    labels = dict(zip(table["model_indicator"].str[:6], table["iid_per_step"]))
    assert labels["SPD 1."] == pytest.approx(1.0 / 250 * 100)  # SPD 1: weight 1 of 250 points
    assert labels["SID 16"] == pytest.approx(3.0 / 250 * 100)  # SID 16: weight 3
    per = model.ranks_per_point.set_index("level")["ranks_per_iid_point"]
    text = rank_value_text(model, "en")
    assert f"{per['kabupaten']:.2f} ranks among 240 regencies" in text and "1–5" in text
    assert "ranks among 30 provinces" in rank_value_text(model, "en")
    assert "peringkat di antara 240 kabupaten" in rank_value_text(model, "id")
    for lang in ("id", "en"):
        words = t("nb03_t_fe", lang)
        assert ("percentile" in words or "persentil" in words) and ("not causes" in words or "bukan sebab" in words)


def test_indicator_panel_levels_by_hand():
    spd, inn, scores, comp, levels = synthetic(8, n_pemda=6, n_max=12)
    panel = indicator_panel(comp, levels).set_index(["kode_wilayah", "year"])
    code = scores["kode_wilayah"].iloc[0]
    mine = inn[(inn["kode_wilayah"] == code) & (inn["year"] == 2023)]
    row = panel.loc[(code, 2023)]
    assert row["n_innovations"] == len(mine)
    if len(mine):
        assert row["sid_19"] == pytest.approx(mine["sid_19"].mean())
    lv = spd[(spd["kode_wilayah"] == code) & (spd["year"] == 2023) & (spd["indicator_no"] == 2) & (spd["sub"] == "a")]
    assert row["spd_2a"] == lv["level"].iloc[0]
    year = panel.xs(2023, level="year")
    better = (year["iid_score"].round(2) > round(row["iid_score"], 2)).sum()
    assert row["rank"] == better + 1 and row["rank_of"] == 6
    assert row["rank_pct"] == pytest.approx(1 - better / 5)
    assert not any(c.startswith("sid_sum") for c in panel.columns)


def test_rank_change_model_finds_the_planted_variable():
    """Pemda whose Ekosistem Inovasi dan Kajian (SPD 13a-15) rose gain ranks; the boosting model sees it."""
    rng = np.random.default_rng(2)
    _, _, _, comp, levels = synthetic(2, n_pemda=150, n_max=15)
    a = comp.xs(2022, level="year")
    b = a.copy()
    eco = ["spd_13a", "spd_13b", "spd_14", "spd_15"]
    b[eco] = rng.integers(0, 4, (len(b), 4))
    noise = ["spd_1", "spd_9", "spd_11a"]
    b[noise] = np.clip(a[noise] + rng.integers(-1, 2, (len(b), 3)), 0, 3)
    both = pd.concat([a.assign(year=2022), b.assign(year=2023)]).set_index("year", append=True)
    panel = driver_panel(both, levels)
    X, y = rank_change_features(panel, 2022, 2023)
    model = RankChangeDrivers(n_bootstrap=3, max_iter=60, random_state=0).fit(X, y)
    assert model.importances_["feature"].iloc[0] == "Ekosistem Inovasi dan Kajian"
    pdp = model.partial_dependence("Ekosistem Inovasi dan Kajian")
    assert pdp["rank_gain"].iloc[-1] > pdp["rank_gain"].iloc[0]  # more ecosystem points, more rank gain


def test_predicate_transitions_rows_are_distributions():
    rng = np.random.default_rng(0)
    preds = ["Sangat Inovatif", "Inovatif", "Kurang Inovatif"]
    scores = pd.DataFrame({"kode_wilayah": np.tile([f"{i}" for i in range(100)], 2), "year": np.repeat([1, 2], 100),
                           "predicate": rng.choice(preds, 200)})
    tr = predicate_transitions(scores, 1, 2, n_bootstrap=50, random_state=0)
    sums = tr.groupby("predicate_from")["share"].sum()
    assert np.allclose(sums.loc[preds], 1.0)
    ok = tr.dropna()
    assert ((ok["ci_low"] <= ok["share"] + 1e-12) & (ok["share"] <= ok["ci_high"] + 1e-12)).all()
    assert tr["count"].sum() == 100


# --------------------------------------------------------------------------- 4. path to target

def _rerank(scores, code, year, new_score):
    s = scores[scores["year"] == year].copy()
    s.loc[s["kode_wilayah"] == code, "iid_score"] = new_score
    s["rank"] = rank_within_cluster(s)
    return int(s.loc[s["kode_wilayah"] == code, "rank"].iloc[0])


@settings(max_examples=12, deadline=None)
@given(seed=st.integers(0, 10_000), target=st.integers(1, 8))
def test_applying_the_plan_reaches_the_target_rank(seed, target):
    spd, inn, scores, comp, levels = synthetic(seed, n_pemda=20, n_max=25)
    year = 2023
    ranked = scores[scores.year == year].assign(rank=lambda f: rank_within_cluster(f)).sort_values("rank")
    code = ranked["kode_wilayah"].iloc[-1]  # the last-ranked pemda
    plan = path_to_target(spd, inn, scores, code, year, target, cost_new_innovation=2.0)
    # independent check: rescore the upgraded answers and re-rank the whole cluster
    new = score_pemda(plan.new_spd_levels, plan.new_sid_answers, FW)["iid_score"]
    rank = _rerank(scores, code, year, new)
    assert rank == plan.planned_rank
    if plan.reachable:
        assert rank <= target
    else:
        assert rank == plan.best_reachable_rank > target
    greedy = path_to_target(spd, inn, scores, code, year, target, cost_new_innovation=2.0, method="greedy")
    assert greedy.planned_rank <= (target if greedy.reachable else greedy.best_reachable_rank)
    assert plan.total_cost <= greedy.total_cost + 1e-9  # the exact plan is never dearer


def test_plan_costs_steer_the_choice():
    spd, inn, scores, comp, levels = synthetic(21, n_pemda=20, n_max=25)
    ranked = scores[scores.year == 2023].assign(rank=lambda f: rank_within_cluster(f)).sort_values("rank")
    code = ranked["kode_wilayah"].iloc[-3]
    costs = {r: 100.0 for r in FW.spd_row_ids}  # SPD upgrades made prohibitively expensive
    plan = path_to_target(spd, inn, scores, code, 2023, 5, costs=costs, cost_new_innovation=1.0)
    if plan.reachable and plan.current_rank > 5:
        assert (plan.steps["aspect"] == "SID").all()
        assert plan.planned_rank <= 5


def test_unreachable_target_gives_the_best_rank():
    spd, inn, scores, comp, levels = synthetic(5, n_pemda=10, n_max=4)
    scores = scores.copy()
    year = 2023
    leaders = scores[(scores.year == year)]["kode_wilayah"].iloc[:4]
    scores.loc[(scores.year == year) & scores.kode_wilayah.isin(leaders), "iid_score"] = 99.9
    code = scores[(scores.year == year) & ~scores.kode_wilayah.isin(leaders)]["kode_wilayah"].iloc[0]
    plan = path_to_target(spd, inn, scores, code, year, 2, max_new_innovations=5)
    assert not plan.reachable
    assert plan.best_reachable_rank == plan.planned_rank == 5
    assert "tidak dapat dicapai" in plan_summary(plan, "id") and "unreachable" in plan_summary(plan, "en")
    table = plan_table(plan, "id")
    assert "Tindakan" in table.columns and len(table) == len(plan.steps)


# --------------------------------------------------------------------------- 5. rules versus data

def test_rules_vs_data_split_is_exact():
    _, _, _, comp, _ = synthetic(9, n_pemda=8, n_max=15)
    out = rules_vs_data(comp, 2022, 2023, FW, FW26)
    assert np.allclose(out["data_effect"] + out["rules_effect"], out["change"], atol=1e-12)
    same = rules_vs_data(comp, 2022, 2022, FW, FW26)
    assert np.allclose(same["data_effect"], 0) and np.allclose(same["rules_effect"], same["change"])
    assert set(out["predicate_to"]) <= {"Sangat Inovatif", "Inovatif", "Kurang Inovatif", "Tidak Dapat Dinilai"}


# --------------------------------------------------------------------------- plots and notebook

def test_plots_return_axes_and_say_simulated():
    import matplotlib.pyplot as plt

    from iid_research.figures import drivers as P
    _, _, _, comp, levels = synthetic(1, n_pemda=6)
    dec = decompose_score_change(comp, 2022, 2023)
    code = dec.index[0]
    long = decomposition_long(dec, code, FW).assign(label=lambda d: d["component"])
    ax = P.plot_waterfall(long, start=dec.loc[code, "iid_from"], lang="en")
    texts = [t.get_text() for t in ax.texts]
    assert any("SIMULATED" in t for t in texts)
    res = rank_shapley(comp, levels, 2022, 2023)
    row = res.values.loc[code]
    data = pd.DataFrame({"player": res.players, "shapley_rank": [row[p] for p in res.players]})
    ax2 = P.plot_shapley_bars(data, lang="id", ax=plt.figure().gca())
    assert any("DATA SIMULASI" in t.get_text() for t in ax2.texts)
    assert [t.get_text() for t in ax2.get_yticklabels()][0] in res.players


@pytest.mark.slow
def test_rank_drivers_notebook_runs_with_papermill(tmp_path, monkeypatch):
    import nbformat
    import papermill as pm

    from iid_research import config
    src = str(config.PACKAGE_DIR.parent)
    monkeypatch.setenv("PYTHONPATH", src + os.pathsep + os.environ.get("PYTHONPATH", ""))
    nb_path = config.PACKAGE_DIR.parent.parent / "notebooks" / "03_rank_drivers.ipynb"
    nb = nbformat.read(nb_path, as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
    out = tmp_path / "out.ipynb"
    pm.execute_notebook(str(nb_path), str(out), parameters={"lang": "en", "target_rank": 10},
                        kernel_name="python3", cwd=str(nb_path.parent), progress_bar=False)
    text = out.read_text()
    assert "SIMULATED DATA" in text and "Kabupaten Blora" in text
    assert "rank 80" in text and "rank 16" in text and "image/png" in text


def test_rules_comparison_ranks_and_effects():
    from types import SimpleNamespace
    _, _, scores, comp, _ = synthetic(13, n_pemda=12, n_max=14)
    data = SimpleNamespace(scores=scores, components=lambda: comp)
    out = rules_comparison(data, 2023)
    assert np.allclose(out["rules_effect"], out["iid_2026"] - out["iid_2023"])
    expected = out["iid_2026"].round(2).rank(method="min", ascending=False).astype(int)
    assert (out["rank_2026"].to_numpy() == expected.to_numpy()).all()
    # 2026: a count score needs >= 5 urusan pelayanan dasar; the synthetic innovations cover at most 3
    assert (out["rules_effect"] <= 1e-12).all() and (out["rules_effect"] < 0).any()


# --------------------------------------------------------------------------- report tables of notebook 03

@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 10_000), lang=st.sampled_from(["id", "en"]))
def test_counterfactual_table_parts_sum_to_the_rank_change(seed, lang):
    _, _, _, comp, levels = synthetic(seed, n_pemda=10)
    res = rank_shapley(comp, levels, 2022, 2023)
    code = res.values.index[0]
    row = res.values.loc[code]
    var_shap = pd.DataFrame({"player": ["others", "rules", *res.players],
                             "shapley_rank": [row["others"], row["rules"], *[row[p] for p in res.players]]})
    change = int(row["rank_to"]) - int(row["rank_from"])
    cf = res.counterfactual[res.counterfactual["kode_wilayah"] == code]
    table = counterfactual_table(cf, var_shap, change=change, lang=lang)
    total = table["player"] == t("total_rank_change", lang)
    assert total.sum() == 1 and table.loc[total, "shapley_rank"].item() == change
    assert np.isclose(table.loc[~total, "shapley_rank"].sum(), change, atol=1e-9)
    from iid_research.text import player_label
    assert player_label("others", lang) in set(table["player"])  # "other pemda moved" is a row
    assert not {"others", "rules"} & set(table["player"])  # labelled, not raw keys
    rules_shown = player_label("rules", lang) in set(table["player"])
    assert rules_shown == (abs(row["rules"]) > 1e-9)


def test_counterfactual_table_shows_a_rules_change():
    cf = pd.DataFrame({"kode_wilayah": "x", "player": ["a", "b"], "score_only_this": [1.0, 2.0],
                       "rank_only_this": [3, 4], "rank_all_but_this": [5, 6]})
    var_shap = pd.DataFrame({"player": ["others", "rules", "a", "b"], "shapley_rank": [2.0, -3.0, -1.5, 0.5]})
    table = counterfactual_table(cf, var_shap, change=-2, lang="id")
    assert list(table["player"]) == ["a", "b", "Perubahan skor pemda lain", "Perubahan aturan penilaian",
                                     "Jumlah = perubahan peringkat"]
    assert table["shapley_rank"].iloc[:-1].sum() == table["shapley_rank"].iloc[-1] == -2


def test_source_caveat_names_the_source_of_each_pinned_value():
    # Blora's 2021 rank 80 cites the regent's statement of 10 Jul 2023 (second collection): no longer
    # "no source page", but a regional official quoted in news, not the decree
    text = source_caveat("33.16", (2021, 2022), "id")
    assert "tidak memiliki halaman sumber" not in text
    assert "nilai 2021 (peringkat 80) berasal dari berita mengutip pejabat daerah" in text
    en = source_caveat("33.16", (2021, 2022), "en")
    assert "no source page" not in en and "the 2021 value (rank 80) comes from news quoting a regional official" in en
    assert "situs pemda" in source_caveat("33.16", (2022, 2023), "id")  # 2023 rank 12: Bappeda Blora's page
    assert "54,77" in source_caveat("52.04", (2022,), "id")  # provisional, decimal comma
    tegal = source_caveat("33.28", (2023,), "en")
    assert "(60.3) is a rounded quote" in tegal  # written with its published precision
    assert "another source writes 53.02" in source_caveat("13.11", (2022,), "en")  # Solok Selatan
    assert source_caveat("35.10", (2021,), "id") == ""  # Banyuwangi 84.19 from the decree


def test_prose_numbers_use_the_report_language():
    from iid_research.text import fmt_number
    assert fmt_number(1234.5, "id", ",.2f") == "1.234,50" and fmt_number(1234.5, "en", ",.2f") == "1,234.50"
    md = t("nb03_summary", "id", score_from=54.09, rank_from=80, score_to=72.75, rank_to=16, rank_of=415,
           level="kabupaten")
    assert "54,09" in md and "72,75" in md and "72.75" not in md
    assert "0,65" in t("nb03_t_gb", "id", r2=0.65) and "0.65" in t("nb03_t_gb", "en", r2=0.65)


# --------------------------------------------------------------------------- audit defects (issue 9)

def test_planner_adds_an_innovation_in_a_missing_urusan_pelayanan_dasar():
    """Audit defect 2: under the 2026 rules the planner never considered a new innovation in a missing urusan."""
    from iid_research.scoring import URUSAN_PELAYANAN_DASAR as Y

    spd = pd.DataFrame([("T", 2026, 1, "", 2)], columns=["kode_wilayah", "year", "indicator_no", "sub", "level"])
    inn = pd.DataFrame([{"kode_wilayah": "T", "year": 2026, "urusan": Y[j % 4], **{c: 2 for c in SID_COLUMNS}}
                        for j in range(20)])  # 20 innovations in 4 of the 6 urusan: count score 0
    scores = pd.DataFrame({"kode_wilayah": ["T", "A", "B"], "year": 2026, "level": "kota",
                           "iid_score": [30.4, 31.4, 33.4]})
    plan = path_to_target(spd, inn, scores, "T", 2026, 1, cost_new_innovation=3.0)
    assert plan.current_rank == 3 and plan.planned_rank == 1
    assert plan.total_cost == 3.0
    assert plan.steps["lever"].tolist() == ["new_innovations"] and plan.steps["steps"].tolist() == [1]
    assert plan.steps["urusan"].iloc[0] == Y[4]  # the first missing urusan pelayanan dasar
    # by hand: 21 innovations of 2 × 37 points, 5 of 6 urusan -> 74 + 0.38 × 21 = 81.98 SID, + 2 SPD = 83.98
    by_hand = score_pemda({"1": 2}, [dict.fromkeys(range(16, 36), 2)] * 21, FW26, n_urusan_yandas=5)["iid_score"]
    assert by_hand == pytest.approx(83.98 / 250 * 100) and plan.planned_score == pytest.approx(by_hand)


def test_planner_ranks_with_the_official_half_up_rounding():
    """Audit: the drivers ranked with np.round (60.005 -> 60.0); the official ranking rounds 60.005 up to 60.01."""
    spd = FW.spd[["indicator_no", "sub"]].assign(kode_wilayah="T", year=2023, level=3)  # SPD 63 points
    full = dict.fromkeys(SID_COLUMNS, 3)
    i83 = {**full, "sid_35": 0, "sid_31": 0, "sid_33": 1, "sid_20": 2}
    i84 = {**full, "sid_35": 0, "sid_31": 0, "sid_33": 1}
    inn = pd.DataFrame([{"kode_wilayah": "T", "year": 2023, "urusan": "Kesehatan", **d} for d in [i83] * 8 + [i84] * 2])
    scores = pd.DataFrame({"kode_wilayah": ["T", "A"], "year": 2023, "level": "kota", "iid_score": [60.0, 60.005]})
    official = int(rank_within_cluster(scores).iloc[0])
    assert official == 2
    plan = path_to_target(spd, inn, scores, "T", 2023, 1)
    assert plan.current_score == pytest.approx(60.0)  # 63 + (8 × 83 + 2 × 84) / 10 + 3.8 = 150 points
    assert plan.current_rank == official and plan.planned_rank == 1 and plan.n_steps >= 1
