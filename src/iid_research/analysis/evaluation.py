"""The regent's OPD evaluation: what each OPD contributes to the pemda's IID, and who must do what.

Every number is the official method applied to the pemda's own answers
(:mod:`iid_research.scoring`): an OPD's SID points are the SID scores (skor
kematangan, 0-111) of its innovations; its contribution to the IID is those
points over the pemda's divisor MAX(floor, n), on the 0-100 scale.  OPDs are
named as the pemda's file names them (the most frequent spelling), with the
OPD type beside the name where ``mappings/opd_types.csv`` knows it.

:func:`assign_plan_to_opds` gives every step of a plan an owner: a SID step
the OPD owning the innovation raised; an SPD step the office answering that
indicator (``mappings/spd_responsible.csv``); a new innovation in a missing
urusan pelayanan dasar the OPD carrying that urusan (``mappings/urusan_opd.csv``).
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from .. import config
from ..frameworks import Framework, framework_for_year, setting
from ..scoring import count_urusan_pelayanan_dasar, points_to_iid, score_sid_innovations, sid_from_sums
from .opd import UNMAPPED, map_opd_types

ANY_OPD = "(OPD mana pun / any OPD)"
"""Owner of a planned new innovation that no particular OPD must make."""
UNNAMED = "(tanpa nama)"
"""Key and name of the innovations whose OPD cell is empty."""
TYPE_OWNER = "type:"
"""Key prefix of an owner known only by its OPD type ("type:keuangan"): an office the mappings give a step
to that the pemda's files do not name."""

OPD_COLUMNS = ["opd_key", "opd_name", "opd_type", "opd_type_label_id", "opd_type_label_en", "innovations",
               "mandatory_complete", "at_risk", "sid_points", "sid_points_share", "iid_contribution",
               "maturity_mean", "weakest_indicators", "plan_steps", "plan_cost", "sid_points_prev",
               "sid_points_change", "rank", "status", "is_placeholder", "reward"]
"""Columns of :func:`evaluate_opds`."""


def is_placeholder(opd_keys) -> np.ndarray:
    """Whether each owner key is a placeholder, not an OPD of the pemda's files.

    Placeholders own plan steps no OPD of the OPD list or innovation list can take: :data:`ANY_OPD`
    (a new innovation any OPD may report) and an office known only by its type (key
    :data:`TYPE_OWNER` + type, e.g. the finance office for an SPD indicator when the pemda lists none).
    They are never counted as OPDs.

    >>> is_placeholder(["dinas kesehatan", ANY_OPD, "type:keuangan"]).tolist()
    [False, True, True]
    """
    keys = pd.Series(list(opd_keys), dtype=object).astype(str)
    return (keys.eq(ANY_OPD) | keys.str.startswith(TYPE_OWNER)).to_numpy(bool)


@functools.lru_cache(maxsize=2)
def _mapping(name: str) -> pd.DataFrame:
    return pd.read_csv(config.MAPPINGS_DIR / name, dtype=str, keep_default_na=False)


def mandatory_sid(framework: Framework) -> list[int]:
    """The SID indicators the guideline marks mandatory (``is_mandatory`` in ``rules/indicators_*.csv``)."""
    sid = framework.sid
    return [int(i) for i in sid.loc[sid["is_mandatory"], "indicator_no"]]


