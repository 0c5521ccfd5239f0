"""The ``iid-research`` command.

Examples
--------
::

    iid-research run notebooks/02_pemda_report.ipynb -p kode_wilayah 33.16 -p year 2023 -p lang en
    iid-research reports                # overview + one report per pemda with published results + index.html
    iid-research data verify            # check every raw file against data/raw/manifest.csv
    iid-research data check             # print the data-quality list (conflicts, method check, ...)
    iid-research data build             # write the tidy tables to data/processed/
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from . import config
from .importers.output import KINDS


def _resolve_notebook(name: str) -> Path:
    path = Path(name)
    if path.exists():
        return path
    for candidate in (config.NOTEBOOKS_DIR / name, config.NOTEBOOKS_DIR / f"{name}.ipynb"):
        if candidate.exists():
            return candidate
    matches = sorted(config.NOTEBOOKS_DIR.glob(f"*{name}*.ipynb"))
    if len(matches) == 1:
        return matches[0]
    known = ", ".join(p.name for p in sorted(config.NOTEBOOKS_DIR.glob("*.ipynb")))
    raise click.BadParameter(f"no notebook {name!r}; notebooks: {known}", param_hint="NOTEBOOK")


@click.group()
@click.version_option(package_name="iid-research")
def main():
    """Research workbench for Indonesia's Indeks Inovasi Daerah (IID)."""


@main.command()
@click.argument("notebook")
@click.option("-p", "--parameter", "parameters", nargs=2, multiple=True, metavar="NAME VALUE",
              help="A parameter declared in the notebook's 'parameters' cell (repeatable).")
@click.option("-o", "--output-dir", type=click.Path(file_okay=False), default=None,
              help="Where to write the report (default: reports/).")
@click.option("--timeout", default=600, show_default=True, help="Seconds allowed per cell.")
@click.option("--pdf", is_flag=True, help="Also print the report to PDF with headless Chromium.")
def run(notebook, parameters, output_dir, timeout, pdf):
    """Execute NOTEBOOK with papermill and render an HTML report without code."""
    from .render.execute import run_notebook
    from .render.parameters import NotebookParameterError
    from .render.pdf import PDFExportUnavailable, export_pdf

    path = _resolve_notebook(notebook)
    names = [name for name, _ in parameters]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise click.UsageError(f"parameter(s) {repeated} given more than once")
    from .render.engine import shutdown_kernels

    try:
        out = run_notebook(path, dict(parameters), output_dir, timeout=timeout, engine="iid-warm")
    except NotebookParameterError as exc:
        raise click.UsageError(str(exc)) from None
    except Exception as exc:
        click.echo(f"error: {path.name} failed: {type(exc).__name__}: {str(exc).strip()[-1500:]}", err=True)
        sys.exit(1)
    finally:
        shutdown_kernels()
    click.echo(f"wrote {out['html']}")
    if pdf:
        try:
            click.echo(f"wrote {export_pdf(out['html'])}")
        except PDFExportUnavailable as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)


