"""Benchmark: import an innovation list of 50,000 rows from XLSX (target < 30 s on 2 cores).

Generates the workbook with openpyxl's write-only mode (two title rows, a
header, 50,000 innovations of 60 pemda, SID answers written half as levels
and half as the guideline's parameter texts), then times
:func:`iid_research.importers.import_innovations` and, for comparison, the
ways of reading the sheet (python-calamine, and with ``--compare`` openpyxl
read-only and pandas.read_excel with openpyxl).  On the 2-core machine openpyxl
alone needs ~50 s to read the sheet, so the importer uses python-calamine
when it is installed.

Usage::

    PYTHONPATH=src python benchmarks/bench_import.py [--rows 50000] [--year 2024]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

import openpyxl
import pandas as pd

from iid_research.data import load_regions
from iid_research.frameworks import framework_for_year
from iid_research.importers import import_innovations
from iid_research.importers import sheets as importer_sheets


def make_workbook(path: Path, rows: int, year: int, seed: int = 7) -> None:
    """Write a realistic innovation list of ``rows`` innovations to ``path`` (write-only mode)."""
    rng = random.Random(seed)
    fw = framework_for_year(year)
    sid = fw.sid.set_index("indicator_no")
    regions = load_regions()
    pemda = list(regions[regions["level"] == "kabupaten"]["nama"].head(60))
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Inovasi")
    ws.append([f"DAFTAR INOVASI DAERAH TAHUN {year}"])
    ws.append(["Sumber: aplikasi IID, diunduh oleh operator"])
    header = ["No", "ID Inovasi", "Pemerintah Daerah", "Nama Inovasi", "Perangkat Daerah", "Tahapan", "Jenis",
              "Bentuk", "Inisiator", "Urusan", "Tematik", "Waktu Uji Coba", "Waktu Penerapan"]
    header += [f"{n}. {sid.loc[n, 'name_id']}" for n in range(16, 36)]
    ws.append(header)
    tahapan = ["Inisiatif", "Uji Coba", "Penerapan"]
    jenis = ["Digital", "Non Digital"]
    for i in range(rows):
        levels = [rng.randint(0, 3) for _ in range(20)]
        answers = [lv if (lv == 0 or rng.random() < 0.5) else sid.loc[16 + k, f"param{lv}"]
                   for k, lv in enumerate(levels)]
        trial = pd.Timestamp(2022, 1, 1) + pd.Timedelta(days=rng.randint(0, 700))
        ws.append([i + 1, f"INV-{i:06d}", pemda[i % len(pemda)], f"Inovasi nomor {i}", f"Dinas {i % 25}",
                   tahapan[i % 3], jenis[i % 2], "Inovasi pelayanan publik", "OPD", "Kesehatan", "Non tematik",
                   trial.to_pydatetime(), (trial + pd.Timedelta(days=90)).to_pydatetime(), *answers])
    wb.save(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--year", type=int, default=2024)
    parser.add_argument("--compare", action="store_true",
                        help="also time openpyxl read-only and pandas.read_excel(openpyxl) (slow: ~1 min each)")
    parser.add_argument("--engine", choices=["calamine", "openpyxl"], default=None,
                        help="force the importer's XLSX reader")
    args = parser.parse_args()
    if args.engine:
        importer_sheets.XLSX_ENGINE = args.engine
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "inovasi_50k.xlsx"
        t0 = time.perf_counter()
        make_workbook(path, args.rows, args.year)
        t_gen = time.perf_counter() - t0
        print(f"generated {args.rows} rows x 33 columns: {path.stat().st_size / 1e6:.1f} MB in {t_gen:.1f} s")

        if args.compare:
            t0 = time.perf_counter()
            wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
            n = sum(1 for _ in wb.active.iter_rows(values_only=True))
            wb.close()
            print(f"read only, openpyxl read-only iter_rows: {n} rows in {time.perf_counter() - t0:.1f} s")
            t0 = time.perf_counter()
            frame = pd.read_excel(path, header=None, engine="openpyxl")
            print(f"read only, pandas.read_excel(openpyxl): {len(frame)} rows in {time.perf_counter() - t0:.1f} s")
        if importer_sheets.XLSX_ENGINE == "calamine":
            import python_calamine

            t0 = time.perf_counter()
            rows = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
            print(f"read only, python-calamine: {len(rows)} rows in {time.perf_counter() - t0:.1f} s")
        print(f"XLSX reader used by the importer: {importer_sheets.XLSX_ENGINE}")

        t0 = time.perf_counter()
        report = import_innovations(path, args.year, out_dir=Path(tmp) / "out", strict=True)
        t_imp = time.perf_counter() - t0
        print(f"import_innovations (read + validate + match texts + write): {t_imp:.1f} s "
              f"[rows read {report.rows_read}, matched {report.rows_matched}, rejected {report.rows_rejected}]")
        print(f"target < 30 s: {'PASS' if t_imp < 30 else 'FAIL'}")


if __name__ == "__main__":
    main()
