"""reports/index.html lists every report of the folder, whichever command wrote last (no kernel is started).

The notebook execution is replaced by a stub that writes a page and records its name, so the expected
list of reports is what the stub wrote, not what the index code computes.
"""

import json
import re
from html.parser import HTMLParser

import pytest
from click.testing import CliRunner

from iid_research import config
from iid_research.cli import main
from iid_research.frameworks import framework_for_year
from iid_research.render import batch, execute, parameters, runner
from iid_research.render import index as rindex
from iid_research.workspace import Workspace, init_workspace

BLORA = "33.16"


class _Index(HTMLParser):
    """Sections of an index page: [{group, heading, note, rows: [{href, cells}]}], and the filter box."""

    def __init__(self, text):
        super().__init__()
        self.sections, self.filters_hidden, self._in = [], None, None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "div" and attrs.get("id") == "filters":
            self.filters_hidden = "hidden" in attrs
        elif tag == "section":
            self.sections.append({"group": attrs.get("data-group"), "heading": "", "note": "", "rows": [],
                                  "table": False})
        elif tag in ("table", "h2"):  # a heading or table outside a section of its own starts an unnamed one
            if not self.sections or self.sections[-1]["table"]:
                self.sections.append({"group": None, "heading": "", "note": "", "rows": [], "table": False})
            self.sections[-1]["table"] = tag == "table"
            self._in = "heading" if tag == "h2" else None
        elif tag == "p" and self.sections and not self.sections[-1]["rows"]:
            self._in = "note"
        elif tag == "tr" and "data-province" in attrs:
            self.sections[-1]["rows"].append({"href": None, "cells": []})
        elif tag == "td":
            self.sections[-1]["rows"][-1]["cells"].append("")
            self._in = "td"
        elif tag == "a" and self._in == "td":
            self.sections[-1]["rows"][-1]["href"] = attrs["href"]

    def handle_endtag(self, tag):
        if tag in ("h2", "p", "td"):
            self._in = None

    def handle_data(self, data):
        if self._in in ("heading", "note"):
            self.sections[-1][self._in] += data
        elif self._in == "td":
            self.sections[-1]["rows"][-1]["cells"][-1] += data

    def hrefs(self):
        return {r["href"] for s in self.sections for r in s["rows"] if r["href"]}


def _read(out):
    return _Index((out / "index.html").read_text(encoding="utf-8"))


@pytest.fixture
def stub(monkeypatch):
    """Notebook runs replaced: each writes ``<stem>.html``; a 2024 overview fails like a broken notebook."""
    written = []

    def run_notebook(notebook, params, output_dir, **kwargs):
        stem = parameters.output_stem(notebook, params)
        if notebook.stem == "01_overview" and params.get("year") == 2024:
            raise RuntimeError("planted failure")
        (output_dir / f"{stem}.html").write_text(f"<!DOCTYPE html><html><body>{stem}</body></html>")
        written.append(stem)
        return {"html": output_dir / f"{stem}.html", "stem": stem}

    monkeypatch.setattr(execute, "run_notebook", run_notebook)
    return written


@pytest.fixture
def blora_ws(tmp_path):
    """A pemda's own workspace: Blora's SPD answers and innovation lists of 2023 and 2024 (02, 03, 04, 05)."""
    ws = init_workspace(tmp_path / "blora_ws", name="Kabupaten Blora")
    for year, level in ((2023, 2), (2024, 3)):  # each year its own file (the same file twice is refused)
        spd = tmp_path / f"spd_{year}.csv"
        spd.write_text("pemda,indikator,jawaban\n" + "".join(
            f"Kab. Blora,{r},{level}\n" for r in framework_for_year(year).spd_row_ids), encoding="utf-8")
        ws.import_file("spd", spd, year)
        sid = framework_for_year(year).sid_indicators
        inn = tmp_path / f"inovasi_{year}.csv"
        inn.write_text("pemda,id inovasi,nama inovasi,opd,tahapan,urusan," + ",".join(map(str, sid)) + "\n"
                       + f"Kab. Blora,I1,Inovasi {year},Dinas Kesehatan,penerapan,Kesehatan,"
                       + ",".join([str(level)] * len(sid)) + "\n", encoding="utf-8")
        ws.import_file("innovations", inn, year)
    return ws


