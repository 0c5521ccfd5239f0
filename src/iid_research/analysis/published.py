"""Tables behind the overview and pemda reports, built from the verified data layer.

Each function returns a tidy DataFrame (column names in English snake case);
reports translate headers with :func:`iid_research.text.label_columns`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import data


def filter_results(results: pd.DataFrame, *, level: str = "all", province: str = "all") -> pd.DataFrame:
    """Keep the rows of one level and/or one province ("all" keeps everything).

    Raises
    ------
    ValueError
        If ``level`` is not "all", "provinsi", "kabupaten" or "kota", or the
        province matches no province (the message lists the closest).
    """
    out = results
    if level != "all":
        if level not in ("provinsi", "kabupaten", "kota"):
            raise ValueError(f"level must be 'all', 'provinsi', 'kabupaten' or 'kota', got {level!r}")
        out = out[out["level"] == level]
    if province != "all":
        kode = data.match_region(province, level="provinsi")
        out = out[out["kode_wilayah"].str[:2] == kode]
    return out


def participation_table() -> pd.DataFrame:
    """National participation, innovations and predicate counts per year (2018-2025).

    Returns
    -------
    DataFrame with columns [year, participating_pemda_count, innovations_reported_count,
    Sangat Inovatif, Inovatif, Kurang Inovatif, Tidak Dapat Dinilai, source_url]
    """
    counts = data.load_predicate_counts()
    return pd.DataFrame({
        "year": counts["year"],
        "participating_pemda_count": counts["participating_pemda_count"],
        "innovations_reported_count": counts["innovations_reported_count"],
        "Sangat Inovatif": counts["sangat_inovatif_count"],
        "Inovatif": counts["inovatif_count"],
        "Kurang Inovatif": counts["kurang_inovatif_count"],
        "Tidak Dapat Dinilai": counts["tidak_dapat_dinilai_count"],
        "source_url": counts["source_url"],
    })


def rank_trajectories(results: pd.DataFrame, *, min_years: int = 2, from_year: int | None = None) -> pd.DataFrame:
    """Published ranks of pemda with ranks in at least ``min_years`` years (0-100 era by default).

    ``from_year`` defaults to the first year on the 0-100 scale (``rules/settings.csv``).

    Returns
    -------
    DataFrame with columns [kode_wilayah, nama, level, year, rank, rank_of, iid_score, predicate]
        E.g. Kabupaten Blora: 80 (2021) -> 16 (2022) -> 12 (2023).
    """
    from ..frameworks import index_scale_first_year

    first = index_scale_first_year() if from_year is None else from_year
    ranked = results[results["rank"].notna() & (results["year"] >= first)]
    n_years = ranked.groupby("kode_wilayah")["year"].transform("nunique")
    cols = ["kode_wilayah", "nama", "level", "year", "rank", "rank_of", "iid_score", "predicate"]
    return ranked.loc[n_years >= min_years, cols].sort_values(["nama", "year"]).reset_index(drop=True)


COVERAGE_COLUMNS = ["kode_province", "province", "n_pemda", "n_sampled", "coverage_rate", "share_of_pemda",
                    "share_of_sample", "expected_sampled", "representation_ratio", "p_value", "representation"]
"""Columns of :func:`provincial_coverage`."""


def provincial_coverage(results: pd.DataFrame, regions: pd.DataFrame | None = None, *, from_year: int | None = None,
                        alpha: float = 0.05) -> pd.DataFrame:
    """Which provinces the published sample over- and under-represents, against the region table.

    The sample is the autonomous pemda with at least one published result (score, rank or predikat)
    from ``from_year`` on (default: the first year on the 0-100 scale).  Each province's count is
    compared with what a sample drawn in proportion to the number of pemda would give: an exact
    two-sided binomial test (``scipy.stats.binomtest``) of ``n_sampled`` out of the sample size with
    probability ``share_of_pemda``.

    Parameters
    ----------
    results : DataFrame from :func:`iid_research.data.load_iid_results`
    regions : DataFrame from :func:`iid_research.data.load_regions`, optional
    from_year : int, optional
    alpha : float, default 0.05
        Level of the test.

    Returns
    -------
    DataFrame with the columns of :data:`COVERAGE_COLUMNS`, one row per province (38)
        ``n_pemda`` autonomous pemda in the province (the province itself, its kabupaten and kota);
        ``coverage_rate`` = n_sampled / n_pemda; ``representation_ratio`` = share_of_sample /
        share_of_pemda; ``representation`` "over" or "under" where the test rejects proportionality at
        ``alpha``, else "proportional".  Sorted by ratio, most over-represented first.
    """
    from scipy.stats import binomtest

    from ..frameworks import index_scale_first_year

    regions = data.load_regions() if regions is None else regions
    first = index_scale_first_year() if from_year is None else from_year
    pemda = regions[regions["is_autonomous"]]
    sampled = set(results.loc[results["year"] >= first, "kode_wilayah"]) & set(pemda["kode_wilayah"])
    per = pemda.assign(sampled=pemda["kode_wilayah"].isin(sampled)).groupby("kode_province").agg(
        province=("province", "first"), n_pemda=("kode_wilayah", "size"), n_sampled=("sampled", "sum"))
    total_pemda, total_sampled = int(per["n_pemda"].sum()), int(per["n_sampled"].sum())
    per["coverage_rate"] = per["n_sampled"] / per["n_pemda"]
    per["share_of_pemda"] = per["n_pemda"] / total_pemda
    per["share_of_sample"] = per["n_sampled"] / total_sampled if total_sampled else np.nan
    per["expected_sampled"] = per["share_of_pemda"] * total_sampled
    per["representation_ratio"] = per["share_of_sample"] / per["share_of_pemda"]
    per["p_value"] = [binomtest(int(k), total_sampled, p).pvalue if total_sampled else np.nan
                      for k, p in zip(per["n_sampled"], per["share_of_pemda"])]
    per["representation"] = np.where(per["p_value"] >= alpha, "proportional",
                                     np.where(per["n_sampled"] > per["expected_sampled"], "over", "under"))
    out = per.reset_index().astype({"n_pemda": int, "n_sampled": int})
    return out.sort_values(["representation_ratio", "province"], ascending=[False, True])[COVERAGE_COLUMNS] \
        .reset_index(drop=True)


def national_mean_by_year(results: pd.DataFrame, national_mean: pd.Series | None = None, simulation=None
                          ) -> pd.DataFrame:
    """The published national mean IID by year beside the published sample (and a simulation's mean).

    Parameters
    ----------
    results : DataFrame from :func:`iid_research.data.load_iid_results`
    national_mean : Series year -> mean, optional
        Default :func:`iid_research.data.national_mean_iid` (2024: 46.01, 2025: 49.43).
    simulation : SimulatedIID, optional
        Adds ``simulated_mean``: the mean simulated IID of the pemda that reported (score > 0), the
        quantity the simulator is calibrated to.

    Returns
    -------
    DataFrame with columns [year, national_mean, sample_n, sample_mean, sample_median, simulated_mean]
        One row per year from the first 0-100 year to the last year with a published score or mean;
        ``national_mean`` NaN where none is published.
    """
    from ..frameworks import index_scale_first_year
    from .quality import national_mean_check

    means = data.national_mean_iid() if national_mean is None else national_mean
    scored = results[results["iid_score"].notna() & ~results["is_provisional"]
                     & (results["year"] >= index_scale_first_year())]
    years = sorted(set(scored["year"]) | set(int(y) for y in means.index))
    full = pd.Series({y: means.get(y, np.nan) for y in years}, dtype=float)
    check = national_mean_check(results, full)
    out = check[["year", "national_mean", "sample_n", "sample_mean", "sample_median"]].copy()
    out["simulated_mean"] = np.nan
    if simulation is not None:
        sim = simulation.scores[simulation.scores["iid_score"] > 0].groupby("year")["iid_score"].mean()
        out["simulated_mean"] = out["year"].map(sim).astype(float)
    return out


def scores_with_covariates(results: pd.DataFrame) -> pd.DataFrame:
    """Published 0-100 scores joined to covariates of the same pemda and year.

    GRDP per capita is taken from the assessment year, or the latest earlier
    year available (the source ends in 2024).

    Returns
    -------
    DataFrame with columns [kode_wilayah, nama, level, year, iid_score, predicate,
    grdp_per_capita_thousand_idr, population_density_per_km2]
    """
    scored = results[results["iid_score"].notna()].copy()
    cov = data.load_covariates()
    grdp = (cov.dropna(subset=["grdp_per_capita_thousand_idr"])
            .sort_values("year")[["kode_wilayah", "year", "grdp_per_capita_thousand_idr"]])
    scored = pd.merge_asof(scored.sort_values("year"), grdp, on="year", by="kode_wilayah", direction="backward")
    dens = cov.drop_duplicates("kode_wilayah").set_index("kode_wilayah")["population_density_per_km2"]
    scored["population_density_per_km2"] = scored["kode_wilayah"].map(dens)
    cols = ["kode_wilayah", "nama", "level", "year", "iid_score", "predicate",
            "grdp_per_capita_thousand_idr", "population_density_per_km2"]
    return scored[cols].reset_index(drop=True)


# --------------------------------------------------------------------------- one pemda

def pemda_profile(kode_wilayah: str) -> pd.Series:
    """The region-table row of one pemda.

    Raises
    ------
    KeyError
        If ``kode_wilayah`` is unknown (use :func:`iid_research.data.match_region` first).
    """
    regions = data.load_regions().set_index("kode_wilayah")
    if kode_wilayah not in regions.index:
        raise KeyError(f"unknown kode_wilayah {kode_wilayah!r}")
    return regions.loc[kode_wilayah]


def pemda_history(kode_wilayah: str) -> pd.DataFrame:
    """Every published result of one pemda, oldest first.

    Returns
    -------
    DataFrame with columns [year, iid_score, raw_score, predicate, rank, rank_of, is_provisional, source_url]
    """
    res = data.load_iid_results()
    cols = ["year", "iid_score", "raw_score", "predicate", "rank", "rank_of", "is_provisional", "source_url"]
    return res.loc[res["kode_wilayah"] == kode_wilayah, cols].sort_values("year").reset_index(drop=True)


def pemda_summary(kode_wilayah: str, year: int) -> dict:
    """Facts for the top of a pemda report.

    Returns
    -------
    dict with keys nama, level, province, year, has_year, latest_year, iid_score,
    predicate, rank, rank_of, previous_rank, previous_rank_year, n_awards
        ``has_year`` is False when nothing is published for ``year``; the
        other fields then describe ``latest_year``.
    """
    prof = pemda_profile(kode_wilayah)
    hist = pemda_history(kode_wilayah)
    awards = pemda_awards(kode_wilayah)
    has_year = bool((hist["year"] == year).any())
    use_year = year if has_year else (int(hist["year"].max()) if len(hist) else None)
    row = hist[hist["year"] == use_year].iloc[0] if use_year is not None else None
    ranked = hist[hist["rank"].notna() & (hist["year"] < (use_year or 0))]
    prev = ranked.iloc[-1] if len(ranked) else None
    return {
        "nama": prof["nama"], "level": prof["level"], "province": prof["province"], "year": year,
        "has_year": has_year, "latest_year": use_year,
        "iid_score": None if row is None or pd.isna(row["iid_score"]) else float(row["iid_score"]),
        "predicate": None if row is None or pd.isna(row["predicate"]) else row["predicate"],
        "rank": None if row is None or pd.isna(row["rank"]) else int(row["rank"]),
        "rank_of": None if row is None or pd.isna(row["rank_of"]) else int(row["rank_of"]),
        "previous_rank": None if prev is None else int(prev["rank"]),
        "previous_rank_year": None if prev is None else int(prev["year"]),
        "n_awards": len(awards),
    }


def province_peers(kode_wilayah: str, year: int) -> pd.DataFrame:
    """Published 0-100 scores in the pemda's province for one year, best first.

    Returns
    -------
    DataFrame with columns [kode_wilayah, nama, level, iid_score, predicate, rank, is_focus]
    """
    res = data.load_iid_results()
    prov = kode_wilayah.split(".")[0]
    peers = res[(res["year"] == year) & (res["kode_wilayah"].str[:2] == prov) & res["iid_score"].notna()]
    peers = peers.assign(is_focus=peers["kode_wilayah"] == kode_wilayah)
    cols = ["kode_wilayah", "nama", "level", "iid_score", "predicate", "rank", "is_focus"]
    return peers[cols].sort_values("iid_score", ascending=False).reset_index(drop=True)


def pemda_awards(kode_wilayah: str) -> pd.DataFrame:
    """IGA awards of one pemda. DataFrame with columns [year, category, award_rank, note, source_url]."""
    aw = data.load_awards()
    return aw.loc[aw["kode_wilayah"] == kode_wilayah,
                  ["year", "category", "award_rank", "note", "source_url"]].sort_values("year").reset_index(drop=True)


COVARIATE_COLUMNS = ("grdp_per_capita_thousand_idr", "population_2025", "area_km2",
                     "population_density_per_km2", "idsd_score")


def covariates_vs_peers(kode_wilayah: str, year: int) -> pd.DataFrame:
    """The pemda's covariates against the other kabupaten/kota of its province.

    GRDP per capita is for ``year`` or the latest earlier year available;
    IDSD is the 2024 edition.

    Returns
    -------
    DataFrame with columns [variable, value, peer_median, percentile]
        ``percentile`` is the share (0-100) of province peers with a lower value.
    """
    cov = data.load_covariates()
    regions = data.load_regions().set_index("kode_wilayah")
    prov = kode_wilayah.split(".")[0]
    same = cov[(cov["kode_wilayah"].str[:2] == prov)
               & cov["kode_wilayah"].map(regions["level"]).isin(["kabupaten", "kota"])
               & cov["kode_wilayah"].map(regions["is_autonomous"]).astype(bool)]
    rows = []
    for var in COVARIATE_COLUMNS:
        vals = same.dropna(subset=[var])
        vals = vals[vals["year"] <= max(year, 2024)] if var != "idsd_score" else vals
        latest = vals.sort_values("year").groupby("kode_wilayah")[var].last()
        if kode_wilayah not in latest.index:
            rows.append((var, np.nan, latest.median() if len(latest) else np.nan, np.nan))
            continue
        own = float(latest.loc[kode_wilayah])
        others = latest.drop(kode_wilayah)
        pct = float((others < own).mean() * 100) if len(others) else np.nan
        rows.append((var, own, float(others.median()) if len(others) else np.nan, pct))
    return pd.DataFrame(rows, columns=["variable", "value", "peer_median", "percentile"])


def provenance(kode_wilayah: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Sources behind a report.

    Returns
    -------
    (inputs, sources)
        ``inputs``: DataFrame [file, sha256, source] of every raw input (verified);
        ``sources``: DataFrame [year, source_url] of the pages behind the pemda's
        published results (every source row of both collections, also those whose values were not
        kept) and awards (empty when ``kode_wilayah`` is None).
    """
    inputs = data.input_checksums()
    if kode_wilayah is None:
        return inputs, pd.DataFrame(columns=["year", "source_url"])
    src = data.load_iid_result_sources()
    hist = src.loc[(src["kode_wilayah"] == kode_wilayah) & src["year"].notna(), ["year", "source_url"]]
    hist = hist.astype({"year": int})
    aw = pemda_awards(kode_wilayah)[["year", "source_url"]]
    sources = pd.concat([hist, aw]).dropna().drop_duplicates().sort_values("year").reset_index(drop=True)
    return inputs, sources


def pemda_with_results(min_year: int | None = None) -> list[tuple[str, int]]:
    """(kode_wilayah, latest year) of every pemda with at least one published result."""
    res = data.load_iid_results()
    if min_year is not None:
        res = res[res["year"] >= min_year]
    latest = res.groupby("kode_wilayah")["year"].max()
    return [(k, int(y)) for k, y in latest.items()]
