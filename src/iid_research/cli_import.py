"""``iid-research import KIND FILE --year YEAR``: the importers as a command.

Attach to the main group with::

    from .cli_import import import_command
    main.add_command(import_command, name="import")

Exit status: 0 when the table was written (or validated with ``--dry-run``),
1 when the import was refused (the reason and every rejected row are printed
to stderr; nothing is written), 2 on a usage error.
"""

from __future__ import annotations

from pathlib import Path

import click

from ._io import write_csv_atomic
from .importers import KINDS, DataImportError, import_file


@click.command("import")
@click.argument("kind", type=click.Choice(KINDS, case_sensitive=False))
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--year", type=int, required=True, help="Assessment year of the data (must have framework rules).")
@click.option("--strict", is_flag=True, help="Refuse the file if any row is bad.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder (default data/processed/).")
@click.option("--max-bad-share", type=click.FloatRange(0, 1), default=0.05, show_default=True,
              help="Refuse the file when more than this share of data rows is bad.")
@click.option("--pemda", default=None,
              help="innovations/spd: the pemda of every row (name or code) when the file has no pemda column.")
@click.option("--sheet", default=None, help="Read only this sheet of a workbook.")
@click.option("--dry-run", is_flag=True, help="Validate and report; write nothing.")
@click.option("--errors-csv", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the full list of rejected rows [file, row, column, reason, cell] to this CSV.")
@click.option("--show", type=int, default=50, show_default=True, help="How many rejected rows to print.")
def import_command(kind, file, year, strict, out_dir, max_bad_share, pemda, sheet, dry_run, errors_csv, show):
    """Import a spreadsheet: KIND is annex, innovations or spd; FILE is XLSX or CSV.

    \b
    annex        ranking annex of the Kepmendagri IID decree (converted from PDF)
    innovations  innovation list, one row per innovation, SID answers 16-35
    spd          SPD answers (indicators 1-15), long or wide

    Prints rows read, matched and rejected.  Every rejected row is named with
    its file, row number, column and reason.
    """
    kwargs = dict(out_dir=out_dir, strict=strict, max_bad_share=max_bad_share, write=not dry_run, sheet=sheet)
    if kind.lower() != "annex":
        kwargs["pemda"] = pemda
    elif pemda is not None:
        raise click.UsageError("--pemda applies to innovations and spd files only")
    try:
        report = import_file(kind.lower(), file, year, **kwargs)
        failed = False
    except DataImportError as exc:
        report = exc.report
        failed = True
    if errors_csv is not None and len(report.rejected):
        write_csv_atomic(report.rejected, errors_csv)
    click.echo(report.summary(limit=show), err=failed)
    if failed:
        raise SystemExit(1)
