"""A pemda's own files in one folder: templates to fill, imported tables with their provenance.

A workspace is a folder an analyst (Bappeda/BRIDA) keeps for their pemda::

    WORKSPACE/
      BACA_SAYA.md                what to put where (Bahasa Indonesia)
      templat/                    input templates: XLSX with drop-down lists of the guideline's parameter
                                  texts, and CSV (innovations, SPD answers, decree annex, OPD list)
      tabel/<year>/<kind>_<kode>_<sha>.csv   tidy tables written by ``iid-research import ... --workspace``
      workspace.json              the manifest: every import with the file's name and SHA-256

``iid-research import KIND FILE --year Y --workspace DIR`` validates the file
as :func:`iid_research.importers.import_file` does, splits it per pemda (an
innovation list or SPD file may hold several pemda), and stores each part with
the source file's name and SHA-256.  Importing the same kind for the same
pemda and year again is refused unless ``replace=True``; two different files
never overwrite each other.  The annex of a year is stored once (kode ``semua``).

The OPD list (kind ``opd``) is a plain table of the pemda's OPDs (column
"Nama OPD"), used to name the OPDs that have not innovated.

The templates are named by framework year (``inovasi_<fw>``, ``spd_<fw>``); which
assessment years each serves comes from ``rules/assessment_years.csv``
(:func:`template_years`) and is written in BACA_SAYA.md.

Every table, the manifest and the README are written to a temporary path and
renamed, so an interrupted import leaves the workspace as it was.  Every XLSX
template carries fixed document and zip times, and the demo workspace's manifest
fixed times (:data:`DEMO_TIMESTAMP`), so the same content gives the same bytes.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import json
import os
import re
import shlex
from pathlib import Path

import pandas as pd

from ._io import save_workbook_atomic, sha256_file, write_csv_atomic, write_text_atomic
from .config import WORKSPACE_MANIFEST
from .contracts import BENTUK, INISIATOR, JENIS, TAHAPAN
from .frameworks import framework_for_year, framework_years, load_framework, load_urusan

MANIFEST = WORKSPACE_MANIFEST
KINDS = ("innovations", "spd", "annex", "opd")
"""What a workspace holds: innovation lists, SPD answers, decree annexes, OPD lists."""
ALL_PEMDA = "semua"
"""The ``kode_wilayah`` under which a year's annex (every pemda) is stored."""
MANIFEST_COLUMNS = ["kind", "year", "kode_wilayah", "table", "table_sha256", "source_file", "source_sha256", "rows",
                    "imported_at"]


class WorkspaceError(ValueError):
    """A workspace operation cannot be done (not a workspace, already imported, ...); the message says why."""


@dataclasses.dataclass
class ImportedPart:
    """One stored table of a workspace import: kind, year, pemda, path, source file and its SHA-256."""

    kind: str
    year: int
    kode_wilayah: str
    table: Path
    source_file: str
    source_sha256: str
    rows: int
    replaced: bool = False


