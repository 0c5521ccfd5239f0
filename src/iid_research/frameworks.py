"""Scoring rules of the IID as versioned data, one definition per framework year.

The rules live in ``src/iid_research/rules/`` as CSV files, not in code:

``frameworks.csv``
    per framework year: divisor floor of the SID average (MAX(10, n) in 2023,
    MAX(12, n) in 2026), innovation-count score rule, maxima.
``indicators_<year>.csv``
    per framework year: every score row (indicator number, sub-row a/b,
    aspect SPD/SID, variable, Indonesian and English names, weight, mandatory
    flag, the three parameter texts and the score of each level).
``assessment_years.csv``
    per assessment year: which framework applies and the predikat thresholds.
``predicates.csv``
    the four predikat, best first, with the other names they appear under.
``urusan.csv``
    the urusan pemerintahan of UU 23/2014 (Pasal 12, and the fungsi penunjang
    of Pasal 232) with their kind (``pelayanan_dasar`` ...) and known spellings.
``settings.csv``
    constants of the method that are not per year: the first year on the
    0-100 scale, the published precision.

``rules/README.md`` records where sources disagree and which reading is used.
Every choice stays changeable: :meth:`Framework.replace` gives a modified copy
(e.g. another divisor floor) for what-if runs, and a different rules folder
can be passed to every loader.
"""

from __future__ import annotations

import dataclasses
import functools
import os
from pathlib import Path

import numpy as np
import pandas as pd

from . import config

LEVELS = (0, 1, 2, 3)
"""Parameter levels: 0 = not filled / not proven, 1-3 = parameter reached."""


@dataclasses.dataclass(frozen=True, eq=False)
class Framework:
    """The scoring rules of one framework year.

    Attributes
    ----------
    year : int
        Framework year (2023, 2026).
    indicators : DataFrame
        One row per score row, columns [row_id, aspect, indicator_no, sub,
        variable, name_id, name_en, weight, is_mandatory, param1, param2,
        param3, score_level1, score_level2, score_level3, source].  ``row_id``
        is ``"2a"`` for SPD sub-rows and the number as text otherwise.
    divisor_floor : int
        Floor of the SID divisor MAX(floor, n).
    count_score_per_innovation, count_score_cap_n, count_score_min_urusan_yandas
        Skor Jumlah Inovasi = per_innovation × MIN(n, cap_n) when the
        innovations cover at least ``min_urusan_yandas`` of the six urusan wajib
        pelayanan dasar, else 0.
    max_spd, max_sid_per_innovation, max_count_score, max_total : float
        Maxima; IID = total / max_total × 100.
    status, source : str
        How sure the rules are, and where they come from.
    """

    year: int
    indicators: pd.DataFrame
    divisor_floor: int
    count_score_per_innovation: float
    count_score_cap_n: int
    count_score_min_urusan_yandas: int
    max_spd: float
    max_sid_per_innovation: float
    max_count_score: float
    max_total: float
    status: str = ""
    source: str = ""

    # -- views -------------------------------------------------------------
    @property
    def spd(self) -> pd.DataFrame:
        """SPD score rows (20 rows: indicators 1-15 with sub-rows a/b)."""
        return self.indicators[self.indicators["aspect"] == "SPD"]

    @property
    def sid(self) -> pd.DataFrame:
        """SID score rows (indicators 16-35)."""
        return self.indicators[self.indicators["aspect"] == "SID"]

    @property
    def spd_row_ids(self) -> list[str]:
        """SPD row ids in guideline order (``"1", "2a", "2b", "3", ...``)."""
        return list(self.spd["row_id"])

    @property
    def spd_weights(self) -> pd.Series:
        """Weight (bobot) of each SPD row, indexed by ``row_id``."""
        return self.spd.set_index("row_id")["weight"]

    @property
    def sid_weights(self) -> pd.Series:
        """Weight (bobot) of each SID indicator, indexed by indicator number 16-35."""
        return self.sid.set_index("indicator_no")["weight"]

    @property
    def sid_indicators(self) -> tuple[int, ...]:
        """SID indicator numbers in guideline order (16-35 in 2023 and 2026)."""
        return tuple(int(i) for i in self.sid["indicator_no"])

    @property
    def sid_columns(self) -> tuple[str, ...]:
        """Contract column names of the SID answers, ``sid_<number>``."""
        return tuple(f"sid_{i}" for i in self.sid_indicators)

    @property
    def variables(self) -> list[str]:
        """The 8 variables in guideline order (3 SPD, 5 SID)."""
        return list(dict.fromkeys(self.indicators["variable"]))

    def same_rules(self, other: Framework) -> bool:
        """Whether two frameworks score every answer alike (same constants and indicator rows)."""
        if self is other:
            return True
        scalars = ("divisor_floor", "count_score_per_innovation", "count_score_cap_n",
                   "count_score_min_urusan_yandas", "max_spd", "max_sid_per_innovation", "max_count_score",
                   "max_total")
        return all(getattr(self, k) == getattr(other, k) for k in scalars) and \
            self.indicators[["row_id", "weight"]].equals(other.indicators[["row_id", "weight"]])

    def replace(self, **changes) -> Framework:
        """Return a copy with some rules changed, e.g. ``fw.replace(divisor_floor=14)``."""
        return dataclasses.replace(self, **changes)

    def describe(self) -> pd.DataFrame:
        """One-row summary of the rules, as data (reader text: :func:`iid_research.notebook.overview.rules_table`).

        Returns
        -------
        DataFrame with columns [framework, divisor_floor, count_score_per_innovation, count_score_cap_n,
        count_score_min_urusan_yandas, max_spd, max_sid_per_innovation, max_count_score, max_total, status]
        """
        return pd.DataFrame([{
            "framework": self.year, "divisor_floor": self.divisor_floor,
            "count_score_per_innovation": self.count_score_per_innovation,
            "count_score_cap_n": self.count_score_cap_n,
            "count_score_min_urusan_yandas": self.count_score_min_urusan_yandas,
            "max_spd": self.max_spd, "max_sid_per_innovation": self.max_sid_per_innovation,
            "max_count_score": self.max_count_score, "max_total": self.max_total,
            "status": self.status,
        }])


