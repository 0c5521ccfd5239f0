"""Open the rendered reports in headless Chromium (Debian's chromium + chromium-driver).

Skipped, with the reason, when Chromium or its driver is not installed; `.ci/run` installs them.

The accessibility check runs axe-core (Deque, MPL-2.0), installed from the npm registry on first
use into ``~/.cache/iid-research/axe-core-<version>`` (``$XDG_CACHE_HOME`` respected; ``IID_AXE_JS``
may point at an ``axe.min.js`` instead).  It is not vendored: ``axe.min.js`` is ~650 KB.  Without
npm or network the axe test is skipped with the reason; the other checks still run.
"""

import csv
import io
import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from iid_research.render import batch
from iid_research.render import index as rindex
from iid_research.render import pdf as pdf_mod
from iid_research.render.runner import run_batch

selenium = pytest.importorskip("selenium", reason="selenium is not installed")
CHROMIUM = pdf_mod.find_chromium()
DRIVER = shutil.which("chromedriver")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None or DRIVER is None,
                       reason="Debian's chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)"),
]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    wanted = {"33.16", "11", "74.71"}  # Blora, Provinsi Aceh, Kota Kendari: three provinces, two levels
    jobs = [j for j in batch.default_run_list()
            if j.meta.get("kind") == "overview" or j.parameters.get("kode_wilayah") in wanted]
    results = run_batch(jobs, out, n_jobs=2, progress=False)
    assert [r.status for r in results] == ["built"] * len(jobs)
    rindex.write_folder_index(out)
    return out, results


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in pdf_mod.CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument("--window-size=420,900")  # a phone-sized window
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    yield driver
    driver.quit()


def _images_loaded(driver):
    return driver.execute_script(
        "var imgs = Array.from(document.images);"
        "return [imgs.length, imgs.filter(function(i){return i.complete && i.naturalWidth > 0;}).length];")