class Workspace:
    """A workspace folder (see the module docstring).

    Parameters
    ----------
    path : path-like
        The folder; it must hold ``workspace.json`` (create one with :func:`init_workspace`).

    Raises
    ------
    WorkspaceError
        If the folder is not a workspace.
    """

    def __init__(self, path):
        self.path = Path(path).resolve()
        if not (self.path / MANIFEST).is_file():
            raise WorkspaceError(f"{self.path}: not an iid-research workspace (no {MANIFEST}); create one with "
                                 f"`iid-research workspace init {shlex.quote(str(path))}`")
        self._meta = _read_manifest(self.path / MANIFEST)

    # -- manifest ------------------------------------------------------------
    @property
    def is_demo(self) -> bool:
        """True for the labelled demo workspace generated from SIMULATED data."""
        return bool(self._meta.get("demo", False))

    @property
    def name(self) -> str:
        """The name given at ``workspace init --name``, else the folder's name."""
        return str(self._meta.get("name") or self.path.name)

    def manifest(self) -> pd.DataFrame:
        """Every stored table: [kind, year, kode_wilayah, table, table_sha256, source_file, source_sha256, rows,
        imported_at]."""
        frame = pd.DataFrame(self._meta.get("imports", []), columns=MANIFEST_COLUMNS)
        frame["table_sha256"] = frame["table_sha256"].fillna("")
        return frame.astype({"year": int, "rows": int}) if len(frame) else frame

    def _save_manifest(self):
        write_text_atomic(self.path / MANIFEST, json.dumps(self._meta, indent=2, ensure_ascii=False) + "\n")

    # -- import ----------------------------------------------------------------
    def import_file(self, kind: str, file, year: int, *, replace: bool = False, **kwargs) -> list[ImportedPart]:
        """Validate a file and store its tidy table(s) in the workspace.

        Parameters
        ----------
        kind : {"innovations", "spd", "annex", "opd"}
        file : path-like
            XLSX or CSV as the pemda holds it.
        year : int
            Assessment year of the data.
        replace : bool, default False
            Replace what was imported before for the same kind, pemda and year.
        **kwargs
            Passed to :func:`iid_research.importers.import_file` (``strict``, ``pemda``, ``sheet``, ...).

        Returns
        -------
        list of ImportedPart
            One per pemda (one for an annex).

        Raises
        ------
        iid_research.importers.DataImportError
            If the file is refused (its report lists every rejected row), among others a file marked as the
            labelled SIMULATED demo data in a workspace that is not the demo
            (:func:`iid_research.importers.simulated.refuse_simulated`).
        WorkspaceError
            If a part was imported before and ``replace`` is False (nothing is written then).
        """
        from . import importers

        file = Path(file)
        if kind not in KINDS:
            raise WorkspaceError(f"unknown kind {kind!r}; a workspace holds {', '.join(KINDS)}")
        if "simulated_ok" in kwargs:
            raise WorkspaceError("simulated_ok= is not an option of a workspace import: the labelled SIMULATED demo "
                                 "data enter the demo workspace only")
        if kind == "opd":
            table = read_opd_list(file, year, pemda=kwargs.get("pemda"), sheet=kwargs.get("sheet"),
                                  simulated_ok=self.is_demo)
            sha = sha256_file(file)
        else:
            report = importers.import_file(kind, file, year, write=False, simulated_ok=self.is_demo, **kwargs)
            table, sha = report.table, report.input_sha256
            self.last_report = report
        parts = ([(ALL_PEMDA, table)] if kind == "annex"
                 else [(str(k), t) for k, t in table.groupby("kode_wilayah", sort=True)])
        if not parts:
            raise WorkspaceError(f"{file.name}: no rows to store")
        existing = self.manifest()
        clashes = []
        for kode, _ in parts:
            old = existing[(existing["kind"] == kind) & (existing["year"] == int(year))
                           & (existing["kode_wilayah"] == kode)] if len(existing) else existing
            if len(old) and not replace:
                row = old.iloc[0]
                same = " (the same file)" if row["source_sha256"] == sha else ""
                clashes.append(f"{kind} {year} for {kode} was already imported from {row['source_file']} "
                               f"(sha256 {row['source_sha256'][:12]}){same}")
        if clashes:
            raise WorkspaceError("; ".join(clashes) + ". Nothing was written; give --replace to replace it.")
        if kind != "opd":  # an OPD list may serve several years; one year's answers or annex never do
            other = existing[(existing["kind"] == kind) & (existing["source_sha256"] == sha)
                             & (existing["year"] != int(year))] if len(existing) else existing
            if len(other):
                row = other.iloc[0]
                raise WorkspaceError(f"{file.name} (sha256 {sha[:12]}) is already stored as the {row['year']} {kind} "
                                     f"(imported from {row['source_file']}); the same file cannot hold the data of "
                                     f"{row['year']} and {int(year)}. Check --year, or import that year's own file. "
                                     "Nothing was written.")
        if kind == "annex":
            _check_annex_year(file, int(year), getattr(self, "last_report", None))
        stamp = DEMO_TIMESTAMP if self.is_demo else _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        known = {e["table"] for e in self._meta.get("imports", [])}
        written, stale, new_tables = [], [], []
        try:
            self._store(kind, year, parts, file, sha, stamp, written, stale, new_tables, known)
        except BaseException:  # Ctrl-C, SIGTERM, a full disk: remove the tables no manifest on disk names
            self._meta = _read_manifest(self.path / MANIFEST)
            listed = {e["table"] for e in self._meta.get("imports", [])}
            for table in new_tables:
                if table.relative_to(self.path).as_posix() not in listed:
                    table.unlink(missing_ok=True)
            raise
        for old in stale:
            (self.path / old).unlink(missing_ok=True)
        return written

    def _store(self, kind, year, parts, file, sha, stamp, written, stale, new_tables, known):
        """Write each part's table, then the manifest (last); fills ``written``, ``stale`` and ``new_tables``."""
        for kode, part in parts:
            # a new file per import (named by the source's sha256): the manifest, written last, switches to it,
            # so an interrupted import leaves the workspace exactly as it was
            rel = Path("tabel") / str(int(year)) / f"{kind}_{kode}_{sha[:12]}.csv"
            if rel.as_posix() not in known:
                new_tables.append(self.path / rel)
            write_csv_atomic(part.assign(source_file=file.name) if "source_file" not in part else part,
                             self.path / rel)
            entry = {"kind": kind, "year": int(year), "kode_wilayah": kode, "table": rel.as_posix(),
                     "table_sha256": sha256_file(self.path / rel), "source_file": file.name, "source_sha256": sha,
                     "rows": int(len(part)), "imported_at": stamp}
            imports = [e for e in self._meta.setdefault("imports", [])
                       if not (e["kind"] == kind and e["year"] == int(year) and e["kode_wilayah"] == kode)]
            stale += [e["table"] for e in self._meta["imports"] if e not in imports and e["table"] != rel.as_posix()]
            replaced = len(imports) < len(self._meta["imports"])
            self._meta["imports"] = imports + [entry]
            written.append(ImportedPart(kind, int(year), kode, self.path / rel, file.name, sha, len(part), replaced))
        self._save_manifest()

    def remove(self, kind: str, year: int, *, kode_wilayah: str | None = None) -> list[dict]:
        """Remove what was imported for one kind and year (of one pemda, or of all), manifest first.

        Parameters
        ----------
        kind : {"innovations", "spd", "annex", "opd"}
        year : int
            Assessment year of the imports to remove.
        kode_wilayah : str, optional
            Only this pemda's part (an annex is stored for all pemda, ``"semua"``: leave it out).

        Returns
        -------
        list of dict
            The manifest entries removed (kind, year, kode_wilayah, table, source_file, source_sha256, ...).

        Raises
        ------
        WorkspaceError
            If nothing matches (nothing is changed then), or on the labelled demo workspace.
        """
        if self.is_demo:
            raise WorkspaceError(f"{self.path} is the labelled SIMULATED demo workspace; it is rebuilt, not edited")
        if kind not in KINDS:
            raise WorkspaceError(f"unknown kind {kind!r}; a workspace holds {', '.join(KINDS)}")
        if kind == "annex" and kode_wilayah is not None:
            raise WorkspaceError("an annex is stored for every pemda at once; leave out --pemda to remove the "
                                 f"{int(year)} annex")
        imports = self._meta.get("imports", [])
        gone = [e for e in imports if e["kind"] == kind and e["year"] == int(year)
                and (kode_wilayah is None or e["kode_wilayah"] == kode_wilayah)]
        if not gone:
            held = sorted({(e["year"], e["kode_wilayah"]) for e in imports if e["kind"] == kind})
            listed = ", ".join(f"{y} {k}" for y, k in held) or "none"
            raise WorkspaceError(f"{self.path}: no {kind} {int(year)}{' for ' + kode_wilayah if kode_wilayah else ''} "
                                 f"was imported (held {kind}: {listed}); nothing was changed")
        self._meta["imports"] = [e for e in imports if e not in gone]
        self._save_manifest()  # first: an interruption leaves at worst an unlisted table, never a listed missing one
        still = {e["table"] for e in self._meta["imports"]}
        for entry in gone:
            if entry["table"] not in still:
                (self.path / entry["table"]).unlink(missing_ok=True)
        return gone

    # -- reading -----------------------------------------------------------------
    def table(self, kind: str, *, year: int | None = None, kode_wilayah: str | None = None) -> pd.DataFrame:
        """The stored rows of one kind (all pemda and years unless narrowed), in the contract's types.

        Every row carries ``source`` ("workspace", or "simulated" in the demo workspace) and
        ``source_file``.
        """
        from .importers import read_imported

        man = self.manifest()
        if len(man):
            man = man[man["kind"] == kind]
            if year is not None:
                man = man[man["year"] == int(year)]
            if kode_wilayah is not None and kind != "annex":
                man = man[man["kode_wilayah"] == kode_wilayah]
        frames = []
        for row in man.itertuples(index=False):
            table = self.path / row.table
            if not table.is_file() or (row.table_sha256 and sha256_file(table) != row.table_sha256):
                raise WorkspaceError(f"{table}: the stored table is missing or was changed after its import "
                                     f"from {row.source_file}; import that file again with --replace")
            frame = read_imported(table, check=False) if kind != "opd" else pd.read_csv(
                table, dtype={"kode_wilayah": str, "opd_name": str, "opd_abbrev": str}, keep_default_na=False)
            kode_ok = (kind == "annex" or "kode_wilayah" not in frame
                       or bool((frame["kode_wilayah"] == row.kode_wilayah).all()))
            if ("year" in frame and (frame["year"].astype(int) != int(row.year)).any()) or not kode_ok:
                raise WorkspaceError(f"{self.path / MANIFEST}: the entry of {row.table} says {kind} {row.year} "
                                     f"{row.kode_wilayah}, but the table holds other years or pemda; the manifest "
                                     "was edited by hand. Import that file again with --replace")
            frame["source_file"] = row.source_file
            frames.append(frame)
        if not frames:
            return pd.DataFrame()
        out = pd.concat(frames, ignore_index=True)
        out["source"] = "simulated" if self.is_demo else "workspace"
        return out

    def sources(self) -> pd.DataFrame:
        """The files behind the workspace: [kind, year, kode_wilayah, source_file, sha256_12, source_sha256]."""
        man = self.manifest()
        if not len(man):
            return pd.DataFrame(columns=["kind", "year", "kode_wilayah", "source_file", "sha256_12", "source_sha256"])
        out = man[["kind", "year", "kode_wilayah", "source_file", "source_sha256"]].copy()
        out.insert(4, "sha256_12", out["source_sha256"].str[:12])
        return out.sort_values(["year", "kind", "kode_wilayah"]).reset_index(drop=True)

    def pemda(self) -> list[str]:
        """Codes of the pemda with answers (innovations or SPD) in the workspace."""
        man = self.manifest()
        if not len(man):
            return []
        return sorted(set(man.loc[man["kind"].isin(["innovations", "spd"]), "kode_wilayah"]))

    def years(self, kode_wilayah: str | None = None) -> list[int]:
        """Years with answers (innovations or SPD) of a pemda (or of any pemda)."""
        man = self.manifest()
        if not len(man):
            return []
        man = man[man["kind"].isin(["innovations", "spd"])]
        if kode_wilayah is not None:
            man = man[man["kode_wilayah"] == kode_wilayah]
        return sorted(set(int(y) for y in man["year"]))

    def scored_years(self, kode_wilayah: str) -> list[int]:
        """Years for which the pemda has both an innovation list and SPD answers: the years that are scored
        (:meth:`iid_research.dataset.Dataset.scored_pemda_years`)."""
        return [y for y in self.years(kode_wilayah)
                if self.has("innovations", y, kode_wilayah) and self.has("spd", y, kode_wilayah)]

    def has(self, kind: str, year: int, kode_wilayah: str = ALL_PEMDA) -> bool:
        """Whether the workspace holds ``kind`` for ``year`` (and the pemda; the annex is per year)."""
        man = self.manifest()
        if not len(man):
            return False
        key = ALL_PEMDA if kind == "annex" else kode_wilayah
        return bool(((man["kind"] == kind) & (man["year"] == int(year)) & (man["kode_wilayah"] == key)).any())

    def status(self) -> pd.DataFrame:
        """Per year and pemda: what is there and what each analysis can do with it.

        Returns
        -------
        DataFrame with columns [year, kode_wilayah, innovations, spd_rows, annex_rows, files, can]
            ``files`` lists "name (sha256 first 12)"; ``can`` is a list of (analysis key, ok, missing key)
            triples, e.g. ("decomposition", False, "spd_prev_year"); put into words by the CLI.  A year
            with an annex (or OPD list) but no pemda's answers has one row with ``kode_wilayah``
            :data:`ALL_PEMDA` and an empty ``can``.
        """
        man = self.manifest()
        rows = []
        answered = set(self.years())
        for year in sorted(set(int(y) for y in man["year"]) - answered) if len(man) else []:
            sel = man[man["year"] == year]
            rows.append({"year": year, "kode_wilayah": ALL_PEMDA, "innovations": 0, "spd_rows": 0,
                         "annex_rows": int(sel.loc[sel["kind"] == "annex", "rows"].sum()),
                         "files": [f"{r.source_file} (sha256 {r.source_sha256})" for r in sel.itertuples(index=False)],
                         "can": []})
        for kode in self.pemda():
            for year in self.years(kode):
                sel = man[(man["year"] == year) & (man["kode_wilayah"].isin([kode, ALL_PEMDA]))]
                count = {k: int(sel.loc[sel["kind"] == k, "rows"].sum()) for k in KINDS}
                files = [f"{r.source_file} (sha256 {r.source_sha256})" for r in sel.itertuples(index=False)]
                rows.append({"year": year, "kode_wilayah": kode, "innovations": count["innovations"],
                             "spd_rows": count["spd"], "annex_rows": count["annex"], "files": files,
                             "can": self.capabilities(kode, year)})
        return pd.DataFrame(rows, columns=["year", "kode_wilayah", "innovations", "spd_rows", "annex_rows",
                                           "files", "can"]).sort_values("year", kind="stable").reset_index(drop=True)

    def capabilities(self, kode_wilayah: str, year: int) -> list[tuple[str, bool, str]]:
        """What each analysis can do for a pemda-year with what the workspace holds.

        Returns
        -------
        list of (analysis, possible, missing)
            ``analysis`` in score, decomposition, rank_attribution, path_to_target, opd_profiles;
            ``missing`` names what is lacking ("spd", "innovations", "spd_prev", "innovations_prev",
            "annex", "annex_prev") or "" when possible.
        """
        has = {k: self.has(k, year, kode_wilayah) for k in ("innovations", "spd", "annex")}
        prev = {k: self.has(k, year - 1, kode_wilayah) for k in ("innovations", "spd", "annex")}
        answers = has["innovations"] and has["spd"]
        out = [("score", answers, "" if answers else ("spd" if not has["spd"] else "innovations"))]
        both = answers and prev["innovations"] and prev["spd"]
        missing_prev = "" if both else next(k for k, ok in (("spd", has["spd"]), ("innovations", has["innovations"]),
                                                            ("spd_prev", prev["spd"]),
                                                            ("innovations_prev", prev["innovations"])) if not ok)
        out.append(("decomposition", both, missing_prev))
        ranks = both and has["annex"] and prev["annex"]
        out.append(("rank_attribution", ranks, missing_prev or ("" if ranks else
                                                               ("annex" if not has["annex"] else "annex_prev"))))
        out.append(("path_to_target", answers and has["annex"], "" if answers and has["annex"] else
                    ("annex" if answers else out[0][2])))
        out.append(("opd_profiles", has["innovations"], "" if has["innovations"] else "innovations"))
        return out


