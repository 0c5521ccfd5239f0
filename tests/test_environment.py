"""pyproject.toml is the one list of dependencies; environment.yml must mirror it."""

import re

import tomllib
import yaml

from iid_research import config

CONDA_NAMES = {"dask[distributed]": ["dask", "distributed"]}


def _parse(spec):
    m = re.match(r"^([A-Za-z0-9_.\-\[\]]+)\s*(>=\s*[\w.]+)?", spec.strip())
    return m.group(1).lower(), (m.group(2) or "").replace(" ", "")


def test_environment_yml_mirrors_pyproject():
    project = tomllib.loads((config.PROJ_ROOT / "pyproject.toml").read_text())["project"]
    wanted = {}
    for spec in project["dependencies"] + project["optional-dependencies"]["dev"]:
        name, floor = _parse(spec)
        for conda_name in CONDA_NAMES.get(name, [name]):
            wanted[conda_name] = floor
    env = yaml.safe_load((config.PROJ_ROOT / "environment.yml").read_text())
    have = {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            for spec in dep["pip"]:
                if not spec.startswith("-e"):
                    name, floor = _parse(spec)
                    have[name] = floor
        else:
            name, floor = _parse(dep)
            if name not in ("python", "pip"):
                have[name] = floor
    assert have == wanted
    assert any(isinstance(d, dict) and "-e \".[dev]\"" in d["pip"] for d in env["dependencies"])
