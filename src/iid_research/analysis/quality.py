"""The data-quality list of the published results: what needs care before a number is used.

Each check returns keys and values, never sentences; reports and ``iid-research
data check`` put them into words (:func:`iid_research.notebook.overview.quality_table`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..frameworks import predicate_thresholds
from ..scoring import check_published_predicates

ISSUE_COLUMNS = ["kode_wilayah", "nama", "year", "issue", "iid_score", "predicate", "expected_predicate", "rank",
                 "sangat_inovatif_min", "inovatif_min", "source_url"]
"""Columns of :func:`data_quality_issues`."""


def data_quality_issues(results: pd.DataFrame, rules_dir=None) -> pd.DataFrame:
    """List the published results that need care before use.

    Checks: a predikat that contradicts its year's thresholds
    (``predicate_contradicts_threshold``); a value with no source page
    (``no_source``); a provisional, pre-decree value (``provisional``).

    Parameters
    ----------
    results : DataFrame
        As returned by :func:`iid_research.data.load_iid_results`.
    rules_dir : path-like, optional

    Returns
    -------
    DataFrame with the columns of :data:`ISSUE_COLUMNS`
        One row per issue; ``issue`` is the key of the check, the other columns the
        values it is about (NaN where they do not apply).
    """
    rows = []
    checked = check_published_predicates(results, rules_dir)
    for r in checked[~checked["is_consistent"]].itertuples(index=False):
        th = predicate_thresholds(r.year, rules_dir)
        rows.append({"kode_wilayah": r.kode_wilayah, "nama": r.nama, "year": r.year,
                     "issue": "predicate_contradicts_threshold", "iid_score": r.iid_score, "predicate": r.predicate,
                     "expected_predicate": r.expected_predicate, "sangat_inovatif_min": th.sangat_inovatif_min,
                     "inovatif_min": th.inovatif_min, "source_url": r.source_url})
    for r in results[~results["has_source"]].itertuples(index=False):
        rows.append({"kode_wilayah": r.kode_wilayah, "nama": r.nama, "year": r.year, "issue": "no_source",
                     "rank": r.rank, "iid_score": r.iid_score})
    for r in results[results["is_provisional"]].itertuples(index=False):
        rows.append({"kode_wilayah": r.kode_wilayah, "nama": r.nama, "year": r.year, "issue": "provisional",
                     "iid_score": r.iid_score, "source_url": r.source_url})
    out = pd.DataFrame(rows, columns=ISSUE_COLUMNS)
    for col in ("iid_score", "sangat_inovatif_min", "inovatif_min"):
        out[col] = pd.to_numeric(out[col], errors="coerce").astype(float)
    out["rank"] = pd.to_numeric(out["rank"], errors="coerce").astype("Float64").round().astype("Int64")
    return out.replace({np.nan: None}).astype({"iid_score": float, "sangat_inovatif_min": float,
                                               "inovatif_min": float})