def validation_risk(innovations: pd.DataFrame, framework: Framework) -> pd.DataFrame:
    """Which innovations the portal's validators are likely to cut, and why.

    An innovation is at risk when a mandatory SID indicator has no evidence
    (level 0; mandatory flags from the rules, 2026: 16, 17, 32, 33, 35) or when
    its tahapan cannot score (``tahapan_not_scored`` in ``rules/settings.csv``:
    "inisiatif", an assumption documented there).

    Parameters
    ----------
    innovations : DataFrame following the innovations contract
        One pemda-year's innovations.
    framework : Framework

    Returns
    -------
    DataFrame with columns [innovation_id, opd_name, missing_mandatory, tahapan_not_scored, at_risk]
        One row per innovation, in input order; ``missing_mandatory`` lists the mandatory
        indicators at level 0.
    """
    mand = mandatory_sid(framework)
    not_scored = {t.strip().casefold() for t in setting("tahapan_not_scored").split(";") if t.strip()}
    levels = innovations[[f"sid_{i}" for i in mand]].to_numpy(int) if len(innovations) else np.zeros((0, len(mand)))
    missing = [[mand[k] for k in np.flatnonzero(row == 0)] for row in levels]
    if "tahapan" in innovations:  # the contract's tahapan are lower case; a table passed in directly may not be
        tahapan = innovations["tahapan"].astype("string").str.strip().str.casefold()
        tah = tahapan.isin(not_scored).fillna(False).to_numpy(bool)
    else:
        tah = np.zeros(len(innovations), bool)
    out = pd.DataFrame({"innovation_id": innovations["innovation_id"].to_numpy(),
                        "opd_name": innovations["opd_name"].to_numpy() if "opd_name" in innovations else None,
                        "missing_mandatory": missing, "tahapan_not_scored": tah})
    out["at_risk"] = out["tahapan_not_scored"] | out["missing_mandatory"].map(bool)
    return out


_PLACE_UNITS = {"kecamatan", "kelurahan", "desa", "distrik", "kampung", "nagari", "gampong"}
"""Units named after a place: "Kecamatan Blora" keeps the place name (it is not the pemda's)."""


@functools.lru_cache(maxsize=64)
def _pemda_suffix(kode_wilayah: str):
    """Regular expression of the pemda's own name at the end of an OPD name ("... kab blora", "... blora")."""
    import re

    from ..data import load_regions
    from ..regions import split_prefix

    names = load_regions().set_index("kode_wilayah")["nama"]
    if kode_wilayah not in names.index:
        return None
    bare = split_prefix(names[kode_wilayah])[1]
    if not bare:
        return None
    levels = r"(?:pemerintah\s+)?(?:kabupaten|kab|kota|provinsi|prov|pemkab|pemkot|pemprov)\s+"
    return re.compile(rf"^(?P<head>.+?)\s+(?:{levels})?{re.escape(bare)}$")


def _keys(names: pd.Series, kode_wilayah: str | None = None, aliases: dict | None = None) -> np.ndarray:
    """The OPD key of each written name: normalised (case, spacing, punctuation), the pemda's own name
    dropped from the end ("Dinas Kesehatan Kab. Blora" and "Dinas Kesehatan" are one OPD), and a short
    name of the OPD list ("Dinkes", column Singkatan) read as the OPD it names."""
    from .opd import normalise_opd_name

    rx = _pemda_suffix(kode_wilayah) if kode_wilayah else None
    aliases = aliases or {}
    names = pd.Series(names, dtype=object).reset_index(drop=True)
    codes, uniques = pd.factorize(names, use_na_sentinel=True)
    keys = []
    for name in uniques:  # each spelling once
        norm = normalise_opd_name(name)
        m = rx.match(norm) if rx is not None and norm else None
        if m is not None and m.group("head") not in _PLACE_UNITS:
            norm = m.group("head")
        norm = aliases.get(norm, norm)
        keys.append(norm or UNNAMED)
    return np.array(keys + [UNNAMED], dtype=object)[codes]  # code -1 (an empty cell) picks UNNAMED


def _kode_of(*frames) -> str | None:
    """The pemda of the innovations / OPD list (their first ``kode_wilayah``), or None."""
    for frame in frames:
        if frame is not None and len(frame) and "kode_wilayah" in frame:
            return str(frame["kode_wilayah"].iloc[0])
    return None


