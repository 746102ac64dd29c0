"""The pages a biologist uses (issue 18): claim pages with values inline and identifiers linked out,
miRNA pages that say which arm, search, indexes, claims by type, what not to trust, stored-query forms
with grouped rows and readable headers. Over HTTP; tests/web/test_browser.py drives them in Chromium."""
from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request

import pytest

from exomirkg.query.trust import SECTIONS
from servers import fetch
from exomirkg.web.server import KnowledgeGraphServer, ServerConfig


@pytest.fixture(scope="module")
def site(project, tmp_path_factory):
    kg = KnowledgeGraphServer(project, tmp_path_factory.mktemp("pages") / "store", ServerConfig(port=0, workers=2))
    kg.start_in_thread()
    yield kg.base_url
    kg.close()


def get(site: str, path: str, **params: str) -> tuple[int, str]:
    url = site + path + ("?" + urllib.parse.urlencode(params) if params else "")
    try:
        with urllib.request.urlopen(url, timeout=30) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_the_claim_page_shows_values_identifiers_and_link_outs(site):
    status, html = get(site, "/claim/C131")
    assert status == 200
    assert "<h1>C131: Exosomal miR-10b-5p in blood serum detects early hepatocellular carcinoma" in html
    figures = dict(re.findall(r'<tr><th>([^<]+)</th><td class="value">([^<]+)</td></tr>', html))
    assert figures == {"sensitivity (true positive rate)": "0.911", "specificity (true negative rate)": "0.75",
                       "AUC (area under curve)": "0.932"}
    assert '<a class="linkout" href="https://mirbase.org/mature/MIMAT0000254"><code>MIMAT0000254</code>' in html
    assert 'href="https://www.ebi.ac.uk/ols4/ontologies/uberon/classes?obo_id=UBERON:0001977"' in html
    assert '<a class="reference" href="/reference/117">[117]</a>' in html
    assert 'href="https://doi.org/10.3390/jcm9010281"' in html
    status, html = get(site, "/claim/C095")                   # a gene: HGNC's page
    assert 'href="https://www.genenames.org/data/gene-symbol-report/#!/hgnc_id/HGNC:6770"' in html


def test_a_mirna_page_says_which_arm_and_lists_each_fact_once(site):
    status, html = get(site, "/mirna/MI0000286")
    assert status == 200 and "is a <b>precursor</b>" in html and "hsa-miR-210-3p" in html
    facts = re.findall(r"<tr><th>([^<]+)</th><td>(.*?)</td></tr>", html)
    assert len(facts) == len(set(facts)) and all(not name.startswith("http") for name, _ in facts)
    assert '<td class="about">this miRNA</td>' in html
    status, html = get(site, "/mirna/MIMAT0000267")
    assert "is a <b>mature miRNA</b>" in html and "hsa-mir-210" in html
    assert html.count('<td class="about">its precursor (the review does not say which arm)</td>') == 5


def test_search_finds_terms_and_claims_by_any_name_and_binds_the_words(site):
    status, html = get(site, "/search", q="pten")
    assert status == 200 and ">PTEN</a>" in html and "/entity?iri=https%3A%2F%2Fidentifiers.org%2Fhgnc%3A9588" in html
    assert ">C131</a>" in get(site, "/search", q="c131")[1]
    assert "hsa-miR-210-3p" in get(site, "/search", q="miR-210")[1]
    status, html = get(site, "/search", q='") } ?s ?p ?o { ("')            # text is a bound literal, not SPARQL
    assert status == 200 and "0 match(es)" in html


def test_indexes_and_counts_link_to_what_they_count(site):
    status, html = get(site, "/index/genes")
    assert status == 200 and ">PTEN</a>" in html and "HGNC:9588" in html
    status, html = get(site, "/")
    counted = re.search(r'<a class="count" href="(/claims\?type=[^"]+TargetClaim)">target claim</a></td><td>(\d+)</td>', html)
    assert counted
    status, listed = get(site, counted.group(1).replace("&amp;", "&").split("?")[0],
                         type=urllib.parse.unquote(counted.group(1).split("type=")[1]))
    assert status == 200 and listed.count('<a href="/claim/') == int(counted.group(2))
    assert get(site, "/claims", type="not an iri")[0] == 400 and get(site, "/index/nothing")[0] == 404


