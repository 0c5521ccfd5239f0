"""The OPD evaluation as an Excel workbook (``iid-research project --xlsx``): government staff work in Excel.

First sheet: the OPD scoreboard, one row per OPD of the pemda's files, frozen header, readable column names;
further sheets: the plan per OPD (identical steps of one owner as one row with their count, total IID gain
and total cost), the gap card, the innovations the validators may cut, the placeholder owners of plan steps
(not OPDs), and the plan with one row per action.  Written atomically, with fixed
document and zip times (:func:`iid_research._io.normalise_xlsx`).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .._io import atomic_path, normalise_xlsx
from ..notebook import workspace_report as wr
from ..text import label_columns, t


def _sheet(writer, frame: pd.DataFrame, name: str, lang: str):
    shown = label_columns(frame, lang)
    for col in shown.columns:  # yes/no in the reader's language, not True/False
        is_bool = shown[col].map(lambda v: isinstance(v, (bool, np.bool_)))
        if is_bool.any():
            shown[col] = [t("yes" if v else "no", lang) if b else v for v, b in zip(shown[col], is_bool)]
    shown.to_excel(writer, sheet_name=name[:31], index=False)
    ws = writer.sheets[name[:31]]
    ws.freeze_panes = "A2"
    for j, col in enumerate(shown.columns, start=1):
        values = [str(col)] + [str(v) for v in shown[col].head(200)]
        width = min(60, max(10, max(len(v) for v in values) + 2))
        ws.column_dimensions[ws.cell(row=1, column=j).column_letter].width = width


def write_projection_workbook(projection, path, lang: str = "id") -> Path:
    """Write the OPD scoreboard, plan, gap card, validation risk and placeholder owners of a projection to XLSX.

    Parameters
    ----------
    projection : Projection
        From :func:`iid_research.analysis.projection.project`.
    path : path-like
        The workbook to write (``.xlsx``).
    lang : {"id", "en"}
        Language of sheet and column names.

    Returns
    -------
    Path
    """
    path = Path(path)
    with atomic_path(path) as tmp:
        with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
            _sheet(writer, wr.scoreboard(projection, lang), t("sheet_scoreboard", lang), lang)
            _sheet(writer, wr.plan_by_opd(projection, lang), t("sheet_plan", lang), lang)
            _sheet(writer, wr.gap_table(projection, lang), t("sheet_gaps", lang), lang)
            _sheet(writer, wr.risk_table(projection, lang), t("sheet_risk", lang), lang)
            _sheet(writer, wr.placeholder_owners(projection, lang), t("sheet_placeholders", lang), lang)
            _sheet(writer, wr.plan_steps_table(projection, lang), t("sheet_plan_steps", lang), lang)
        normalise_xlsx(tmp)  # fixed document and zip times: the same projection gives the same bytes
    return path
