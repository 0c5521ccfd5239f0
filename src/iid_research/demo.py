"""The labelled demo workspace: SIMULATED files for one pemda, imported exactly like a pemda's own files.

:func:`build_demo_workspace` writes, for each year, the files a Bappeda/BRIDA
analyst would hold, from the seeded simulator (:func:`iid_research.simulate.simulate_iid`):
an innovation list (XLSX), the SPD answers (CSV, long layout), the decree annex
(CSV with section rows, every pemda) and the OPD list.  Every file name starts
with ``SIMULASI_``, every file opens with a title row saying the data are
simulated (:data:`TITLE`), and the workbook carries that title in its document
properties too.  The files are then imported through
:meth:`iid_research.workspace.Workspace.import_file`, the path
``iid-research import ... --workspace`` takes, into a workspace marked as a demo,
so every report built on it is labelled SIMULATED.  Only the demo workspace takes
them: an import into any other workspace (or with ``--out``) refuses a file with
these marks (:func:`iid_research.importers.simulated.refuse_simulated`).

The same seed, pemda and years give the same bytes in every file, wherever the demo is built: the
workbooks carry fixed document and zip times (:func:`iid_research._io.normalise_xlsx`), the manifest
fixed creation and import times (:data:`iid_research.workspace.DEMO_TIMESTAMP`), and the README names
no folder.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ._io import save_workbook_atomic, write_text_atomic
from .importers.simulated import SIMULATED_MARKER
from .workspace import Workspace, WorkspaceError, init_workspace

DEMO_YEARS = (2022, 2023)
"""Years of the demo files (Blora: rank 16 of 415 in 2022, 12 in 2023, as published)."""

TITLE = SIMULATED_MARKER + " (iid-research demo, simulate_iid seed {seed})"
"""The title row every demo file opens with (and its workbook's document title): the importers refuse a file
carrying it anywhere but in the demo workspace."""


def _csv(rows: list[list]) -> str:
    import csv
    import io

    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def _innovation_file(inn: pd.DataFrame, path: Path, seed: int, fw) -> Path:
    from openpyxl import Workbook

    sid = fw.sid.set_index("indicator_no")
    head = ["Pemda", "ID Inovasi", "Nama Inovasi", "OPD", "Tahapan", "Jenis", "Bentuk", "Inisiator", "Urusan",
            "Tematik", "Waktu Uji Coba", "Waktu Penerapan"] + [f"{i}. {sid.loc[i, 'name_id']}"
                                                               for i in fw.sid_indicators]
    wb = Workbook()
    wb.properties.title = TITLE.format(seed=seed)  # stays when the title row is deleted
    wb.properties.subject = "DATA SIMULASI (iid-research demo)"
    wb.properties.creator = "iid-research demo"
    ws = wb.active
    ws.title = "Inovasi"
    ws.append([TITLE.format(seed=seed)])
    ws.append(head)
    for k, r in enumerate(inn.itertuples(index=False), start=1):
        dates = [d.strftime("%Y-%m-%d") if pd.notna(d) else "" for d in (r.trial_date, r.implementation_date)]
        ws.append([r.kode_wilayah, r.innovation_id, f"Inovasi simulasi {k}", r.opd_name, r.tahapan, r.jenis,
                   r.bentuk, r.inisiator, r.urusan, r.tematik, *dates,
                   *[int(getattr(r, f"sid_{i}")) for i in fw.sid_indicators]])
    return save_workbook_atomic(wb, path)


def _spd_file(spd: pd.DataFrame, path: Path, seed: int) -> Path:
    rows = [[TITLE.format(seed=seed)], ["Pemda", "Indikator", "Jawaban"]]
    rows += [[r.kode_wilayah, f"{int(r.indicator_no)}{r.sub}", int(r.level)] for r in spd.itertuples(index=False)]
    return write_text_atomic(path, _csv(rows))


def _annex_file(scores: pd.DataFrame, year: int, path: Path, seed: int) -> Path:
    from .data import load_regions

    names = load_regions().set_index("kode_wilayah")["nama"]
    rows = [[f"LAMPIRAN HASIL PENGUKURAN INDEKS INOVASI DAERAH TAHUN {year} - SIMULASI"], [TITLE.format(seed=seed)],
            ["NO", "PEMERINTAH DAERAH", "NILAI INDEKS", "PREDIKAT", "PERINGKAT"]]
    for letter, level in zip("ABC", ("provinsi", "kabupaten", "kota")):
        rows.append([f"{letter}. KLASTER {level.upper()}"])
        part = scores[scores["level"] == level].sort_values(["rank", "kode_wilayah"])
        for k, r in enumerate(part.itertuples(index=False), start=1):
            rows.append([k, names[r.kode_wilayah], _id_number(float(r.iid_score)), r.predicate, int(r.rank)])
    return write_text_atomic(path, _csv(rows))


def _id_number(value: float) -> str:
    """A score as an Indonesian annex writes it (decimal comma: "60,01")."""
    from babel.numbers import format_decimal

    return format_decimal(round(value, 2), format="0.00", locale="id_ID")


def build_demo_workspace(directory, *, kode_wilayah: str = "33.16", years=DEMO_YEARS, seed: int | None = None):
    """Write the SIMULATED demo files for one pemda and import them into a demo workspace.

    Parameters
    ----------
    directory : path-like
        A new or empty folder (or an earlier demo workspace, which is rebuilt).
    kode_wilayah : str, default "33.16" (Kabupaten Blora)
    years : sequence of int, default (2022, 2023)
        Assessment years, within the simulator's years.
    seed : int, optional
        Simulator seed (default the simulator's default).

    Returns
    -------
    (Workspace, list of Path)
        The workspace and the SIMULASI files imported into it (kept in ``<directory>/berkas_simulasi``).

    Raises
    ------
    WorkspaceError
        If ``directory`` is a workspace that is not a demo (its real files are never mixed with simulated
        ones), or a non-empty folder that is not a workspace; if ``kode_wilayah`` is no pemda's code, or a
        year is not simulated (nothing is written then).
    """
    import shutil

    from .data import load_regions
    from .frameworks import framework_for_year
    from .simulate import DEFAULT_SEED, DEFAULT_YEARS, simulate_iid

    seed = DEFAULT_SEED if seed is None else seed
    folder = Path(directory)
    if kode_wilayah not in set(load_regions()["kode_wilayah"]):
        raise WorkspaceError(f"{kode_wilayah!r} is not the Kemendagri code of a pemda (e.g. 33.16 for Kabupaten "
                             "Blora); nothing written")
    unsimulated = sorted({int(y) for y in years} - set(DEFAULT_YEARS))
    if unsimulated or not len(years):
        raise WorkspaceError(f"demo years {unsimulated or list(years)}: the simulator covers "
                             f"{', '.join(map(str, DEFAULT_YEARS))}; nothing written")
    if (folder / "workspace.json").exists():
        if not Workspace(folder).is_demo:  # SIMULATED files must never enter a pemda's real workspace
            raise WorkspaceError(f"{folder}: is a workspace with the pemda's own files, not a demo; the SIMULATED "
                                 "demo needs a new or empty folder")
        shutil.rmtree(folder)  # an earlier demo: rebuild from scratch
    sim = simulate_iid(seed=seed)
    nama = load_regions().set_index("kode_wilayah")["nama"].get(kode_wilayah, kode_wilayah)
    ws = init_workspace(folder, name=f"DEMO SIMULASI {nama}", demo=True)
    files_dir = folder / "berkas_simulasi"
    files_dir.mkdir(exist_ok=True)
    slug = nama.lower().replace(" ", "_")
    imported = []
    for year in years:
        fw = framework_for_year(int(year))
        inn = sim.innovations[(sim.innovations["kode_wilayah"] == kode_wilayah) & (sim.innovations["year"] == year)]
        spd = sim.spd[(sim.spd["kode_wilayah"] == kode_wilayah) & (sim.spd["year"] == year)]
        scores = sim.scores[sim.scores["year"] == year]
        for kind, path in (
                ("innovations", _innovation_file(inn, files_dir / f"SIMULASI_daftar_inovasi_{slug}_{year}.xlsx",
                                                 seed, fw)),
                ("spd", _spd_file(spd, files_dir / f"SIMULASI_jawaban_spd_{slug}_{year}.csv", seed)),
                ("annex", _annex_file(scores, year, files_dir / f"SIMULASI_lampiran_kepmendagri_{year}.csv", seed))):
            ws.import_file(kind, path, year)
            imported.append(path)
    opd_path = write_text_atomic(files_dir / f"SIMULASI_daftar_opd_{slug}.csv",
                                 _csv([[TITLE.format(seed=seed)], ["Nama OPD", "Singkatan"],
                                       *_opd_list_rows(sim, kode_wilayah)]))
    ws.import_file("opd", opd_path, max(years), pemda=kode_wilayah)
    imported.append(opd_path)
    return Workspace(folder), imported


def _opd_list_rows(sim, kode_wilayah: str) -> list[list[str]]:
    """The demo pemda's OPD list as a Bappeda keeps it: one row per OPD, its other spellings as Singkatan.

    Every OPD the simulator can give the pemda is listed (those without an innovation show as "belum
    berinovasi"); the Singkatan column holds the spellings its innovation lists use ("; " apart).
    """
    from .data import load_regions
    from .simulate_records import opd_roster

    r = load_regions().set_index("kode_wilayah").loc[kode_wilayah]
    short = r["nama_short"] if isinstance(r["nama_short"], str) and r["nama_short"] else r["nama"]
    written = set(sim.innovations.loc[sim.innovations["kode_wilayah"] == kode_wilayah, "opd_name"])
    rows = []
    for name, spellings in opd_roster(r["nama"], short, r["level"]):
        if name.startswith(("Puskesmas", "Kecamatan")) and not written & set(spellings):
            continue  # the simulator gives each pemda some of its puskesmas and kecamatan only
        others = [v for v in dict.fromkeys(spellings) if v != name]
        rows.append([name, "; ".join(others)])
    return rows


def demo_workspace_dir() -> Path:
    """Folder of the demo workspace the default report set uses (``data/processed/demo_workspace``)."""
    from . import config

    return config.PROCESSED_DIR / "demo_workspace"


def ensure_demo_workspace() -> Path:
    """Build the demo workspace (SIMULATED files for Kabupaten Blora, imported) when it is missing."""
    folder = demo_workspace_dir()
    if not (folder / "workspace.json").exists():
        build_demo_workspace(folder)
    return folder