_TITLE_YEAR = re.compile(r"(?:inovasi\s+daerah|\biid\b)\D{0,30}?\b(20[1-3]\d)\b", re.IGNORECASE)


def _check_annex_year(file: Path, year: int, report) -> None:
    """Refuse an annex whose title names another assessment year; warn when it lists too few pemda.

    The title rows the importer skipped ("... INDEKS INOVASI DAERAH TAHUN 2024") are searched for the year
    that follows "inovasi daerah" or "IID".  The count of pemda is compared with the published number of
    participating pemda of ``year`` (:func:`iid_research.data.load_predicate_counts`): an annex converted
    from only some pages of the decree gives ranks among the pemda it lists.

    Raises
    ------
    WorkspaceError
        If the title names one or more years and ``year`` is not among them.
    """
    if report is None:
        return
    titles = [(row, text) for _, row, text in report.rows_skipped if _TITLE_YEAR.search(str(text))]
    named = sorted({int(y) for _, text in titles for y in _TITLE_YEAR.findall(str(text))})
    if named and year not in named:
        row, text = titles[0]
        raise WorkspaceError(f"{file.name} row {row}: the title names the IID of {', '.join(map(str, named))} "
                             f"({str(text)[:90]!r}), not {year}; check --year. If the year is right, correct the "
                             "title row. Nothing was written.")
    from .data import load_predicate_counts

    try:
        counts = load_predicate_counts().set_index("year")["participating_pemda_count"]
    except (KeyError, ValueError, OSError):  # the check is a help, not a condition of the import
        return
    expected = counts.get(year)
    rows = len(report.table) if report.table is not None else 0
    if expected is not None and not pd.isna(expected) and rows < 0.9 * int(expected):
        report.warnings.append(f"{file.name}: lists {rows} pemda, but {int(expected)} took part in {year}; if the "
                               "annex was converted from only some pages of the decree, ranks are counted among "
                               "the pemda it lists only")