def _list_aliases(opd_list: pd.DataFrame | None, kode_wilayah: str | None) -> dict:
    """{normalised short name or spelling: OPD key} from the OPD list's ``opd_abbrev`` (";" or "," apart)."""
    import re

    if opd_list is None or not len(opd_list) or "opd_abbrev" not in opd_list:
        return {}
    keys = _keys(opd_list["opd_name"], kode_wilayah)
    out = {}
    for key, abbrev in zip(keys, opd_list["opd_abbrev"].fillna("").astype(str)):
        for short in re.split(r"[;,]", abbrev):
            short = _keys(pd.Series([short]), kode_wilayah)[0]
            if short != UNNAMED and short != key:
                out.setdefault(short, key)
    return out


def opd_keys(innovations: pd.DataFrame, opds: pd.DataFrame) -> np.ndarray:
    """The OPD key (:func:`pemda_opds`) of each innovation, by its written ``opd_name``.

    Parameters
    ----------
    innovations : DataFrame with columns [kode_wilayah, opd_name]
    opds : DataFrame
        :func:`pemda_opds` of the same pemda (its ``aliases`` resolve short names such as "Dinkes").

    Returns
    -------
    ndarray of str, one key per innovation, in input order
    """
    if not len(innovations):
        return np.array([], dtype=object)
    aliases = {a: k for k, al in zip(opds["opd_key"], opds["aliases"]) for a in al} if "aliases" in opds else {}
    return _keys(innovations["opd_name"], _kode_of(innovations), aliases)


def resolve_opd_names(innovations: pd.DataFrame, opd_list: pd.DataFrame | None = None) -> pd.DataFrame:
    """The innovations with each ``opd_name`` written as the pemda's OPD is named (:func:`pemda_opds`).

    The one way every workspace report identifies an OPD: spellings that differ only in case,
    spacing, punctuation or the pemda's own name at the end are one OPD, a short name of the OPD
    list ("Disdukcapil", column Singkatan) is the OPD it stands for, and the name shown is the OPD
    list's spelling ("Dinas Kependudukan dan Pencatatan Sipil"); units keep their own name (an RSUD
    is not merged into the health office).  Afterwards the written name identifies the OPD, so
    :func:`iid_research.analysis.opd.build_opd_profiles` with ``opd_key="opd_name"`` profiles the
    same OPDs as :func:`evaluate_opds`.

    Parameters
    ----------
    innovations : DataFrame with columns [kode_wilayah, opd_name]
    opd_list : DataFrame with columns [kode_wilayah, opd_name(, opd_abbrev)], optional
        The workspace's OPD lists (any pemda: each innovation is resolved with its own pemda's list).

    Returns
    -------
    DataFrame
        A copy, same rows and order; an empty OPD cell becomes :data:`UNNAMED`.
    """
    out = innovations.copy()
    if not len(out):
        return out
    names = pd.Series(out["opd_name"].to_numpy(dtype=object), index=out.index, dtype=object)
    for kode, part in out.groupby("kode_wilayah", sort=False):
        own = (opd_list[opd_list["kode_wilayah"] == kode]
               if opd_list is not None and len(opd_list) and "kode_wilayah" in opd_list else opd_list)
        opds = pemda_opds(part, own if own is not None and len(own) else None)
        by_key = opds.set_index("opd_key")["opd_name"]
        names.loc[part.index] = by_key.reindex(opd_keys(part, opds)).to_numpy()
    out["opd_name"] = names
    return out


def _opd_table(names: pd.Series, kode_wilayah: str | None = None, aliases: dict | None = None) -> pd.DataFrame:
    """Key (:func:`_keys`), written name and OPD type of each name."""
    mapped = map_opd_types(names.fillna(""))
    return pd.DataFrame({"opd_key": _keys(names, kode_wilayah, aliases),
                         "opd_name": names.fillna(UNNAMED).replace("", UNNAMED).to_numpy(),
                         "opd_type": mapped["opd_type"].to_numpy(), "opd_type_label_id": mapped["label_id"].to_numpy(),
                         "opd_type_label_en": mapped["label_en"].to_numpy()})


