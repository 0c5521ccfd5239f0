"""What notebook 02 (pemda report) shows: the summary of published facts, and sections from the pemda's files.

Without a workspace the report holds only real published facts.  With a
workspace that holds the pemda's answers, :func:`score_drivers` and
:func:`opd_standing` add what drove its score and which of its OPDs lead, from
its own files (:class:`iid_research.dataset.Dataset`).
"""

from __future__ import annotations

import pandas as pd

from ..analysis.decomposition import decompose_score_change
from ..frameworks import framework_for_year
from ..text import component_label, fmt_number, t
from .display import bullets


def score_drivers(dataset, kode_wilayah: str, year_from: int, year_to: int, *, top_n: int = 3,
                  lang: str = "id") -> pd.DataFrame:
    """The components that moved the pemda's IID most between two years (exact decomposition).

    Parameters
    ----------
    dataset : Dataset
        With the pemda's answers of both years.
    kode_wilayah : str
    year_from, year_to : int
    top_n : int, default 3
    lang : {"id", "en"}

    Returns
    -------
    DataFrame with columns [component, label, contribution_points, source]
        ``top_n`` rows, largest absolute contribution first, in IID points (0-100 scale),
        from :func:`iid_research.analysis.decomposition.decompose_score_change`; empty when the
        dataset lacks the pemda's answers of one of the years.
    """
    cols = ["component", "label", "contribution_points", "source"]
    if not (dataset.has_answers(kode_wilayah, year_from) and dataset.has_answers(kode_wilayah, year_to)):
        return pd.DataFrame(columns=cols)
    comp = dataset.components()
    comp = comp[comp.index.get_level_values("kode_wilayah") == kode_wilayah]
    dec = decompose_score_change(comp, year_from, year_to)
    row = dec.loc[kode_wilayah].drop(["iid_from", "iid_to", "change", "residual"], errors="ignore")
    row = row[row.abs() > 1e-9]
    top = row.reindex(row.abs().sort_values(ascending=False).index).head(top_n)
    fw = framework_for_year(year_to)
    source = "simulated" if dataset.is_simulated else "workspace"
    return pd.DataFrame({"component": top.index, "label": [component_label(c, lang, fw) for c in top.index],
                         "contribution_points": top.to_numpy(dtype=float), "source": source})[cols]


def opd_standing(dataset, kode_wilayah: str, year: int, *, lang: str = "id") -> pd.DataFrame:
    """The pemda's OPDs with innovations, largest contributor first: the scoreboard of the workspace report (05).

    Computed by :func:`iid_research.analysis.evaluation.evaluate_opds` with the workspace's OPD list, so
    the OPDs, their spellings merged, and their order are the same as in the 05 report and the workbook.

    Returns
    -------
    DataFrame with columns [opd, opd_innovations, opd_sid_points, opd_iid_contribution, source]
        ``opd_sid_points``: Σ of the SID scores of the OPD's innovations (points);
        ``opd_iid_contribution``: those points on the IID scale (IID points).  Empty when the
        dataset has no innovations of the pemda-year.
    """
    from ..analysis.evaluation import evaluate_opds
    from .workspace_report import opd_label

    cols = ["opd", "opd_innovations", "opd_sid_points", "opd_iid_contribution", "source"]
    inn = dataset.innovations
    inn = inn[(inn["kode_wilayah"] == kode_wilayah) & (inn["year"] == year)] if len(inn) else inn
    if inn.empty:
        return pd.DataFrame(columns=cols)
    opd_list = dataset.opd_list
    opd_list = opd_list[opd_list["kode_wilayah"] == kode_wilayah] if len(opd_list) else None
    board = evaluate_opds(inn, year, opd_list=opd_list if opd_list is not None and len(opd_list) else None)
    board = board[board["status"] == "berinovasi"].reset_index(drop=True)
    return pd.DataFrame({"opd": opd_label(board["opd_name"], lang), "opd_innovations": board["innovations"],
                         "opd_sid_points": board["sid_points"].astype(float),
                         "opd_iid_contribution": board["iid_contribution"].astype(float),
                         "source": "simulated" if dataset.is_simulated else "workspace"})[cols]


def workspace_sentences(dataset, kode_wilayah: str, year: int, lang: str = "id") -> list[str]:
    """Plain-language lines from the pemda's own files: its IID from them (beside the published one), its
    largest score drivers and leading/lagging OPDs."""
    lines = []
    s = dataset.scores if dataset.has_answers(kode_wilayah, year) else None
    own = None if s is None else s[(s["kode_wilayah"] == kode_wilayah) & (s["year"] == int(year))
                                   & (s["source"] != "published")]
    if own is not None and len(own):
        row = own.iloc[0]
        line = t("nb02_ws_score", lang, year=year, iid=fmt_number(row["iid_score"], lang),
                 predicate=t(row["predicate"], lang))
        from ..data import load_iid_results

        pub = load_iid_results()
        pub = pub[(pub["kode_wilayah"] == kode_wilayah) & (pub["year"] == int(year))]["iid_score"].dropna()
        if len(pub):
            line += " " + t("nb02_ws_score_published", lang, published=fmt_number(float(pub.iloc[0]), lang),
                            diff=fmt_number(float(row["iid_score"]) - float(pub.iloc[0]), lang, "+.2f"))
        lines.append(line)
    drivers = score_drivers(dataset, kode_wilayah, year - 1, year, lang=lang)
    if len(drivers):
        parts = ", ".join(f"{r.label} ({fmt_number(r.contribution_points, lang, '+.2f')})"
                          for r in drivers.itertuples())
        lines.append(t("nb02_drivers_line", lang, year_from=year - 1, year_to=year, parts=parts))
    opds = opd_standing(dataset, kode_wilayah, year, lang=lang)
    if len(opds) >= 2:
        lines.append(t("nb02_opds_line", lang, lead=", ".join(opds["opd"].head(2)),
                       lag=", ".join(opds["opd"].tail(2).iloc[::-1])))
    return lines


def pemda_summary_sentences(summary: dict, lang: str = "id") -> list[str]:
    """Plain-language sentences for the top of a pemda report.

    Parameters
    ----------
    summary : dict
        As returned by :func:`iid_research.analysis.published.pemda_summary`.
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


def pemda_summary_block(summary: dict, lang: str = "id"):
    """Show :func:`pemda_summary_sentences` (published facts only) as a short bulleted summary."""
    bullets(pemda_summary_sentences(summary, lang), lang)