def _read_manifest(path: Path) -> dict:
    """The parsed ``workspace.json``, checked: a dict whose "imports" entries each hold every manifest key.

    Raises
    ------
    WorkspaceError
        Naming the file, and the line and column of a JSON syntax error or the entry and key at fault.
    """
    hint = ("it is written by `iid-research import ... --workspace` and must not be edited by hand; restore it "
            "from a backup, or create a new workspace and import the files again")
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise WorkspaceError(f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); "
                             f"{hint}") from None
    except (UnicodeDecodeError, OSError) as exc:
        raise WorkspaceError(f"{path}: cannot be read ({exc}); {hint}") from None
    if not isinstance(meta, dict) or not isinstance(meta.get("imports", []), list):
        raise WorkspaceError(f"{path}: expected an object with a list \"imports\"; {hint}")
    for k, entry in enumerate(meta.get("imports", []), start=1):
        if not isinstance(entry, dict):
            raise WorkspaceError(f"{path}: import entry {k} is not an object; {hint}")
        missing = [c for c in MANIFEST_COLUMNS if c not in entry and c != "table_sha256"]
        if missing:
            raise WorkspaceError(f"{path}: import entry {k} lacks {', '.join(missing)}; {hint}")
        if entry["kind"] not in KINDS:
            raise WorkspaceError(f"{path}: import entry {k} has an unknown kind ({entry['kind']!r}); {hint}")
        for key in ("year", "rows"):
            if type(entry[key]) is not int or entry[key] < 0:  # "2022" (text) would compare with 2022 as unequal
                raise WorkspaceError(f"{path}: import entry {k}: {key} {entry[key]!r} is not a whole number; {hint}")
        table = Path(str(entry["table"]))
        if table.is_absolute() or ".." in table.parts or not table.parts or table.parts[0] != "tabel":
            # only the workspace's own tabel/ folder: a path elsewhere would be read, and removed, outside it
            raise WorkspaceError(f"{path}: import entry {k}: table {entry['table']!r} is not a file under the "
                                 f"workspace's tabel/ folder; {hint}")
    return meta


