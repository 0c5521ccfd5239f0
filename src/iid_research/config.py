"""Paths used by the package, notebooks and tests.

Every path is derived from the project root, which is the folder holding
``pyproject.toml``.  Two environment variables override it:

``IID_DATA_DIR``
    folder holding ``raw/`` (the verified inputs) and ``processed/``.
``IID_REPORTS_DIR``
    folder where executed notebooks and HTML reports are written.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
RULES_DIR = PACKAGE_DIR / "rules"
MAPPINGS_DIR = PACKAGE_DIR / "mappings"
TEMPLATES_DIR = PACKAGE_DIR / "templates"


def _find_root() -> Path:
    for parent in [PACKAGE_DIR, *PACKAGE_DIR.parents]:
        if (parent / "pyproject.toml").exists() and (parent / "data").is_dir():
            return parent
    return Path.cwd()


PROJ_ROOT = _find_root()
DATA_DIR = Path(os.environ.get("IID_DATA_DIR", PROJ_ROOT / "data"))
RAW_DIR = DATA_DIR / "raw"
PROCESSED_DIR = DATA_DIR / "processed"
REPORTS_DIR = Path(os.environ.get("IID_REPORTS_DIR", PROJ_ROOT / "reports"))
NOTEBOOKS_DIR = PROJ_ROOT / "notebooks"
KERNEL_NAME = "iid-research"

WORKSPACE_MANIFEST = "workspace.json"  # the file that makes a folder a workspace (iid_research.workspace)
IMPORT_KINDS = ("annex", "innovations", "spd")
"""Kinds of file :func:`iid_research.importers.import_file` reads (a workspace also holds "opd" lists)."""
