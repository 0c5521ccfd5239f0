"""One dataset, whatever its source: a pemda's workspace or the simulator.

A :class:`Dataset` holds the contract's tables (SPD answers, innovations, annex
rows) with ``source`` on every row (``workspace``, ``published`` or
``simulated``), and the per pemda-year ``scores`` every analysis ranks against.
The analyses (decomposition, rank Shapley, path to target, rules comparison,
OPD profiles, clustering, scorecards, upgrades) take it and do not care where
it came from.

Scores of the pemda whose answers the dataset holds are the official method
applied to those answers (:func:`iid_research.scoring.score_components`).  The
other pemda's totals, needed for ranks, come in this order
(:meth:`Dataset.field`):

1. the decree annex of that year in the workspace (``rank_basis`` "annex";
   the pemda's own annex row is not one of the others);
2. else the shipped published results (:func:`iid_research.data.load_iid_results`)
   plus the simulator for the pemda without a published score
   (``rank_basis`` "published+simulated"; the simulated rows say so);
3. else none: ranks are not available (``rank_basis`` "none").

A simulated dataset (:func:`from_simulation`) takes every table from the simulator
(``rank_basis`` "simulated").
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from .frameworks import framework_for_year
from .scoring import assign_predicates, cluster_sizes, pemda_components, rank_within_cluster, score_components

SCORE_COLUMNS = ["kode_wilayah", "year", "level", "spd_score", "n_innovations", "quality_score", "count_score",
                 "sid_score", "iid_score", "predicate", "rank", "rank_of", "source", "rank_basis"]
"""Columns of :attr:`Dataset.scores`."""
RANK_BASES = ("annex", "published+simulated", "simulated", "none")
"""Where the other pemda's totals of a year come from."""