# --------------------------------------------------------------------------- OPD list

_OPD_HEADERS = ("nama opd", "opd", "perangkat daerah", "nama perangkat daerah", "opd_name")
_OPD_HEADER_SEARCH_ROWS = 20


def _opd_top_rows(path: Path, workbook: bool, sheet) -> tuple[int, list[list]]:
    """The 0-based row of an OPD list's header (the first of its first 20 rows naming an OPD column; 0 if
    none does) and the rows above it, as cells (None where empty)."""
    import csv
    import itertools

    if workbook:
        grid = pd.read_excel(path, header=None, dtype=str, sheet_name=sheet or 0, engine="openpyxl",
                             nrows=_OPD_HEADER_SEARCH_ROWS)
        rows = [[v if isinstance(v, str) and v.strip() else None for v in r] for r in grid.itertuples(index=False)]
    else:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            rows = [[v if v.strip() else None for v in r]
                    for r in itertools.islice(csv.reader(handle), _OPD_HEADER_SEARCH_ROWS)]
    for k, r in enumerate(rows):
        if any(v is not None and v.strip().lower() in _OPD_HEADERS for v in r):
            return k, rows[:k]
    return 0, []


def read_opd_list(path, year: int, *, pemda: str | None = None, sheet: str | None = None,
                  simulated_ok: bool = False) -> pd.DataFrame:
    """Read an OPD list (CSV or XLSX; one row per OPD, column "Nama OPD" or "OPD", optional "Pemda", "Singkatan").

    Title rows above the header are passed over; empty rows are skipped; an OPD written twice (case, spacing
    or punctuation aside) is kept once, in its first spelling.  "Singkatan" holds the short names the
    innovation list may use for the OPD ("Dinkes"; several separated by ";" or ","), so that its innovations
    count for it.

    Parameters
    ----------
    path : path-like
    year : int
        Year the list applies to.
    pemda : str, optional
        The pemda of the list (name or code): of every row when the file has no pemda column, and of
        every row whose pemda cell is empty when it has one; a row whose cell names another pemda is an
        error naming both.
    sheet : str, optional
        The sheet of a workbook to read (default: the first); not with a CSV file.
    simulated_ok : bool, default False
        Accept the labelled SIMULATED demo's OPD list (the demo workspace only); otherwise a list whose title
        rows or document properties carry the demo's marker is refused
        (:func:`iid_research.importers.simulated.refuse_simulated`).

    Returns
    -------
    DataFrame with columns [kode_wilayah, year, opd_name, opd_abbrev]
        ``opd_abbrev`` is "" where the list gives no short name.

    Raises
    ------
    iid_research.importers.DataImportError
        Naming the file, the row and the column of every problem (no OPD column, no pemda, unknown pemda,
        a pemda other than ``pemda``, the labelled SIMULATED demo data).
    """
    from .data import load_regions, region_matcher
    from .importers import DataImportError, ImportReport
    from .importers.grid import Sheet
    from .importers.simulated import refuse_simulated
    from .regions import RegionMatchError, normalise_name

    path = Path(path)
    report = ImportReport("opd", str(path), int(year))
    workbook = path.suffix.lower() in (".xlsx", ".xlsm")
    if sheet is not None and not workbook:
        raise DataImportError(f"{path.name}: --sheet {sheet!r} applies to workbooks (.xlsx); this file is read as "
                              "CSV", report)
    try:
        start, above = _opd_top_rows(path, workbook, sheet)
        frame = (pd.read_excel(path, dtype=str, sheet_name=sheet or 0, engine="openpyxl", header=start) if workbook
                 else pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig", skiprows=start))
    except Exception as exc:  # noqa: BLE001 - any reader failure becomes one clear message
        raise DataImportError(f"{path.name}: cannot be read as a table ({type(exc).__name__}: {exc})", report) \
            from None
    report.rows_skipped = [(path.name, k + 1, " ".join(v for v in r if v)) for k, r in enumerate(above) if any(r)]
    refuse_simulated(path, report, [Sheet(path.name, above)], allowed=simulated_ok, warn=False)
    cols = {str(c).strip().lower(): c for c in frame.columns}
    opd_col = next((cols[c] for c in _OPD_HEADERS if c in cols), None)
    if opd_col is None:
        raise DataImportError(f"{path.name}: no column 'Nama OPD' (found {list(frame.columns)})", report)
    pemda_col = next((cols[c] for c in ("pemda", "kode_wilayah", "kode wilayah", "pemerintah daerah") if c in cols),
                     None)
    abbrev_col = next((cols[c] for c in ("singkatan", "nama singkat", "alias", "opd_abbrev") if c in cols), None)
    if pemda_col is None and not pemda:
        raise DataImportError(f"{path.name}: the file has no column 'Pemda'; give the pemda of the list with "
                              "--pemda (e.g. --pemda \"Kab. Blora\")", report)
    matcher = region_matcher()
    names = load_regions().set_index("kode_wilayah")["nama"]
    given = None
    if pemda:
        try:
            given = matcher.match(str(pemda))
        except (RegionMatchError, ValueError) as exc:
            raise DataImportError(f"{path.name}: --pemda {pemda!r}: {exc}", report) from None
    out, errors, seen = [], [], set()
    for i, row in frame.iterrows():
        name = "" if pd.isna(row[opd_col]) else str(row[opd_col]).strip()
        if not name:
            continue
        cell = None if pemda_col is None or pd.isna(row[pemda_col]) else str(row[pemda_col]).strip() or None
        where = f"{path.name} row {i + start + 2}, column {pemda_col!r}"
        if cell is None:
            if given is None:
                errors.append(f"{where}: empty; fill in the pemda, or give the pemda of the list with --pemda (e.g. "
                              "--pemda \"Kab. Blora\"): empty cells then take it")
                continue
            kode = given
        else:
            try:
                kode = matcher.match(cell)
            except (RegionMatchError, ValueError) as exc:
                errors.append(f"{where}: {exc}")
                continue
            if given is not None and kode != given:
                errors.append(f"{where}: pemda {cell!r} is {kode} {names.get(kode, '')}, not the pemda given with "
                              f"--pemda ({pemda!r}, {given} {names.get(given, '')}); correct the cell, leave it "
                              "empty to take the pemda given, or import the list without --pemda")
                continue
        key = (kode, normalise_name(name.replace("&", " dan ")))
        if key in seen:
            continue
        seen.add(key)
        abbrev = "" if abbrev_col is None or pd.isna(row[abbrev_col]) else str(row[abbrev_col]).strip()
        out.append((kode, int(year), name, abbrev))
    if errors:
        report.error = "; ".join(errors[:20])
        raise DataImportError(f"{path.name}: {len(errors)} row(s) rejected, nothing stored: " + "; ".join(errors[:5]),
                              report)
    return pd.DataFrame(out, columns=["kode_wilayah", "year", "opd_name", "opd_abbrev"])


# --------------------------------------------------------------------------- init: README and templates

README_ID = """# Ruang kerja IID: {name}
{demo_note}
Folder ini menyimpan berkas pemda Anda untuk dianalisis dengan `iid-research`.

## Apa yang diletakkan di mana

1. Isi templat di `templat/` (XLSX dengan daftar pilihan sesuai parameter pedoman, atau CSV).
   Templat inovasi dan SPD dinamai menurut **tahun kerangka** (pedoman penilaian), bukan tahun penilaian;
   pakai templat kerangka yang berlaku untuk tahun penilaian data Anda (berkas
   `src/iid_research/rules/assessment_years.csv` di repositori iid-research):
{template_years}
   Isinya:
   - `inovasi_<tahun kerangka>.xlsx`: daftar inovasi yang dilaporkan OPD, satu baris per inovasi
     (OPD, tahapan, urusan, tanggal uji coba dan penerapan, serta 20 jawaban indikator SID 16-35,
     sebagai level 0-3 atau teks parameter pedoman);
   - `spd_<tahun kerangka>.xlsx`: jawaban indikator Satuan Pemerintah Daerah (SPD 1-15), satu baris per indikator;
   - `lampiran.xlsx`: lampiran Kepmendagri hasil pengukuran IID (nilai dan peringkat semua pemda) tahun itu;
   - `daftar_opd.xlsx`: daftar OPD pemda Anda (untuk menandai OPD yang belum berinovasi); di kolom
     `Singkatan` tulis nama singkat yang dipakai di daftar inovasi (misalnya `Dinkes`; beberapa dipisah `;`)
     agar inovasinya dihitung untuk OPD yang sama.
   Templat yang sudah Anda isi tidak ditimpa bila `iid-research workspace init` dijalankan lagi.
   Berkas pemda sendiri (ekspor aplikasi, hasil konversi PDF) juga dapat diimpor langsung: judul kolom
   dikenali dalam berbagai bentuk.
2. Impor setiap berkas, misalnya:

       iid-research import innovations daftar_inovasi_2024.xlsx --year 2024 --pemda {pemda} --workspace {path}
       iid-research import spd jawaban_spd_2024.xlsx --year 2024 --pemda {pemda} --workspace {path}
       iid-research import annex lampiran_kepmendagri_2024.xlsx --year 2024 --workspace {path}
       iid-research import opd daftar_opd.xlsx --year 2024 --pemda {pemda} --workspace {path}

   Templat yang diisi di tempatnya juga dapat diimpor; untuk tahun penilaian 2024 templatnya
   `inovasi_{example_framework}.xlsx` dan `spd_{example_framework}.xlsx`. Kolom `Pemda` boleh dikosongkan
   bila `--pemda` diberikan (sel kosong diisi pemda itu; sel yang menyebut pemda lain ditolak):

       iid-research import spd {example_template} --year 2024 --pemda {pemda} --workspace {path}

   Setiap baris yang ditolak disebut dengan berkas, baris, kolom dan alasannya. Impor ulang jenis yang sama
   untuk pemda dan tahun yang sama ditolak kecuali dengan `--replace`. Impor yang salah tahun dihapus
   dengan `iid-research workspace remove {path} spd --year 2024` (berkas asli Anda tidak disentuh).
3. Lihat apa yang sudah ada dan analisis apa yang dapat dijalankan:

       iid-research workspace status {path}

4. Buat laporan: `iid-research reports --workspace {path}` atau `iid-research project --workspace {path} ...`.

`tabel/` berisi tabel rapi hasil impor dan `workspace.json` mencatat setiap berkas sumber dengan nama dan
checksum SHA-256-nya; setiap laporan menyebut berkas sumbernya. Jangan ubah kedua isi ini dengan tangan.
"""


README_DEMO_NOTE = """
> **DEMO: data SIMULASI.** Ruang kerja ini dibuat oleh `iid-research workspace demo` dari simulator
> (berkasnya di `berkas_simulasi/`), bukan data pemda mana pun, dan tidak menerima impor. Berkas pemda
> sendiri diimpor ke ruang kerja baru (`iid-research workspace init FOLDER`); di bawah, FOLDER adalah
> folder itu.
"""

EXAMPLE_YEAR = 2024
"""The assessment year of the examples in BACA_SAYA.md (and README.md)."""

DEMO_TIMESTAMP = "1980-01-01T00:00:00Z"
"""The creation and import time the demo workspace's manifest records: fixed, so that the same SIMULATED
content gives the same bytes (real workspaces record the time of each import)."""


def template_years(rules_dir=None) -> dict[int, list[int]]:
    """Which assessment years each framework's templates serve, from ``rules/assessment_years.csv``.

    Parameters
    ----------
    rules_dir : path-like, optional
        The rules folder (default: the package's).

    Returns
    -------
    dict of int to list of int
        Framework year (the ``inovasi_<fw>``/``spd_<fw>`` templates) -> the assessment years it scores,
        ascending; every framework of ``frameworks.csv`` is a key (an empty list when no year uses it yet).

    Examples
    --------
    >>> years = template_years()
    >>> years[framework_for_year(2024).year][-1] >= 2024
    True
    """
    from .frameworks import assessment_years, predicate_thresholds

    out: dict[int, list[int]] = {fy: [] for fy in framework_years(rules_dir)}
    for year in assessment_years(rules_dir):
        out.setdefault(predicate_thresholds(year, rules_dir).framework, []).append(year)
    return out


def year_span(years) -> str:
    """Years as a reader writes them: ``"2021–2025"`` when consecutive, else ``"2021, 2024"``; ``""`` if none.

    Examples
    --------
    >>> year_span([2021, 2022, 2023]), year_span([2026]), year_span([2021, 2024])
    ('2021–2023', '2026', '2021, 2024')
    """
    years = sorted(int(y) for y in years)
    if len(years) > 1 and years == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}–{years[-1]}"
    return ", ".join(map(str, years))


