"""The queries behind browsing: search, the indexes, claim lists and the values a stored query's form
offers. Request-derived values are bound terms (:func:`~.page_queries.rows`), never query text."""
from __future__ import annotations

import re

from ..ids.namespaces import CLAIM
from ..query.store import Term
from .page_queries import PREFIXES, Runner, column, known, rows, text_of

CLAIM_ID = re.compile(r"C\d{3,}")
MAX_WORDS = 5
HIDDEN = ("/np/", "/graph/", "/quote/", "/panel/", "/edge/")
SEARCH = PREFIXES + """SELECT DISTINCT {projected} ?hit ?label WHERE {{
    ?hit rdfs:label|exo:textName ?l . BIND(LCASE(STR(?l)) AS ?text)
    FILTER(isIRI(?hit) {words} {hidden}) BIND(STR(?l) AS ?label)
}} ORDER BY STRLEN(?label) ?label LIMIT 5000"""
SEARCH_KINDS = (("claim", "claims"), ("mirbase", "miRNAs"), ("hgnc", "genes"), ("GO_", "processes and pathways"),
                ("ontology/", "phenotypes and other terms"), ("CL_", "cell types"), ("cellosaurus", "cell lines"),
                ("MONDO_", "diseases"), ("UBERON_", "tissues and biofluids"), ("reference/", "references"),
                ("CHEBI_", "drugs"))
"""(a part of the IRI, the heading its hits go under), in the order shown."""


def search(run: Runner, text: str, limit: int = 50) -> list[tuple[str, list[tuple[str, str]], int]]:
    """(heading, [(IRI, label)] (at most ``limit``), how many matched) of the KG's terms and claims whose
    label, review name or sentence contains every word of ``text`` (any case, at most :data:`MAX_WORDS`
    words), and the claim a claim id names. The words are bound literals, never query text."""
    words = text.lower().split()[:MAX_WORDS]
    if not words:
        return []
    hits: dict[str, dict[str, str]] = {heading: {} for _, heading in SEARCH_KINDS}
    counts: dict[str, int] = dict.fromkeys(hits, 0)
    claim = CLAIM_ID.fullmatch(text.strip().upper())
    if claim and known(run, f"{CLAIM}{claim.group(0)}"):
        hits["claims"][f"{CLAIM}{claim.group(0)}"] = claim.group(0)
        counts["claims"] += 1
    variables = [f"q{n}" for n in range(len(words))]
    query = SEARCH.format(projected=" ".join(f"?{v}" for v in variables),
                          words="".join(f" && CONTAINS(?text, ?{v})" for v in variables),
                          hidden="".join(f' && !CONTAINS(STR(?hit), "{part}")' for part in HIDDEN))
    for iri, found in column(rows(run, query, literals=dict(zip(variables, words, strict=True))), "hit", "label"):
        value = text_of(iri)
        if iri is None or (value.startswith(str(CLAIM)) and "/" in value[len(str(CLAIM)):]):
            continue
        heading = next((h for part, h in SEARCH_KINDS if part in value), None)
        if heading is None or value in hits[heading]:
            continue
        counts[heading] += 1
        if len(hits[heading]) < limit:
            hits[heading][value] = text_of(found)
    return [(heading, list(items.items()), counts[heading]) for heading, items in hits.items() if items]


