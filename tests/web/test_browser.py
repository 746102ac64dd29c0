"""A person's path through the site in headless Chromium (Debian chromium + chromium-driver):
landing page -> run a stored query -> follow a result to a claim page -> read it."""
from __future__ import annotations


import pytest

from exomirkg.web.server import KnowledgeGraphServer, ServerConfig
from servers import require


@pytest.fixture(scope="module")
def site(project, tmp_path_factory):
    kg = KnowledgeGraphServer(project, tmp_path_factory.mktemp("site") / "store", ServerConfig(port=0))
    kg.start_in_thread()
    yield kg.base_url
    kg.close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    chromium = require("chromium", "apt-get install chromium chromium-driver")
    driver_path = require("chromedriver", "apt-get install chromium-driver")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", f"--user-data-dir={tmp_path_factory.mktemp('chromium')}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


def wait_for(browser, css: str):
    """The element, once the page that holds it has loaded (clicks do not wait for navigation)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as condition
    from selenium.webdriver.support.ui import WebDriverWait
    return WebDriverWait(browser, 30).until(condition.presence_of_element_located((By.CSS_SELECTOR, css)))


def test_landing_to_stored_query_to_claim_page(site, browser):
    from selenium.webdriver.common.by import By
    browser.get(site + "/")
    assert "exosomal microRNAs" in browser.title
    assert "Questions you can ask" in browser.find_element(By.TAG_NAME, "body").text
    browser.find_element(By.LINK_TEXT, "Targets of a miRNA").click()
    table = wait_for(browser, "table.results")
    assert "SMAD4" in table.text and "STAT6" in table.text
    browser.find_element(By.LINK_TEXT, "C095").click()
    wait_for(browser, "table.facts")
    page = browser.find_element(By.TAG_NAME, "body").text
    assert "C095: Exosomal miR-210 targets SMAD4 in endothelial cell [42]." in browser.find_element(By.TAG_NAME, "h1").text
    assert "can be transferred to endothelial cells to promote tumor angiogenesis by targeting SMAD4" in page
    assert "Hepatocellular Carcinoma Cell-Secreted Exosomal MicroRNA-210" in page      # ref 42, title only
    assert "probable" in page                                                        # no verified DOI for ref 42
    browser.find_element(By.LINK_TEXT, "hsa-mir-210").click()
    wait_for(browser, "table.claims")
    assert "miRNA hsa-mir-210" in browser.find_element(By.TAG_NAME, "h1").text
    assert "C093" in browser.find_element(By.CSS_SELECTOR, "table.claims").text


def test_query_box_runs_an_ad_hoc_query(site, browser):
    from selenium.webdriver.common.by import By
    browser.get(site + "/")
    box = browser.find_element(By.CSS_SELECTOR, "textarea[name=q]")
    box.clear()
    box.send_keys("PREFIX exo: <https://w3id.org/exomir-kg/ontology/> "
                  "SELECT ?c WHERE { ?c exo:restsOnRetractedStudy true } ORDER BY ?c LIMIT 3")
    browser.find_element(By.CSS_SELECTOR, "form[action='/query'] button").click()
    results = wait_for(browser, "table.results").text
    assert "C016" in results and "3 row(s)" in browser.find_element(By.TAG_NAME, "body").text
    browser.find_element(By.LINK_TEXT, "C016").click()
    wait_for(browser, "table.facts")
    assert "rests on a retracted study" in browser.find_element(By.TAG_NAME, "body").text


def test_search_then_follow_a_hit_to_its_page(site, browser):
    from selenium.webdriver.common.by import By
    browser.get(site + "/")
    box = browser.find_element(By.CSS_SELECTOR, "form.search input[name=q]")
    box.send_keys("PTEN")
    browser.find_element(By.CSS_SELECTOR, "form.search button").click()
    wait_for(browser, "ul.hits")
    browser.find_element(By.LINK_TEXT, "PTEN").click()
    claims = wait_for(browser, "table.claims").text
    assert "C153" in claims and "C156" in claims
    assert "HGNC:9588" in browser.find_element(By.CSS_SELECTOR, "a.linkout").text


def test_fill_a_stored_querys_form_and_read_a_claims_values_and_link_outs(site, browser):
    from selenium.webdriver.common.by import By
    browser.get(site + "/query?name=targets-of-mirna")
    field = wait_for(browser, "form.parameters input[name=mirna]")
    assert field.get_attribute("value") == "miR-210"                       # the default, filled in
    field.clear()
    field.send_keys("hsa-miR-210-3p")                                       # miRBase's name: resolved to the review's
    shown = browser.find_element(By.CSS_SELECTOR, "table.results")          # the defaults' answer, before submitting
    browser.find_element(By.CSS_SELECTOR, "form.parameters button").click()
    from selenium.webdriver.support import expected_conditions as condition
    from selenium.webdriver.support.ui import WebDriverWait
    WebDriverWait(browser, 30).until(condition.staleness_of(shown))        # the new page has replaced it
    table = wait_for(browser, "table.results")
    headers = [th.text for th in table.find_elements(By.TAG_NAME, "th")]
    assert headers == ["mirna", "gene", "symbol", "reference", "claim"] and "SMAD4" in table.text
    browser.find_element(By.LINK_TEXT, "C095").click()
    wait_for(browser, "table.facts")
    links = {a.text: a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "a.linkout")}
    assert links["HGNC:6770 (HGNC)"] == "https://www.genenames.org/data/gene-symbol-report/#!/hgnc_id/HGNC:6770"
    assert links["CL:0000115 (OLS)"].startswith("https://www.ebi.ac.uk/ols4/ontologies/cl/")
    browser.get(site + "/claim/C131")
    values = {row.find_element(By.TAG_NAME, "th").text: row.find_element(By.TAG_NAME, "td").text
              for row in wait_for(browser, "table.figures").find_elements(By.TAG_NAME, "tr")}
    assert values["sensitivity (true positive rate)"] == "0.911" and values["AUC (area under curve)"] == "0.932"
    claim_facts = browser.find_element(By.CSS_SELECTOR, "table.facts")
    browser.find_element(By.CSS_SELECTOR, "a.reference").click()
    WebDriverWait(browser, 30).until(condition.staleness_of(claim_facts))  # the reference's page, not the claim's
    wait_for(browser, "table.facts")
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("[117]")


def test_the_network_figure_leads_to_a_mirnas_page(site, browser):
    from selenium.webdriver.common.by import By
    browser.get(site + "/")
    node = wait_for(browser, "div.figure svg a[*|href^='/mirna/']")
    href = node.get_attribute("href") or node.get_attribute("xlink:href")
    browser.get(site + href if href.startswith("/") else href)
    wait_for(browser, "p.arm")
    assert "miRNA hsa-" in browser.find_element(By.TAG_NAME, "h1").text
