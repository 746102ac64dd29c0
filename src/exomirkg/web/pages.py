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
from ..query.results import QueryResult, grouped, header
from .linkouts import Identifier, Linker
from .page_queries import ClaimView, EntityView

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


def cell(term, label: str = "", links: Linker | None = None) -> str:
    """One value as HTML: IRIs link to their page (shown by label when given) and, with ``links``,
    show their identifier linked to its registry page; DOIs link to doi.org."""
    if term is None:
        return ""
    if term.kind == "iri":
        text = label or (term.value.removeprefix(str(CLAIM)))
        html = f'<a href="{escape(local_link(term.value))}">{escape(text)}</a>'
        found = links.identifier(term.value) if links else None
        if found is not None:
            html += identifier_html(found)
        return html
    value = term.value
    if value.startswith("10.") and "/" in value:
        return f'<a href="https://doi.org/{escape(value)}">{escape(value)}</a>'
    return escape(value)


def identifier_html(found: Identifier) -> str:
    """`` GO:0006915 (QuickGO)``: the identifier, linked to its registry's page."""
    registry = f" ({escape(found.registry)})" if found.registry else ""
    return f' <a class="linkout" href="{escape(found.url)}"><code>{escape(found.bare)}</code>{registry}</a>'


def result_table(variables: list[str], rows: list[tuple], links: Linker | None = None) -> str:
    """Answers as a table: readable headers; the rows of one claim as one row (see :func:`grouped`)."""
    head = "".join(f"<th>{escape(header(v))}</th>" for v in variables)
    groups = grouped(QueryResult(variables, rows))
    body = "".join("<tr>" + "".join(f"<td>{'<br>'.join(cell(t, links=links) for t in terms)}</td>" for terms in group)
                   + "</tr>" for group in groups)
    counted = f"{len(groups)} row(s)" if len(groups) == len(rows) else f"{len(groups)} row(s) ({len(rows)} answers)"
    return f'<table class="results"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table><p>{counted}</p>'


def next_page_link(name: str, values: dict[str, str], page_size: int) -> str:
    """The note under a full page of a paged stored query, with a link to the next page."""
    href = "/query?" + urlencode({"name": name, **values})
    return (f'<p class="page">This page holds {page_size} answers, the page size: more may follow. '
            f'<a class="next" href="{escape(href)}">Next page</a></p>')


def search_form(value: str = "") -> str:
    return (f'<form class="search" action="/search" method="get"><input type="search" name="q" value="{escape(value)}" '
            'placeholder="a miRNA, gene, process, cell type, disease, reference or claim id (miR-210, PTEN, angiogenesis, '
            'macrophage, C131)" size="70"> <button type="submit">Search</button></form>')


INDEX_LINKS = (("mirnas", "miRNAs"), ("genes", "genes"), ("processes", "processes and pathways"), ("cells", "cells"),
               ("diseases", "diseases"), ("biofluids", "biofluids"), ("references", "references"), ("claims", "claims"))