def _template_years_md() -> str:
    """The BACA_SAYA.md lines saying which template serves which assessment years."""
    lines = []
    for fy, years in template_years().items():
        when = f"tahun penilaian {year_span(years)}" if years else "belum dipakai tahun penilaian mana pun"
        lines.append(f"   - `inovasi_{fy}` dan `spd_{fy}` (.xlsx/.csv): {when};")
    return "\n".join(lines)[:-1] + "."


def _params_sheet(wb, fw):
    """A sheet "Pilihan" listing the allowed values, one column per list; returns {list name: range}."""
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet("Pilihan")
    lists = {"tahapan": list(TAHAPAN), "jenis": list(JENIS), "bentuk": list(BENTUK), "inisiator": list(INISIATOR),
             "urusan": list(load_urusan()["urusan"])}
    for r in fw.indicators.itertuples(index=False):
        lists[f"row_{r.row_id}"] = ["tidak ada", r.param1, r.param2, r.param3]  # "tidak ada" reads as level 0
    ranges = {}
    for j, (name, values) in enumerate(lists.items(), start=1):
        col = get_column_letter(j)
        ws.cell(row=1, column=j, value=name)
        for i, v in enumerate(values, start=2):
            ws.cell(row=i, column=j, value=str(v))
        ranges[name] = f"Pilihan!${col}$2:${col}${len(values) + 1}"
    ws.sheet_state = "hidden"
    return ranges