def _owner_of_type(opd_type: str, opds: pd.DataFrame) -> tuple[str, str]:
    """(opd_key, display name) of the pemda's OPD of a type, or the type's label when it has none."""
    from .opd import opd_type_labels

    if not opd_type:
        return ANY_OPD, ANY_OPD
    hit = opds[opds["opd_type"] == opd_type]
    if not len(hit):  # an OPD merging two functions (Bapperida: planning, research and innovation) owns both
        from .opd import opd_types_matched

        hit = opds[[opd_type in opd_types_matched(n) for n in opds["opd_name"]]]
    if len(hit):
        return hit["opd_key"].iloc[0], hit["opd_name"].iloc[0]
    return f"{TYPE_OWNER}{opd_type}", opd_type_labels("id").get(opd_type, opd_type)


def pemda_opds(innovations: pd.DataFrame, opd_list: pd.DataFrame | None = None) -> pd.DataFrame:
    """The pemda's OPDs: those with innovations and those on its OPD list, one row per OPD key.

    Names are one OPD when they differ only in case, spacing or punctuation, or by the pemda's own name
    at the end ("Dinas Kesehatan Kab. Blora"), or when the OPD list gives one as the other's short name
    (column Singkatan, ``opd_abbrev``: "Dinkes").

    Returns
    -------
    DataFrame with columns [opd_key, opd_name, opd_type, opd_type_label_id, opd_type_label_en, on_list, aliases]
        ``opd_name`` is the OPD list's spelling when the OPD is on it, else the most frequent written
        spelling; ``aliases`` the short names (normalised) that stand for the OPD.
    """
    kode = _kode_of(innovations, opd_list)
    has_list = opd_list is not None and len(opd_list)
    aliases = _list_aliases(opd_list, kode) if has_list else {}
    inn_names = innovations.get("opd_name", pd.Series(dtype=object))
    list_names = opd_list["opd_name"] if has_list else pd.Series(dtype=object)
    table = pd.concat([_opd_table(inn_names.reset_index(drop=True), kode, aliases).assign(listed=False),
                       _opd_table(list_names.reset_index(drop=True), kode, aliases).assign(listed=True)],
                      ignore_index=True)
    listed = set(table.loc[table["listed"], "opd_key"])
    first = (table.groupby(["opd_key", "opd_name"]).agg(n=("listed", "size"), listed=("listed", "any")).reset_index()
             .sort_values(["opd_key", "listed", "n", "opd_name"], ascending=[True, False, False, True])
             .drop_duplicates("opd_key"))
    types = table.drop_duplicates(["opd_key", "opd_name"]).set_index(["opd_key", "opd_name"])
    out = first[["opd_key", "opd_name"]].copy()
    for c in ("opd_type", "opd_type_label_id", "opd_type_label_en"):
        out[c] = [types.loc[(k, n), c] for k, n in zip(out["opd_key"], out["opd_name"])]
    out["on_list"] = out["opd_key"].isin(listed)
    out["aliases"] = [tuple(sorted(a for a, k in aliases.items() if k == key)) for key in out["opd_key"]]
    return out.reset_index(drop=True)


