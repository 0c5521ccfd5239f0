"""Importers for the spreadsheets people actually hold: real files in, clear errors out, nothing lost.

Three kinds of file are read, validated, and written as a tidy CSV to
``data/processed/`` (or a folder given).

Reading (any kind)
------------------
* XLSX/XLSM via python-calamine when installed, else openpyxl read-only; hidden
  sheets skipped and named in a warning.  From each sheet's XML: merged ranges,
  hidden rows and columns (imported by default and named in a warning;
  ``skip_hidden=True`` / ``--skip-hidden`` leaves them out), error cells
  (``#N/A``, ``#DIV/0!``, ``#VALUE!`` ...) and formulas saved without their
  result: such a cell is rejected as what it is, per cell, never read as empty
  or level 0.  The same error texts in a CSV exported from Excel are rejected
  the same way.
* CSV/TXT/TSV separated by ``,``, ``;``, tab or ``|``, in UTF-8 (with or
  without BOM), UTF-16 with BOM, UTF-16 without BOM (recognised from its NUL
  bytes, with a warning), or Windows-1252.  A UTF-8 file with some lines in
  Windows-1252 is decoded line by line, the odd lines named in a warning.  A CSV
  the parser refuses (e.g. a cell over 131,072 characters after an unclosed
  quote) is refused with its row.
* A comma-separated row with more fields than the header is a row error naming
  the row; when every such row has its extra field(s) in the same place, each
  joining two whole numbers, the file writes decimal commas without quotes
  (``1,Kab. Blora,82,80,1``): read as ``82,80`` with a warning.
* Summary rows under a table ("RATA-RATA", "NILAI TERTINGGI", "JUMLAH",
  "TOTAL") are skipped and listed in a warning, also under ``strict``.
* Region names go through :class:`iid_research.regions.RegionMatcher`: codes,
  prefixes, "Kep." for "Kepulauan", former names ("Kabupaten Toba Samosir" is
  Kabupaten Toba), former codes and, for data of the years before a change,
  former provinces (``mappings/region_changes.csv``); a former name or province
  used is named in a warning.

Writing: the table and its ``.meta.json`` sidecar (input SHA-256, counts, the
table's SHA-256) go to temporary files first, then both are renamed, the
sidecar last (:func:`iid_research._io.atomic_paths`); SIGTERM and Ctrl-C during
the write remove the temporary files, and temporary files left by a killed
import are removed by the next import into the folder.  :func:`read_imported`
refuses a table whose sidecar is missing or describes another table.  A full
disk, a file-size limit or an output folder below a regular file is a
:class:`DataImportError`, nothing written.  Output names carry kind, year and,
for innovations and SPD answers, the pemda (``innovations_2024_33.16_<stem>.csv``),
so two files of the same name for different pemda never replace each other.

``annex`` -- :func:`import_annex`
    The national ranking annex (lampiran) of the Kepmendagri decree on IID
    results, converted from PDF to XLSX or CSV.  Accepted as it comes:

    * title rows before the header ("LAMPIRAN", "KEPUTUSAN MENTERI DALAM NEGERI
      NOMOR ...");
    * header words in Indonesian, any case, any line breaks: ``NO``;
      ``PEMERINTAH DAERAH`` / ``KABUPATEN/KOTA`` / ``PROVINSI`` / ``KABUPATEN`` /
      ``KOTA`` / ``NAMA DAERAH``; ``NILAI INDEKS`` / ``SKOR`` / ``NILAI`` /
      ``INDEKS``; ``PREDIKAT``; optional ``PERINGKAT`` / ``RANKING`` and ``KODE``;
      a ``PROVINSI`` column beside ``KABUPATEN/KOTA`` names each row's province
      (and a name in another province is rejected);
    * a header over two rows (``INDEKS INOVASI DAERAH`` merged above ``NILAI`` and
      ``PREDIKAT``);
    * the header repeated after every page break, and several tables (one per
      cluster) one below the other or on several sheets;
    * section rows ("A. PROVINSI", "KLASTER KABUPATEN") and province heading rows
      ("PROVINSI JAWA TENGAH") between the pemda rows; they narrow bare names
      ("SEMARANG" under a "KOTA" section is Kota Semarang);
    * decimal commas (``"60,01"``), names with ``Kab.``/``Kabupaten``/``Kota``/
      ``Provinsi``/``Prov.`` prefixes in any case;
    * footnote rows after the last score ("Keterangan", "MENTERI DALAM NEGERI",
      "ttd"), listed in the report's warnings;
    * ties written once in a score/predikat cell merged down over several pemda
      rows (XLSX): each row gets the merged value, listed in a warning; ranks
      written as ties (``=3``, ``3=``) are rank 3;
    * a score header over sub-columns ("NILAI IID" merged over "2023 | 2024",
      "NILAI" over "SPD | SID | IID"): the sub-column of ``year`` or the one
      saying IID/INDEKS is read (named in a warning); otherwise the import is
      refused listing the candidates, and ``column=`` / ``--column`` (header text
      or letter) says which;
    * long names a PDF converter wrapped onto a second row ("Kota Tangerang" /
      "Selatan", the second row holding nothing the first fills): joined when
      the whole name matches a pemda (warning), else both rows rejected; the
      first part is never matched alone to a shorter name;
    * a province column or heading row naming another province than the pemda's
      is a rejection naming the column (the name column, for a heading).

    A row that names a pemda but has an empty score (and no predikat "Tidak
    Dapat Dinilai") is rejected as "score missing", wherever it stands; only a
    province name alone on its row ("JAWA TENGAH", "PROVINSI JAWA TENGAH") is a
    heading.  A score that is not a number (``nan``) is rejected.

    Output columns: [kode_wilayah, nama, level, year, iid_score, predicate, rank,
    source_file, source_row].  ``iid_score`` on the 0-100 scale, ``rank`` as
    written (Int64, within the cluster), ``nama`` the Kemendagri name,
    ``source_row`` the spreadsheet row number.

``innovations`` -- :func:`import_innovations`
    One pemda's (or several pemda's) innovation list, one row per innovation,
    with the 20 SID answers.  Column headers, any case:

    * pemda: ``pemda`` / ``pemerintah daerah`` / ``kode_wilayah`` / ``daerah``
      (required unless ``pemda=`` is given; with ``pemda=`` / ``--pemda`` an
      empty pemda cell takes the pemda given, and a cell naming another pemda
      rejects its row, naming both);
    * optional: ``innovation_id`` / ``id inovasi``; ``nama inovasi``;
      ``opd`` / ``perangkat daerah``; ``tahapan``; ``jenis``; ``bentuk``;
      ``inisiator``; ``urusan``; ``tematik``; ``waktu uji coba`` (trial_date);
      ``waktu penerapan`` (implementation_date); ``tahun`` (must equal ``year``);
      dates as ``2024-03-01`` (optionally with a time of day), ``01/03/2024``,
      ``1 Maret 2024`` / ``Jumat, 1 Maret 2024`` / ``15-Agt-2024`` (Indonesian or
      English month names), Excel date cells or Excel serial numbers (``45352``,
      counted in a warning).  The order of ``01/03/2024`` is found per column:
      a value such as ``25/03/2024`` shows day-first, ``03/25/2024`` month-first
      (US Excel; warned); a column that does not tell follows the file's other
      date column, else is read day-first with a warning; a column with both
      orders rejects its ambiguous dates.  Anything else after the date is
      rejected, and so is a trial or implementation date after 31 December of
      ``year`` (an innovation assessed for a year is tried and implemented by
      then), and a trial date after the implementation date;
    * SID answers, indicators 16-35, one column each, headed ``16``, ``sid_16``,
      ``SID 16``, ``Indikator 16``, ``16. Regulasi Inovasi Daerah`` or the
      indicator's Indonesian name (``Regulasi Inovasi Daerah``; the 2023 and 2026
      names both work).  All 20 are required.

    Each answer is a level 0-3 (``2``, ``2.0``, ``"2"``, ``"Level 2"``; a text
    ``"1.000"`` is rejected as ambiguous, a thousands point in Indonesian) or the parameter
    text of the guideline for that year (``"Peraturan Kepala Daerah"``,
    ``"11-30 SDM"``), compared after lower-casing and dropping punctuation and
    spacing, so ``"11 - 30 sdm"`` matches ``"11-30 SDM"``.  Where a parameter text
    joins alternatives with `` / `` or ``atau`` each alternative is accepted
    too, and both halves of a code pair: for Opini BPK (SPD 8:
    ``"TMP/Disclaimer atau TW/Adverse"``, ``"WDP/Qualified"``, ``"WTP/Unqualified"``)
    ``WTP``, ``WDP``, ``TW``, ``TMP`` and their full names ("Wajar Tanpa
    Pengecualian", "Opini WTP") are the guideline's levels 3, 2, 1, 1.  An empty
    cell, ``-``, ``tidak ada`` or ``belum ada`` is level 0 (not filled) and is
    counted in a warning.

    Output columns: the shared contract [innovation_id, kode_wilayah, year,
    opd_name, tahapan, jenis, bentuk, inisiator, urusan, tematik, trial_date,
    implementation_date, sid_16 ... sid_35] followed by [nama_inovasi,
    source_file, source_row].  Without an id column the id is
    ``"<file stem>-r<row>"``.

``spd`` -- :func:`import_spd`
    SPD answers (indicators 1-15 with sub-rows 2a/2b, 5a/5b, 10a/10b, 11a/11b,
    13a/13b), long or wide:

    * long: columns pemda (as for innovations, ``pemda=`` filling empty cells),
      ``indikator`` (``"2a"``, ``"2 a"``, ``"2.a"``, ``"02a"``,
      or a number plus a ``sub`` column), ``level`` / ``jawaban`` / ``parameter`` (a
      level 0-3 or the parameter text; empty is level 0, counted in a warning),
      optional ``raw_value`` / ``capaian``;
    * wide: one row per pemda, one column per SPD row headed ``1``, ``2a``,
      ``spd_2a``, ``Indikator 2a`` or the row's Indonesian name.

    Output columns: [kode_wilayah, year, indicator_no, sub, level, raw_value,
    source_file, source_row].

Errors
------
Every rejected row is listed in :attr:`ImportReport.rejected` with the file,
the row number as the spreadsheet shows it, the column header (every
rejection names one), the cell (``"D12"``) and the reason.  Nothing is written when any row is rejected
under ``strict=True``, or when more than ``max_bad_share`` of the data rows
are rejected otherwise; :class:`DataImportError` is raised and carries the
report.  Problems with the whole file (empty, unreadable, no header, missing
column, unknown indicator column, year without rules) raise at once, and so do:

* the labelled SIMULATED demo data (:mod:`iid_research.demo`): a file whose title rows (or other rows
  passed over as non-data) or workbook document properties carry the demo's marker ("DATA SIMULASI -
  bukan data resmi pemda mana pun", "iid-research demo"), or whose name starts with ``SIMULASI_`` and a
  title says "SIMULASI", is refused with one error naming the row and cell
  (:func:`~iid_research.importers.simulated.refuse_simulated`); only the demo workspace passes
  ``simulated_ok=True``.  The word or the file name alone is a warning;
* an innovation list or SPD file in which no answer cell is filled in ("no answer is filled in: is this
  the empty template?"); a partly filled file is read, its empty answers level 0 with a warning.

When the headers and answer texts fit another framework year's template clearly better than the framework
of ``year`` (a 2023-framework innovation list imported for a 2026-framework year), one line says so
(:func:`~iid_research.importers.framework_fit.framework_hint`): the first warning, and the start of the
error when the import is refused.

The same input bytes always give a byte-identical output file.  Nothing is
cached.

Formula injection: in the written CSV a text cell that starts with ``=``,
``+``, ``-``, ``@``, tab or carriage return (or with ``'`` followed by one of
these) gets one leading ``'`` so that Excel/LibreOffice show it as text instead
of running it.  ``report.table`` keeps the values as read, and
:func:`read_imported` removes the added quote.
"""