@dataclasses.dataclass
class Dataset:
    """The contract's tables of one analysis, with their provenance.

    Attributes
    ----------
    spd : DataFrame
        SPD answers (contract :data:`iid_research.contracts.SPD_COLUMNS`) + ``source``.
    innovations : DataFrame
        Innovations with SID answers (contract ``INNOVATION_COLUMNS``) + ``source``.
    annex : DataFrame
        Annex rows of the workspace (contract ``ANNEX_COLUMNS``), possibly empty.
    opd_list : DataFrame [kode_wilayah, year, opd_name]
        The pemda's OPDs, possibly empty.
    sources : DataFrame [kind, year, kode_wilayah, source_file, sha256_12, source_sha256]
        The files behind the data (empty for a simulation).
    kind : {"workspace", "simulated"}
    label : str
        Where it comes from, for reports (the workspace folder, or "simulate_iid(seed=...)").
    is_demo : bool
        The labelled demo workspace (its files come from the simulator).
    simulation : SimulatedIID or None
        The simulation behind a simulated dataset or behind the simulated part of a field.
    """

    spd: pd.DataFrame
    innovations: pd.DataFrame
    annex: pd.DataFrame
    opd_list: pd.DataFrame
    sources: pd.DataFrame
    kind: str
    label: str
    is_demo: bool = False
    simulation: object = None

    # -- what is there ---------------------------------------------------------
    @property
    def is_simulated(self) -> bool:
        """Whether any answer of the dataset is simulated (a simulation, or the demo workspace)."""
        return self.kind == "simulated" or self.is_demo

    def pemda_years(self) -> pd.MultiIndex:
        """(kode_wilayah, year) pairs with answers (SPD or innovations)."""
        keys = ["kode_wilayah", "year"]
        frames = [f[keys] for f in (self.spd, self.innovations) if len(f)]
        if not frames:
            return pd.MultiIndex.from_tuples([], names=keys)
        pairs = pd.concat(frames).drop_duplicates().sort_values(keys)
        return pd.MultiIndex.from_frame(pairs.astype({"year": int}))

    def pemda(self) -> list[str]:
        """Codes of the pemda with answers."""
        return sorted(set(self.pemda_years().get_level_values("kode_wilayah")))

    def years(self, kode_wilayah: str | None = None) -> list[int]:
        """Years with answers (of one pemda, or of any)."""
        idx = self.pemda_years()
        if kode_wilayah is not None:
            idx = idx[idx.get_level_values("kode_wilayah") == kode_wilayah]
        return sorted(set(int(y) for y in idx.get_level_values("year")))

    def missing_kinds(self, kode_wilayah: str, year: int) -> list[str]:
        """What a score of the pemda's ``year`` lacks: ``[]``, or "spd" and/or "innovations".

        Both are needed: without the SPD answers (or the innovation list) every answer of that kind
        would count 0, a wrong score rather than a missing one.  The names are the kinds
        ``iid-research import`` takes.
        """
        out = []
        for kind, frame in (("spd", self.spd), ("innovations", self.innovations)):
            if not len(frame) or not ((frame["kode_wilayah"] == kode_wilayah) & (frame["year"] == int(year))).any():
                out.append(kind)
        return out

    def has_answers(self, kode_wilayah: str, year: int) -> bool:
        """Whether the dataset holds all the pemda's answers a score of ``year`` needs (SPD and innovations)."""
        return not self.missing_kinds(kode_wilayah, year)

    def scored_pemda_years(self) -> pd.MultiIndex:
        """(kode_wilayah, year) pairs with both SPD answers and an innovation list: the pairs that are scored."""
        keys = ["kode_wilayah", "year"]
        if not (len(self.spd) and len(self.innovations)):
            return pd.MultiIndex.from_tuples([], names=keys)
        both = self.spd[keys].drop_duplicates().merge(self.innovations[keys].drop_duplicates(), on=keys)
        return pd.MultiIndex.from_frame(both.astype({"year": int}).sort_values(keys))

    def has_annex(self, year: int) -> bool:
        """Whether the workspace holds the decree annex of ``year``."""
        return bool(len(self.annex) and (self.annex["year"] == int(year)).any())

    # -- scores ------------------------------------------------------------------
    def components(self, year: int | None = None) -> pd.DataFrame:
        """Sufficient statistics of every scored pemda-year (:func:`~iid_research.scoring.pemda_components`).

        Each year is reduced under the framework of that year.  Only the pairs of
        :meth:`scored_pemda_years` (SPD answers and innovation list both held) are scored.
        """
        key = ("components", year)
        cache = self.__dict__.setdefault("_cache", {})
        if key not in cache:
            if self.simulation is not None and self.kind == "simulated":
                cache[key] = self.simulation.components(year)
            else:
                idx = self.scored_pemda_years()
                parts = []
                for y in sorted(set(idx.get_level_values("year"))):
                    if year is not None and y != year:
                        continue
                    fw = framework_for_year(int(y))
                    spd = self.spd[self.spd["year"] == y] if len(self.spd) else _empty_spd()
                    inn = self.innovations[self.innovations["year"] == y] if len(self.innovations) \
                        else _empty_innovations()
                    parts.append(pemda_components(spd, inn, fw, index=idx[idx.get_level_values("year") == y]))
                cache[key] = pd.concat(parts) if parts else pd.DataFrame()
        return cache[key].copy()

    def own_scores(self) -> pd.DataFrame:
        """Scores of the pemda-years with answers, by the official method, with level and predikat."""
        from .data import load_regions

        comp = self.components()
        if comp.empty:
            return pd.DataFrame(columns=SCORE_COLUMNS)
        parts = []
        for y in sorted(set(comp.index.get_level_values("year"))):
            part = score_components(comp.xs(y, level="year", drop_level=False), framework_for_year(int(y)))
            part = part.reset_index()
            part["predicate"] = assign_predicates(part["iid_score"].to_numpy(), int(y))
            parts.append(part)
        out = pd.concat(parts, ignore_index=True)
        out["level"] = out["kode_wilayah"].map(load_regions().set_index("kode_wilayah")["level"])
        out["source"] = "simulated" if self.is_simulated else "workspace"
        return out

    def field(self, year: int) -> tuple[pd.DataFrame, str]:
        """Every pemda's total for ranking in ``year``: the pemda with answers, then the others.

        Returns
        -------
        (scores, basis)
            ``scores``: DataFrame [kode_wilayah, level, iid_score, source] (one row per pemda);
            ``basis``: one of :data:`RANK_BASES` (see the module docstring).
        """
        year = int(year)
        own = self.own_scores()
        own = own[own["year"] == year][["kode_wilayah", "level", "iid_score", "source"]]
        if self.kind == "simulated":
            sim = self.simulation.scores
            return sim[sim["year"] == year][["kode_wilayah", "level", "iid_score", "source"]].reset_index(
                drop=True), "simulated"
        if self.has_annex(year):
            ax = self.annex[(self.annex["year"] == year) & ~self.annex["kode_wilayah"].isin(own["kode_wilayah"])]
            others = ax.assign(source="simulated" if self.is_demo else "published")[
                ["kode_wilayah", "level", "iid_score", "source"]]
            return pd.concat([own, others], ignore_index=True), "annex"
        others = published_plus_simulated(year, exclude=own["kode_wilayah"])
        if others is None:
            return own.reset_index(drop=True), "none"
        return pd.concat([own, others], ignore_index=True), "published+simulated"

    @property
    def scores(self) -> pd.DataFrame:
        """Per pemda-year: scores, predikat, rank and cluster size, with ``source`` and ``rank_basis``.

        For every year with answers, the pemda with answers (scored from them) and the
        field of the other pemda (:meth:`field`); ``rank`` follows
        :func:`iid_research.scoring.rank_within_cluster` within the year's field and is NA
        when the basis is "none".
        """
        cache = self.__dict__.setdefault("_cache", {})
        if "scores" not in cache:
            if self.kind == "simulated":
                sim = self.simulation.scores.copy()
                sim["rank_basis"] = "simulated"
                cache["scores"] = sim
            else:
                own = self.own_scores()
                parts = []
                for year in self.years():
                    field, basis = self.field(year)
                    frame = field.assign(year=year)
                    mine = own[own["year"] == year].drop(columns=["level", "iid_score", "source"], errors="ignore")
                    frame = frame.merge(mine, on=["kode_wilayah", "year"], how="left")
                    if basis == "none":
                        frame["rank"], frame["rank_of"] = pd.NA, pd.NA
                    else:
                        frame["rank"] = rank_within_cluster(frame)
                        frame["rank_of"] = cluster_sizes(frame)
                    fill = frame["predicate"].isna() & frame["iid_score"].notna()
                    if fill.any():
                        frame.loc[fill, "predicate"] = assign_predicates(frame.loc[fill, "iid_score"].to_numpy(),
                                                                         year)
                    frame["rank_basis"] = basis
                    parts.append(frame)
                out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=SCORE_COLUMNS)
                for col in SCORE_COLUMNS:
                    if col not in out.columns:
                        out[col] = np.nan
                out["rank"] = out["rank"].astype("Int64")
                out["rank_of"] = out["rank_of"].astype("Int64")
                cache["scores"] = out[SCORE_COLUMNS]
        return cache["scores"]

    def rank_basis(self, year: int) -> str:
        """Where the other pemda's totals of ``year`` come from (one of :data:`RANK_BASES`)."""
        if self.kind == "simulated":
            return "simulated"
        return self.field(year)[1]


