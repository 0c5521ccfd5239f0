"""The one cache for expensive results: :class:`joblib.Memory` keyed by input checksums.

Every expensive result the package keeps between runs (the simulated world,
the parameters a notebook declares) goes through :func:`cache`.  The cached
function takes, as its first argument, a ``key`` string built by the caller
from the SHA-256 checksums of everything the result depends on (input files,
rules, source); joblib hashes that key together with the remaining arguments
and the function's own code, so a changed input is never served from the cache.
joblib writes each entry to a temporary name and renames it, so an interrupted
run leaves no half-written entry, and a corrupt entry is recomputed.

The cache lives in ``data/processed/cache/`` unless a location is given;
``make clean`` removes it.  :func:`package_checksum` is the part of a key that
stands for the package's own code and rule tables.
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Callable
from pathlib import Path

from . import config


@functools.lru_cache(maxsize=8)
def _memory(location: str):
    import joblib

    return joblib.Memory(location, verbose=0)


def cache_dir(location: str | os.PathLike | None = None) -> Path:
    """Return the cache folder: ``location`` or ``config.PROCESSED_DIR / "cache"``."""
    return Path(location) if location is not None else config.PROCESSED_DIR / "cache"


def cache(func: Callable, location: str | os.PathLike | None = None, *, ignore: list[str] | None = None
          ) -> Callable:
    """Wrap ``func`` in the package's disk cache.

    Parameters
    ----------
    func : callable
        A module-level function whose first parameter is the checksum key.
    location : path-like, optional
        Cache folder; default :func:`cache_dir`.
    ignore : list of str, optional
        Parameters left out of the key (e.g. a path whose content the key
        already covers).

    Returns
    -------
    callable
        Same signature as ``func``; computes on a miss, loads on a hit.
    """
    return _memory(str(cache_dir(location))).cache(func, ignore=ignore or [])


@functools.lru_cache(maxsize=1)
def package_checksum() -> str:
    """SHA-256 over the package's source files, rule and mapping tables and report templates (hex, once per process).

    A cached result whose key holds this checksum is recomputed after any change to the code or the rules.
    """
    from ._io import sha256_file

    digest = hashlib.sha256()
    files = sorted(p for pattern in ("**/*.py", "rules/*.csv", "mappings/*.csv", "render/templates/**/*")
                   for p in config.PACKAGE_DIR.glob(pattern) if p.is_file())
    for path in files:
        digest.update(f"{path.relative_to(config.PACKAGE_DIR)}|{sha256_file(path)}\n".encode())
    return digest.hexdigest()
