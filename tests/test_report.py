
import nbformat
import pandas as pd
import pytest

from iid_research import config
from iid_research.notebook import display, pemda
from iid_research.render import batch, parameters, runner
from iid_research.render import html as rhtml


def _notebook(path, param_source=None, body="x = 1"):
    nb = nbformat.v4.new_notebook()
    cells = []
    if param_source is not None:
        cell = nbformat.v4.new_code_cell(param_source)
        cell.metadata["tags"] = ["parameters"]
        cells.append(cell)
    cells.append(nbformat.v4.new_code_cell(body))
    nb.cells = cells
    nbformat.write(nb, path)
    return path


def test_notebook_without_parameters_cell_is_an_error(tmp_path):
    path = _notebook(tmp_path / "plain.ipynb")
    with pytest.raises(parameters.NotebookParameterError, match="exactly one code cell tagged 'parameters', found 0"):
        parameters.check_parameters(path, {"year": 2022})


def test_undeclared_parameter_is_an_error_listing_declared(tmp_path):
    path = _notebook(tmp_path / "p.ipynb", 'year: int = 2022  # year\nlang: str = "id"  # language')
    with pytest.raises(parameters.NotebookParameterError, match=r"\['region'\] not declared.*\['year', 'lang'\]"):
        parameters.check_parameters(path, {"region": "Blora"})


def test_parameters_are_typed_by_declaration(tmp_path):
    path = _notebook(tmp_path / "p.ipynb", 'kode_wilayah: str = "33.16"  # code\nyear: int = 2022  # year\n'
                                           'share: float = 0.5  # share\nflag: bool = False  # flag')
    params = parameters.check_parameters(path, {"kode_wilayah": "33.10", "year": "2024", "flag": "true"})
    assert params == {"kode_wilayah": "33.10", "year": 2024, "share": 0.5, "flag": True}
    with pytest.raises(parameters.NotebookParameterError, match="expects int"):
        parameters.check_parameters(path, {"year": "twenty"})


def test_unparseable_parameter_line_is_an_error(tmp_path):
    path = _notebook(tmp_path / "p.ipynb", 'year: int = 2022  # year\nregion: str = "x"  # code (33.16 = Blora)')
    with pytest.raises(parameters.NotebookParameterError, match="could not read parameter"):
        parameters.declared_parameters(path)


def test_output_stem_comes_from_parameters():
    stem = parameters.output_stem("notebooks/02_pemda_report.ipynb", {"kode_wilayah": "33.16", "year": 2023, "lang": "en"})
    assert stem == "02_pemda_report_33.16_2023_en"


def test_table_html_escapes_data_text():
    frame = pd.DataFrame({"nama": ["<script>alert(1)</script>"], "iid_score": [60.5]})
    markup = display.table_html(frame, "en")
    assert "<script>" not in markup and "&lt;script&gt;" in markup
    assert "IID score" in markup and "60.50" in markup


def test_summary_sentences_for_blora_2023():
    from iid_research.analysis.published import pemda_summary
    lines = pemda.pemda_summary_sentences(pemda_summary("33.16", 2023), "id")
    assert "Peringkat 12 di klaster kabupaten." in lines
    assert any("dari 16 (2022) menjadi 12 (2023): naik 4 posisi" in x for x in lines)
    lines_en = pemda.pemda_summary_sentences(pemda_summary("33.16", 2022), "en")
    assert "Rank 16 of 415 kabupaten." in lines_en and any("up 64 places" in x for x in lines_en)


def test_index_links_every_entry_and_escapes(tmp_path):
    page = tmp_path / "a.html"
    page.write_text("x")
    index = rhtml.write_index([{"html": page, "title": "Kab <b>X</b>", "kind": "pemda", "province": "Aceh",
                                 "level": "kabupaten", "predicate": "Inovatif", "year": 2022},
                                {"html": None, "title": "broken", "status": "failed"}], tmp_path)
    text = index.read_text()
    assert 'href="a.html"' in text and "Kab &lt;b&gt;X&lt;/b&gt;" in text
    assert 'data-province="Aceh"' in text and "2 laporan" in text


def test_default_run_list_covers_every_pemda_with_results():
    jobs = batch.default_run_list()
    from iid_research.analysis.published import pemda_with_results
    pemda = [j for j in jobs if j.meta.get("kind") == "pemda" and not j.meta.get("group")]
    assert len(pemda) == len(pemda_with_results())
    demo = [j for j in jobs if j.meta.get("group") == "demo"]
    assert demo and all("workspace" not in j.parameters or "demo_workspace" in j.parameters["workspace"]
                        for j in demo)  # the demo is apart from the real pemda reports
    blora = [j for j in pemda if j.parameters["kode_wilayah"] == "33.16"][0]
    assert blora.parameters == {"kode_wilayah": "33.16", "year": 2023, "lang": "id"}
    assert jobs[0].notebook.name == "01_overview.ipynb"