def _empty_spd() -> pd.DataFrame:
    return pd.DataFrame({"kode_wilayah": pd.Series(dtype=str), "year": pd.Series(dtype="int64"),
                         "indicator_no": pd.Series(dtype="int64"), "sub": pd.Series(dtype=str),
                         "level": pd.Series(dtype="int64")})


def _empty_innovations() -> pd.DataFrame:
    from .contracts import SID_COLUMNS

    return pd.DataFrame({"kode_wilayah": pd.Series(dtype=str), "year": pd.Series(dtype="int64"),
                         "urusan": pd.Series(dtype=object), **{c: pd.Series(dtype="int64") for c in SID_COLUMNS}})


def published_plus_simulated(year: int, *, exclude=()) -> pd.DataFrame | None:
    """Totals of every assessed pemda in ``year``: published scores where shipped, simulated for the rest.

    Returns
    -------
    DataFrame [kode_wilayah, level, iid_score, source] or None
        ``source`` is "published" or "simulated"; None when the simulator does not
        cover ``year`` (then no field can be built without the annex).
    """
    from .data import load_iid_results
    from .simulate import DEFAULT_YEARS, simulate_iid

    if int(year) not in DEFAULT_YEARS:
        return None
    sim = simulate_iid().scores
    sim = sim[(sim["year"] == int(year)) & ~sim["kode_wilayah"].isin(list(exclude))]
    pub = load_iid_results()
    pub = pub[(pub["year"] == int(year)) & pub["iid_score"].notna()].set_index("kode_wilayah")["iid_score"]
    out = sim[["kode_wilayah", "level", "iid_score"]].copy()
    is_pub = out["kode_wilayah"].isin(pub.index)
    out.loc[is_pub, "iid_score"] = out.loc[is_pub, "kode_wilayah"].map(pub).to_numpy()
    out["source"] = np.where(is_pub, "published", "simulated")
    return out.reset_index(drop=True)