@dataclasses.dataclass(frozen=True)
class PredicateThresholds:
    """Lower bounds of each predikat in one assessment year (IID 0-100 scale).

    A score s (rounded to 2 decimals as published) is Sangat Inovatif when
    s ≥ ``sangat_inovatif_min``, Inovatif when s ≥ ``inovatif_min``, Kurang
    Inovatif when s ≥ ``kurang_inovatif_min`` and Tidak Dapat Dinilai below.
    """

    year: int
    framework: int
    sangat_inovatif_min: float
    inovatif_min: float
    kurang_inovatif_min: float
    status: str = ""
    source: str = ""


def _rules_dir(path) -> Path:
    return Path(path) if path is not None else config.RULES_DIR


@functools.lru_cache(maxsize=16)
def _load_framework_cached(year: int, rules_dir: str) -> Framework:
    folder = Path(rules_dir)
    table = pd.read_csv(folder / "frameworks.csv", keep_default_na=False)
    if year not in set(table["framework"]):
        raise KeyError(f"no framework rules for {year}; {folder / 'frameworks.csv'} defines "
                       f"{sorted(table['framework'])}")
    meta = table.set_index("framework").loc[year]
    ind = pd.read_csv(folder / f"indicators_{year}.csv", dtype={"sub": str}, keep_default_na=False)
    ind["row_id"] = ind["indicator_no"].astype(str) + ind["sub"].fillna("")
    ind["is_mandatory"] = ind["is_mandatory"].astype(str).str.lower().eq("true")
    for col in ("weight", "score_level1", "score_level2", "score_level3"):
        ind[col] = ind[col].astype(float)
    # a score row is bobot x level: check the transcription against that rule
    for lv in (1, 2, 3):
        bad = ind[~np.isclose(ind[f"score_level{lv}"], ind["weight"] * lv)]
        if len(bad):
            raise ValueError(f"{folder / f'indicators_{year}.csv'}: score_level{lv} != weight × {lv} "
                             f"for rows {list(bad['row_id'])}")
    cols = ["row_id", "aspect", "indicator_no", "sub", "variable", "name_id", "name_en", "weight",
            "is_mandatory", "param1", "param2", "param3", "score_level1", "score_level2", "score_level3",
            "source"]
    fw = Framework(
        year=int(year), indicators=ind[cols].reset_index(drop=True),
        divisor_floor=int(meta["divisor_floor"]),
        count_score_per_innovation=float(meta["count_score_per_innovation"]),
        count_score_cap_n=int(meta["count_score_cap_n"]),
        count_score_min_urusan_yandas=int(meta["count_score_min_urusan_yandas"]),
        max_spd=float(meta["max_spd"]), max_sid_per_innovation=float(meta["max_sid_per_innovation"]),
        max_count_score=float(meta["max_count_score"]), max_total=float(meta["max_total"]),
        status=str(meta["status"]), source=str(meta["source"]),
    )
    _check_maxima(fw, folder)
    return fw