def landing(counts: list[tuple[str, str, str]], total: int, queries: list, example_query: str, figure: str = "") -> bytes:
    """The landing page: search, indexes, what not to trust, the network figure, counts (each a link to
    the claims it counts), the stored questions and a query box. ``counts``: (type IRI, name, number)."""
    items = "".join(
        f'<tr><td><a class="run" href="/query?{urlencode({"name": q.name})}">{escape(q.title)}</a></td>'
        f"<td>{escape(q.question)}</td></tr>" for q in queries)
    count_rows = "".join(f'<tr><td><a class="count" href="/claims?{urlencode({"type": iri})}">{escape(name)}</a></td>'
                         f"<td>{escape(n)}</td></tr>" for iri, name, n in counts)
    indexes = " ".join(f'<a class="index" href="/index/{key}">{escape(text)}</a>' for key, text in INDEX_LINKS)
    figure_html = (f'<h2>The network</h2><p>miRNAs, the cells that release and receive them, their target genes and '
                   f'the processes they affect; click a node for its page.</p><div class="figure">{figure}</div>'
                   if figure else "")
    body = f"""
<p>A knowledge graph of every claim that the review <em>{REVIEW_TITLE}</em>
({REVIEW_JOURNAL} {REVIEW_YEAR}, <a href="{REVIEW_DOI_IRI}">doi:{REVIEW_DOI}</a>)
makes about an exosomal microRNA in HCC. Each claim is a nanopublication carrying the review's own words, the cited
study (with its DOI where verified), an evidence type, and flags for retracted studies and problems of the review.</p>
{search_form()}
<p class="indexes">Browse: {indexes}</p>
<p><a class="problems" href="/problems"><b>What not to trust in this review</b></a>: its own problems, conflicts
between studies, claims on retracted studies, problematic cell lines and unverified references.</p>
{figure_html}
<h2>Contents</h2><table><tr><th>claim type</th><th>claims</th></tr>{count_rows}
<tr><th><a class="count" href="/claims">all claims</a></th><th>{total}</th></tr></table>
<h2>Questions you can ask</h2><p>Click a question to run its stored query.</p>
<table><tr><th>query</th><th>question</th></tr>{items}</table>
<h2>Ask your own</h2>
<form action="/query" method="get"><textarea name="q" rows="8">{escape(example_query)}</textarea><br>
<button type="submit">Run query</button></form>
<p>Machines: SPARQL 1.1 Protocol at <code>/sparql</code> (JSON, XML, CSV, TSV; Turtle, JSON-LD, N-Triples for
CONSTRUCT and DESCRIBE). Every IRI of the KG resolves here with content negotiation.</p>
"""
    return page("exomir-kg: exosomal microRNAs in hepatocellular carcinoma", body)


def search_page(text: str, hits: list[tuple[str, list[tuple[str, str]], int]]) -> bytes:
    """The hits of a search, by kind (a kind with more matches than shown says so)."""
    sections = "".join(f'<h2>{escape(heading)}</h2>'
                       + (f'<p class="more">{len(items)} of {total} shown; add a word to narrow the search.</p>'
                          if total > len(items) else "")
                       + '<ul class="hits">'
                       + "".join(f'<li><a href="{escape(local_link(iri))}">{escape(label)}</a></li>' for iri, label in items)
                       + "</ul>" for heading, items, total in hits)
    found = sum(total for _, _, total in hits)
    note = f"<p>{found} match(es) for <b>{escape(text)}</b>.</p>" if text.strip() else "<p>Type a word to search.</p>"
    return page("Search", search_form(text) + note + (sections or ("<p>Nothing matches; try part of a name "
                "(miR-21, PTEN, angiogenesis).</p>" if text.strip() else "")))


def index_page(title: str, items: list[tuple], links: Linker | None = None) -> bytes:
    """An index: each item, its identifier, and the number of claims that name it."""
    body = "".join(f"<tr><td>{cell(item, label, links)}</td><td>{escape(n)}</td></tr>" for item, label, n in items)
    return page(title, f'{search_form()}<table class="index"><tr><th>name</th><th>claims</th></tr>{body}</table>'
                       f"<p>{len(items)} item(s).</p>")


def claims_page(title: str, claims: list[tuple]) -> bytes:
    """A list of claims: id, type and sentence."""
    body = "".join(f"<tr><td>{cell(c)}</td><td>{escape(t)}</td><td>{escape(lab)}</td></tr>" for c, lab, t in claims)
    return page(title, f'<table class="claims"><tr><th>claim</th><th>type</th><th>statement</th></tr>{body}</table>'
                       f"<p>{len(claims)} claim(s).</p>")


def problems_page(sections: list[tuple], links: Linker | None = None) -> bytes:
    """What not to trust in this review: each section's explanation and its answers."""
    toc = "".join(f'<li><a href="#{escape(section.key)}">{escape(section.title)}</a> ({len(grouped(result))})</li>'
                  for section, result in sections)
    parts = "".join(f'<h2 id="{escape(section.key)}">{escape(section.title)}</h2><p>{escape(section.explanation)} '
                    f'(stored query <a href="/query?{urlencode({"name": section.query})}">{escape(section.query)}</a>)</p>'
                    + result_table(result.variables, result.rows, links) for section, result in sections)
    intro = ("<p>Before relying on a claim of this review, check these. Every claim listed links to its page, with "
             "the review's words and the cited study.</p>")
    return page("What not to trust in this review", f"{intro}<ul>{toc}</ul>{parts}")