def assign_plan_to_opds(plan, innovations: pd.DataFrame, opds: pd.DataFrame, framework: Framework,
                        *, costs=None, cost_new_innovation: float = 3.0) -> pd.DataFrame:
    """Every step of a plan with the OPD that must take it.

    Parameters
    ----------
    plan : PathPlan
        From :func:`iid_research.analysis.path.path_to_target` or ``path_to_score``.
    innovations : DataFrame
        The pemda-year's innovations as given to the planner (same order).
    opds : DataFrame
        :func:`pemda_opds` of the pemda.
    framework : Framework
    costs, cost_new_innovation
        The costs the plan was made with (per step; default 1, and 3 per new innovation).

    Returns
    -------
    DataFrame with columns [opd_key, opd_name, kind, indicator, innovation_id, from_level, to_level, steps,
    urusan, gain_iid, cost, is_placeholder]
        ``is_placeholder``: the owner is not an OPD of the pemda's files (:func:`is_placeholder`).
        ``kind`` is "spd", "sid" or "new_innovation"; ``gain_iid`` the step's IID gain (the plan's
        linear gains), ``cost`` from ``costs``.  A new innovation is one "new_innovation" row
        (from/to level 0, one step) reported at :attr:`PathPlan.new_innovation_levels`; the plan's
        raises above those answers are "sid" rows with the same ``innovation_id``, so the rows'
        ``steps`` add up to :attr:`PathPlan.n_steps` and their ``cost`` to ``total_cost``.
    """
    from .path import plan_steps_by_opd

    costs = {str(k): float(v) for k, v in (costs or {}).items()}
    rows = []
    spd_owner = _mapping("spd_responsible.csv").set_index("row_id")["opd_type"]
    for step in plan.steps.itertuples(index=False):
        if step.aspect == "SPD":
            key, name = _owner_of_type(spd_owner.get(step.indicator, ""), opds)
            rows.append((key, name, "spd", step.indicator, "", step.level_from, step.level_to, int(step.steps), "",
                         float(step.gain_iid), float(step.cost)))
    n = len(innovations)
    D = int(np.maximum(framework.divisor_floor, len(plan.new_sid_answers)))
    if len(plan.new_sid_answers):
        keys = list(opd_keys(innovations, opds)) if n else []
        by_key = opds.set_index("opd_key")["opd_name"]
        raised = plan_steps_by_opd(innovations.assign(kode_wilayah=plan.kode_wilayah, year=plan.year),
                                   plan.new_sid_answers, kode_wilayah=plan.kode_wilayah, year=plan.year,
                                   opd_keys=keys, new_start=plan.new_innovation_levels)
        weights = framework.sid_weights
        urusan_owner = _mapping("urusan_opd.csv").set_index("urusan")["opd_type"]

        def new_owner_of(urusan):
            typ = urusan_owner.get(urusan, "") if urusan else ""
            return _owner_of_type(typ, opds) if typ else (ANY_OPD, ANY_OPD)

        new_urusan = list(plan.new_sid_answers["urusan"].iloc[n:]) if "urusan" in plan.new_sid_answers else []
        new_owner = {f"(baru/new) {j + 1}": new_owner_of(u or "") for j, u in enumerate(new_urusan)}
        for r in raised.itertuples(index=False):
            if r.opd_key == "(baru/new)":  # a raise above the answers a planned new innovation starts from
                key, name = new_owner.get(r.innovation_id) or new_owner_of(r.urusan)
            else:
                key, name = r.opd_key, by_key.get(r.opd_key, r.opd_key)
            gain = float(points_to_iid(r.steps_count * weights.loc[r.indicator_no] / D, framework))
            rows.append((key, name, "sid", str(r.indicator_no), r.innovation_id,
                         int(r.from_level), int(r.to_level), int(r.steps_count), "", gain,
                         r.steps_count * costs.get(str(r.indicator_no), 1.0)))
        new = plan.steps[plan.steps["lever"] == "new_innovations"]
        if len(new):
            total_gain = float(new["gain_iid"].iloc[0])
            y = int(new["steps"].iloc[0])
            for j in range(y):
                ident = f"(baru/new) {j + 1}"
                urusan = new_urusan[j] if j < len(new_urusan) else ""
                key, name = new_owner.get(ident) or new_owner_of(urusan or "")
                rows.append((key, name, "new_innovation", "", ident, 0, 0, 1, urusan or "", total_gain / y,
                             cost_new_innovation))
    cols = ["opd_key", "opd_name", "kind", "indicator", "innovation_id", "from_level", "to_level", "steps", "urusan",
            "gain_iid", "cost"]
    out = pd.DataFrame(rows, columns=cols)
    out["is_placeholder"] = is_placeholder(out["opd_key"])
    return out


