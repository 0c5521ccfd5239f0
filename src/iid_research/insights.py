"""Driver and OPD sections of the pemda report, built on SIMULATED indicator data.

Indicator-level IID answers are not public, so what drove a pemda's score
and which of its OPDs lead or lag can only be illustrated with the seeded
simulator (:mod:`iid_research.simulate`), which reproduces every published
score.  Every table here carries ``is_simulated=True`` and the report shows
it under a SIMULATED banner; none of it is a fact about the region.
"""

from __future__ import annotations

import functools

import pandas as pd

from .drivers import decompose_score_change
from .frameworks import framework_for_year
from .i18n import t

SIM_YEARS = (2021, 2022, 2023, 2024, 2025)


@functools.lru_cache(maxsize=2)
def _simulation(seed: int):
    from .simulate import simulate_iid

    return simulate_iid(seed=seed)


@functools.lru_cache(maxsize=2)
def _components(seed: int):
    return _simulation(seed).components()


def insight_years(year: int) -> tuple[int, int]:
    """The simulated year pair shown for a report year: (year − 1, year), clipped to 2022-2025."""
    year_to = min(max(int(year), SIM_YEARS[1]), SIM_YEARS[-1])
    return year_to - 1, year_to


def _component_label(name: str, year: int, lang: str) -> str:
    fw = framework_for_year(year)
    col = "name_id" if lang == "id" else "name_en"
    if name.startswith("spd_"):
        row = fw.spd.set_index("row_id").loc[name[4:]]
        return f"SPD {name[4:]} {row[col]}"
    if name.startswith("sid_"):
        row = fw.sid.set_index("indicator_no").loc[int(name[4:])]
        return f"SID {name[4:]} {row[col]}"
    return t(f"component_{name}", lang)


def score_drivers(kode_wilayah: str, year: int, *, top_n: int = 3, lang: str = "id", seed: int = 20240101) -> pd.DataFrame:
    """The components that moved the pemda's (simulated) IID most between year − 1 and year.

    Uses the exact decomposition of :func:`iid_research.drivers.decompose_score_change`.

    Returns
    -------
    DataFrame with columns [component, label, contribution_points, is_simulated]
        ``top_n`` rows, largest absolute contribution first, in IID points (0-100 scale).
        Empty when the pemda is not in the simulated cluster (e.g. a non-autonomous kota).
    """
    year_from, year_to = insight_years(year)
    dec = decompose_score_change(_components(seed), year_from, year_to)
    if kode_wilayah not in dec.index:
        return pd.DataFrame(columns=["component", "label", "contribution_points", "is_simulated"])
    row = dec.loc[kode_wilayah].drop(["iid_from", "iid_to", "change", "residual"], errors="ignore")
    row = row[row.abs() > 1e-9]
    top = row.reindex(row.abs().sort_values(ascending=False).index).head(top_n)
    return pd.DataFrame({"component": top.index, "label": [_component_label(c, year_to, lang) for c in top.index],
                         "contribution_points": top.to_numpy(dtype=float), "is_simulated": True})


def score_change(kode_wilayah: str, year: int, *, seed: int = 20240101) -> tuple[int, int, float, float]:
    """(year_from, year_to, simulated IID in year_from, simulated IID in year_to)."""
    year_from, year_to = insight_years(year)
    scores = _simulation(seed).scores.set_index(["kode_wilayah", "year"])["iid_score"]
    return year_from, year_to, float(scores.get((kode_wilayah, year_from), float("nan"))), \
        float(scores.get((kode_wilayah, year_to), float("nan")))


def opd_standing(kode_wilayah: str, year: int, *, lang: str = "id", seed: int = 20240101) -> pd.DataFrame:
    """The pemda's OPDs by (simulated) innovation count and mean maturity, best first.

    Returns
    -------
    DataFrame with columns [opd, innovation_count, maturity_mean_score, is_simulated]
        ``maturity_mean_score`` is the mean SID score of an OPD's innovations (0-111).
        Ordered by innovation count × mean maturity (the OPD's share of the SID points).
    """
    from .opd import build_opd_profiles

    _, year_to = insight_years(year)
    inn = _simulation(seed).innovations
    inn = inn[(inn["kode_wilayah"] == kode_wilayah) & (inn["year"] == year_to)]
    if inn.empty:
        return pd.DataFrame(columns=["opd", "innovation_count", "maturity_mean_score", "is_simulated"])
    prof = build_opd_profiles(inn)
    label = "opd_label_id" if lang == "id" else "opd_label_en"
    out = pd.DataFrame({"opd": prof[label].fillna(prof["opd_name"]), "innovation_count": prof["innovation_count"],
                        "maturity_mean_score": prof["maturity_mean_score"].astype(float), "is_simulated": True})
    weight = out["innovation_count"] * out["maturity_mean_score"]
    return out.loc[weight.sort_values(ascending=False).index].reset_index(drop=True)


def summary_sentences(kode_wilayah: str, year: int, lang: str = "id", seed: int = 20240101) -> list[str]:
    """Plain-language lines on the three largest drivers and the leading and lagging OPDs (SIMULATED)."""
    drivers = score_drivers(kode_wilayah, year, lang=lang, seed=seed)
    opds = opd_standing(kode_wilayah, year, lang=lang, seed=seed)
    lines = []
    if len(drivers):
        year_from, year_to, _, _ = score_change(kode_wilayah, year, seed=seed)
        from .i18n import fmt_number

        parts = ", ".join(f"{r.label} ({fmt_number(r.contribution_points, lang, '+.2f')})"
                          for r in drivers.itertuples())
        lines.append(t("insight_drivers", lang, year_from=year_from, year_to=year_to, parts=parts))
    if len(opds) >= 2:
        lead = ", ".join(opds["opd"].head(2))
        lag = ", ".join(opds["opd"].tail(2).iloc[::-1])
        lines.append(t("insight_opds", lang, lead=lead, lag=lag))
    return lines