def test_every_command_keeps_every_report_in_the_index(stub, blora_ws, tmp_path):
    out = tmp_path / "reports"
    invoke = CliRunner().invoke
    national = invoke(main, ["reports", "--limit", "2", "-o", str(out), "-j", "1"])
    assert national.exit_code == 0, national.output
    after_national = set(stub)
    # the overview, 2 pemda reports, 2 national-simulation demos and 4 demo-workspace reports
    assert len(after_national) == 9
    assert _read(out).hrefs() == {f"{s}.html" for s in after_national}

    ws = invoke(main, ["reports", "--workspace", str(blora_ws.path), "-o", str(out), "-j", "1"])
    assert ws.exit_code == 0, ws.output
    ws_stems = set(stub) - after_national
    assert len(ws_stems) == 4 and all("ws-blora-ws" in s for s in ws_stems)
    page = _read(out)
    assert page.hrefs() == {f"{s}.html" for s in stub}  # the national reports are still listed
    ws_section = [s for s in page.sections if s["group"] == "workspace"]
    assert len(ws_section) == 1 and {r["href"] for r in ws_section[0]["rows"]} == {f"{s}.html" for s in ws_stems}
    assert "Kabupaten Blora (blora_ws)" in ws_section[0]["heading"]
    assert "berkas pemda sendiri" in ws_section[0]["heading"] + ws_section[0]["note"]

    single = invoke(main, ["run", "01_overview", "-p", "year", "2023", "-o", str(out)])
    assert single.exit_code == 0, single.output
    broken = invoke(main, ["run", "01_overview", "-p", "year", "2024", "-o", str(out)])
    assert broken.exit_code == 1 and "planted failure" in broken.output
    page = _read(out)
    assert page.hrefs() == {f"{s}.html" for s in stub}
    assert "01_overview_2023_all_all_id.html" in {r["href"] for r in page.sections[0]["rows"]}
    failed = [r for s in page.sections for r in s["rows"] if r["cells"][-1] == "gagal"]
    assert [(r["href"], r["cells"][4]) for r in failed] == [(None, "2024")]

    again = invoke(main, ["reports", "--limit", "2", "-o", str(out), "-j", "1"])  # all up to date
    assert again.exit_code == 0 and "9 up to date" in again.output
    assert _read(out).hrefs() == {f"{s}.html" for s in stub}  # the workspace and single runs stay listed


def test_a_workspace_report_is_rebuilt_when_its_files_change_and_a_year_can_be_removed(stub, blora_ws, tmp_path):
    out = tmp_path / "reports"
    invoke = CliRunner().invoke
    args = ["reports", "--workspace", str(blora_ws.path), "-o", str(out), "-j", "1"]
    assert "4 built" in invoke(main, args).output
    assert "4 up to date" in invoke(main, args).output
    spd = tmp_path / "spd_2024_corrected.csv"  # the 2024 answers corrected: every report reads them
    spd.write_text("pemda,indikator,jawaban\n" + "".join(
        f"Kab. Blora,{r},1\n" for r in framework_for_year(2024).spd_row_ids), encoding="utf-8")
    assert invoke(main, ["import", "spd", str(spd), "--year", "2024", "--workspace", str(blora_ws.path),
                         "--replace"]).exit_code == 0
    rebuilt = invoke(main, args)
    assert "4 built" in rebuilt.output, rebuilt.output

    removed = invoke(main, ["workspace", "remove", str(blora_ws.path), "spd", "--year", "2023"])
    assert removed.exit_code == 0, removed.output
    n_rows = len(framework_for_year(2023).spd_row_ids)
    assert removed.output.startswith(f"removed spd 2023 33.16: {n_rows} rows from spd_2023.csv")
    held = Workspace(blora_ws.path).manifest()  # the 2023 innovation list stays: 2023 is held, but not scored
    assert sorted(held[["kind", "year"]].values.tolist()) == [["innovations", 2023], ["innovations", 2024],
                                                              ["spd", 2024]]
    assert sorted(p.name for p in (blora_ws.path / "tabel").rglob("*.csv")) == sorted(
        t.split("/")[-1] for t in held["table"])
    again = invoke(main, ["workspace", "remove", str(blora_ws.path), "spd", "--year", "2023"])
    assert again.exit_code == 1 and "no spd 2023 was imported (held spd: 2024 33.16); nothing was changed" \
        in again.output
    after = invoke(main, args)  # 03 needs two consecutive scored years: 02, 04 and 05 remain, rebuilt
    assert "3 built" in after.output, after.output
    assert ("33.16: 03_rank_drivers dilewati: perlu daftar inovasi dan jawaban SPD dua tahun berurutan, keduanya "
            "ada untuk tahun 2024") in " ".join(after.output.split())
    gone = sorted({s for s in stub if s.startswith("03_rank_drivers_33.16_2023_2024")})  # built twice
    assert len(gone) == 1 and f"removed {gone[0]}.html: the workspace no longer produces it" in after.output
    assert not (out / f"{gone[0]}.html").exists() and not runner.stamp_path(out, gone[0]).exists()
    assert f"{gone[0]}.html" not in _read(out).hrefs()  # the report on the removed 2023 answers is not listed
    assert len([h for h in _read(out).hrefs() if "ws-blora-ws" in h]) == 3