def evaluate_opds(innovations: pd.DataFrame, year: int, *, opd_list: pd.DataFrame | None = None,
                  previous: pd.DataFrame | None = None, plan_steps: pd.DataFrame | None = None,
                  framework: Framework | None = None, n_reward: int = 3) -> pd.DataFrame:
    """The OPD scoreboard of one pemda-year (the regent's evaluation).

    Parameters
    ----------
    innovations : DataFrame following the innovations contract
        The pemda's innovations of ``year``.
    year : int
    opd_list : DataFrame [opd_name], optional
        The pemda's OPDs; those with no innovation get status "belum_berinovasi".
    previous : DataFrame, optional
        The pemda's innovations of the year before, for the change of each OPD's SID points.
    plan_steps : DataFrame, optional
        :func:`assign_plan_to_opds` of the plan to the target.
    framework : Framework, optional
        Default ``framework_for_year(year)``.
    n_reward : int, default 3
        How many top contributors and biggest improvers the reward list names.

    Returns
    -------
    DataFrame with the columns of :data:`OPD_COLUMNS`, one row per OPD, best contributor first
        ``sid_points``: Σ of the SID scores of the OPD's innovations (points); ``sid_points_share``:
        its share of the pemda's SID points (0-1); ``iid_contribution``: those points over the
        pemda's divisor MAX(floor, n) on the IID scale; ``mandatory_complete``: innovations with
        every mandatory indicator evidenced (level ≥ 1); ``at_risk``: innovations the validators
        are likely to cut (:func:`validation_risk`); ``weakest_indicators``: up to 3 (indicator,
        gap) pairs where the OPD's mean level is furthest below the pemda's; ``reward``: "top"
        (top contributors), "improver" (biggest increases), or both joined by ",".  ``status`` is
        "berinovasi" (has innovations), "belum_berinovasi" (on the OPD list, no innovation) or
        "plan_owner" (a placeholder: an office the plan gives SPD steps or new innovations to, by OPD
        type, that the pemda's files do not name, or :data:`ANY_OPD`); ``is_placeholder`` is True for
        those (:func:`is_placeholder`).  Placeholders come after the OPDs, have no ``rank`` (NA) and no
        reward: ranks and counts are of the pemda's OPDs only.
    """
    fw = framework if framework is not None else framework_for_year(int(year))
    inn = innovations.reset_index(drop=True)
    opds = pemda_opds(inn, opd_list)
    cols = list(fw.sid_columns)
    keys = pd.Series(opd_keys(inn, opds), dtype=object)
    points = score_sid_innovations(inn, fw).to_numpy() if len(inn) else np.zeros(0)
    total = float(points.sum())
    yandas = count_urusan_pelayanan_dasar(inn["urusan"]) if len(inn) else 0
    divisor = int(sid_from_sums(total, len(inn), fw, yandas if fw.count_score_min_urusan_yandas else None)["divisor"])
    risk = validation_risk(inn, fw) if len(inn) else pd.DataFrame(columns=["at_risk"])
    mand = [f"sid_{i}" for i in mandatory_sid(fw)]
    complete = (inn[mand].to_numpy() > 0).all(axis=1) if len(inn) else np.zeros(0, bool)
    mean_all = inn[cols].mean() if len(inn) else pd.Series(0.0, index=cols)
    prev_points = {}
    if previous is not None and len(previous):
        pfw = framework_for_year(int(previous["year"].iloc[0]))
        pk = pd.Series(opd_keys(previous.reset_index(drop=True), opds), dtype=object)
        pp = score_sid_innovations(previous.reset_index(drop=True), pfw).to_numpy()
        prev_points = pd.Series(pp).groupby(pk.to_numpy()).sum().to_dict()
    steps = plan_steps if plan_steps is not None else pd.DataFrame(columns=["opd_key", "steps", "cost"])
    rows = []
    for o in opds.itertuples(index=False):
        mask = (keys == o.opd_key).to_numpy() if len(inn) else np.zeros(0, bool)
        n = int(mask.sum())
        pts = float(points[mask].sum()) if n else 0.0
        weakest = []
        if n:
            gap = (inn.loc[mask, cols].mean() - mean_all).sort_values()
            weakest = [(int(c.split("_")[1]), float(v)) for c, v in gap.items() if v < -1e-9][:3]
        mine = steps[steps["opd_key"] == o.opd_key]
        prev = prev_points.get(o.opd_key) if previous is not None else None
        rows.append({"opd_key": o.opd_key, "opd_name": o.opd_name, "opd_type": o.opd_type,
                     "opd_type_label_id": o.opd_type_label_id, "opd_type_label_en": o.opd_type_label_en,
                     "innovations": n, "mandatory_complete": int(complete[mask].sum()) if n else 0,
                     "at_risk": int(risk["at_risk"].to_numpy()[mask].sum()) if n else 0,
                     "sid_points": pts, "sid_points_share": pts / total if total else 0.0,
                     "iid_contribution": float(points_to_iid(pts / divisor, fw)),
                     "maturity_mean": pts / n if n else np.nan, "weakest_indicators": weakest,
                     "plan_steps": int(mine["steps"].sum()), "plan_cost": float(mine["cost"].sum()),
                     "sid_points_prev": np.nan if prev is None and previous is None else float(prev or 0.0),
                     "sid_points_change": (np.nan if previous is None else pts - float(prev or 0.0)),
                     "status": "berinovasi" if n else "belum_berinovasi"})
    from .opd import opd_type_labels

    labels = {lang: opd_type_labels(lang) for lang in ("id", "en")}
    for key in sorted(set(steps["opd_key"]) - set(opds["opd_key"])):  # owners by type the pemda has not named
        mine = steps[steps["opd_key"] == key]
        typ = key.replace(TYPE_OWNER, "")
        rows.append({"opd_key": key, "opd_name": mine["opd_name"].iloc[0], "opd_type": typ,
                     "opd_type_label_id": labels["id"].get(typ, mine["opd_name"].iloc[0]),
                     "opd_type_label_en": labels["en"].get(typ, mine["opd_name"].iloc[0]),
                     "innovations": 0, "mandatory_complete": 0, "at_risk": 0, "sid_points": 0.0,
                     "sid_points_share": 0.0, "iid_contribution": 0.0, "maturity_mean": np.nan,
                     "weakest_indicators": [], "plan_steps": int(mine["steps"].sum()),
                     "plan_cost": float(mine["cost"].sum()), "sid_points_prev": np.nan, "sid_points_change": np.nan,
                     "status": "plan_owner"})
    out = pd.DataFrame(rows)
    if out.empty:
        return pd.DataFrame(columns=OPD_COLUMNS)
    out["is_placeholder"] = out["status"].eq("plan_owner")
    out = out.sort_values(["is_placeholder", "sid_points", "innovations", "opd_name"],
                          ascending=[True, False, False, True], kind="stable")
    real = ~out["is_placeholder"]
    out["rank"] = pd.array([pd.NA] * len(out), dtype="Int64")
    out.loc[real, "rank"] = out.loc[real, "sid_points"].rank(method="min", ascending=False).astype(int)
    reward = {k: [] for k in out["opd_key"]}
    for k in out[(out["sid_points"] > 0) & real]["opd_key"].head(n_reward):
        reward[k].append("top")
    if previous is not None:
        better = out[(out["sid_points_change"] > 0) & real].sort_values("sid_points_change", ascending=False)
        for k in better["opd_key"].head(n_reward):
            reward[k].append("improver")
    out["reward"] = out["opd_key"].map(lambda k: ",".join(reward[k]))
    out.loc[out["opd_type"] == UNMAPPED, ["opd_type_label_id", "opd_type_label_en"]] = ""
    return out[OPD_COLUMNS].reset_index(drop=True)


__all__ = ["ANY_OPD", "OPD_COLUMNS", "TYPE_OWNER", "UNNAMED", "assign_plan_to_opds", "evaluate_opds",
           "is_placeholder", "mandatory_sid", "opd_keys", "pemda_opds", "resolve_opd_names", "validation_risk"]
