"""Open the rendered reports in headless Chromium (Debian's chromium + chromium-driver).

Skipped, with the reason, when Chromium or its driver is not installed; `.ci/run` installs them.
"""

import shutil

import pytest

from iid_research.render import batch
from iid_research.render import html as rhtml
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
    rhtml.write_index(batch.index_entries(results), out)
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
