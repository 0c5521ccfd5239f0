"""Executing parameterised notebooks with papermill, and the one-call run of a report.

Every output is written to a temporary path and renamed, so a failed run
leaves the previous report intact; a failed notebook is kept as
``<stem>.failed.ipynb`` for inspection.
"""

from __future__ import annotations

import os
from pathlib import Path

from .. import config
from .._io import atomic_path
from .html import render_html
from .parameters import check_parameters, output_stem


def kernel_name() -> str:
    """The Jupyter kernel to run notebooks with: ``iid-research`` when registered, else ``python3``.

    ``make`` registers ``iid-research`` for the project's ``.venv``; the
    environment variable ``IID_KERNEL`` overrides both.
    """
    if os.environ.get("IID_KERNEL"):
        return os.environ["IID_KERNEL"]
    from jupyter_client.kernelspec import KernelSpecManager

    return config.KERNEL_NAME if config.KERNEL_NAME in KernelSpecManager().find_kernel_specs() else "python3"


def execute_notebook(notebook, output_ipynb, parameters: dict, *, timeout: int = 600, kernel: str | None = None,
                     cwd=None, engine: str | None = None):
    """Execute a notebook with papermill into ``output_ipynb`` (written atomically).

    Parameters
    ----------
    notebook : path-like
    output_ipynb : path-like
    parameters : dict
        Already checked by :func:`check_parameters`.
    timeout : int, default=600
        Seconds allowed per cell.
    kernel : str, optional
        Kernel name; default :func:`kernel_name`.
    cwd : path-like, optional
        Working directory of the kernel; default the notebook's folder.
    engine : str, optional
        papermill engine; ``"iid-warm"`` reuses a warm kernel per process
        (:mod:`iid_research.render.engine`); default papermill's own (a new kernel).

    Raises
    ------
    papermill.PapermillExecutionError
        If a cell fails; the executed notebook, with the error, is still
        written to ``output_ipynb`` so it can be inspected.
    """
    import papermill as pm

    if engine == "iid-warm":
        from . import engine as _engine  # noqa: F401  (registers the engine)
    notebook = Path(notebook)
    output = Path(output_ipynb)
    with atomic_path(output) as tmp:
        tmp_nb = tmp.with_suffix(".ipynb")
        try:
            pm.execute_notebook(str(notebook), str(tmp_nb), parameters=parameters,
                                kernel_name=kernel or kernel_name(), execution_timeout=timeout,
                                cwd=str(cwd or notebook.parent), progress_bar=False, report_mode=True,
                                log_output=False, engine_name=engine)
        except Exception:
            if tmp_nb.exists():
                os.replace(tmp_nb, output.with_name(output.stem + ".failed.ipynb"))
            raise
        except BaseException:  # Ctrl-C, SIGTERM: no half-executed notebook left behind
            tmp_nb.unlink(missing_ok=True)
            raise
        os.replace(tmp_nb, tmp)
    return output


def run_notebook(notebook, parameters: dict | None = None, output_dir=None, *, timeout: int = 600,
                 kernel: str | None = None, engine: str | None = None) -> dict[str, Path]:
    """Check parameters, execute a notebook and render its HTML report.

    Parameters
    ----------
    notebook : path-like
        A notebook with one ``parameters`` cell.
    parameters : dict, optional
        Values for declared parameters (strings are converted to the declared type).
    output_dir : path-like, optional
        Default ``config.REPORTS_DIR``.  The executed notebook goes to
        ``<output_dir>/notebooks/<stem>.ipynb``, the report to ``<output_dir>/<stem>.html``.

    Returns
    -------
    dict with keys "ipynb", "html", "stem", "parameters"

    Raises
    ------
    NotebookParameterError
        On a missing ``parameters`` cell or an undeclared parameter.
    papermill.PapermillExecutionError
        If a cell fails (the failed notebook is kept as ``<stem>.failed.ipynb``).
    """
    out_dir = Path(output_dir) if output_dir is not None else config.REPORTS_DIR
    params = check_parameters(notebook, parameters or {})
    stem = output_stem(notebook, params)
    ipynb = execute_notebook(notebook, out_dir / "notebooks" / f"{stem}.ipynb", params, timeout=timeout, kernel=kernel,
                             engine=engine)
    page = render_html(ipynb, out_dir / f"{stem}.html")
    return {"ipynb": ipynb, "html": page, "stem": stem, "parameters": params}