@main.command()
@click.argument("html_files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
def pdf(html_files):
    """Print rendered HTML reports to PDF with Debian's Chromium (headless)."""
    from .render.pdf import PDFExportUnavailable, export_pdf

    for page in html_files:
        try:
            click.echo(f"wrote {export_pdf(page)}")
        except PDFExportUnavailable as exc:
            raise click.ClickException(str(exc)) from None


def _batch_options(func):
    options = [
        click.option("-o", "--output-dir", type=click.Path(file_okay=False), default=None,
                     help="Where to write the reports (default: reports/)."),
        click.option("-j", "--jobs", "n_jobs", type=int, default=None,
                     help="Worker processes (default: number of cores)."),
        click.option("--force", is_flag=True, help="Rebuild reports that are up to date."),
        click.option("--timeout", default=600, show_default=True, help="Seconds allowed per cell."),
        click.option("--retries", default=2, show_default=True, help="Extra attempts when a kernel fails to start."),
        click.option("--cold", is_flag=True, help="A new kernel per notebook instead of warm kernels."),
        click.option("--scheduler", default=None, help="Dask scheduler address to send jobs to (tcp://host:8786)."),
        click.option("--dask-local", type=int, default=None, help="Start a local Dask cluster with N workers."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _run_and_report(jobs, output_dir, n_jobs, force, timeout, retries, cold, scheduler, dask_local):
    from .render.batch import index_entries
    from .render.html import write_index
    from .render.runner import run_batch, summary_table

    start = time.perf_counter()
    results = run_batch(jobs, output_dir, n_jobs=n_jobs, timeout=timeout, retries=retries, force=force,
                        engine=None if cold else "iid-warm", scheduler=scheduler, dask_local=dask_local)
    langs = [j.parameters.get("lang") for j in jobs if j.parameters.get("lang")]
    index = write_index(index_entries(results), output_dir, lang=langs[0] if langs else "id")
    table = summary_table(results)
    counts = table["status"].value_counts().to_dict()
    click.echo(", ".join(f"{v} {k}" for k, v in counts.items())
               + f" in {time.perf_counter() - start:.1f} s; index: {index}")
    failed = table[table["status"] == "failed"]
    if len(failed):
        kept = Path(output_dir or config.REPORTS_DIR) / "notebooks"
        click.echo(f"failed reports (executed notebooks kept as {kept}/<name>.failed.ipynb):", err=True)
        click.echo(failed.to_string(index=False), err=True)
        sys.exit(1)


@main.command()
@click.option("--lang", type=click.Choice(["id", "en"]), multiple=True, default=("id",), show_default=True,
              help="Language(s) of the pemda reports (repeatable).")
@click.option("--limit", type=int, default=None, help="Only the first N pemda reports (for a quick look).")
@_batch_options
def reports(lang, limit, **options):
    """Render the default report set and reports/index.html.

    The overview, the analysis notebooks, and one pemda report per pemda with
    published results (latest year), in each language asked for.
    """
    from .render.batch import default_run_list

    _run_and_report(default_run_list(langs=lang, limit=limit), **options)


@main.command()
@click.argument("run_list", type=click.Path(exists=True, dir_okay=False))
@_batch_options
def batch(run_list, **options):
    """Render the notebooks × parameter sets of a YAML RUN_LIST (see iid_research.render.batch)."""
    from .render.batch import RunListError, load_run_list

    try:
        jobs = load_run_list(run_list)
    except RunListError as exc:
        raise click.UsageError(str(exc)) from None
    _run_and_report(jobs, **options)


@main.group()
def data():
    """Check and build the data tables."""


@data.command("verify")
def data_verify():
    """Check every raw file against data/raw/manifest.csv."""
    from .data import input_checksums

    table = input_checksums()
    click.echo(f"{len(table)} raw files match their manifest checksums")


@data.command("check")
@click.option("--lang", type=click.Choice(["id", "en"]), default="id", show_default=True,
              help="Language of the lines.")
@click.option("--no-simulation", is_flag=True,
              help="Leave out the comparison of the simulator's innovation totals with the published ones.")
def data_check(lang, no_simulation):
    """Print the data-quality list (the same list the overview shows), one finding per line.

    Contradictions, sources that disagree, caveats (provisional, rounded, uncertain years, ranks that
    are not national ranks) and the checks that passed: the method check (SPD implied by published
    innovations, mean maturity and IID), the national mean IID against the published scores,
    participation and innovation totals.  Exit status 0 when the list is printed, 1 when the data
    cannot be read (the reason is printed; never a traceback).
    """
    try:
        from .notebook.overview import quality_lines

        simulation = None
        if not no_simulation:
            from .simulate import simulate_iid

            simulation = simulate_iid()
        lines = quality_lines(lang, simulation=simulation)
    except Exception as exc:  # noqa: BLE001 - the user gets the reason, never a traceback
        click.echo(f"error: the data check could not run: {type(exc).__name__}: {str(exc).strip()[-1500:]}",
                   err=True)
        sys.exit(1)
    for line in lines:
        click.echo(line)


@data.command("build")
@click.option("-o", "--output-dir", type=click.Path(file_okay=False), default=None)
def data_build(output_dir):
    """Write the validated tidy tables to data/processed/."""
    from .data import write_processed

    for name, path in write_processed(out_dir=output_dir).items():
        click.echo(f"{name}: {path}")


@main.command()
@click.option("--seed", type=int, default=None, help="Random seed (default: the simulator's default).")
@click.option("-o", "--output-dir", type=click.Path(file_okay=False), default=None,
              help="Where to write the tables (default: data/processed/).")
def simulate(seed, output_dir):
    """Write SIMULATED indicator-level tables (SPD answers, innovations, scores) as CSV.

    Every file name starts with "simulated_" and every row has source "simulated":
    indicator-level IID answers are not public, so these are not facts about any region.
    """
    from ._io import write_csv_atomic
    from .simulate import DEFAULT_SEED, simulate_iid

    seed = DEFAULT_SEED if seed is None else seed
    sim = simulate_iid(seed=seed)
    out = Path(output_dir) if output_dir else config.PROCESSED_DIR
    for name in ("spd", "innovations", "scores", "calibration"):
        path = write_csv_atomic(getattr(sim, name), out / f"simulated_{name}_seed{seed}.csv")
        click.echo(f"wrote {path} ({len(getattr(sim, name)):,} rows, SIMULATED)")


# --------------------------------------------------------------------------- import
# Exit status: 0 when the table was written (or validated with --dry-run), 1 when the import was refused
# (the reason and every rejected row are printed to stderr; nothing is written), 2 on a usage error.

@main.command("import")
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
    r"""Import a spreadsheet: KIND is annex, innovations or spd; FILE is XLSX or CSV.

    \b
    annex        ranking annex of the Kepmendagri IID decree (converted from PDF)
    innovations  innovation list, one row per innovation, SID answers 16-35
    spd          SPD answers (indicators 1-15), long or wide

    Prints rows read, matched and rejected.  Every rejected row is named with
    its file, row number, column and reason.
    """
    from ._io import write_csv_atomic
    from .importers import DataImportError, import_file

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


if __name__ == "__main__":  # pragma: no cover
    main()
