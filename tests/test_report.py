
import hashlib

import nbformat
import numpy as np
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


def test_two_workspaces_in_folders_of_the_same_name_get_different_report_names(tmp_path, monkeypatch):
    nb = "notebooks/05_workspace_report.ipynb"
    a, b = tmp_path / "dinas" / "blora_ws", tmp_path / "bappeda" / "blora_ws"
    stem_a = parameters.output_stem(nb, {"workspace": str(a), "lang": "id"})
    stem_b = parameters.output_stem(nb, {"workspace": str(b), "lang": "id"})
    assert stem_a != stem_b
    digest = hashlib.sha256(str(a.resolve()).encode()).hexdigest()[:6]
    assert stem_a == f"05_workspace_report_ws-blora-ws-{digest}_id"
    (tmp_path / "dinas").mkdir()
    monkeypatch.chdir(tmp_path / "dinas")
    assert parameters.output_stem(nb, {"workspace": "blora_ws", "lang": "id"}) == stem_a  # a relative path too


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


# --------------------------------------------------------------------------- lean reports (issue 14)

def _img_attrs(page):
    from html.parser import HTMLParser

    found = []

    class Images(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag == "img":
                found.append(dict(attrs))

    Images().feed(page)
    return found


def _download(markup):
    import re
    from urllib.parse import unquote_to_bytes

    m = re.search(r'<a download="([^"]+)" href="data:text/csv;charset=utf-8,([^"]*)"', markup)
    assert m, "the table has a CSV download link"
    return m.group(1), unquote_to_bytes(m.group(2))


def test_table_download_link_is_the_table_as_excel_csv():
    import csv
    import io

    frame = pd.DataFrame({"nama": ["Kab. Pidie Jaya", "Kota Banda Aceh"], "iid_score": [1234.5, float("nan")],
                          "is_provisional": [True, False], "rank": [3, 12]})
    markup = display.table_html(frame, "id")
    name, data = _download(markup)
    assert data.startswith(b"\xef\xbb\xbf") and name.endswith(".csv")
    rows = list(csv.reader(io.StringIO(data[3:].decode("utf-8")), delimiter=";"))
    header = [h for h in __import__("re").findall(r'<th scope="col">([^<]*)</th>', markup)]
    assert rows[0] == header == ["Pemerintah daerah", "Nilai IID", "Sementara", "Peringkat"]
    assert rows[1:] == [["Kab. Pidie Jaya", "1234,5", "Ya", "3"], ["Kota Banda Aceh", "", "Tidak", "12"]]
    assert "Unduh CSV (2 baris)" in markup
    _, data_en = _download(display.table_html(frame, "en"))
    rows_en = list(csv.reader(io.StringIO(data_en[3:].decode("utf-8"))))
    assert rows_en[1] == ["Kab. Pidie Jaya", "1234.5", "Yes", "3"]


def test_table_download_has_every_row_beyond_the_shown_ones():
    frame = pd.DataFrame({"year": list(range(100)), "iid_score": [float(i) / 4 for i in range(100)]})
    markup = display.table_html(frame, "en", max_rows=10)
    _, data = _download(markup)
    lines = data.decode("utf-8-sig").splitlines()
    assert len(lines) == 101 and lines[-1] == "99,24.75" and markup.count("<tr>") == 11


def test_local_formatter_writes_indonesian_ticks():
    import matplotlib.pyplot as plt

    from iid_research.figures.labels import localize
    fig, ax = plt.subplots()
    ax.plot([0, 1.5], [0, 20000])
    localize(ax, "id")
    fig.canvas.draw()
    xs = [(t.get_position()[0], t.get_text()) for t in ax.get_xticklabels() if t.get_text()]
    ys = [(t.get_position()[1], t.get_text()) for t in ax.get_yticklabels() if t.get_text()]
    assert any("," in label for _, label in xs) and all("." not in label for _, label in xs)
    assert "10.000" in [label for _, label in ys]
    for loc, label in xs + ys:  # reading the label back (dot = thousands, comma = decimal) gives the tick
        assert float(label.replace(".", "").replace(",", ".").replace("\N{MINUS SIGN}", "-")) == pytest.approx(loc)


def test_figures_carry_a_text_alternative_with_their_key_numbers():
    import matplotlib.pyplot as plt

    from iid_research.figures import overview
    from iid_research.figures.labels import alt_text
    peers = pd.DataFrame({"nama": ["Kab. A", "Kab. B", "Kota C"], "iid_score": [41.25, 70.5, 55.0],
                          "predicate": ["Inovatif", "Sangat Inovatif", "Inovatif"], "is_focus": [False, False, True]})
    fig = plt.figure()
    overview.plot_peer_scores(peers, lang="id", ax=fig.gca())
    alt = alt_text(fig)
    assert "3 pemda" in alt and "Tertinggi Kab. B (70,50)" in alt and "Kota C: 55,00, urutan 2 dari 3" in alt


def test_figure_bundle_is_one_small_image_with_alt_text():
    import base64
    import io

    import matplotlib.pyplot as plt
    from PIL import Image

    from iid_research.figures import overview
    from iid_research.notebook import images
    history = pd.DataFrame({"kode_wilayah": "33.16", "nama": "Kabupaten Blora", "year": [2021, 2022, 2023],
                            "rank": [80, 16, 12]})
    fig = plt.figure(figsize=(8, 4))
    overview.plot_rank_trajectories(history, highlight="33.16", lang="en", ax=fig.gca())
    data, meta = images.figure_bundle(fig, "en")
    (mime,) = data
    assert meta[mime]["alt"] == ("Rank trajectories of pemda with several years: Line: rank of Kabupaten Blora per "
                                 "year (rank 1 at the top): 2021: 80, 2022: 16, 2023: 12.")
    png = base64.b64decode(images.figure_bundle(fig, "en", fmt="png")[0]["image/png"])
    svg = images.figure_bundle(fig, "en", fmt="svg")[0]["image/svg+xml"]
    assert Image.open(io.BytesIO(png)).mode == "P"  # palette PNG
    assert "<text" in svg and ">2022<" in svg  # text stays text
    smaller = "image/svg+xml" if len(images.svg_data_uri(svg)) < len(images.png_data_uri(
        base64.b64encode(png).decode())) else "image/png"
    assert mime == smaller
    assert 450 < meta[mime]["width"] <= 640  # 8 inches at 80 CSS px per inch, cropped to the content


def test_lean_html_report(tmp_path):
    import base64
    import io

    import matplotlib.pyplot as plt

    from iid_research.notebook import images
    fig, ax = plt.subplots()
    ax.plot([1, 2], [1, 2])
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    nb = nbformat.v4.new_notebook(metadata={"papermill": {"parameters": {"lang": "en"}}})
    cell = nbformat.v4.new_code_cell("print(1)")
    cell.outputs = [
        nbformat.v4.new_output("display_data", data={"text/markdown": "# Report <b>X</b>", "text/plain": "x"}),
        nbformat.v4.new_output("display_data", data={"text/html": display.table_html(
            pd.DataFrame({"year": [2023]}), "en"), "text/plain": "t"}),
        nbformat.v4.new_output("display_data", data={"image/png": base64.b64encode(buf.getvalue()).decode()},
                               metadata={"image/png": {"alt": 'A line "from" 1 to 2', "width": 400, "height": 300}}),
        nbformat.v4.new_output("display_data", data={"image/svg+xml": images.svg_text(fig)}),
    ]
    nb.cells = [cell]
    path = tmp_path / "r.ipynb"
    nbformat.write(nb, path)
    page = rhtml.render_html(path, tmp_path / "r.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="en">' in page and "<title>Report <b>X</b>" not in page
    assert "<script" not in page and "jp-" not in page and "http" not in page.replace("http://www.w3.org", "")
    imgs = _img_attrs(page)
    assert [i["alt"] for i in imgs] == ['A line "from" 1 to 2', "Figure without a description"]
    assert imgs[0]["width"] == "400" and imgs[1]["src"].startswith("data:image/svg+xml,%3Csvg")
    assert 'scope="col"' in page and "Download CSV (1 rows)" in page and "print(1)" not in page
    images_size = sum(len(i["src"]) for i in imgs)
    assert len(page.encode()) - images_size < 6_000  # the stylesheet and the page around the outputs stay small


def test_whole_numbers_are_grouped_except_years_and_codes():
    frame = pd.DataFrame({"year": [2023], "kode_wilayah": ["33.16"], "innovations_reported_count": [26900],
                          "rank": [12]})
    cells = __import__("re").findall(r"<td>([^<]*)</td>", display.table_html(frame, "id"))
    assert cells == ["2023", "33.16", "26.900", "12"]
    cells_en = __import__("re").findall(r"<td>([^<]*)</td>", display.table_html(frame, "en"))
    assert cells_en == ["2023", "33.16", "26,900", "12"]


def test_magnitude_format_writes_large_values_whole():
    fmt = display.magnitude_floatfmt("id", 1)
    assert [fmt(927961.0), fmt(3.25), fmt(1234.56)] == ["927.961", "3,3", "1.235"]


def test_rules_table_writes_the_count_rule_in_the_report_language():
    from iid_research.frameworks import framework_for_year
    from iid_research.notebook.overview import rules_table

    fw = framework_for_year(2026)
    row = rules_table(fw, "id").iloc[0]
    assert row["count_score_rule"] == "0,38 × MIN(n, 200) jika mencakup ≥5 dari 6 urusan pelayanan dasar"
    assert row["max_total"] == 250 and isinstance(row["max_total"], (int, np.integer))
    assert rules_table(framework_for_year(2023), "en").iloc[0]["count_score_rule"] == "0.38 × MIN(n, 200)"
    assert rules_table(fw, "id").iloc[0]["status"] != fw.status  # the English note is not shown to id readers


def test_a_quantity_column_has_one_number_of_decimals_whatever_the_table_format():
    import re

    frame = pd.DataFrame({"opd_iid_contribution": [4.03, 3.6, 3.2], "opd_maturity": [60.5, 54.0, 47.5],
                          "opd_sid_points": [121.0, 108.0, 95.0], "plan_cost": [3.0, 2.5, 1.0],
                          "opd_plan_cost": [854.0, 3.0, 0.0], "other": [0.5, 1.25, 2.0]})
    markup = display.table_html(frame, "id", floatfmt=display.local_floatfmt("id", ",.2g"))
    cells = re.findall(r"<td>([^<]*)</td>", markup)
    columns = [cells[j::frame.shape[1]] for j in range(frame.shape[1])]
    assert columns[0] == ["4,03", "3,60", "3,20"]  # the IID's two decimals
    assert columns[1] == ["60,5", "54,0", "47,5"]  # maturity: one
    assert columns[2] == ["121", "108", "95"]  # whole SID points: none
    assert columns[3] == ["3,0", "2,5", "1,0"]  # one fractional cost: every cost gets its decimal
    assert columns[4] == ["854", "3", "0"]
    assert columns[5] == ["0,5", "1,25", "2"]  # a column no rule names keeps the table's format
    # a scorecard writes a value with the decimals of the scoreboard column it comes from
    decimals = display.column_decimals(frame)
    assert [display.quantity_text("opd_maturity", v, "id", decimals.get("opd_maturity")) for v in (54.0, 60.5)] == \
        ["54,0", "60,5"]
    assert display.quantity_text("plan_cost", 2.0, "id", decimals["plan_cost"]) == "2,0"
    assert display.quantity_text("opd_sid_points", float("nan"), "en") == "–"
