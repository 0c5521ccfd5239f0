"""Notebook parameters: read the ``parameters`` cell, check values before any kernel starts, name outputs.

A notebook in ``notebooks/`` declares its parameters in exactly one cell
tagged ``parameters`` (papermill's convention; in the jupytext source
``# %% tags=["parameters"]``).  :func:`check_parameters` checks the values
given against that cell: an undeclared name, a wrong type or a value the
project knows to be meaningless (an unknown pemda, a year without data) is an
error, not papermill's warning.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path


class NotebookParameterError(ValueError):
    """A notebook lacks a single ``parameters`` cell, or a parameter is undeclared or of the wrong type."""


# --------------------------------------------------------------------------- parameters

def parameter_cells(nb) -> list[int]:
    """Indices of the code cells tagged ``parameters`` in a notebook node."""
    return [i for i, c in enumerate(nb.cells)
            if c.cell_type == "code" and "parameters" in c.get("metadata", {}).get("tags", [])]


def declared_parameters(notebook: str | os.PathLike) -> dict[str, dict]:
    """Parameters declared in a notebook's ``parameters`` cell.

    Returns
    -------
    dict of name -> {"type": str, "default": str, "help": str}
        In declaration order, as papermill's ``inspect_notebook`` reads them.

    Raises
    ------
    NotebookParameterError
        If the notebook has no cell tagged ``parameters``, or more than one.
    FileNotFoundError
        If the notebook does not exist.
    """
    import nbformat
    import papermill as pm

    path = Path(notebook)
    if not path.exists():
        raise FileNotFoundError(f"{path}: notebook not found")
    nb = nbformat.read(path, as_version=4)
    cells = parameter_cells(nb)
    if len(cells) != 1:
        raise NotebookParameterError(
            f"{path}: expected exactly one code cell tagged 'parameters', found {len(cells)}; papermill would "
            "otherwise inject values at the top where later cells silently override them")
    if nb.metadata.get("kernelspec", {}).get("name"):
        params = pm.inspect_notebook(str(path))
    else:  # papermill needs a kernelspec to pick the parameter parser; assume Python
        import tempfile

        nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Python 3"}
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / path.name
            nbformat.write(nb, copy)
            params = pm.inspect_notebook(str(copy))
    assigned = _assigned_names(nb.cells[cells[0]].source, path)
    missed = [n for n in assigned if n not in params]
    if missed:
        raise NotebookParameterError(
            f"{path}: papermill could not read parameter(s) {missed} in the 'parameters' cell; write each as "
            "`name: type = literal  # help` on one line")
    return {name: {"type": p["inferred_type_name"], "default": p["default"], "help": p["help"]}
            for name, p in params.items()}


def _assigned_names(source: str, path: Path) -> list[str]:
    import ast

    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise NotebookParameterError(f"{path}: the 'parameters' cell is not valid Python: {exc}") from None
    names = []
    for node in tree.body:
        targets = (node.targets if isinstance(node, ast.Assign)
                   else [node.target] if isinstance(node, ast.AnnAssign) else [])
        names += [tg.id for tg in targets if isinstance(tg, ast.Name)]
    return names


def _coerce(value, type_name: str, name: str, notebook: Path):
    if not isinstance(value, str):
        return value
    try:
        if type_name == "int":
            return int(value)
        if type_name == "float":
            return float(value)
        if type_name == "bool":
            if value.lower() in ("true", "1", "yes"):
                return True
            if value.lower() in ("false", "0", "no"):
                return False
            raise ValueError(value)
    except ValueError:
        raise NotebookParameterError(f"{notebook}: parameter {name!r} expects {type_name}, got {value!r}") from None
    return value


def check_parameters(notebook: str | os.PathLike, parameters: dict, declared: dict | None = None) -> dict:
    """Validate and type parameters against a notebook's declaration.

    String values (as typed on the command line) are converted to the
    declared type (``int``, ``float``, ``bool``); ``str`` parameters keep
    their text, so ``kode_wilayah="33.10"`` is never read as the float 33.1.

    Parameters
    ----------
    notebook : path-like
    parameters : dict
    declared : dict, optional
        The notebook's declaration if already known (see :func:`declared_parameters`).

    Returns
    -------
    dict
        The declared defaults updated with ``parameters``, in declaration order.

    Raises
    ------
    NotebookParameterError
        If a name is not declared (the message lists the declared ones) or a value has the wrong type.
    """
    import ast

    declared = declared if declared is not None else declared_parameters(notebook)
    unknown = [k for k in parameters if k not in declared]
    if unknown:
        raise NotebookParameterError(
            f"{notebook}: parameter(s) {unknown} not declared; the notebook declares {list(declared)}")
    out = {}
    for name, spec in declared.items():
        if name in parameters:
            out[name] = _check_type(_coerce(parameters[name], spec["type"], name, Path(notebook)),
                                    spec["type"], name, Path(notebook))
        else:
            out[name] = ast.literal_eval(spec["default"])  # defaults are literals in the parameters cell
    for name in parameters:
        out[name] = _check_meaning(name, out[name], Path(notebook))
    return out


def _check_type(value, type_name: str, name: str, notebook: Path):
    expected = {"int": int, "float": (int, float), "str": str, "bool": bool}.get(type_name)
    if expected is None:
        return value
    if isinstance(value, float) and type_name == "int" and value.is_integer():
        value = int(value)
    if not isinstance(value, expected) or (type_name in ("int", "float") and isinstance(value, bool)):
        raise NotebookParameterError(f"{notebook}: parameter {name!r} expects {type_name}, got {value!r}")
    return value


def _check_meaning(name: str, value, notebook: Path):
    """Validate parameters whose meaning the project knows, before any kernel starts.

    ``kode_wilayah`` may be given as a code or a name ("Kab. Blora") and is
    returned as the Kemendagri code; years must lie in the years the data
    and rules cover; ``lang`` must be "id" or "en".
    """
    from ..frameworks import assessment_years

    where = f"{notebook}: parameter {name!r}"
    if name == "kode_wilayah" and value != "all":
        from ..data import match_region
        from ..regions import RegionMatchError

        try:
            return match_region(value)
        except (RegionMatchError, ValueError) as exc:
            raise NotebookParameterError(f"{where}: {exc}") from None
    if name in ("year", "year_from", "year_to"):
        years = assessment_years()
        first, last = _first_data_year(), max(years)
        if not first <= value <= last:
            raise NotebookParameterError(f"{where}: {value} is outside the years with IID data or rules "
                                         f"({first}-{last})")
    if name == "lang" and value not in ("id", "en"):
        raise NotebookParameterError(f"{where}: must be 'id' (Bahasa Indonesia) or 'en', got {value!r}")
    if name == "level" and value not in ("all", "provinsi", "kabupaten", "kota"):
        raise NotebookParameterError(f"{where}: must be 'all', 'provinsi', 'kabupaten' or 'kota', got {value!r}")
    if name == "province" and value != "all":
        from ..data import match_region
        from ..regions import RegionMatchError

        try:
            match_region(value, level="provinsi")
        except (RegionMatchError, ValueError) as exc:
            raise NotebookParameterError(f"{where}: {exc}") from None
    if name == "workspace" and value:
        from ..workspace import Workspace, WorkspaceError

        try:
            return str(Workspace(value).path)  # absolute: the kernel runs in the notebook's folder
        except WorkspaceError as exc:
            raise NotebookParameterError(f"{where}: {exc}") from None
    if name == "target_rank" and value < 1:
        raise NotebookParameterError(f"{where}: a rank is 1 or more, got {value}")
    return value


def _first_data_year() -> int:
    from ..data import load_iid_results

    try:
        return int(load_iid_results()["year"].min())
    except Exception:  # noqa: BLE001 - the checks must not fail on a data problem; the notebook reports it
        from ..frameworks import assessment_years
        return min(assessment_years())


def _slug(value) -> str:
    return re.sub(r"[^A-Za-z0-9.\-]+", "-", str(value)).strip("-") or "x"


def output_stem(notebook: str | os.PathLike, parameters: dict) -> str:
    """File stem of a report: notebook stem + parameter values in declaration order.

    ``02_pemda_report`` with ``{kode_wilayah: "33.16", year: 2023, lang: "id"}``
    gives ``02_pemda_report_33.16_2023_id``.  Empty values are left out, and a
    ``workspace`` is named by its folder and the first 6 hex digits of the SHA-256 of its resolved path
    (``.../blora_ws`` -> ``ws-blora_ws-1a2b3c``), so two workspaces in folders of the same name never
    overwrite each other's reports.
    """
    parts = []
    for name, value in parameters.items():
        if value == "":
            continue
        if name == "workspace":
            folder = Path(str(value)).expanduser().resolve()
            value = f"ws-{folder.name}-{hashlib.sha256(str(folder).encode()).hexdigest()[:6]}"
        parts.append(_slug(value))
    return "_".join([Path(notebook).stem, *parts])
