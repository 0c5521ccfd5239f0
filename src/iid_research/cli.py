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

import contextlib
import sys
import time
from pathlib import Path

import click

from . import config

# heavy modules (pandas, pandera, papermill) are imported inside the commands that need them, so a no-op
# `iid-research reports` stays fast; Ctrl-C during such an import is click's quiet "Aborted!", not a traceback


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
    """Execute NOTEBOOK with papermill and render an HTML report without code.

    The report is listed in the folder's index.html with every other report there.
    """
    from .render.index import write_folder_index
    from .render.parameters import NotebookParameterError, check_parameters
    from .render.pdf import PDFExportUnavailable, export_pdf
    from .render.runner import Job, run_batch

    path = _resolve_notebook(notebook)
    names = [name for name, _ in parameters]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise click.UsageError(f"parameter(s) {repeated} given more than once")
    try:
        check_parameters(path, dict(parameters))
    except NotebookParameterError as exc:
        raise click.UsageError(str(exc)) from None
    # one job of the batch runner: the same build, stamp and failure record as `reports`, always rebuilt
    [result] = run_batch([Job(path, dict(parameters))], output_dir, n_jobs=1, timeout=timeout, force=True,
                         progress=False)
    index = write_folder_index(output_dir)
    if result.status == "failed":
        click.echo(f"error: {path.name} failed: {result.error.strip()[-1500:]}", err=True)
        sys.exit(1)
    click.echo(f"wrote {result.html}")
    click.echo(f"index: {index}")
    if pdf:
        try:
            click.echo(f"wrote {export_pdf(result.html)}")
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


def _run_and_report(jobs, output_dir, n_jobs, force, timeout, retries, cold, scheduler, dask_local, workspace=None):
    from .render.batch import index_entries
    from .render.index import write_folder_index
    from .render.runner import prune_workspace_reports, run_batch, summary_table

    start = time.perf_counter()
    out = Path(output_dir or config.REPORTS_DIR)
    try:
        (out / "notebooks").mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # -o below a file, a file named notebooks, no permission
        raise click.ClickException(f"{out}: cannot be used as the reports folder ({exc.strerror or exc}: "
                                   f"{exc.filename or out})") from None
    try:
        results = run_batch(jobs, output_dir, n_jobs=n_jobs, timeout=timeout, retries=retries, force=force,
                            engine=None if cold else "iid-warm", scheduler=scheduler, dask_local=dask_local)
    except KeyboardInterrupt:  # Ctrl-C: the workers were stopped; say what the index now shows
        index = write_folder_index(output_dir)
        click.echo(f"interrupted: the reports not rebuilt are listed as outdated in {index}", err=True)
        raise SystemExit(130) from None
    if workspace is not None:  # reports on imports since removed must not stay listed as current
        for stem in prune_workspace_reports(out, workspace):
            click.echo(f"removed {stem}.html: the workspace no longer produces it", err=True)
    # every report of the folder, whichever command made it; runs that failed before they had a name as well
    unnamed = [r for r in results if r.status == "failed" and not r.stem]
    index = write_folder_index(output_dir, extra=index_entries(unnamed))
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
              help="Language(s) of the pemda reports (repeatable); the overview and the demo reports are "
                   "rendered once, in the first. With --workspace: of every report.")
@click.option("--limit", type=int, default=None, help="Only the first N pemda reports (for a quick look).")
@click.option("--workspace", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="Render the reports of this workspace's pemda (02-05; 03 when it holds two consecutive "
                   "years) instead of the default set.")