def _check_maxima(fw: Framework, folder: Path) -> None:
    spd = 3 * fw.spd["weight"].sum()
    sid = 3 * fw.sid["weight"].sum()
    count = fw.count_score_per_innovation * fw.count_score_cap_n
    checks = [("max_spd", spd, fw.max_spd), ("max_sid_per_innovation", sid, fw.max_sid_per_innovation),
              ("max_count_score", count, fw.max_count_score),
              ("max_total", fw.max_spd + fw.max_sid_per_innovation + fw.max_count_score, fw.max_total)]
    for name, computed, stated in checks:
        if not np.isclose(computed, stated):
            raise ValueError(f"{folder}: framework {fw.year}: {name} stated {stated} but the indicator "
                             f"rows give {computed}")


def load_framework(year: int, rules_dir: str | os.PathLike | None = None) -> Framework:
    """Load the rules of one framework year.

    Parameters
    ----------
    year : int
        Framework year: 2023 (PPT Sosialisasi IID 2023) or 2026 (Surat Kepala
        BSKDN 400.10.11/1887/BSKDN, 29 April 2026).
    rules_dir : path-like, optional
        Folder of rule files; default the package's ``rules/``.

    Returns
    -------
    Framework

    Raises
    ------
    KeyError
        If no rules are defined for ``year`` (the message lists those that are).
    ValueError
        If the indicator rows contradict the stated maxima or the rule
        score = weight × level.
    """
    return _load_framework_cached(int(year), str(_rules_dir(rules_dir)))


@functools.lru_cache(maxsize=8)
def _assessment_table(rules_dir: str) -> pd.DataFrame:
    return pd.read_csv(Path(rules_dir) / "assessment_years.csv", keep_default_na=False).set_index("year")


def assessment_years(rules_dir=None) -> list[int]:
    """Assessment years that have rules (framework and predikat thresholds)."""
    return sorted(int(y) for y in _assessment_table(str(_rules_dir(rules_dir))).index)


def predicate_thresholds(year: int, rules_dir=None) -> PredicateThresholds:
    """Predikat thresholds in force for an assessment year.

    Raises
    ------
    KeyError
        If the year has no rules; the message names the years that have them.
    """
    table = _assessment_table(str(_rules_dir(rules_dir)))
    if int(year) not in table.index:
        raise KeyError(f"no IID rules for year {year}; rules exist for {assessment_years(rules_dir)}")
    row = table.loc[int(year)]
    return PredicateThresholds(int(year), int(row["framework"]), float(row["sangat_inovatif_min"]),
                               float(row["inovatif_min"]), float(row["kurang_inovatif_min"]),
                               str(row["threshold_status"]), str(row["source"]))


