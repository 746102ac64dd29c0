"""The IRIs exomir-kg mints, the vocabularies it uses, and the one prefix map over them.

``PREFIXES`` are the prefixes bound in the KG's own files; ``VOCABULARIES`` the further ones that
documents the project writes (VoID, service descriptions, SSSOM, releases) use. Code that shortens an
IRI for people (:func:`shorten`) or writes a SPARQL prologue (:func:`sparql_prologue`) reads them
through :data:`CONVERTER`; the identifier registries of ``ontology/prefixes.tsv`` come first in
:meth:`exomirkg.ids.prefixes.PrefixRegistry.uri_prefix`, which falls back on it.
"""
from __future__ import annotations

import curies
from rdflib import Namespace
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

BASE = "https://w3id.org/exomir-kg/"
EXO = Namespace(BASE + "ontology/")
CLAIM = Namespace(BASE + "claim/")
PANEL = Namespace(BASE + "panel/")
NANOPUB = Namespace(BASE + "np/")
REFERENCE = Namespace(BASE + "reference/")
QUOTE = Namespace(BASE + "quote/")
ISSUE = Namespace(BASE + "issue/")
GRAPH = Namespace(BASE + "graph/")
SOURCE = Namespace(BASE + "source/")
VOID = Namespace("http://rdfs.org/ns/void#")
NP = Namespace("http://www.nanopub.org/nschema#")
CITO = Namespace("http://purl.org/spar/cito/")
OBO = Namespace("http://purl.obolibrary.org/obo/")
VANN = Namespace("http://purl.org/vocab/vann/")

ONTOLOGY_IRI = BASE + "ontology"
DATASET_IRI = BASE + "dataset"
ENTITIES_GRAPH = GRAPH["entities"]
STATISTICS_GRAPH = GRAPH["statistics"]

PREFIXES = {
    "exo": EXO, "claim": CLAIM, "panel": PANEL, "exonp": NANOPUB, "ref": REFERENCE, "quote": QUOTE, "issue": ISSUE,
    "np": NP, "cito": CITO, "obo": OBO, "prov": PROV, "dcterms": DCTERMS, "skos": SKOS,
    "rdfs": RDFS, "owl": OWL, "xsd": XSD, "vann": VANN, "void": VOID, "source": SOURCE,
    "mirbase": Namespace("https://identifiers.org/mirbase:"),
    "mirbase.mature": Namespace("https://identifiers.org/mirbase.mature:"),
    "hgnc": Namespace("https://identifiers.org/hgnc:"),
    "cellosaurus": Namespace("https://identifiers.org/cellosaurus:"),
}

VOCABULARIES = {
    "rdf": Namespace(str(RDF)),
    "sd": Namespace("http://www.w3.org/ns/sparql-service-description#"),
    "semapv": Namespace("https://w3id.org/semapv/vocab/"), "spdx": Namespace("http://spdx.org/rdf/terms#"),
}

CONVERTER = curies.Converter.from_prefix_map({prefix: str(ns) for prefix, ns in {**VOCABULARIES, **PREFIXES}.items()})
"""The project's namespaces and vocabularies as one :class:`curies.Converter`."""


def shorten(iri: str) -> str:
    """``claim:C131``, ``exo:Claim``, ``obo:GO_0006915`` for a known namespace; the IRI itself otherwise."""
    return CONVERTER.compress(str(iri), passthrough=True)


def turtle_prefixes(*prefixes: str) -> str:
    """``@prefix p: <...> .`` lines for the named prefixes of :data:`CONVERTER`."""
    return "".join(f"@prefix {prefix}: <{CONVERTER.expand(prefix + ':')}> .\n" for prefix in prefixes)


def sparql_prologue(*prefixes: str) -> str:
    """``PREFIX p: <...>`` lines for the named prefixes of :data:`CONVERTER`."""
    return "".join(f"PREFIX {prefix}: <{CONVERTER.expand(prefix + ':')}>\n" for prefix in prefixes)

__all__ = [
    "BASE",
    "CITO",
    "CLAIM",
    "CONVERTER",
    "DATASET_IRI",
    "DCTERMS",
    "ENTITIES_GRAPH",
    "EXO",
    "GRAPH",
    "ISSUE",
    "NANOPUB",
    "NP",
    "OBO",
    "ONTOLOGY_IRI",
    "OWL",
    "PANEL",
    "PREFIXES",
    "PROV",
    "QUOTE",
    "RDF",
    "RDFS",
    "REFERENCE",
    "SKOS",
    "VANN",
    "XSD",
]