@_batch_options
def reports(lang, limit, workspace, **options):
    """Render the default report set and reports/index.html.

    The overview, one pemda report per pemda with published results (latest
    year) in each language asked for, and the DEMO reports on SIMULATED data
    (listed apart).  With --workspace: the reports of that workspace's pemda.
    index.html lists every report of the folder, those of earlier commands included.
    """
    from .render.batch import default_run_list, workspace_run_list
    from .workspace import WorkspaceError

    skipped: list = []
    try:
        jobs = (workspace_run_list(workspace, langs=lang, skipped=skipped) if workspace
                else default_run_list(langs=lang, limit=limit))
    except WorkspaceError as exc:
        raise click.ClickException(str(exc)) from None
    if skipped:
        from .text import t

        for kode, _, years in skipped:
            click.echo(t("ws_skipped_03", lang[0], kode=kode, years=", ".join(map(str, years)) or "-"), err=True)
    if not jobs:
        from .text import t

        raise click.ClickException(t("ws_no_reports", lang[0], path=Path(workspace).resolve()))
    _run_and_report(jobs, **options, workspace=workspace)


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
@click.option("-o", "--output-dir", type=click.Path(file_okay=False), default=None,
              help="Where to write the tables (default: data/processed/).")
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
@click.argument("kind", type=click.Choice([*config.IMPORT_KINDS, "opd"], case_sensitive=False))
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--year", type=int, required=True, help="Assessment year of the data (must have framework rules).")
@click.option("--strict", is_flag=True, help="Refuse the file if any row is bad.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder (default data/processed/).")
@click.option("--max-bad-share", type=click.FloatRange(0, 1), default=0.05, show_default=True,
              help="Refuse the file when more than this share of data rows is bad.")
@click.option("--pemda", default=None,
              help="innovations/spd/opd: the pemda of the file (name or code): of every row without a Pemda "
                   "column, and of every empty Pemda cell; a cell naming another pemda rejects its row.")
@click.option("--column", default=None,
              help="annex: the column holding the IID score (header text or letter) when the score header spans "
                   "sub-columns the year cannot decide.")
@click.option("--sheet", default=None, help="Read only this sheet of a workbook.")
@click.option("--skip-hidden", is_flag=True, help="Leave out rows and columns hidden in the workbook "
                                                   "(default: imported, with a warning).")