def _add_list(ws, rng: str, cells: str):
    from openpyxl.worksheet.datavalidation import DataValidation

    dv = DataValidation(type="list", formula1=f"={rng}", allow_blank=True, showErrorMessage=False)
    ws.add_data_validation(dv)
    dv.add(cells)


def _innovation_template(fw, path: Path, rows: int = 300):
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "Inovasi"
    sid = fw.sid.set_index("indicator_no")
    head = ["Pemda", "ID Inovasi", "Nama Inovasi", "OPD", "Tahapan", "Jenis", "Bentuk", "Inisiator", "Urusan",
            "Tematik", "Waktu Uji Coba", "Waktu Penerapan"]
    head += [f"{i}. {sid.loc[i, 'name_id']}" for i in fw.sid_indicators]
    ws.append(head)
    ws.freeze_panes = "D2"
    ranges = _params_sheet(wb, fw)
    for j, name in enumerate(head, start=1):
        col = get_column_letter(j)
        ws.column_dimensions[col].width = 18 if j <= 12 else 24
        key = {"Tahapan": "tahapan", "Jenis": "jenis", "Bentuk": "bentuk", "Inisiator": "inisiator",
               "Urusan": "urusan"}.get(name)
        if key is None and j > 12:
            key = f"row_{fw.sid_indicators[j - 13]}"
        if key:
            _add_list(ws, ranges[key], f"{col}2:{col}{rows + 1}")
    save_workbook_atomic(wb, path)