def claim_page(view: ClaimView, links: Linker | None = None) -> bytes:
    """A claim: its sentence, flags, the review's words, its facts with identifiers and link-outs, its
    figures, the cited study (number, title, DOI, PubMed), evidence, problems and its nanopublication."""
    flags = ""
    if view.retracted:
        flags += '<span class="flag retracted">rests on a retracted study</span>'
    for line, _caution in view.problematic_lines or []:
        flags += f'<span class="flag retracted">rests on a problematic cell line: {escape(line)}</span>'
    if view.hedging:
        flags += f'<span class="flag hedged">hedged: {escape(view.hedging)}</span>'
    if view.issues:
        flags += '<span class="flag issue">the review has a problem here</span>'
    fact_rows = "".join(f"<tr><th>{escape(p)}</th><td>{cell(v, label, links)}</td></tr>" for p, v, label in view.facts)
    figure_rows = "".join(f'<tr><th>{escape(measure)}</th><td class="value">{escape(value)}</td></tr>'
                          for measure, value in view.figures)
    quote_html = "".join(
        f"<blockquote class=\"quote\">{escape(text)}</blockquote><p>{escape(section)} &middot; {escape(location)}</p>"
        for text, section, location in view.quotes)
    ref_rows = "".join(
        f'<tr><td><a class="reference" href="{escape(local_link(iri))}">[{escape(number)}]</a></td><td>{escape(title)}</td>'
        f"<td>{escape(status)}</td><td>{cell_doi(doi)}</td><td>{cell_pmid(pmid)}</td>"
        f'<td class="retraction">{escape(retraction)}</td></tr>'
        for number, title, status, doi, pmid, retraction, iri in view.references)
    issue_html = "".join(f"<p class=\"issue\"><a href=\"{escape(local_link(iri))}\">{escape(kind)}</a>: {escape(text)}</p>"
                         for iri, kind, text in view.issues)
    prov_rows = "".join(f"<tr><th>{escape(p)}</th><td>{cell(v, label, links)}</td></tr>" for p, v, label in view.provenance)
    caution_html = "".join(f"<p class=\"issue\"><b>{escape(line)}</b>: {escape(caution)}</p>"
                           for line, caution in view.problematic_lines or [])
    claim_id = view.claim_id
    np_iri = view.nanopub or f"{BASE}np/{claim_id}"
    np_link = local_link(np_iri)
    figures = f'<h2>Figures</h2><table class="figures">{figure_rows}</table>' if figure_rows else ""
    body = f"""<p>{flags}</p>
<h2>What the review says</h2>{quote_html}
<h2>The claim</h2><table class="facts">{fact_rows}</table>
{figures}
<h2>Cited study</h2><table class="references"><tr><th>ref</th><th>title</th><th>status</th><th>DOI</th><th>PubMed</th><th>retraction</th></tr>{ref_rows}</table>
<h2>Evidence and provenance</h2><table>{prov_rows}</table>
{"<h2>Problems of the review</h2>" + issue_html if view.issues else ""}
{"<h2>Problematic cell lines (Cellosaurus)</h2>" + caution_html if view.problematic_lines else ""}
<p>As RDF: <a href="/claim/{escape(claim_id)}?format=turtle">Turtle</a>,
<a href="/claim/{escape(claim_id)}?format=json-ld">JSON-LD</a>, <a class="nanopub" href="{escape(np_link)}">nanopublication</a>
(<a href="{escape(rdf_link(np_iri, "trig"))}">TriG</a>)</p>"""
    label = view.label
    return page(f"{claim_id}: {label}" if not label.startswith(claim_id) else label, body)


def cell_pmid(pmid: str) -> str:
    return f'<a class="pubmed" href="https://pubmed.ncbi.nlm.nih.gov/{escape(pmid)}/">{escape(pmid)}</a>' if pmid else ""


def cell_doi(doi: str) -> str:
    return f'<a class="doi" href="https://doi.org/{escape(doi)}">{escape(doi)}</a>' if doi else ""


ABOUT = {"this": "this miRNA", "precursor": "its precursor (the review does not say which arm)",
         "arm": "one of its arms"}