def test_sections_name_their_data_and_demo_rows_have_province_and_level(stub, blora_ws, tmp_path):
    out = tmp_path / "reports"
    for args in (["reports", "--limit", "1"], ["reports", "--workspace", str(blora_ws.path)]):
        result = CliRunner().invoke(main, [*args, "-o", str(out), "-j", "1"])
        assert result.exit_code == 0, result.output
    page = _read(out)
    assert [s["group"] for s in page.sections] == ["", "workspace", "demo"]  # published, workspace, demo last
    demo = page.sections[-1]
    assert "simulasi" in demo["heading"].lower() and "SIMULASI" in demo["note"]
    assert len(demo["rows"]) == 6
    # columns: report, kind, province, level, year, predikat, status; every demo report is on Kabupaten Blora
    assert {(r["cells"][2], r["cells"][3]) for r in demo["rows"]} == {("Jawa Tengah", "Kabupaten")}
    assert {(r["cells"][2], r["cells"][3]) for r in page.sections[1]["rows"]} == {("Jawa Tengah", "Kabupaten")}
    assert all(r["cells"][5] == "" for s in page.sections[1:] for r in s["rows"])  # no published predikat there


def test_index_works_without_its_script(stub, tmp_path):
    out = tmp_path / "reports"
    assert CliRunner().invoke(main, ["reports", "--limit", "1", "-o", str(out), "-j", "1"]).exit_code == 0
    text = (out / "index.html").read_text(encoding="utf-8")
    assert text.count("<script") == 1
    bare = _Index(re.sub(r"<script>.*?</script>", "", text, flags=re.S))
    rows = [r for s in bare.sections for r in s["rows"]]
    assert len(rows) == len(stub) == 8 and all(r["href"] for r in rows)  # every report listed and linked
    assert bare.filters_hidden is True  # controls that need the script are not shown without it
    assert "display" not in text.split("<script>")[0].split("<body>")[1]  # no row hidden by markup