def test_run_list_validation(tmp_path):
    good = tmp_path / "runs.yml"
    good.write_text("defaults: {lang: en}\nruns:\n  - notebook: 01_overview.ipynb\n    parameters: {year: 2024}\n")
    jobs = batch.load_run_list(good)
    assert jobs[0].parameters == {"lang": "en", "year": 2024}
    bad = tmp_path / "bad.yml"
    bad.write_text("runs:\n  - notebook: 01_overview.ipynb\n    parameters: {region: x}\n")
    with pytest.raises(batch.RunListError, match=r"run 1: .*\['region'\] not declared"):
        batch.load_run_list(bad)
    bad.write_text("runs:\n  - notebook: nope.ipynb\n")
    with pytest.raises(batch.RunListError, match="not found"):
        batch.load_run_list(bad)


def test_build_key_changes_with_inputs(tmp_path):
    nb = config.NOTEBOOKS_DIR / "01_overview.ipynb"
    k1 = runner.build_key(nb, {"year": 2022}, "abc")
    assert k1 == runner.build_key(nb, {"year": 2022}, "abc")
    assert k1 != runner.build_key(nb, {"year": 2023}, "abc")
    assert k1 != runner.build_key(nb, {"year": 2022}, "abd")


@pytest.mark.parametrize("lang, word", [("id", "DATA SIMULASI"), ("en", "SIMULATED DATA")])
def test_simulated_banner_is_translated(lang, word):
    markup = display.banner_html("simulated", lang)
    assert word in markup and "_label" not in markup and "iid-simulated" in markup
    with pytest.raises(ValueError):
        display.banner_html("guess", lang)


@pytest.mark.parametrize("params, message", [
    ({"kode_wilayah": "99.99"}, "not a known Kemendagri or BPS code"),
    ({"kode_wilayah": "Semarang"}, "matches 2 pemda"),
    ({"year": "2010"}, "outside the years"),
    ({"lang": "fr"}, "must be 'id'"),
    ({"year": 2.7}, "expects int"),
    ({"lang": None}, "expects str"),
])
def test_known_parameters_are_checked_before_running(params, message):
    with pytest.raises(parameters.NotebookParameterError, match=message):
        parameters.check_parameters(config.NOTEBOOKS_DIR / "02_pemda_report.ipynb", params)


def test_kode_wilayah_may_be_given_as_a_name():
    params = parameters.check_parameters(config.NOTEBOOKS_DIR / "02_pemda_report.ipynb", {"kode_wilayah": "Kab. Blora"})
    assert params["kode_wilayah"] == "33.16"


@pytest.mark.parametrize("text, message", [
    ("runs:\n  - notebook: 01_overview.ipynb\n    parameters: [1, 2]\n", "'parameters' must be a mapping"),
    ("defaults: [1]\nruns: []\n", "'defaults' must be a mapping"),
    ("runs:\n  - notebook: 123\n", "'notebook' must be a file name"),
    ("runz: []\n", "unknown top-level key"),
    ("runs:\n  - notebook: 01_overview.ipynb\n    parameters: {year: 2.7}\n", "expects int"),
])
def test_run_list_types_are_checked(tmp_path, text, message):
    path = tmp_path / "runs.yml"
    path.write_text(text)
    with pytest.raises(batch.RunListError, match=message):
        batch.load_run_list(path)


def test_run_list_that_is_not_utf8(tmp_path):
    path = tmp_path / "runs.yml"
    path.write_bytes(b"runs:\n  - notebook: \xff\xfe\n")
    with pytest.raises(batch.RunListError, match="not UTF-8"):
        batch.load_run_list(path)


def test_duplicate_jobs_are_planned_once(tmp_path):
    nb = config.NOTEBOOKS_DIR / "01_overview.ipynb"
    tasks, done = runner.plan_batch([runner.Job(nb, {"year": 2022}), runner.Job(nb, {"year": 2022})], tmp_path)
    assert len(tasks) == 1 and done[1].status == "duplicate" and "job 1" in done[1].error


def test_simulate_command_writes_labelled_tables(tmp_path):
    from click.testing import CliRunner

    from iid_research.cli import main
    result = CliRunner().invoke(main, ["simulate", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    files = sorted(p.name for p in tmp_path.glob("simulated_*.csv"))
    assert files == [f"simulated_{n}_seed20240101.csv" for n in ("calibration", "innovations", "scores", "spd")]
    scores = pd.read_csv(tmp_path / "simulated_scores_seed20240101.csv", dtype={"kode_wilayah": str})
    assert (scores["source"] == "simulated").all() and "SIMULATED" in result.output
    blora = scores[(scores.kode_wilayah == "33.16") & (scores.year == 2022)].iloc[0]
    assert blora["rank"] == 16  # the simulator reproduces the published rank