def entity_page(iri: str, view: EntityView, links: Linker | None = None) -> bytes:
    """Any entity: its identifier, its facts (labels, one row each) and the claims that name it; for a
    miRNA, whether it is a precursor or a mature arm, and which claims are about which."""
    found = links.identifier(iri) if links else None
    fact_rows = "".join(f"<tr><th>{escape(p)}</th><td>{cell(v, value_label, links)}</td></tr>"
                        for p, v, value_label in view.facts)
    is_mirna = "mirbase" in iri
    claim_rows = "".join(f"<tr><td>{cell(c)}</td><td>{escape(t)}</td><td>{escape(lab)}</td>"
                         + (f'<td class="about">{escape(ABOUT.get(about, about))}</td>' if is_mirna else "") + "</tr>"
                         for c, t, lab, about in view.claims)
    arm = mirna_note(iri, view) if is_mirna else ""
    about_head = "<th>names</th>" if is_mirna else ""
    body = f"""<p><a href="{escape(iri)}">{escape(iri)}</a>{identifier_html(found) if found else ""}</p>{arm}
<table class="facts">{fact_rows}</table>
<h2>Claims</h2><table class="claims"><tr><th>claim</th><th>type</th><th>statement</th>{about_head}</tr>{claim_rows}</table>
<p>{len(view.claims)} claim(s). As RDF: <a href="{escape(rdf_link(iri, "turtle"))}">Turtle</a></p>"""
    return page(f"{'miRNA ' if is_mirna else ''}{view.label}", body)


def mirna_note(iri: str, view: EntityView) -> str:
    """The arm question in plain words."""
    arms = [(o, n) for kind, o, n in view.relatives if kind == "arm"]
    precursors = [(o, n) for kind, o, n in view.relatives if kind == "precursor"]
    def listed(items: list[tuple]) -> str:
        return ", ".join(cell(o, n) for o, n in items)
    if "mirbase.mature:" in iri:
        return (f'<p class="arm">{escape(view.label)} is a <b>mature miRNA</b> (one arm)'
                + (f" of the precursor {listed(precursors)}" if precursors else "") + ". Claims marked "
                "<i>this miRNA</i> name this arm; claims marked <i>its precursor</i> come from passages where the "
                "review names the miRNA without saying which arm, so they may be about this arm or the other.</p>")
    return (f'<p class="arm">{escape(view.label)} is a <b>precursor</b> (hairpin)'
            + (f" with the mature arms {listed(arms)}" if arms else "") + ". Claims marked <i>this miRNA</i> come "
            "from passages where the review does not say which arm it means; claims marked <i>one of its arms</i> "
            "name a mature arm.</p>")


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


def query_form(name: str, fields: list[tuple[str, str, str, list[tuple[str, str]]]]) -> str:
    """A stored query's form: one input per parameter (name, description, current value, choices as
    (value, label)), the choices offered in a datalist; a person may type a label or an identifier."""
    inputs = []
    for param, description, value, choices in fields:
        options = "".join(f'<option value="{escape(v)}">{escape(lab)}</option>' for v, lab in choices)
        datalist = f'<datalist id="choices-{escape(param)}">{options}</datalist>' if choices else ""
        listed = f' list="choices-{escape(param)}"' if choices else ""
        inputs.append(f'<p><label>{escape(param.replace("_", " "))} <input name="{escape(param)}" value="{escape(value)}"'
                      f'{listed} size="40"></label> <small>{escape(description)}</small>{datalist}</p>')
    return (f'<form class="parameters" action="/query" method="get"><input type="hidden" name="name" value="{escape(name)}">'
            + "".join(inputs) + '<button type="submit">Ask</button></form>')


def query_page(title: str, question: str, text: str, table: str, error: str = "", form: str = "") -> bytes:
    error_html = f'<p class="error"><strong>Error:</strong> {escape(error)}</p>' if error else ""
    body = f"""<p>{escape(question)}</p>{form}{error_html}{table}
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
    "claims_page",
    "entity_page",
    "error_page",
    "graph_page",
    "index_page",
    "landing",
    "local_link",
    "nanopub_page",
    "next_page_link",
    "not_found",
    "not_in_release",
    "page",
    "problems_page",
    "query_form",
    "query_page",
    "rdf_link",
    "result_table",
    "search_page",
    "triple_table",
]