def framework_for_year(year: int, rules_dir=None) -> Framework:
    """The framework that applies to an assessment year (``assessment_years.csv``).

    Raises
    ------
    KeyError
        If the year has no rules; the message names the years that have them.
    """
    return load_framework(predicate_thresholds(year, rules_dir).framework, rules_dir)


def framework_years(rules_dir=None) -> list[int]:
    """Framework years defined in ``frameworks.csv``, oldest first."""
    table = pd.read_csv(_rules_dir(rules_dir) / "frameworks.csv", usecols=["framework"])
    return sorted(int(y) for y in table["framework"])


def latest_framework(rules_dir=None) -> Framework:
    """The newest framework defined in the rules (2026 today)."""
    return load_framework(framework_years(rules_dir)[-1], rules_dir)


def framework_for_years(years, rules_dir=None) -> Framework:
    """The framework of data that spans assessment ``years`` (e.g. the ``year`` column of a table).

    The one framework every year falls under (2023 and 2024: the 2023 framework); the newest
    framework when the years fall under several, or when there is no year.  Reader texts name
    indicators through this, so a table of 2024 data is labelled with the 2023 names.

    Parameters
    ----------
    years : iterable of int
        Missing values are ignored.

    Returns
    -------
    Framework

    Raises
    ------
    KeyError
        If a year has no rules.

    Examples
    --------
    >>> framework_for_years([2024, 2024]).year, framework_for_years([]).year
    (2023, 2026)
    """
    found = {int(predicate_thresholds(int(y), rules_dir).framework)
             for y in pd.Series(list(years), dtype=object).dropna().unique()}
    return load_framework(found.pop(), rules_dir) if len(found) == 1 else latest_framework(rules_dir)


# --------------------------------------------------------------------------- settings, predikat, urusan

@functools.lru_cache(maxsize=8)
def _settings_table(rules_dir: str) -> dict[str, str]:
    table = pd.read_csv(Path(rules_dir) / "settings.csv", dtype=str, keep_default_na=False)
    return dict(zip(table["name"], table["value"]))


def setting(name: str, rules_dir=None) -> str:
    """A constant of the method from ``rules/settings.csv`` (as text).

    Raises
    ------
    KeyError
        If the setting is not defined (the message lists those that are).
    """
    table = _settings_table(str(_rules_dir(rules_dir)))
    if name not in table:
        raise KeyError(f"no setting {name!r} in {_rules_dir(rules_dir) / 'settings.csv'}; defined: {sorted(table)}")
    return table[name]


def index_scale_first_year(rules_dir=None) -> int:
    """First assessment year published on the 0-100 scale (2021); earlier years use the raw additive scale."""
    return int(setting("index_scale_first_year", rules_dir))


def _predicate_table() -> pd.DataFrame:
    table = pd.read_csv(config.RULES_DIR / "predicates.csv", dtype=str, keep_default_na=False)
    return table.assign(order=table["order"].astype(int)).sort_values("order").reset_index(drop=True)


PREDICATES = tuple(_predicate_table()["predicate"])
"""The four predikat, best first (``rules/predicates.csv``; Permendagri 104/2018; IID guideline 2023)."""


@functools.lru_cache(maxsize=1)
def _predicate_aliases() -> dict[str, str]:
    out = {}
    for row in _predicate_table().itertuples(index=False):
        for name in [row.predicate, *[a for a in row.aliases.split(";") if a.strip()]]:
            out[" ".join(name.split()).lower()] = row.predicate
    return out


def normalise_predicate(text):
    """The predikat a text names (case and spacing ignored, aliases such as "Disclaimer" known), or None if empty.

    >>> normalise_predicate("  sangat   inovatif ")
    'Sangat Inovatif'
    >>> normalise_predicate("Disclaimer")
    'Tidak Dapat Dinilai'

    Raises
    ------
    ValueError
        If the text names no predikat (the message lists the four).
    """
    if text is None or (isinstance(text, float) and np.isnan(text)) or str(text).strip() == "":
        return None
    key = " ".join(str(text).split()).lower()
    found = _predicate_aliases().get(key)
    if found is None:
        raise ValueError(f"unknown predikat {text!r}; expected one of {PREDICATES}")
    return found