def test_reports_of_older_versions_are_listed_from_their_notebook_and_parameters(tmp_path):
    out = tmp_path / "reports"
    (out / "notebooks").mkdir(parents=True)
    # a stamp from before stamps carried titles (key and parameters only)
    (out / "02_pemda_report_33.16_2022_en.html").write_text("<html></html>")
    (out / "notebooks" / "02_pemda_report_33.16_2022_en.stamp.json").write_text(json.dumps(
        {"key": "k", "parameters": {"kode_wilayah": BLORA, "year": 2022, "lang": "en", "workspace": ""}}))
    # a page from `run` before it wrote stamps: only its executed notebook says what it is
    (out / "03_rank_drivers_33.16_2022_2023_10_id.html").write_text("<html></html>")
    (out / "notebooks" / "03_rank_drivers_33.16_2022_2023_10_id.ipynb").write_text(json.dumps({"metadata": {
        "papermill": {"input_path": str(config.NOTEBOOKS_DIR / "03_rank_drivers.ipynb"), "parameters": {
            "kode_wilayah": BLORA, "year_from": 2022, "year_to": 2023, "target_rank": 10, "lang": "id",
            "workspace": ""}}}}))
    (out / "mine.html").write_text("<html>not made by the package</html>")
    (out / "notebooks" / "gone.stamp.json").write_text(json.dumps({"key": "k", "parameters": {}}))  # page deleted
    entries = {e["stem"]: e for e in rindex.folder_entries(out)}
    assert set(entries) == {"02_pemda_report_33.16_2022_en", "03_rank_drivers_33.16_2022_2023_10_id"}
    pemda = entries["02_pemda_report_33.16_2022_en"]
    # Blora 2022: rank 16 of the kabupaten, "Sangat Inovatif" (the published results in data/raw)
    assert (pemda["title"], pemda["group"], pemda["province"], pemda["level"], pemda["predicate"]) == (
        "Kabupaten Blora (2022) [en]", "", "Jawa Tengah", "kabupaten", "Sangat Inovatif")
    drivers = entries["03_rank_drivers_33.16_2022_2023_10_id"]
    assert (drivers["title"], drivers["group"], drivers["year"]) == ("Pendorong peringkat (simulasi) [id]", "demo",
                                                                     2023)


def test_an_up_to_date_report_gets_its_title_into_an_old_stamp(tmp_path):
    nb = config.NOTEBOOKS_DIR / "01_overview.ipynb"
    out = tmp_path / "reports"
    job = batch.default_run_list()[0]
    assert job.notebook == nb
    [task], _ = runner.plan_batch([job], out)
    (out / "notebooks").mkdir(parents=True)
    (out / f"{task.stem}.html").write_text("<html></html>")
    stamp = out / "notebooks" / f"{task.stem}.stamp.json"
    stamp.write_text(json.dumps({"key": task.key, "parameters": task.params}))  # as older versions wrote it
    tasks, done = runner.plan_batch([job], out)
    assert not tasks and done[0].status == "up to date"
    record = json.loads(stamp.read_text())
    assert (record["key"], record["title"], record["meta"]["kind"]) == (task.key, "Ikhtisar IID", "overview")


def test_workspace_jobs_carry_titles_and_the_pemda_province(blora_ws):
    jobs = batch.workspace_run_list(blora_ws.path, langs=("id", "en"))
    assert [(j.notebook.stem, j.title) for j in jobs[:4]] == [
        ("02_pemda_report", "Kabupaten Blora (2024)"), ("03_rank_drivers", "Pendorong peringkat: Kabupaten Blora"),
        ("04_opd_clusters", "Klaster OPD: Kabupaten Blora"),
        ("05_workspace_report", "Proyeksi dan papan skor OPD: Kabupaten Blora")]
    assert jobs[5].title == "Rank drivers: Kabupaten Blora" and jobs[5].parameters["year_from"] == 2023
    assert {(j.meta["group"], j.meta["province"], j.meta["level"], j.meta["workspace_name"]) for j in jobs} == {
        ("workspace", "Jawa Tengah", "kabupaten", "Kabupaten Blora")}


def test_demo_jobs_carry_the_province_and_level_of_their_pemda():
    demo = [j for j in batch.default_run_list() if j.meta.get("group") == "demo" and "workspace" in j.parameters]
    assert len(demo) == 4  # 02-05 on the demo workspace, all on Kabupaten Blora (Jawa Tengah)
    assert {(j.meta["province"], j.meta["level"]) for j in demo} == {("Jawa Tengah", "kabupaten")}


