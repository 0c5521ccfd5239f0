"""Printing HTML reports to PDF with Debian's Chromium in headless mode."""

from __future__ import annotations

import os
from pathlib import Path

from .._io import atomic_path


class PDFExportUnavailable(RuntimeError):
    """No Chromium browser is installed to print reports to PDF."""


CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--hide-scrollbars")


def find_chromium() -> str | None:
    """Path of a Chromium executable (``IID_CHROMIUM``, then ``chromium``, ``chromium-browser``), or None."""
    import shutil

    candidates = [os.environ.get("IID_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"]
    for name in candidates:
        if name and (shutil.which(name) or (os.path.isabs(name) and os.path.exists(name))):
            return shutil.which(name) or name
    return None


def export_pdf(html_path, pdf_path=None, *, timeout: int = 120) -> Path:
    """Print an HTML report to PDF with Debian's Chromium in headless mode (written atomically).

    Parameters
    ----------
    html_path : path-like
    pdf_path : path-like, optional
        Default: the HTML path with a ``.pdf`` suffix.
    timeout : int, default=120
        Seconds allowed for Chromium.

    Raises
    ------
    PDFExportUnavailable
        If no Chromium is installed; the message says how to enable it.
    RuntimeError
        If Chromium fails or writes nothing.
    """
    import subprocess
    import tempfile

    browser = find_chromium()
    if browser is None:
        raise PDFExportUnavailable(
            "PDF export needs Chromium, which is not installed. Install Debian's package with "
            "`apt-get install chromium` (or set IID_CHROMIUM to a Chromium executable), then run again.")
    html_path = Path(html_path).resolve()
    pdf = Path(pdf_path) if pdf_path is not None else html_path.with_suffix(".pdf")
    with atomic_path(pdf) as tmp, tempfile.TemporaryDirectory() as profile:
        cmd = [browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--no-pdf-header-footer",
               f"--print-to-pdf={tmp}", html_path.as_uri()]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        if proc.returncode != 0 or not tmp.exists() or tmp.stat().st_size == 0:
            raise RuntimeError(f"Chromium could not print {html_path} to PDF (exit {proc.returncode}): "
                               f"{proc.stderr.strip()[-500:]}")
    return pdf