@functools.lru_cache(maxsize=8)
def _urusan_cached(rules_dir: str) -> pd.DataFrame:
    table = pd.read_csv(Path(rules_dir) / "urusan.csv", dtype=str, keep_default_na=False)
    kinds = {"pelayanan_dasar", "non_pelayanan_dasar", "pilihan", "penunjang"}
    bad = sorted(set(table["kind"]) - kinds)
    if bad:
        raise ValueError(f"{Path(rules_dir) / 'urusan.csv'}: unknown kind(s) {bad}; expected {sorted(kinds)}")
    return table


def load_urusan(rules_dir=None) -> pd.DataFrame:
    """The urusan pemerintahan of UU 23/2014 as kept in ``rules/urusan.csv``.

    Returns
    -------
    DataFrame with columns [urusan, kind, legal_basis, aliases, source]
        38 rows: 6 urusan wajib pelayanan dasar (Pasal 12(1)), 18 wajib non
        pelayanan dasar (12(2)), 8 pilihan (12(3)) and 6 fungsi penunjang
        (Pasal 232(1)), the list the IID application offers.  ``aliases`` are
        known spellings separated by ``;``.
    """
    return _urusan_cached(str(_rules_dir(rules_dir))).copy()


def urusan_pelayanan_dasar_names(rules_dir=None) -> tuple[str, ...]:
    """The six urusan wajib pelayanan dasar (UU 23/2014 Pasal 12(1)), official spelling."""
    table = _urusan_cached(str(_rules_dir(rules_dir)))
    return tuple(table.loc[table["kind"] == "pelayanan_dasar", "urusan"])


def _sid_union() -> tuple[int, ...]:
    numbers: set[int] = set()
    for year in framework_years():
        numbers |= set(load_framework(year).sid_indicators)
    return tuple(sorted(numbers))


SID_INDICATORS = _sid_union()
"""SID indicator numbers of every framework in the package rules (16-35), in order: the contract's columns."""


# --------------------------------------------------------------------------- uncertainty of the rules (issue 12)

METHOD_SETTINGS = {"count_score_min_urusan_yandas": "framework", "divisor_floor": "framework",
                   "sangat_inovatif_min": "thresholds", "inovatif_min": "thresholds",
                   "kurang_inovatif_min": "thresholds"}
"""Settings a method alternative may change, and what they belong to (:class:`Framework` or
:class:`PredicateThresholds`)."""


@functools.lru_cache(maxsize=4)
def _method_alternatives_cached(rules_dir: str) -> pd.DataFrame:
    path = Path(rules_dir) / "method_alternatives.csv"
    table = pd.read_csv(path, keep_default_na=False)
    table["package_reading"] = table["package_reading"].astype(str).str.lower().eq("true")
    table["value"] = table["value"].astype(float)
    table["weight"] = table["weight"].astype(float)
    problems = []
    bad = sorted(set(table["setting"]) - set(METHOD_SETTINGS))
    if bad:
        problems.append(f"unknown setting(s) {bad}; expected {sorted(METHOD_SETTINGS)}")
    if ((table["weight"] <= 0) | (table["weight"] > 1)).any():
        problems.append("weights must be within (0, 1]")
    known = set(assessment_years(rules_dir))
    for (part, year), g in table.groupby(["part", "year"]):
        if g["setting"].nunique() != 1:
            problems.append(f"part {part} {year}: one setting per part and year, found {sorted(set(g['setting']))}")
        if not np.isclose(g["weight"].sum(), 1.0, atol=1e-6):
            problems.append(f"part {part} {year}: weights sum to {g['weight'].sum():g}, not 1")
        if int(g["package_reading"].sum()) != 1:
            problems.append(f"part {part} {year}: exactly one row must be the package reading")
            continue
        setting_name = g["setting"].iloc[0]
        value = float(g.loc[g["package_reading"], "value"].iloc[0])
        if int(year) in known and setting_name in METHOD_SETTINGS:
            th = predicate_thresholds(int(year), rules_dir)
            owner = load_framework(th.framework, rules_dir) if METHOD_SETTINGS[setting_name] == "framework" else th
            if not np.isclose(float(getattr(owner, setting_name)), value):
                problems.append(f"part {part} {year}: the package reading {setting_name}={value:g} differs from the "
                                f"rules in force ({getattr(owner, setting_name)})")
    if problems:
        raise ValueError(f"{path}:\n  " + "\n  ".join(problems))
    return table


