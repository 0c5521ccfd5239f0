"""Driver and OPD sections of the pemda report, built on SIMULATED indicator data.

Indicator-level IID answers are not public, so what drove a pemda's score
and which of its OPDs lead or lag can only be illustrated with the seeded
simulator (:mod:`iid_research.simulate`), which reproduces every published
score.  Every table here carries ``source="simulated"`` and the report shows
it under a SIMULATED banner; none of it is a fact about the region.
"""

from __future__ import annotations

import functools

import pandas as pd

from ..analysis.decomposition import decompose_score_change
from ..frameworks import framework_for_year
from ..simulate import DEFAULT_YEARS
from ..text import component_label, fmt_number, t
from .display import bullets


@functools.lru_cache(maxsize=2)
def _simulation(seed: int):
    from ..simulate import simulate_iid

    return simulate_iid(seed=seed)


@functools.lru_cache(maxsize=2)
def _components(seed: int):
    return _simulation(seed).components()


def insight_years(year: int) -> tuple[int, int]:
    """The simulated year pair shown for a report year: (year − 1, year), clipped to 2022-2025."""
    year_to = min(max(int(year), DEFAULT_YEARS[1]), DEFAULT_YEARS[-1])
    return year_to - 1, year_to


def score_drivers(kode_wilayah: str, year: int, *, top_n: int = 3, lang: str = "id",
                  seed: int = 20240101) -> pd.DataFrame:
    """The components that moved the pemda's (simulated) IID most between year − 1 and year.

    Uses the exact decomposition of :func:`iid_research.drivers.decompose_score_change`.

    Returns
    -------
    DataFrame with columns [component, label, contribution_points, source]
        ``top_n`` rows, largest absolute contribution first, in IID points (0-100 scale).
        Empty when the pemda is not in the simulated cluster (e.g. a non-autonomous kota).
    """
    year_from, year_to = insight_years(year)
    dec = decompose_score_change(_components(seed), year_from, year_to)
    if kode_wilayah not in dec.index:
        return pd.DataFrame(columns=["component", "label", "contribution_points", "source"])
    row = dec.loc[kode_wilayah].drop(["iid_from", "iid_to", "change", "residual"], errors="ignore")
    row = row[row.abs() > 1e-9]
    top = row.reindex(row.abs().sort_values(ascending=False).index).head(top_n)
    fw = framework_for_year(year_to)
    return pd.DataFrame({"component": top.index, "label": [component_label(c, lang, fw) for c in top.index],
                         "contribution_points": top.to_numpy(dtype=float), "source": "simulated"})


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
    DataFrame with columns [opd, innovation_count, maturity_mean_score, source]
        ``maturity_mean_score`` is the mean SID score of an OPD's innovations (0-111).
        Ordered by innovation count × mean maturity (the OPD's share of the SID points).
    """
    from ..analysis.opd import build_opd_profiles

    _, year_to = insight_years(year)
    inn = _simulation(seed).innovations
    inn = inn[(inn["kode_wilayah"] == kode_wilayah) & (inn["year"] == year_to)]
    if inn.empty:
        return pd.DataFrame(columns=["opd", "innovation_count", "maturity_mean_score", "source"])
    prof = build_opd_profiles(inn)
    label = "opd_label_id" if lang == "id" else "opd_label_en"
    out = pd.DataFrame({"opd": prof[label].fillna(prof["opd_name"]), "innovation_count": prof["innovation_count"],
                        "maturity_mean_score": prof["maturity_mean_score"].astype(float), "source": "simulated"})
    weight = out["innovation_count"] * out["maturity_mean_score"]
    return out.loc[weight.sort_values(ascending=False).index].reset_index(drop=True)


def summary_sentences(kode_wilayah: str, year: int, lang: str = "id", seed: int = 20240101) -> list[str]:
    """Plain-language lines on the three largest drivers and the leading and lagging OPDs (SIMULATED)."""
    drivers = score_drivers(kode_wilayah, year, lang=lang, seed=seed)
    opds = opd_standing(kode_wilayah, year, lang=lang, seed=seed)
    lines = []
    if len(drivers):
        year_from, year_to, _, _ = score_change(kode_wilayah, year, seed=seed)
        parts = ", ".join(f"{r.label} ({fmt_number(r.contribution_points, lang, '+.2f')})"
                          for r in drivers.itertuples())
        lines.append(t("insight_drivers", lang, year_from=year_from, year_to=year_to, parts=parts))
    if len(opds) >= 2:
        lead = ", ".join(opds["opd"].head(2))
        lag = ", ".join(opds["opd"].tail(2).iloc[::-1])
        lines.append(t("insight_opds", lang, lead=lead, lag=lag))
    return lines


def pemda_summary_sentences(summary: dict, lang: str = "id") -> list[str]:
    """Plain-language sentences for the top of a pemda report.

    Parameters
    ----------
    summary : dict
        As returned by :func:`iid_research.views.pemda_summary`.
    """
    s = summary
    lines = []
    if not s["has_year"]:
        if s["latest_year"] is None:
            lines.append(t("summary_no_results", lang, nama=s["nama"]))
        else:
            lines.append(t("summary_no_year", lang, nama=s["nama"], year=s["year"], latest=s["latest_year"]))
    if s["latest_year"] is not None and s["predicate"]:
        if s["iid_score"] is not None:
            lines.append(t("summary_score", lang, year=s["latest_year"], nama=s["nama"],
                           score=fmt_number(s["iid_score"], lang), predicate=t(s["predicate"], lang)))
        else:
            lines.append(t("summary_predicate_only", lang, year=s["latest_year"], nama=s["nama"],
                           predicate=t(s["predicate"], lang)))
    if s["rank"] is not None:
        if s["rank_of"]:
            lines.append(t("summary_rank", lang, rank=s["rank"], rank_of=s["rank_of"], level=s["level"]))
        else:
            lines.append(t("summary_rank_no_size", lang, rank=s["rank"], level=s["level"]))
        if s["previous_rank"] is not None:
            steps = s["previous_rank"] - s["rank"]
            if steps == 0:
                lines.append(t("summary_rank_same", lang, old_year=s["previous_rank_year"], new_year=s["latest_year"]))
            else:
                lines.append(t("summary_rank_change", lang, old=s["previous_rank"], old_year=s["previous_rank_year"],
                               new=s["rank"], new_year=s["latest_year"],
                               direction=t("up" if steps > 0 else "down", lang), steps=abs(steps)))
    lines.append(t("summary_awards", lang, n=s["n_awards"]))
    return lines


def pemda_summary_block(summary: dict, lang: str = "id", extra: list[str] | None = None):
    """Show :func:`pemda_summary_sentences` (plus ``extra`` lines) as a short bulleted summary."""
    bullets(pemda_summary_sentences(summary, lang) + list(extra or []), lang)