def test_the_landing_page_shows_the_network_with_nodes_linked_to_their_pages(site):
    status, html = get(site, "/")
    assert status == 200 and "<svg" in html and 'xlink:href="/mirna/MIMAT0000267"' not in html
    assert re.search(r'xlink:href="/mirna/MI\d{7}"', html) and 'xlink:href="/entity?iri=' in html
    assert "Legend" in html and 'action="/search"' in html


def test_what_not_to_trust_gathers_each_section_with_links_to_the_claims(site):
    status, html = get(site, "/problems")
    assert status == 200
    for section in SECTIONS:
        assert f'<h2 id="{section.key}">{section.title}</h2>' in html
    assert 'href="/claim/C016"' in html and "retracted 2023-07-19" in html and "HeLa" in html
    assert 'href="/issue/I01"' in html


def test_a_stored_query_has_a_form_with_defaults_choices_and_readable_grouped_answers(site):
    status, html = get(site, "/query", name="biomarker-performance")
    assert status == 200 and 'name="use" value="*"' in html and '<datalist id="choices-use">' in html
    assert "<th>use</th>" in html and "<th>biofluid</th>" in html and "useLabel" not in html.split("<h2>Query</h2>")[0]
    status, html = get(site, "/query", name="targets-of-mirna", mirna="hsa-miR-210-3p")
    assert status == 200 and 'value="hsa-miR-210-3p"' in html and "SMAD4" in html
    assert '<option value="miR-210">' in html
    status, html = get(site, "/query", name="block-citations")
    rows = re.findall(r"<tr>(.*?)</tr>", html.split('<table class="results">')[1].split("</table>")[0])[1:]
    claims = [re.search(r'href="/claim/(C\d+)"', row).group(1) for row in rows]
    assert claims and len(claims) == len(set(claims))               # one row per claim, its references together
    status, html = get(site, "/query", name="mirnas-targeting-gene", gene="no such gene")
    assert status == 400 and "no term of the KG has the label" in html and "<form" in html


def test_dereferenced_turtle_and_trig_declare_the_kgs_prefixes(site):
    request = urllib.request.Request(site + "/claim/C131", headers={"Accept": "text/turtle"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        turtle = answer.read().decode()
    assert "@prefix exo: <https://w3id.org/exomir-kg/ontology/> ." in turtle and "claim:C131" in turtle
    request = urllib.request.Request(site + "/np/C131", headers={"Accept": "application/trig"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        trig = answer.read().decode()
    assert "@prefix np: <http://www.nanopub.org/nschema#> ." in trig
    from exomirkg.nanopub import check
    [report] = check(trig)
    assert report.valid


def test_search_matches_every_word_says_when_it_shows_less_and_only_real_claim_ids(site):
    status, html = get(site, "/search", q="miR-92b NK-92")
    assert status == 200 and ">C112</a>" not in html and "Exosomal miR-92b lowers the expression of CD69 in NK-92" in html
    status, html = get(site, "/search", q="exosomal")
    assert re.search(r"50 of \d+ shown", html)
    assert "/claim/C9999" not in get(site, "/search", q="C9999")[1]


def test_an_empty_answer_on_the_query_page_says_which_value_matches_nothing(site):
    status, html = get(site, "/query", name="biomarker-performance", use="exo:NoSuchUse")
    assert status == 200 and "use=exo:NoSuchUse matches nothing in the KG" in html
    status, html = get(site, "/query", name="mirnas-targeting-gene", gene="exo:a b")
    assert status == 400 and "does not match the exo pattern" in html


def test_claims_by_a_prefixed_type_and_the_dataset_iri_leads_to_its_description(site):
    status, html = get(site, "/claims", type="exo:TargetClaim")
    assert status == 200 and html.count('<a href="/claim/') == 10
    status, headers, _ = fetch(site + "/dataset", "text/turtle", follow=False)
    assert status == 303 and headers["Location"] == "/.well-known/void"