def test_a_reports_folder_that_cannot_be_used_is_one_clear_line(stub, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "notebooks").write_text("a file where the folder goes", encoding="utf-8")
    below_a_file = tmp_path / "a_file"
    below_a_file.write_text("x", encoding="utf-8")
    for folder in (out, below_a_file / "sub"):
        result = CliRunner().invoke(main, ["reports", "--limit", "1", "-o", str(folder), "-j", "1"])
        assert result.exit_code == 1 and "cannot be used as the reports folder" in result.output, result.output
        assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)
    assert not stub  # nothing was rendered


def test_an_interrupted_rebuild_lists_its_reports_as_outdated(stub, blora_ws, tmp_path, monkeypatch):
    out = tmp_path / "reports"
    args = ["reports", "--workspace", str(blora_ws.path), "-o", str(out), "-j", "1"]
    assert "4 built" in CliRunner().invoke(main, args).output
    spd = tmp_path / "spd_2024_corrected.csv"
    spd.write_text("pemda,indikator,jawaban\n" + "".join(
        f"Kab. Blora,{r},1\n" for r in framework_for_year(2024).spd_row_ids), encoding="utf-8")
    Workspace(blora_ws.path).import_file("spd", spd, 2024, replace=True)  # every report must be rebuilt

    def interrupted(notebook, params, output_dir, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(execute, "run_notebook", interrupted)
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 130 and "interrupted: the reports not rebuilt are listed as outdated" in result.output
    rows = [r for s in _read(out).sections for r in s["rows"]]
    assert len(rows) == 4 and {r["cells"][-1] for r in rows} == {"usang: data atau kode berubah, buat ulang"}
    monkeypatch.setattr(execute, "run_notebook", lambda nb, p, o, **k: _write_stub(nb, p, o))
    again = CliRunner().invoke(main, args)
    assert "4 built" in again.output, again.output  # outdated reports are rebuilt, then listed as ok
    assert {r["cells"][-1] for s in _read(out).sections for r in s["rows"]} == {"ok"}


def _write_stub(notebook, params, output_dir):
    stem = parameters.output_stem(notebook, params)
    (output_dir / f"{stem}.html").write_text(f"<!DOCTYPE html><html><body>{stem}</body></html>")
    return {"html": output_dir / f"{stem}.html", "stem": stem}


def test_reports_of_a_workspace_folder_that_is_gone_are_listed_as_such(stub, blora_ws, tmp_path):
    import shutil

    out = tmp_path / "reports"
    assert "4 built" in CliRunner().invoke(main, ["reports", "--workspace", str(blora_ws.path), "-o", str(out),
                                                  "-j", "1"]).output
    shutil.rmtree(blora_ws.path)
    rindex.write_folder_index(out)
    rows = [r for s in _read(out).sections for r in s["rows"]]
    assert len(rows) == 4 and {r["cells"][-1] for r in rows} == {"ruang kerja tidak ditemukan"}


def test_a_report_built_before_its_workspace_changed_is_listed_outdated(stub, blora_ws, tmp_path):
    """A report made by `run` is not rebuilt by `reports --workspace`: after a re-import it must not say ok."""
    out = tmp_path / "reports"
    invoke = CliRunner().invoke
    args = ["reports", "--workspace", str(blora_ws.path), "-o", str(out), "-j", "1"]
    assert "4 built" in invoke(main, args).output
    custom = invoke(main, ["run", "05_workspace_report", "-p", "workspace", str(blora_ws.path), "-p", "year", "2024",
                           "-p", "target_rank", "3", "-o", str(out)])
    assert custom.exit_code == 0, custom.output
    spd = tmp_path / "spd_2024_corrected.csv"
    spd.write_text("pemda,indikator,jawaban\n" + "".join(
        f"Kab. Blora,{r},1\n" for r in framework_for_year(2024).spd_row_ids), encoding="utf-8")
    Workspace(blora_ws.path).import_file("spd", spd, 2024, replace=True)
    assert "4 built" in invoke(main, args).output
    status = {r["href"]: r["cells"][-1] for s in _read(out).sections for r in s["rows"]}
    assert len(status) == 5 and sorted(status.values()).count("ok") == 4
    (target_3,) = [h for h in status if "_3_id" in h]
    assert status[target_3] == "usang: data atau kode berubah, buat ulang"