@click.option("--dry-run", is_flag=True, help="Validate and report; write nothing (not with --workspace).")
@click.option("--errors-csv", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the full list of rejected rows [file, row, column, reason, cell] to this CSV.")
@click.option("--show", type=int, default=50, show_default=True, help="How many rejected rows to print.")
@click.option("--workspace", "workspace", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Store the table in this workspace (with the file's name and SHA-256) instead of --out.")
@click.option("--replace", is_flag=True, help="With --workspace: replace an earlier import of the same kind, "
                                              "pemda and year.")
def import_command(kind, file, year, strict, out_dir, max_bad_share, pemda, column, sheet, skip_hidden, dry_run,
                   errors_csv, show, workspace, replace):
    """Import a spreadsheet: KIND is annex, innovations, spd or opd; FILE is XLSX or CSV.

    \b
    annex        ranking annex of the Kepmendagri IID decree (converted from PDF)
    innovations  innovation list, one row per innovation, SID answers 16-35
    spd          SPD answers (indicators 1-15), long or wide
    opd          the pemda's OPD list (with --workspace only)

    Prints rows read, matched and rejected.  Every rejected row is named with
    its file, row number, column and reason.  Never prints a traceback: an
    interrupted import (Ctrl-C, SIGTERM) leaves the previous output as it was.
    """  # noqa: D301 - not raw: click keeps the paragraph after a line holding only \b (backspace) unwrapped
    import signal

    from .importers import DataImportError, import_file

    kind = kind.lower()
    if not file.exists():  # one line, before any summary of an import that never read anything
        click.echo(f"error: {file.resolve()}: file not found", err=True)
        raise SystemExit(1)
    if workspace is not None:
        if out_dir is not None or dry_run:
            raise click.UsageError("--workspace stores the table in the workspace; leave out --out and --dry-run")
        _import_into_workspace(kind, file, year, workspace, replace, strict=strict, max_bad_share=max_bad_share,
                               pemda=pemda, column=column, sheet=sheet, skip_hidden=skip_hidden,
                               errors_csv=errors_csv, show=show)
        return
    if kind == "opd":
        raise click.UsageError("an OPD list is stored in a workspace: give --workspace DIR")
    if replace:
        raise click.UsageError("--replace goes with --workspace")
    kwargs = dict(out_dir=out_dir, strict=strict, max_bad_share=max_bad_share, write=not dry_run, sheet=sheet,
                  skip_hidden=skip_hidden)
    if kind != "annex":
        kwargs["pemda"] = pemda
        if column is not None:
            raise click.UsageError("--column applies to annex files only")
    else:
        kwargs["column"] = column
        if pemda is not None:
            raise click.UsageError("--pemda applies to innovations and spd files only")
    if hasattr(signal, "SIGXFSZ"):  # a file-size limit makes writes fail (reported) instead of killing us
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    with _import_guard(file, "nothing written, previous output unchanged"):
        try:
            report = import_file(kind, file, year, **kwargs)
            failed = False
        except DataImportError as exc:
            report = exc.report
            failed = True
    failed = not _write_rejected(report, errors_csv) or failed
    click.echo(report.summary(limit=show), err=failed)
    if failed:
        raise SystemExit(1)


@contextlib.contextmanager
def _import_guard(file, unchanged: str):
    """Turn SIGTERM, Ctrl-C and unforeseen errors of an import into one line and an exit code, not a traceback.

    ``unchanged`` says what was left as it was ("the workspace is unchanged").
    """
    from ._io import Terminated, terminate_as_interrupt

    try:
        with terminate_as_interrupt():
            yield
    except Terminated:
        click.echo(f"error: {file}: import terminated (SIGTERM); {unchanged}", err=True)
        raise SystemExit(143) from None
    except KeyboardInterrupt:
        click.echo(f"error: {file}: import interrupted; {unchanged}", err=True)
        raise SystemExit(130) from None
    except (click.ClickException, click.exceptions.Exit):
        raise
    except Exception as exc:  # a bug or an unforeseen file: a clear line, not a traceback
        click.echo(f"error: {file}: the import failed unexpectedly ({type(exc).__name__}: {exc}); {unchanged}. "
                   "Please report this with the file.", err=True)
        raise SystemExit(1) from None


def _write_rejected(report, errors_csv) -> bool:
    """Write the rejected rows to ``--errors-csv`` (if given and any); False (after one error line) if it fails."""
    if errors_csv is None or not len(report.rejected):
        return True
    from ._io import write_csv_atomic

    try:
        write_csv_atomic(report.rejected, errors_csv)
    except OSError as exc:
        click.echo(f"error: cannot write --errors-csv {errors_csv}: {exc.strerror or exc}", err=True)
        return False
    return True


def _import_into_workspace(kind, file, year, workspace, replace, *, strict, max_bad_share, pemda, column, sheet,
                           skip_hidden, errors_csv, show):
    from .importers import DataImportError
    from .workspace import Workspace, WorkspaceError

    kwargs = {"strict": strict, "max_bad_share": max_bad_share, "sheet": sheet, "skip_hidden": skip_hidden}
    if kind in ("innovations", "spd", "opd"):
        kwargs["pemda"] = pemda
    elif pemda is not None:
        raise click.UsageError("--pemda applies to innovations, spd and opd files only")
    if kind == "annex":
        kwargs["column"] = column
    elif column is not None:
        raise click.UsageError("--column applies to annex files only")
    if kind == "opd":
        if skip_hidden or max_bad_share != 0.05:
            raise click.UsageError("--skip-hidden and --max-bad-share apply to annex, innovations and spd files; an "
                                   "OPD list is read whole and refused if any row is bad")
        kwargs = {"pemda": pemda, "sheet": sheet}
    with _import_guard(file, "the workspace is unchanged"):
        try:
            ws = Workspace(workspace)
            if ws.is_demo:  # a pemda's own file would be labelled SIMULATED there, and mixed with simulated data
                raise WorkspaceError(f"{ws.path} is the labelled SIMULATED demo workspace; import the pemda's own "
                                     "files into a workspace of its own (`iid-research workspace init DIR`)")
            parts = ws.import_file(kind, file, year, replace=replace, **kwargs)
        except WorkspaceError as exc:
            click.echo(f"error: {exc}", err=True)
            raise SystemExit(1) from None
        except DataImportError as exc:
            _write_rejected(exc.report, errors_csv)
            click.echo(exc.report.summary(limit=show) if kind != "opd" else f"error: {exc}", err=True)
            raise SystemExit(1) from None
    report = getattr(ws, "last_report", None)
    errors_written = report is None or _write_rejected(report, errors_csv)
    if report is not None and kind != "opd":
        report.output_path = parts[0].table if len(parts) == 1 else parts[0].table.parent  # not "written: nothing"
        click.echo(report.summary(limit=show))
    for p in parts:
        verb = "replaced" if p.replaced else "stored"
        click.echo(f"{verb} {p.kind} {p.year} {p.kode_wilayah}: {p.rows} rows from {p.source_file} "
                   f"(sha256 {p.source_sha256[:12]}) -> {p.table}")
    if not errors_written:
        raise SystemExit(1)


# --------------------------------------------------------------------------- workspace

@main.group("workspace")
def workspace_group():
    """Create a workspace for a pemda's own files, and see what it holds."""


@workspace_group.command("init")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--name", default="", help="Shown in the README title (e.g. the pemda's name).")
@click.option("--lang", type=click.Choice(["id", "en"]), default="id", show_default=True,
              help="Language of what is printed (the README is in Bahasa Indonesia).")
def workspace_init(directory, name, lang):
    """Create DIRECTORY as a workspace: README (Bahasa Indonesia), XLSX/CSV templates, manifest.

    Prints which template serves which assessment years: the templates are named by framework year
    (inovasi_<fw>, spd_<fw>), and rules/assessment_years.csv says which framework scores each year.
    """
    from .text import t
    from .workspace import WorkspaceError, init_workspace, template_years, year_span

    try:
        ws = init_workspace(directory, name=name)
    except WorkspaceError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(t("ws_ready", lang, path=ws.path, readme=ws.path / "BACA_SAYA.md", templates=ws.path / "templat"))
    click.echo(t("ws_templates_intro", lang))
    for framework, years in template_years().items():
        click.echo(t("ws_template_line" if years else "ws_template_unused", lang, framework=framework,
                     years=year_span(years)))


@workspace_group.command("remove")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("kind", type=click.Choice([*config.IMPORT_KINDS, "opd"], case_sensitive=False))
@click.option("--year", type=int, required=True, help="Assessment year of the import to remove.")
@click.option("--pemda", default=None, help="Only this pemda's part (name or code); default: every pemda's.")
def workspace_remove(directory, kind, year, pemda):
    """Remove what was imported into DIRECTORY for KIND and --year (the table and its manifest entry).

    For an import given the wrong --year, or a year that should not be in the reports.  The pemda's
    original file is not touched.  Import it again with `iid-research import ... --workspace DIRECTORY`.
    """
    from .workspace import Workspace, WorkspaceError

    try:
        kode = None
        if pemda is not None:
            from .data import region_matcher
            from .regions import RegionMatchError

            try:
                kode = region_matcher().match(str(pemda))
            except (RegionMatchError, ValueError) as exc:
                raise WorkspaceError(f"--pemda {pemda!r}: {exc}") from None
        gone = Workspace(directory).remove(kind.lower(), year, kode_wilayah=kode)
    except WorkspaceError as exc:
        raise click.ClickException(str(exc)) from None
    for e in gone:
        click.echo(f"removed {e['kind']} {e['year']} {e['kode_wilayah']}: {e['rows']} rows from {e['source_file']} "
                   f"(sha256 {e['source_sha256'][:12]})")


@workspace_group.command("status")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--lang", type=click.Choice(["id", "en"]), default="id", show_default=True,
              help="Language of the lines.")
def workspace_status(directory, lang):
    """List, per year: pemda, innovations, SPD rows, annex rows, source files, and what each analysis can do."""
    from .text import t
    from .workspace import Workspace, WorkspaceError

    try:
        ws = Workspace(directory)
    except WorkspaceError as exc:
        raise click.ClickException(str(exc)) from None
    table = ws.status()
    if table.empty:
        click.echo(t("ws_empty", lang, path=ws.path))
        return
    from .data import load_regions
    from .workspace import ALL_PEMDA

    names = load_regions().set_index("kode_wilayah")["nama"]
    for year, rows in table.groupby("year"):
        click.echo(f"== {year}")
        for r in rows.itertuples(index=False):
            if r.kode_wilayah == ALL_PEMDA:  # an annex (or OPD list) without any pemda's answers of that year
                click.echo(t("ws_status_no_answers", lang, year=year, annex=r.annex_rows))
            else:
                click.echo(t("ws_status_line", lang, nama=names.get(r.kode_wilayah, r.kode_wilayah),
                             kode=r.kode_wilayah, innovations=r.innovations, spd=r.spd_rows, annex=r.annex_rows))
            for f in r.files:
                click.echo(f"   - {f}")
            if not r.can:
                continue
            parts = []
            for analysis, ok, missing in r.can:
                what = t(f"ws_cap_{analysis}", lang, year=year, prev=year - 1)
                parts.append(f"{what}: " + (t("ws_yes", lang) if ok else
                                            t(f"ws_needs_{missing}", lang, year=year, prev=year - 1)))
            click.echo("   " + "; ".join(parts))


@workspace_group.command("demo")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--pemda", "pemda", default="33.16", show_default=True,
              help="The pemda of the demo (code or name, e.g. 33.16 or 'Kab. Blora').")
@click.option("--year", "years", type=int, multiple=True, default=None,
              help="Years of the demo files (repeatable; default 2022 and 2023; simulated years only).")
def workspace_demo(directory, pemda, years):
    """Write a labelled DEMO workspace from SIMULATED data (files named SIMULASI_*), imported like real files."""
    from .data import match_region
    from .demo import DEMO_YEARS, build_demo_workspace
    from .regions import RegionMatchError
    from .workspace import WorkspaceError

    try:
        ws, files = build_demo_workspace(directory, kode_wilayah=match_region(pemda), years=years or DEMO_YEARS)
    except (WorkspaceError, RegionMatchError) as exc:
        raise click.ClickException(str(exc)) from None
    for f in files:
        click.echo(f"imported {f.name}")
    click.echo(f"demo workspace (SIMULATED data): {ws.path}")


# --------------------------------------------------------------------------- project

@main.command()
@click.option("--workspace", type=click.Path(exists=True, file_okay=False, path_type=Path), required=True,
              help="The workspace with the pemda's answers.")
@click.option("--pemda", required=True, help="The pemda (code or name, e.g. 33.16 or 'Kab. Blora').")
@click.option("--year", type=int, required=True, help="Assessment year to project (its rules apply).")
@click.option("--target-rank", type=click.IntRange(min=1), default=None, help="The rank to plan for (e.g. 10).")
@click.option("--drift", type=float, default=None,
              help="National drift (IID points/year) applied to an earlier annex (default: the mean yearly change "
                   "of the published national mean IID).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of the summary.")
@click.option("--xlsx", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the OPD evaluation as an XLSX workbook (scoreboard, plan per OPD, gap card, "
                   "validation risk).")
@click.option("--uncertainty", "with_uncertainty", is_flag=True,
              help="Also put the rank in a band: a seeded Monte Carlo over validation cuts, the documented method "
                   "alternatives and the other pemda's totals, with Sobol indices (JSON key 'uncertainty').")
@click.option("--draws", type=click.IntRange(min=100), default=10_000, show_default=True,
              help="With --uncertainty: Monte Carlo draws.")
@click.option("--seed", type=int, default=0, show_default=True, help="With --uncertainty: random seed.")
@click.option("--lang", type=click.Choice(["id", "en"]), default="id", show_default=True,
              help="Language of the summary and of the workbook's sheet and column names.")
def project(workspace, pemda, year, target_rank, drift, as_json, xlsx, with_uncertainty, draws, seed, lang):
    """Project a pemda's IID, predikat and rank from its workspace answers, with the gap card, the cheapest
    plan assigned to OPDs, and the OPD evaluation; with --uncertainty, the rank as a band."""
    import json

    from .analysis.projection import MissingAnswersError, projection_dict
    from .analysis.projection import project as run_projection
    from .data import load_regions, match_region
    from .dataset import from_workspace
    from .notebook.workspace_report import summary_lines
    from .regions import RegionMatchError
    from .render.workbook import write_projection_workbook
    from .text import t
    from .workspace import WorkspaceError

    names = load_regions().set_index("kode_wilayah")["nama"]
    try:
        kode = match_region(pemda)
        data = from_workspace(workspace, kode_wilayah=kode)
        if kode not in data.pemda():
            held = from_workspace(workspace).pemda()
            raise click.ClickException(t("proj_not_in_workspace", lang, nama=names.get(kode, kode), kode=kode,
                                         path=data.label, held=", ".join(f"{names.get(k, k)} ({k})" for k in held)
                                         or "-"))
        result = run_projection(data, kode, year, target_rank=target_rank, drift=drift)
    except MissingAnswersError as exc:  # in the language asked for, with the command that fixes it
        nama = names.get(kode, kode)
        message = (t("nb05_missing", lang, year=year, nama=nama) if len(exc.missing) == 2 else
                   t("nb05_missing_kind", lang, year=year, nama=nama, what=t(exc.missing[0], lang),
                     kind=exc.missing[0]))
        held = [y for y in data.years(kode) if data.has_answers(kode, y)]
        message += " " + t("proj_years_held", lang, years=", ".join(map(str, held)) or "-")
        raise click.ClickException(message.replace("`", "")) from None
    except (RegionMatchError, WorkspaceError) as exc:
        raise click.ClickException(str(exc)) from None
    except click.ClickException:
        raise
    except KeyError as exc:
        raise click.ClickException(str(exc.args[0]) if exc.args else str(exc)) from None
    except Exception as exc:  # a bug or an unforeseen input: one clear line, not a traceback
        raise click.ClickException(f"the projection failed unexpectedly ({type(exc).__name__}: {exc}); nothing "
                                   "written. Please report this with the workspace.") from None
    band = None
    if with_uncertainty:
        from .analysis.uncertainty import project_uncertainty

        if result.rank is None:
            raise click.ClickException(f"{kode} {year}: no rank to put a band on (no annex, published or simulated "
                                       "totals of the other pemda)")
        try:
            band = project_uncertainty(data, result, draws=draws, seed=seed)
        except Exception as exc:  # one clear line, not a traceback
            raise click.ClickException(f"the rank band failed unexpectedly ({type(exc).__name__}: {exc}); nothing "
                                       "written. Please report this with the workspace.") from None
    if xlsx is not None:
        try:
            write_projection_workbook(result, xlsx, lang)
        except OSError as exc:
            raise click.ClickException(f"cannot write --xlsx {xlsx}: {exc.strerror or exc}; nothing written") \
                from None
    if as_json:
        out = projection_dict(result)
        if band is not None:
            from .analysis.uncertainty import uncertainty_dict

            out["uncertainty"] = uncertainty_dict(band)
        click.echo(json.dumps(out, ensure_ascii=False, indent=1))
        return
    nama = names.get(kode, kode)
    for line in summary_lines(result, nama, lang):
        click.echo(line)
    if band is not None:
        from .notebook.uncertainty import band_lines

        for line in band_lines(band, lang):
            click.echo(line)
    if xlsx is not None:
        click.echo(f"{_t_sheet(lang)}: {xlsx}")


def _t_sheet(lang: str) -> str:
    """The words before the workbook's path in the summary."""
    from .text import t

    return t("sheet_scoreboard", lang)


if __name__ == "__main__":  # pragma: no cover
    main()