def method_alternatives(year: int | None = None, rules_dir=None) -> pd.DataFrame:
    """The documented alternatives of the reconstructed rules (``rules/method_alternatives.csv``).

    One row per alternative of one part of the method in one assessment year: the 2021-2025
    count rule with or without the urusan condition, the 2024-2025 divisor floor (10 or 12; not
    found), the announced 2027-2029 floor ladder 14 / 16 / 18, the 2021 and 2025 inovatif bound.
    The file is checked on load: weights of a part and year sum to 1, exactly one row is the
    package reading, and for a year with rules that reading equals the rules in force.

    Parameters
    ----------
    year : int, optional
        Only the alternatives of this assessment year (default: every year).
    rules_dir : path-like, optional

    Returns
    -------
    DataFrame with columns [part, year, setting, alternative, value, weight, package_reading, source]

    Raises
    ------
    ValueError
        If the file breaks one of the checks (the message names the part and year).
    """
    table = _method_alternatives_cached(str(_rules_dir(rules_dir)))
    if year is not None:
        table = table[table["year"] == int(year)]
    return table.reset_index(drop=True).copy()


@functools.lru_cache(maxsize=4)
def _validation_uncertainty_cached(rules_dir: str) -> pd.DataFrame:
    path = Path(rules_dir) / "validation_uncertainty.csv"
    table = pd.read_csv(path, dtype={"indicator_no": str, "aspect": str}, keep_default_na=False)
    cols = ["p_keep", "p_down_1", "p_down_2", "p_down_all"]
    table[cols] = table[cols].astype(float)
    problems = []
    bad = sorted(set(table["target"]) - {"innovation", "innovation_at_risk", "answer"})
    if bad:
        problems.append(f"unknown target(s) {bad}; expected answer, innovation, innovation_at_risk")
    for i, row in table.iterrows():
        if not np.isclose(row[cols].sum(), 1.0, atol=1e-6) or (row[cols] < 0).any():
            problems.append(f"row {i + 2}: probabilities must be ≥ 0 and sum to 1, got {row[cols].tolist()}")
    for target in ("innovation", "innovation_at_risk"):
        if (table["target"] == target).sum() != 1:
            problems.append(f"exactly one row with target {target}")
    for aspect in ("SPD", "SID"):
        if ((table["target"] == "answer") & (table["aspect"] == aspect) & (table["indicator_no"] == "*")).sum() != 1:
            problems.append(f"exactly one default answer row (indicator_no *) for aspect {aspect}")
    if problems:
        raise ValueError(f"{path}:\n  " + "\n  ".join(problems))
    return table


def validation_uncertainty(rules_dir=None) -> pd.DataFrame:
    """Default chances that the validators keep or cut what a pemda claims (``rules/validation_uncertainty.csv``).

    Rows: ``innovation`` (a whole innovation rejected: the published sent/accepted figures),
    ``innovation_at_risk`` (one lacking a mandatory indicator's evidence or at a tahapan that cannot
    score), and ``answer`` rows per aspect (``indicator_no`` ``*``: the default) or per indicator:
    the chance a claimed level is kept, cut by one level, by two, or to 0.

    Returns
    -------
    DataFrame with columns [target, aspect, indicator_no, p_keep, p_down_1, p_down_2, p_down_all, status, source]

    Raises
    ------
    ValueError
        If a row's probabilities do not sum to 1 or a required row is missing.
    """
    return _validation_uncertainty_cached(str(_rules_dir(rules_dir))).copy()
