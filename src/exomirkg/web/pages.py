"""HTML pages for people: the landing page, a page per claim, per miRNA and per other entity.

Pages are built from the embedded store with small SPARQL queries; every IRI of the KG links to
its local page, every DOI to doi.org.
"""
from __future__ import annotations

from html import escape
from urllib.parse import urlencode

from ..dataset import REVIEW_DOI, REVIEW_DOI_IRI, REVIEW_JOURNAL, REVIEW_TITLE, REVIEW_YEAR
from ..ids.namespaces import BASE, CLAIM
from ..nanopub import NanopubReport

STYLE = """
body{font-family:system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.45}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem}table{border-collapse:collapse;width:100%;font-size:.9rem}
td,th{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}th{background:#f3f3f3}
blockquote{border-left:4px solid #7a9;margin:.5rem 0;padding:.3rem .8rem;background:#f6faf7}
.flag{display:inline-block;padding:.1rem .5rem;border-radius:.3rem;font-size:.85rem;margin-right:.3rem}
.retracted{background:#fdd;color:#900}.issue{background:#ffe9c4;color:#7a4a00}.hedged{background:#eef;color:#336}
textarea{width:100%;font-family:monospace}code{background:#f3f3f3;padding:0 .2rem}nav a{margin-right:1rem}
"""


def local_link(iri: str) -> str:
    """The local page of an IRI: the KG's own IRIs map to paths, others to /entity?iri=..."""
    if iri.startswith(BASE):
        return "/" + iri[len(BASE):]
    if iri.startswith(("https://identifiers.org/mirbase:", "https://identifiers.org/mirbase.mature:")):
        return "/mirna/" + iri.rsplit(":", 1)[1]
    return "/entity?" + urlencode({"iri": iri})


def page(title: str, body: str) -> bytes:
    return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{escape(title)} | exomir-kg</title>"
            f"<style>{STYLE}</style></head><body><nav><a href=\"/\">exomir-kg</a><a href=\"/sparql\">SPARQL endpoint</a>"
            f"<a href=\"/.well-known/void\">VoID</a><a href=\"/.well-known/sparql-examples\">stored queries (RDF)</a></nav>"
            f"<h1>{escape(title)}</h1>\n{body}\n</body></html>\n").encode()


def cell(term, label: str = "") -> str:
    """One result value as HTML: IRIs link to their page (shown by label when given), DOIs to doi.org."""
    if term is None:
        return ""
    if term.kind == "iri":
        text = label or (term.value.removeprefix(str(CLAIM)))
        return f'<a href="{escape(local_link(term.value))}">{escape(text)}</a>'
    value = term.value
    if value.startswith("10.") and "/" in value:
        return f'<a href="https://doi.org/{escape(value)}">{escape(value)}</a>'
    return escape(value)


def result_table(variables: list[str], rows: list[tuple]) -> str:
    head = "".join(f"<th>{escape(v)}</th>" for v in variables)
    body = "".join("<tr>" + "".join(f"<td>{cell(t)}</td>" for t in row) + "</tr>" for row in rows)
    return f'<table class="results"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table><p>{len(rows)} row(s)</p>'


def next_page_link(name: str, values: dict[str, str], page_size: int) -> str:
    """The note under a full page of a paged stored query, with a link to the next page."""
    href = "/query?" + urlencode({"name": name, **values})
    return (f'<p class="page">This page holds {page_size} answers, the page size: more may follow. '
            f'<a class="next" href="{escape(href)}">Next page</a></p>')


def landing(counts: list[tuple[str, str]], total: int, queries: list, example_query: str) -> bytes:
    items = "".join(
        f'<tr><td><a class="run" href="/query?{urlencode({"name": q.name})}">{escape(q.title)}</a></td>'
        f"<td>{escape(q.question)}</td></tr>" for q in queries)
    count_rows = "".join(f"<tr><td>{escape(t)}</td><td>{escape(n)}</td></tr>" for t, n in counts)
    body = f"""
<p>A knowledge graph of every claim that the review <em>{REVIEW_TITLE}</em>
({REVIEW_JOURNAL} {REVIEW_YEAR}, <a href="{REVIEW_DOI_IRI}">doi:{REVIEW_DOI}</a>)
makes about an exosomal microRNA in HCC. Each claim is a nanopublication carrying the review's own words, the cited
study (with its DOI where verified), an evidence type, and flags for retracted studies and problems of the review.</p>
<h2>Contents</h2><table><tr><th>claim type</th><th>claims</th></tr>{count_rows}
<tr><th>all claims</th><th>{total}</th></tr></table>
<h2>Questions you can ask</h2><p>Click a question to run its stored query.</p>
<table><tr><th>query</th><th>question</th></tr>{items}</table>
<h2>Ask your own</h2>
<form action="/query" method="get"><textarea name="q" rows="8">{escape(example_query)}</textarea><br>
<button type="submit">Run query</button></form>
<p>Machines: SPARQL 1.1 Protocol at <code>/sparql</code> (JSON, XML, CSV, TSV; Turtle, JSON-LD, N-Triples for
CONSTRUCT and DESCRIBE). Every IRI of the KG resolves here with content negotiation.</p>
"""
    return page("exomir-kg: exosomal microRNAs in hepatocellular carcinoma", body)