def from_simulation(sim=None, *, seed: int | None = None) -> Dataset:
    """A dataset of SIMULATED data (:func:`iid_research.simulate.simulate_iid`).

    Parameters
    ----------
    sim : SimulatedIID, optional
        Default ``simulate_iid(seed=seed)`` (the default seed when None).
    seed : int, optional
    """
    from .simulate import DEFAULT_SEED, simulate_iid

    if sim is None:
        sim = simulate_iid(seed=DEFAULT_SEED if seed is None else seed)
    return Dataset(spd=sim.spd, innovations=sim.innovations, annex=pd.DataFrame(), opd_list=pd.DataFrame(),
                   sources=pd.DataFrame(columns=["kind", "year", "kode_wilayah", "source_file", "sha256_12",
                                                 "source_sha256"]),
                   kind="simulated", label=f"simulate_iid(seed={sim.seed})", simulation=sim)


def from_workspace(workspace, *, kode_wilayah: str | None = None) -> Dataset:
    """A dataset of a workspace's files (all its pemda, or one).

    Parameters
    ----------
    workspace : Workspace or path-like
    kode_wilayah : str, optional
        Keep only this pemda's answers and source files (the annex, which holds every pemda, is kept whole).

    Raises
    ------
    iid_research.workspace.WorkspaceError
        If the folder is not a workspace.
    """
    from .contracts import (
        ANNEX_COLUMNS,
        INNOVATION_COLUMNS,
        SPD_COLUMNS,
        validate_annex,
        validate_innovations,
        validate_spd,
    )
    from .workspace import ALL_PEMDA, Workspace

    ws = workspace if isinstance(workspace, Workspace) else Workspace(workspace)
    columns = {"spd": SPD_COLUMNS, "innovations": INNOVATION_COLUMNS, "annex": ANNEX_COLUMNS}

    def load(kind, validate):
        frame = ws.table(kind, kode_wilayah=kode_wilayah)
        if frame.empty:  # none imported: an empty table of the contract (its columns and types), not a bare frame
            frame = pd.DataFrame(columns=list(columns[kind]))
            return validate(frame, f"{ws.path} ({kind})").assign(source=pd.Series(dtype=object))
        extra = [c for c in frame.columns if c not in ("source", "source_file", "source_row")]
        return validate(frame[[*extra, *[c for c in ("source", "source_file", "source_row")
                                          if c in frame.columns]]], f"{ws.path} ({kind})")

    spd = load("spd", validate_spd)
    inn = load("innovations", validate_innovations)
    annex = load("annex", validate_annex)
    opd = ws.table("opd", kode_wilayah=kode_wilayah)
    sources = ws.sources()
    if kode_wilayah is not None:  # a report on one pemda names its own files and the annexes, not its neighbours'
        sources = sources[sources["kode_wilayah"].isin([kode_wilayah, ALL_PEMDA])].reset_index(drop=True)
    return Dataset(spd=spd, innovations=inn, annex=annex, opd_list=opd, sources=sources, kind="workspace",
                   label=str(ws.path), is_demo=ws.is_demo)
