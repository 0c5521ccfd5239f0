"""Every notebook has one parameters cell and no outputs; every notebook runs on the shipped data."""

import decimal
import json
import re

import nbformat
import pytest

from iid_research import config
from iid_research.render import execute, parameters

NOTEBOOKS = sorted(config.NOTEBOOKS_DIR.glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_one_parameters_cell_and_no_outputs(path):
    nb = nbformat.read(path, as_version=4)
    assert len(parameters.parameter_cells(nb)) == 1
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
    declared = parameters.declared_parameters(path)
    assert "lang" in declared
    assert all(spec["help"] for spec in declared.values()), "every parameter needs a comment"


def _assert_clean_html(page):
    text = page.read_text(encoding="utf-8")
    assert "Traceback" not in text and "jp-OutputArea-output error" not in text
    assert "rp.setup(" not in text and "from iid_research import" not in text  # no code in the report
    assert "data:image/png;base64" in text
    return text


@pytest.mark.slow
def test_pemda_report_runs_on_real_data(tmp_path):
    out = execute.run_notebook(config.NOTEBOOKS_DIR / "02_pemda_report.ipynb",
                              {"kode_wilayah": "33.16", "year": "2023", "lang": "id"}, tmp_path)
    assert out["html"].name == "02_pemda_report_33.16_2023_id.html"
    text = _assert_clean_html(out["html"])
    assert "Kabupaten Blora" in text and "Peringkat 12" in text and "DATA NYATA" in text
    # the driver and OPD sections are built on simulated data and say so
    assert "DATA SIMULASI" in text and "[SIMULASI] Tiga komponen" in text and "[SIMULASI] OPD penyumbang poin SID terbesar" in text
    nb = json.loads(out["ipynb"].read_text())
    assert nb["metadata"]["papermill"]["parameters"]["kode_wilayah"] == "33.16"


@pytest.mark.slow
def test_pemda_report_in_english_for_a_province(tmp_path):
    out = execute.run_notebook(config.NOTEBOOKS_DIR / "02_pemda_report.ipynb",
                              {"kode_wilayah": "11", "year": "2024", "lang": "en"}, tmp_path)
    text = _assert_clean_html(out["html"])
    assert "Regional Innovation Index report: Provinsi Aceh" in text and "55.87" in text


@pytest.mark.slow
@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if not p.name.startswith("02_")], ids=lambda p: p.name)
def test_every_other_notebook_runs_with_defaults(path, tmp_path):
    out = execute.run_notebook(path, {}, tmp_path)
    _assert_clean_html(out["html"])


def _text_outputs(path):
    nb = json.loads(path.read_text())
    texts = []
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            for mime in ("text/markdown", "text/html", "text/plain"):
                if mime in data:
                    texts.append("".join(data[mime]) if isinstance(data[mime], list) else data[mime])
    return texts


@pytest.mark.slow
def test_same_inputs_give_identical_report_numbers(tmp_path):
    nb = config.NOTEBOOKS_DIR / "02_pemda_report.ipynb"
    first = execute.run_notebook(nb, {"kode_wilayah": "11", "year": "2024"}, tmp_path / "a")
    second = execute.run_notebook(nb, {"kode_wilayah": "11", "year": "2024"}, tmp_path / "b")
    assert _text_outputs(first["ipynb"]) == _text_outputs(second["ipynb"])
    assert len(_text_outputs(first["ipynb"])) > 10


RAW_OPD_KEYS = ("opd_name_normalised", "raise_level", "add_innovation", "jenis_metode_share", "satpol_pp",
                "perumahan_permukiman", "opd_key", "_mean_level")


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["id", "en"])
def test_opd_clusters_report_has_readable_labels(tmp_path, lang):
    out = execute.run_notebook(config.NOTEBOOKS_DIR / "04_opd_clusters.ipynb", {"lang": lang}, tmp_path)
    text = _assert_clean_html(out["html"])
    for key in RAW_OPD_KEYS:
        assert key not in text, key
    assert not re.search(r">\s*(True|False|None|nan)\s*<", text)
    assert "dataframe" not in text  # every table goes through display.show_table (no index column)
    if lang == "id":
        assert "SIMULATED" not in text and "SIMULASI" in text and "ARI 0," in text
    else:
        assert "SIMULATED" in text


@pytest.mark.slow
def test_rank_drivers_report_sums_parts_and_shows_source_caveats(tmp_path):
    from iid_research.simulate import simulate_iid

    out = execute.run_notebook(config.NOTEBOOKS_DIR / "03_rank_drivers.ipynb", {"lang": "id"}, tmp_path)
    text = _assert_clean_html(out["html"])
    # Blora's 2021 rank is sourced now (the regent's statement of 10 Jul 2023), and the report says from whom
    assert "Catatan sumber" in text and "tidak memiliki halaman sumber" not in text
    assert "nilai 2021 (peringkat 80) berasal dari berita mengutip pejabat daerah" in text
    assert "Perubahan skor pemda lain" in text and "Jumlah = perubahan peringkat" in text and "-64,00" in text
    blora = simulate_iid().scores.set_index(["kode_wilayah", "year"])["iid_score"]
    for year in (2021, 2022):  # the simulated scores, with a decimal comma
        shown = str(decimal.Decimal(repr(float(blora[("33.16", year)]))).quantize(
            decimal.Decimal("0.01"), rounding=decimal.ROUND_HALF_UP))
        assert shown.replace(".", ",") in text and shown not in text