def test_index_filters_and_links(site, browser, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    out, results = site
    browser.get((out / "index.html").as_uri())
    rows = browser.find_elements(By.CSS_SELECTOR, "table.reports tbody tr")
    assert len(rows) == len(results)
    assert browser.find_element(By.ID, "filters").is_displayed()  # the script shows the filters it drives
    visible = lambda: [r for r in browser.find_elements(By.CSS_SELECTOR, "table.reports tbody tr") if r.is_displayed()]
    provinces = [o.get_attribute("value") for o in Select(browser.find_element(By.ID, "f-province")).options][1:]
    assert provinces, "the province filter lists the provinces of the reports"
    Select(browser.find_element(By.ID, "f-province")).select_by_value(provinces[0])
    narrowed = visible()
    assert 0 < len(narrowed) < len(rows)
    assert all(r.get_attribute("data-province") == provinces[0] for r in narrowed)
    browser.find_element(By.ID, "q").send_keys("zzzz-no-such-report")
    assert visible() == []
    browser.save_screenshot(str(tmp_path / "index.png"))
    assert (tmp_path / "index.png").stat().st_size > 1000


def test_index_without_javascript_lists_and_links_every_report(site):
    """The index's filter script is optional: with scripts off every report is shown and linked."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    out, results = site
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in pdf_mod.CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    try:
        driver.get((out / "index.html").as_uri())
        rows = driver.find_elements(By.CSS_SELECTOR, "table.reports tbody tr")
        assert len(rows) == len(results) and all(r.is_displayed() for r in rows)
        links = {a.get_attribute("href").rsplit("/", 1)[-1] for a in driver.find_elements(By.CSS_SELECTOR,
                                                                                         "table.reports a")}
        assert links == {r.html.name for r in results}
        assert not driver.find_element(By.ID, "filters").is_displayed()  # no dead controls
        assert driver.find_element(By.ID, "count").text == ""  # the script did not run
    finally:
        driver.quit()


def test_pemda_report_renders_images_and_no_errors(site, browser, tmp_path):
    from selenium.webdriver.common.by import By

    out, results = site
    pemda = next(r for r in results if r.job.parameters.get("kode_wilayah") == "33.16")
    browser.get(pemda.html.as_uri())
    total, loaded = _images_loaded(browser)
    assert total >= 1 and loaded == total
    errors = browser.find_elements(By.CSS_SELECTOR, "[data-mime-type='application/vnd.jupyter.stderr'], .jp-OutputArea-output.error")
    assert not [e for e in errors if e.is_displayed()]
    body = browser.find_element(By.TAG_NAME, "body").text
    assert "Traceback" not in body and "DATA NYATA" in body
    wide = browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1;")
    assert wide, "the page scrolls sideways on a phone-sized window"
    browser.save_screenshot(str(tmp_path / "pemda.png"))


def test_pdf_export(site, tmp_path):
    out, results = site
    pdf = pdf_mod.export_pdf(results[0].html, tmp_path / "report.pdf")
    assert pdf.read_bytes()[:5] == b"%PDF-"


# --------------------------------------------------------------------------- phones, alt texts, downloads, axe

PHONE = {"width": 360, "height": 740, "deviceScaleFactor": 2, "mobile": True}
AXE_VERSION = "4.14.1"


@pytest.fixture
def phone(browser):
    """The browser as a 360 × 740 phone screen (CSS pixels, touch viewport rules)."""
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    yield browser
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def _blora(results):
    return next(r for r in results if r.job.parameters.get("kode_wilayah") == "33.16")


# Elements sticking out of the viewport that are not inside a table's own scroll box.
OVERFLOW_JS = """
var w = document.documentElement.clientWidth, out = [];
document.querySelectorAll('body *').forEach(function(el) {
  var r = el.getBoundingClientRect();
  if (r.width && (r.right > w + 1 || r.left < -1) && !el.closest('.iid-table-wrap')) {
    out.push(el.tagName + '.' + el.className + ' ' + Math.round(r.left) + '-' + Math.round(r.right));
  }
});
return [document.documentElement.scrollWidth, w, out.slice(0, 10)];
"""


def test_pemda_report_fits_a_phone_and_every_image_says_what_it_shows(site, phone):
    from selenium.webdriver.common.by import By

    out, results = site
    phone.get(_blora(results).html.as_uri())
    scroll_width, width, sticking_out = phone.execute_script(OVERFLOW_JS)
    assert width == 360 and scroll_width <= width and sticking_out == [], sticking_out
    wraps = phone.execute_script("return Array.from(document.querySelectorAll('.iid-table-wrap'))"
                                 ".map(function(e){return getComputedStyle(e).overflowX;});")
    assert wraps and set(wraps) == {"auto"}  # wide tables scroll inside their own box
    images = phone.find_elements(By.TAG_NAME, "img")
    alts = [img.get_attribute("alt") for img in images]
    assert images and len(set(alts)) == len(alts)
    for alt in alts:  # what the figure shows and a number, not "figure 1"
        assert len(alt) > 40 and re.search(r"\d", alt) and not re.fullmatch(r"(?i)(figure|gambar|image)\s*\d*", alt)
    assert any("Kabupaten Blora" in a and "12" in a for a in alts)
    assert phone.execute_script("return document.documentElement.lang") == "id"


def _number(text):
    """A cell as shown ("1.234,50", "–") or as in the CSV ("1234,5", "") read as Indonesian text or number."""
    text = text.strip()
    if text in ("", "–"):
        return None
    if re.fullmatch(r"[+\-−]?[\d.]*\d(,\d+)?", text):
        return round(float(text.replace(".", "").replace(",", ".").replace("−", "-")), 2)
    return text


def test_download_link_yields_the_table_as_csv(site, phone, tmp_path):
    from selenium.webdriver.common.by import By

    out, results = site
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    phone.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    phone.get(_blora(results).html.as_uri())
    boxes = [b for b in phone.find_elements(By.CSS_SELECTOR, "div.iid-table")
             if len(b.find_elements(By.CSS_SELECTOR, "tbody tr")) >= 2]
    assert boxes, "the report has a table with rows"
    box = boxes[0]
    header = [th.get_attribute("textContent") for th in box.find_elements(By.CSS_SELECTOR, "thead th")]
    shown = [[td.get_attribute("textContent") for td in tr.find_elements(By.TAG_NAME, "td")]
             for tr in box.find_elements(By.CSS_SELECTOR, "tbody tr")]
    link = box.find_element(By.CSS_SELECTOR, "a[download]")
    name = link.get_attribute("download")
    phone.execute_script("arguments[0].scrollIntoView(); arguments[0].click();", link)
    target = downloads / name
    for _ in range(100):
        if target.exists() and target.stat().st_size:
            break
        time.sleep(0.1)
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte-order mark (Excel)"
    rows = list(csv.reader(io.StringIO(data[3:].decode("utf-8")), delimiter=";"))
    assert rows[0] == header
    assert len(rows) - 1 == len(shown)
    for csv_row, shown_row in zip(rows[1:], shown):
        for value, cell in zip(csv_row, shown_row):
            if cell.endswith("…"):  # a shortened link: the CSV has the whole URL
                assert value.startswith("https://")
            else:
                assert _number(value) == _number(cell), (value, cell)


def _axe_js() -> str:
    if os.environ.get("IID_AXE_JS"):
        return Path(os.environ["IID_AXE_JS"]).read_text(encoding="utf-8")
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "iid-research"
    folder = cache / f"axe-core-{AXE_VERSION}"
    js = folder / "node_modules" / "axe-core" / "axe.min.js"
    if not js.exists():
        npm = shutil.which("npm")
        if npm is None:
            pytest.skip("npm is not installed: cannot install axe-core for the accessibility check")
        cache.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=cache) as tmp:  # install aside, then rename: no half install
            proc = subprocess.run([npm, "install", "--prefix", tmp, "--no-save", "--no-audit", "--no-fund",
                                   f"axe-core@{AXE_VERSION}"], capture_output=True, text=True, timeout=300)
            if proc.returncode != 0 or not (Path(tmp) / "node_modules" / "axe-core" / "axe.min.js").exists():
                pytest.skip(f"could not install axe-core {AXE_VERSION} from npm: {proc.stderr.strip()[-300:]}")
            if not js.exists():
                os.replace(tmp, folder)
                Path(tmp).mkdir()  # for TemporaryDirectory's cleanup
    return js.read_text(encoding="utf-8")


AXE_RUN = """
var done = arguments[0];
axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']},
                   resultTypes: ['violations']})
  .then(function(r) { done(r.violations.map(function(v) {
    return {id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 3).map(function(n) { return n.target.join(' '); })}; })); })
  .catch(function(e) { done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}]); });
"""


def test_accessibility_of_reports_and_index(site, phone):
    from selenium.webdriver.common.by import By

    axe = _axe_js()
    out, results = site
    phone.set_script_timeout(120)
    pages = [out / "index.html", _blora(results).html, results[0].html]
    for page in pages:
        phone.get(page.as_uri())
        levels = [int(h.tag_name[1]) for h in phone.find_elements(By.CSS_SELECTOR, "h1, h2, h3, h4, h5, h6")]
        assert levels[0] == 1 and levels.count(1) == 1, (page.name, levels)
        assert all(b - a <= 1 for a, b in zip(levels, levels[1:])), f"{page.name}: heading levels skip: {levels}"
        headers = phone.find_elements(By.CSS_SELECTOR, "table thead th")
        assert headers and all(th.get_attribute("scope") == "col" for th in headers)
        phone.execute_script(axe)
        violations = phone.execute_async_script(AXE_RUN)
        serious = [v for v in violations if v["impact"] in ("serious", "critical")]
        assert not serious, f"{page.name}: " + "; ".join(f"{v['id']} ({v['impact']}): {v['help']} at {v['nodes']}"
                                                         for v in serious)