INDEXES: dict[str, tuple[str, str]] = {
    "mirnas": ("miRNAs", "?claim exo:mirna ?item"),
    "genes": ("Genes", "{ ?claim exo:gene ?item } UNION { ?claim exo:via ?item FILTER(STRSTARTS(STR(?item), 'https://identifiers.org/hgnc:')) }"),
    "processes": ("Processes, pathways and phenotypes", "?claim exo:process ?item"),
    "cells": ("Cell types and cell lines", "?claim exo:inCell|exo:donorCell|exo:recipientCell ?item"),
    "diseases": ("Diseases and comparison groups", "?claim exo:condition|exo:comparedWith ?item"),
    "biofluids": ("Biofluids and tissues", "?claim exo:biofluid|exo:anatomicalSite ?item"),
    "references": ("References of the review", "?claim exo:citesReference ?item"),
}
"""Index name -> (title, the pattern that links a claim to an item)."""
INDEX = PREFIXES + """SELECT ?item ?label (COUNT(DISTINCT ?claim) AS ?claims) WHERE {{
    {pattern} . ?claim a ?t . ?t rdfs:subClassOf exo:Claim .
    OPTIONAL {{ ?item rdfs:label ?l }} BIND(COALESCE(STR(?l), STR(?item)) AS ?label)
}} GROUP BY ?item ?label ORDER BY ?label"""
ALL_CLAIMS = PREFIXES + """SELECT DISTINCT ?claim ?label ?type WHERE {
    ?claim a ?t ; rdfs:label ?label . ?t rdfs:subClassOf exo:Claim ; rdfs:label ?tl . BIND(STR(?tl) AS ?type)
} ORDER BY ?claim"""
CLAIMS_OF_TYPE = PREFIXES + """SELECT DISTINCT ?only ?claim ?label ?type WHERE {
    ?claim a ?only ; rdfs:label ?label . ?only rdfs:subClassOf exo:Claim ; rdfs:label ?tl . BIND(STR(?tl) AS ?type)
} ORDER BY ?claim"""
CLAIM_TYPES = PREFIXES + """SELECT ?t ?type (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a ?t .
    ?t rdfs:subClassOf exo:Claim ; rdfs:label ?l . BIND(STR(?l) AS ?type) } GROUP BY ?t ?type ORDER BY DESC(?n) ?type"""


def index(run: Runner, name: str) -> list[tuple[Term, str, str]]:
    """(item, label, number of claims) of the index ``name`` (a key of :data:`INDEXES`), one row per item."""
    seen: dict[Term, tuple[Term, str, str]] = {}
    for item, found, claims in column(rows(run, INDEX.format(pattern=INDEXES[name][1])), "item", "label", "claims"):
        if item is not None and item not in seen:
            seen[item] = (item, text_of(found), text_of(claims))
    return list(seen.values())


def claims_of_type(run: Runner, type_iri: str | None) -> list[tuple[Term, str, str]]:
    """(claim, sentence, claim type) of every claim, or of one claim type."""
    result = rows(run, CLAIMS_OF_TYPE, only=type_iri) if type_iri else rows(run, ALL_CLAIMS)
    seen: dict[Term, tuple[Term, str, str]] = {}
    for claim_term, found, kind in column(result, "claim", "label", "type"):
        if claim_term is not None and claim_term not in seen:
            seen[claim_term] = (claim_term, text_of(found), text_of(kind))
    return list(seen.values())


def claim_types(run: Runner) -> list[tuple[str, str, str]]:
    """(claim type IRI, its name, number of claims), the most frequent first."""
    return [(text_of(t), text_of(n), text_of(c)) for t, n, c in column(rows(run, CLAIM_TYPES), "t", "type", "n")]


CHOICES: dict[str, str] = {
    "gene": "?claim exo:gene ?item", "process": "?claim exo:process ?item",
    "pathway": "?claim exo:discussedUnderPathway ?item", "cell_type": "?claim exo:inCell|exo:donorCell|exo:recipientCell ?item",
    "donor_type": "?claim exo:donorCell ?item", "recipient_type": "?claim exo:recipientCell ?item",
    "biofluid": "?claim exo:biofluid ?item", "comparison": "?claim exo:comparedWith ?item",
    "use": "?claim exo:biomarkerUse ?item", "level": "?claim exo:hedgingLevel ?item",
}
"""Parameter name -> the pattern whose ?item values a form offers (the values the KG's claims use)."""
MIRNA_NAMES = PREFIXES + """SELECT DISTINCT ?name WHERE { ?claim exo:mirna ?m . ?m exo:textName ?name } ORDER BY ?name"""


def choices(run: Runner, parameter: str) -> list[tuple[Term, str]]:
    """The values the KG's claims use for a stored query's parameter, (term, label); none when unknown."""
    if parameter == "mirna":
        return [(name, text_of(name)) for (name,) in column(rows(run, MIRNA_NAMES), "name") if name is not None]
    if parameter not in CHOICES:
        return []
    seen: dict[Term, str] = {}
    for item, found in column(rows(run, INDEX.format(pattern=CHOICES[parameter])), "item", "label"):
        if item is not None and item not in seen:
            seen[item] = text_of(found)
    return list(seen.items())