def claim_page(claim_id: str, facts: list[tuple], provenance: list[tuple], quotes: list[tuple],
               references: list[tuple], issues: list[tuple], label: str, retracted: bool, hedging: str,
              problematic_lines: list[tuple] | None = None, nanopub: str | None = None) -> bytes:
    flags = ""
    if retracted:
        flags += '<span class="flag retracted">rests on a retracted study</span>'
    for line, _caution in problematic_lines or []:
        flags += f'<span class="flag retracted">rests on a problematic cell line: {escape(line)}</span>'
    if hedging:
        flags += f'<span class="flag hedged">hedged: {escape(hedging)}</span>'
    if issues:
        flags += '<span class="flag issue">the review has a problem here</span>'
    fact_rows = "".join(f"<tr><th>{escape(p)}</th><td>{cell(v, label)}</td></tr>" for p, v, label in facts)
    quote_html = "".join(
        f"<blockquote class=\"quote\">{escape(text)}</blockquote><p>{escape(section)} &middot; {escape(location)}</p>"
        for text, section, location in quotes)
    ref_rows = "".join(
        f"<tr><td>[{escape(number)}]</td><td>{escape(title)}</td><td>{escape(status)}</td>"
        f"<td>{cell_doi(doi)}</td><td>{escape(pmid)}</td><td class=\"retraction\">{escape(retraction)}</td></tr>"
        for number, title, status, doi, pmid, retraction in references)
    issue_html = "".join(f"<p class=\"issue\"><a href=\"{escape(local_link(iri))}\">{escape(kind)}</a>: {escape(text)}</p>"
                         for iri, kind, text in issues)
    prov_rows = "".join(f"<tr><th>{escape(p)}</th><td>{cell(v, label)}</td></tr>" for p, v, label in provenance)
    caution_html = "".join(f"<p class=\"issue\"><b>{escape(line)}</b>: {escape(caution)}</p>"
                           for line, caution in problematic_lines or [])
    np_iri = nanopub or f"{BASE}np/{claim_id}"
    np_link = local_link(np_iri)
    body = f"""<p>{flags}</p>
<h2>What the review says</h2>{quote_html}
<h2>The claim</h2><table class="facts">{fact_rows}</table>
<h2>Cited study</h2><table class="references"><tr><th>ref</th><th>title</th><th>status</th><th>DOI</th><th>PMID</th><th>retraction</th></tr>{ref_rows}</table>
<h2>Evidence and provenance</h2><table>{prov_rows}</table>
{"<h2>Problems of the review</h2>" + issue_html if issues else ""}
{"<h2>Problematic cell lines (Cellosaurus)</h2>" + caution_html if problematic_lines else ""}
<p>As RDF: <a href="/claim/{escape(claim_id)}?format=turtle">Turtle</a>,
<a href="/claim/{escape(claim_id)}?format=json-ld">JSON-LD</a>, <a class="nanopub" href="{escape(np_link)}">nanopublication</a>
(<a href="{escape(rdf_link(np_iri, "trig"))}">TriG</a>)</p>"""
    return page(f"{claim_id}: {label}" if not label.startswith(claim_id) else label, body)


def cell_doi(doi: str) -> str:
    return f'<a class="doi" href="https://doi.org/{escape(doi)}">{escape(doi)}</a>' if doi else ""


def entity_page(iri: str, label: str, facts: list[tuple], claims: list[tuple], title_prefix: str = "") -> bytes:
    fact_rows = "".join(f"<tr><th>{escape(p)}</th><td>{cell(v, value_label)}</td></tr>" for p, v, value_label in facts)
    claim_rows = "".join(f"<tr><td>{cell(c)}</td><td>{escape(t)}</td><td>{escape(l)}</td></tr>" for c, t, l in claims)
    body = f"""<p><a href="{escape(iri)}">{escape(iri)}</a></p>
<table class="facts">{fact_rows}</table>
<h2>Claims</h2><table class="claims"><tr><th>claim</th><th>type</th><th>label</th></tr>{claim_rows}</table>
<p>{len(claims)} claim(s). As RDF: <a href="{escape(rdf_link(iri, "turtle"))}">Turtle</a></p>"""
    return page(f"{title_prefix}{label}", body)


def rdf_link(iri: str, fmt: str) -> str:
    """The local page of an IRI in an RDF format (``?format=``)."""
    local = local_link(iri)
    return f"{local}{'&' if '?' in local else '?'}{urlencode({'format': fmt})}"