def _spd_template(fw, path: Path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "SPD"
    ws.append(["Pemda", "Indikator", "Nama Indikator", "Jawaban", "Capaian"])
    ranges = _params_sheet(wb, fw)
    for k, r in enumerate(fw.spd.itertuples(index=False), start=2):
        ws.append(["", r.row_id, r.name_id, "", ""])
        _add_list(ws, ranges[f"row_{r.row_id}"], f"D{k}")
    for col, width in zip("ABCDE", (18, 10, 60, 40, 12)):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"
    save_workbook_atomic(wb, path)


def _simple_template(header: list[str], path: Path, title: str):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = title
    ws.append(header)
    for j in range(1, len(header) + 1):
        ws.column_dimensions[chr(64 + j)].width = 24
    save_workbook_atomic(wb, path)


def write_templates(folder, *, keep_existing: bool = False) -> list[Path]:
    """Write the input templates of every framework year into ``folder`` (XLSX with drop-downs, and CSV).

    Parameters
    ----------
    folder : path-like
    keep_existing : bool, default False
        Leave a template file that already exists as it is (an analyst may have filled it in place).

    Returns
    -------
    list of Path
        ``inovasi_<fw>.xlsx/.csv``, ``spd_<fw>.xlsx/.csv`` per framework year, ``lampiran.xlsx/.csv``,
        ``daftar_opd.xlsx/.csv``; each written atomically (or kept).
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out = []

    def want(name: str) -> Path | None:
        path = folder / name
        out.append(path)
        return None if keep_existing and path.exists() else path

    for year in framework_years():
        fw = load_framework(year)
        sid = fw.sid.set_index("indicator_no")
        head = ["Pemda", "ID Inovasi", "Nama Inovasi", "OPD", "Tahapan", "Jenis", "Bentuk", "Inisiator", "Urusan",
                "Tematik", "Waktu Uji Coba", "Waktu Penerapan"] + [f"{i}. {sid.loc[i, 'name_id']}"
                                                                   for i in fw.sid_indicators]
        if path := want(f"inovasi_{year}.xlsx"):
            _innovation_template(fw, path)
        if path := want(f"inovasi_{year}.csv"):
            write_csv_atomic(pd.DataFrame(columns=head), path)
        if path := want(f"spd_{year}.xlsx"):
            _spd_template(fw, path)
        if path := want(f"spd_{year}.csv"):
            write_csv_atomic(pd.DataFrame({"Pemda": "", "Indikator": fw.spd_row_ids,
                                           "Nama Indikator": fw.spd["name_id"], "Jawaban": "", "Capaian": ""}), path)
    annex_head = ["NO", "PEMERINTAH DAERAH", "NILAI INDEKS", "PREDIKAT", "PERINGKAT"]
    if path := want("lampiran.xlsx"):
        _simple_template(annex_head, path, "Lampiran")
    if path := want("lampiran.csv"):
        write_csv_atomic(pd.DataFrame(columns=annex_head), path)
    if path := want("daftar_opd.xlsx"):
        _simple_template(["Nama OPD", "Singkatan"], path, "OPD")
    if path := want("daftar_opd.csv"):
        write_csv_atomic(pd.DataFrame(columns=["Nama OPD", "Singkatan"]), path)
    return out


def _pemda_of_name(name: str) -> str:
    """The pemda a workspace's ``--name`` names ("Kabupaten Tegal" -> "Kabupaten Tegal"), or "" if none."""
    if not name:
        return ""
    from .data import load_regions, match_region

    try:
        return str(load_regions().set_index("kode_wilayah")["nama"][match_region(name)])
    except Exception:  # noqa: BLE001 - a name that is no pemda ("Bappeda 2024") gives the placeholder
        return ""


def init_workspace(path, *, name: str = "", demo: bool = False) -> Workspace:
    """Create a workspace (README in Bahasa Indonesia, templates, empty manifest), or refresh its templates.

    Parameters
    ----------
    path : path-like
        A new or empty folder, or an existing workspace (its data and templates are kept; the README is
        rewritten and missing templates are added).
    name : str, optional
        Shown in the README title (e.g. the pemda's name).
    demo : bool, default False
        Mark the workspace as the labelled demo built from SIMULATED data.

    Returns
    -------
    Workspace

    Raises
    ------
    WorkspaceError
        If ``path`` is a file, or a non-empty folder that is not a workspace.
    """
    folder = Path(path)
    if folder.exists() and not folder.is_dir():
        raise WorkspaceError(f"{folder}: exists and is not a folder")
    if folder.is_dir() and any(folder.iterdir()) and not (folder / MANIFEST).exists():
        raise WorkspaceError(f"{folder}: the folder is not empty and is not a workspace; choose a new folder")
    existed = (folder / MANIFEST).exists()
    if existed:
        demo = Workspace(folder).is_demo  # a damaged manifest is reported before anything is written
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # a parent that is a file, no permission, a full disk
        raise WorkspaceError(f"{folder}: cannot create the folder ({exc.strerror or exc})") from None
    if not existed:
        created = DEMO_TIMESTAMP if demo else _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        meta = {"format": 1, "created": created, "demo": bool(demo), "name": name, "imports": []}
        write_text_atomic(folder / MANIFEST, json.dumps(meta, indent=2, ensure_ascii=False) + "\n")
    # the demo's README names no folder, so that it is the same file wherever the demo is built
    rel = "FOLDER" if demo else os.path.relpath(folder)
    example_fw = framework_for_year(EXAMPLE_YEAR).year
    write_text_atomic(folder / "BACA_SAYA.md", README_ID.format(
        name=name or folder.name, path=shlex.quote(rel), demo_note=README_DEMO_NOTE if demo else "",
        pemda=shlex.quote(_pemda_of_name(name) or "NAMA PEMDA"),
        template_years=_template_years_md(), example_framework=example_fw,
        example_template=shlex.quote(os.path.join(rel, "templat", f"spd_{example_fw}.xlsx"))))
    write_templates(folder / "templat", keep_existing=existed)  # a template filled in place is never overwritten
    return Workspace(folder)


__all__ = ["ALL_PEMDA", "DEMO_TIMESTAMP", "EXAMPLE_YEAR", "KINDS", "ImportedPart", "Workspace", "WorkspaceError",
           "init_workspace", "read_opd_list", "template_years", "write_templates", "year_span"]