from __future__ import annotations

from .annex import import_annex
from .innovations import import_innovations
from .output import (
    ANNEX_COLUMNS,
    INNOVATION_COLUMNS,
    KINDS,
    SPD_COLUMNS,
    DataImportError,
    ImportedFileError,
    ImportReport,
    read_imported,
)
from .sheets import XLSX_ENGINE
from .spd import import_spd


def import_file(kind: str, path, year: int, **kwargs) -> ImportReport:
    """Import one file of the given kind (``"annex"``, ``"innovations"`` or ``"spd"``).

    Keyword arguments go to :func:`import_annex`, :func:`import_innovations`
    or :func:`import_spd` (``pemda=`` is ignored for the annex, ``column=`` is for the annex only;
    ``simulated_ok=True`` is for the labelled demo workspace only).

    Raises
    ------
    ValueError
        If ``kind`` is unknown.
    DataImportError
        See the importer called.
    """
    funcs = {"annex": import_annex, "innovations": import_innovations, "spd": import_spd}
    if kind not in funcs:
        raise ValueError(f"unknown import kind {kind!r}; expected one of {KINDS}")
    if kind == "annex":
        kwargs.pop("pemda", None)
    elif kwargs.pop("column", None) is not None:
        raise ValueError("column= applies to the annex only (the column holding the IID score)")
    return funcs[kind](path, year, **kwargs)
__all__ = ["KINDS", "ImportReport", "DataImportError", "ImportedFileError", "import_file", "import_annex",
           "import_innovations", "import_spd", "read_imported", "XLSX_ENGINE", "ANNEX_COLUMNS",
           "INNOVATION_COLUMNS", "SPD_COLUMNS"]