def triple_table(triples: list[tuple]) -> str:
    """Triples as a table: (subject, its label, predicate, its label, object, its label) per row."""
    body = "".join(f"<tr><td>{cell(s, sl)}</td><td>{cell(p, pl)}</td><td>{cell(o, ol)}</td></tr>"
                   for s, sl, p, pl, o, ol in triples)
    return f'<table class="triples"><tr><th>subject</th><th>predicate</th><th>object</th></tr>{body}</table>'


PART_TITLES = {"head": "Head", "assertion": "Assertion: what is claimed",
               "provenance": "Provenance: where the claim comes from", "pubinfo": "Publication information"}


def verification(report: NanopubReport | None) -> str:
    """The verification status of a nanopublication as HTML: what our checker found."""
    if report is None:
        return '<p class="flag issue">not verified: its graphs could not be read</p>'
    if not report.valid:
        problems = "".join(f"<li>{escape(f.message)}</li>" for f in report.errors)
        return f'<p class="flag retracted">invalid</p><ul>{problems}</ul>'
    said = {"signed": "valid, trusty and signed: its Trusty URI matches its content, and its signature verifies",
            "trusty": "valid and trusty (its Trusty URI matches its content), not signed",
            "plain": "valid, not yet trusty or signed (a built nanopublication; releases publish it trusty and signed)"}
    return f'<p class="flag hedged">{escape(said[report.status])}</p>'


def nanopub_page(iri: str, claim_id: str, graphs: dict[str, tuple[str, list[tuple]]],
                 report: NanopubReport | None = None) -> bytes:
    """A nanopublication: its verification status, then its four graphs, each as a table."""
    sections = "".join(
        f'<h2 id="{escape(part)}"><a href="{escape(local_link(graph_iri))}">{escape(PART_TITLES.get(part, part))}</a></h2>'
        f"{triple_table(triples)}" for part, (graph_iri, triples) in graphs.items())
    body = f"""<p>The nanopublication of claim <a href="/claim/{escape(claim_id)}">{escape(claim_id)}</a>:
its head, assertion, provenance and publication information, each a named graph.</p>
<p><a href="{escape(iri)}">{escape(iri)}</a></p>
<h2>Verification</h2>{verification(report)}{sections}
<p>As RDF: <a href="{escape(rdf_link(iri, "trig"))}">TriG (the four graphs)</a></p>"""
    return page(f"Nanopublication {claim_id}", body)


def graph_page(iri: str, triples: list[tuple], more: bool) -> bytes:
    """A named graph: its triples (the first ones, when there are many)."""
    note = f"<p>The first {len(triples)} triples; the whole graph is in the release.</p>" if more else \
        f"<p>{len(triples)} triple(s).</p>"
    body = f"""<p><a href="{escape(iri)}">{escape(iri)}</a> is a named graph of the KG.</p>{note}{triple_table(triples)}
<p>As RDF: <a href="{escape(rdf_link(iri, "trig"))}">TriG</a>, <a href="{escape(rdf_link(iri, "turtle"))}">Turtle</a></p>"""
    return page(f"Graph {iri.removeprefix(BASE)}", body)


def error_page(status: int, message: str) -> bytes:
    """An error answered to a browser."""
    return page(f"Error {status}", f'<p class="error">{escape(message)}</p>')


def query_page(title: str, question: str, text: str, table: str, error: str = "") -> bytes:
    error_html = f'<p class="error"><strong>Error:</strong> {escape(error)}</p>' if error else ""
    body = f"""<p>{escape(question)}</p>{error_html}{table}
<h2>Query</h2><form action="/query" method="get"><textarea name="q" rows="14">{escape(text)}</textarea><br>
<button type="submit">Run again</button></form>"""
    return page(title, body)


def not_found(path: str) -> bytes:
    return page("Not found", f"<p>Nothing is known here about <code>{escape(path)}</code>.</p>")


def not_in_release(iri: str, kind: str, by: str) -> bytes:
    """The page of a nanopublication this KG names but no longer holds: ``kind`` is "superseded" (``by``
    is its newer version) or "retracted" (``by`` is the retraction)."""
    what = "a newer version" if kind == "superseded" else "a retraction"
    return page("Not in this release", f"<p>The nanopublication <code>{escape(iri)}</code> is not in this release: it "
                f"was {escape(kind)} by {what}, <a class=\"{escape(kind)}-by\" href=\"{escape(local_link(by))}\">"
                f"{escape(by)}</a>. It stays valid where it was published (its trusty IRI still verifies it).</p>")


__all__ = [
    "claim_page",
    "entity_page",
    "error_page",
    "graph_page",
    "landing",
    "local_link",
    "nanopub_page",
    "next_page_link",
    "not_found",
    "not_in_release",
    "page",
    "query_page",
    "rdf_link",
    "result_table",
    "triple_table",
]
