"""The package's structure: layers point one way, no import cycle, no module too large, notebooks paired."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
PKG = SRC / "iid_research"

LAYERS = {"analysis": 1, "text": 2, "figures": 3, "notebook": 4, "render": 5, "cli": 6}
"""core (rank 0: everything else) -> analysis -> text -> figures -> notebook -> render -> cli (architecture.md)."""


def _modules():
    mods = {}
    for f in PKG.rglob("*.py"):
        rel = f.relative_to(SRC).with_suffix("")
        name = ".".join(rel.parts[:-1] if rel.name == "__init__" else rel.parts)
        mods[name] = f
    return mods


def _imports(mods):
    """module -> [(imported module, imported names, line)] for every import, also inside functions."""
    out = {}
    for m, f in mods.items():
        base = m.split(".") if f.name == "__init__.py" else m.split(".")[:-1]
        found = []
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    stem = ".".join(base[: len(base) - node.level + 1] + ([node.module] if node.module else []))
                else:
                    stem = node.module or ""
                names = [a.name for a in node.names]
            elif isinstance(node, ast.Import):
                stem, names = None, []
                for a in node.names:
                    found.append((a.name, [], node.lineno))
                continue
            else:
                continue
            found.append((stem, names, node.lineno))
        out[m] = found
    return out


def _resolve(target, mods):
    while target and target not in mods:
        target = target.rpartition(".")[0]
    return target


def _rank(module: str) -> int:
    parts = module.split(".")
    return LAYERS.get(parts[1], 0) if len(parts) > 1 else 0


def test_layers_point_one_way():
    mods = _modules()
    wrong = []
    for m, found in _imports(mods).items():
        for stem, names, line in found:
            if not stem or not stem.startswith("iid_research"):
                continue
            targets = {_resolve(stem, mods)} | {_resolve(f"{stem}.{n}", mods) for n in names}
            for tgt in targets - {m, "iid_research", ""}:
                if _rank(tgt) > _rank(m):
                    wrong.append(f"{mods[m].relative_to(ROOT)}:{line} imports {tgt} (a higher layer)")
    assert not wrong, "\n".join(wrong)


def test_no_import_cycle():
    mods = _modules()
    edges = {m: set() for m in mods}
    for m, found in _imports(mods).items():
        for stem, names, _ in found:
            if stem and stem.startswith("iid_research"):
                for tgt in {_resolve(stem, mods)} | {_resolve(f"{stem}.{n}", mods) for n in names}:
                    if tgt and tgt not in (m, "iid_research"):
                        edges[m].add(tgt)
    seen, stack, cycles = {}, [], []

    def visit(v):
        seen[v] = "open"
        stack.append(v)
        for w in edges[v]:
            if seen.get(w) == "open":
                cycles.append(stack[stack.index(w):] + [w])
            elif w not in seen:
                visit(w)
        stack.pop()
        seen[v] = "done"

    for v in edges:
        if v not in seen:
            visit(v)
    assert not cycles, cycles[:3]


def test_no_private_cross_module_imports():
    mods = _modules()
    wrong = []
    for m, found in _imports(mods).items():
        for stem, names, line in found:
            if stem and stem.startswith("iid_research") and _resolve(stem, mods) != m:
                wrong += [f"{mods[m].relative_to(ROOT)}:{line} imports {stem}.{n}" for n in names
                          if n.startswith("_") and n != "__version__"]
    assert not wrong, "\n".join(wrong)


def test_no_module_over_1000_lines():
    sizes = {str(f.relative_to(ROOT)): len(f.read_text(encoding="utf-8").splitlines()) for f in PKG.rglob("*.py")}
    big = {k: v for k, v in sizes.items() if v > 1000}
    assert not big, big


def test_every_catalogue_key_is_written_once():
    """A key written twice in one dict literal silently keeps the last text; across the parts it raises."""
    keys: list[str] = []
    for f in sorted((PKG / "text").glob("catalogue*.py")):
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Dict) and all(isinstance(k, ast.Constant) for k in node.keys) and node.keys \
                    and all(isinstance(v, ast.Dict) for v in node.values):
                keys += [k.value for k in node.keys]
    twice = sorted({k for k in keys if keys.count(k) > 1})
    assert not twice, twice
    from iid_research.text.catalogue import CATALOGUE, _merge
    assert len(keys) == len(CATALOGUE) > 600
    with pytest.raises(RuntimeError, match="defined twice: year"):
        _merge({"year": {"id": "Tahun", "en": "Year"}}, {"year": {"id": "Thn", "en": "Yr"}})


def test_analysis_returns_data_not_text():
    """No analysis module imports the text catalogue or IPython (analysis returns data and keys)."""
    for f in (PKG / "analysis").glob("*.py"):
        source = f.read_text(encoding="utf-8")
        assert "from ..text" not in source and "IPython" not in source, f


def test_framework_years_are_read_from_the_rules_not_pinned():
    """Framework and first-scale years live in rules/ (issue 9): no literal 2021/2023/2026 in the method's code.

    The simulator and the demo (years of published facts they reproduce) and the raw-data loaders (years of
    shipped tables) hold data years, not rules, and are not checked.
    """
    checked = [f for f in PKG.rglob("*.py") if not f.name.startswith("catalogue") and f.name not in ("simulate.py", "data.py", "demo.py")]
    wrong = []
    for f in checked:
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and type(node.value) is int and node.value in (2021, 2023, 2026):
                wrong.append(f"{f.relative_to(ROOT)}:{node.lineno}: {node.value}")
    assert not wrong, "\n".join(wrong)


# --------------------------------------------------------------------------- notebooks

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.py"))


def test_every_notebook_has_a_paired_ipynb():
    assert NOTEBOOKS, "no jupytext notebooks found"
    for py in NOTEBOOKS:
        assert py.with_suffix(".ipynb").exists(), f"{py.name} has no paired .ipynb (run `make notebooks`)"
    for ipynb in (ROOT / "notebooks").glob("*.ipynb"):
        assert ipynb.with_suffix(".py").exists(), f"{ipynb.name} has no jupytext source .py"


@pytest.mark.parametrize("py", NOTEBOOKS, ids=lambda p: p.name)
def test_paired_notebooks_are_in_sync(py):
    """The .ipynb papermill runs holds exactly the cells of its jupytext source (`make notebooks` re-syncs)."""
    import jupytext
    import nbformat

    source = jupytext.read(py)
    paired = nbformat.read(py.with_suffix(".ipynb"), as_version=4)

    def cells(nb):
        return [(c.cell_type, c.source.strip(), tuple(c.metadata.get("tags", []))) for c in nb.cells]

    assert cells(source) == cells(paired), f"{py.name} and its .ipynb differ; run `make notebooks`"
    assert all(not c.get("outputs") for c in paired.cells if c.cell_type == "code"), "stored outputs"
    tagged = [c for c in paired.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    assert paired.metadata.get("kernelspec", {}).get("name") == "iid-research"


def test_percentages_are_written_without_a_space():
    """PUEBI (and English usage) write 90%, not 90 %: every catalogue text and the share helper."""
    import re

    from iid_research.notebook.uncertainty import pct
    from iid_research.text.catalogue import CATALOGUE

    spaced = [k for k, v in CATALOGUE.items() for text in v.values() if re.search(r"[\d}] %", text)]
    assert not spaced, spaced
    assert (pct(0.42, "id"), pct(0.9, "en")) == ("42%", "90%")
