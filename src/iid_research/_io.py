"""Small I/O helpers: checksums and atomic writes (temporary file, then rename)."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import signal
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd


def sha256_file(path: str | os.PathLike, chunk_size: int = 1 << 20) -> str:
    """Return the hex SHA-256 digest of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(chunk_size), b""):
            digest.update(block)
    return digest.hexdigest()


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it onto ``path`` on success.

    If the body raises, the temporary file is removed and ``path`` keeps its
    previous content, so a failed or interrupted run never leaves a
    half-written output.
    """
    with atomic_paths(path) as (tmp,):
        yield tmp


def _temp_beside(target: Path) -> Path:
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; outputs are ordinary, shareable files
    return tmp


@contextlib.contextmanager
def atomic_paths(*paths: str | os.PathLike) -> Iterator[tuple[Path, ...]]:
    """Yield one temporary path beside each of ``paths``; when the body succeeds, rename them onto
    ``paths`` in the order given (so the last one, e.g. a sidecar, is renamed last).

    If the body raises (or the process is interrupted by Ctrl-C, or by SIGTERM inside
    :func:`terminate_as_interrupt`), every temporary file is removed and every target keeps its previous
    content.  The temporary names carry the process id (``.<name>.<pid>.<random>.tmp``) so that
    :func:`remove_stale_temps` can remove those left by a killed process.
    """
    targets = [Path(p) for p in paths]
    temps: list[Path] = []
    try:
        for target in targets:
            target.parent.mkdir(parents=True, exist_ok=True)
            temps.append(_temp_beside(target))
        yield tuple(temps)
        for tmp, target in zip(temps, targets):
            os.replace(tmp, target)
    finally:
        for tmp in temps:
            if tmp.exists():
                tmp.unlink()


_TEMP_NAME = re.compile(r"^\..+\.(\d+)\.[^.]+\.(?:tmp|ipynb)$")  # .ipynb: a notebook papermill was writing


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


def remove_stale_temps(folder: str | os.PathLike, max_age_s: float = 86_400) -> list[Path]:
    """Remove temporary files left in ``folder`` by an :func:`atomic_paths` whose process was killed.

    A temporary file is stale when the process named in it no longer runs, or it is older than
    ``max_age_s`` (the process id may have been reused).  Returns the files removed.
    """
    removed = []
    folder = Path(folder)
    if not folder.is_dir():
        return removed
    now = time.time()
    for p in folder.iterdir():
        m = _TEMP_NAME.match(p.name)
        if not m or not p.is_file():
            continue
        pid = int(m.group(1))
        try:
            old = now - p.stat().st_mtime > max_age_s
        except OSError:
            continue
        if pid != os.getpid() and (old or not _alive(pid)):
            with contextlib.suppress(OSError):
                p.unlink()
                removed.append(p)
    return removed


class Terminated(KeyboardInterrupt):
    """Raised in the main thread when SIGTERM arrives inside :func:`terminate_as_interrupt`."""


@contextlib.contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """Within the block, SIGTERM raises :class:`Terminated` (like Ctrl-C) so that ``finally`` blocks run.

    Only in the main thread and only while SIGTERM has its default action (a handler someone else
    installed is left alone); the previous handler is restored afterwards.
    """
    if threading.current_thread() is not threading.main_thread() or \
            signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        yield
        return

    def handler(signum, frame):
        raise Terminated(f"terminated by signal {signum}")

    signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def write_text_atomic(path: str | os.PathLike, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically and return the path."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)


def write_csv_atomic(frame: pd.DataFrame, path: str | os.PathLike, **kwargs) -> Path:
    """Write a DataFrame as CSV atomically (``index=False`` unless given)."""
    kwargs.setdefault("index", False)
    kwargs.setdefault("lineterminator", "\n")
    with atomic_path(path) as tmp:
        frame.to_csv(tmp, **kwargs)
    return Path(path)


XLSX_TIMESTAMP = "1980-01-01T00:00:00Z"
"""The creation and modification time written into every XLSX the package writes (the earliest time a zip
entry can carry), so that the same content always gives the same bytes."""

_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_CORE_TIME = re.compile(rb"(<dcterms:(created|modified)\b[^>]*>)[^<]*(</dcterms:\2>)")


def normalise_xlsx(path: str | os.PathLike) -> Path:
    """Rewrite an XLSX file in place so that its bytes depend on its content only.

    openpyxl stamps the document properties (``docProps/core.xml``: created, modified) and every zip
    entry with the current time; here both become :data:`XLSX_TIMESTAMP`, and every entry gets the same
    permissions and compression, in the order written.  Used on the temporary file of an atomic write,
    before it is renamed.

    Parameters
    ----------
    path : path-like
        An XLSX (zip) file.

    Returns
    -------
    Path
        ``path``.
    """
    import io
    import zipfile

    path = Path(path)
    with zipfile.ZipFile(path) as src:
        entries = [(info.filename, src.read(info)) for info in src.infolist()]
    stamp = XLSX_TIMESTAMP.encode()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in entries:
            if name == "docProps/core.xml":
                data = _CORE_TIME.sub(lambda m: m.group(1) + stamp + m.group(3), data)
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            out.writestr(info, data)
    path.write_bytes(buf.getvalue())
    return path


def save_workbook_atomic(workbook, path: str | os.PathLike) -> Path:
    """Save an openpyxl workbook to ``path`` atomically, with fixed times (:func:`normalise_xlsx`).

    Parameters
    ----------
    workbook : openpyxl.Workbook
    path : path-like

    Returns
    -------
    Path
        ``path``.
    """
    with atomic_path(path) as tmp:
        workbook.save(tmp)
        normalise_xlsx(tmp)
    return Path(path)
