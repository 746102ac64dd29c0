"""The IRIs exomir-kg mints, and the vocabularies it uses."""
from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

BASE = "https://w3id.org/exomir-kg/"
EXO = Namespace(BASE + "ontology/")
CLAIM = Namespace(BASE + "claim/")
NANOPUB = Namespace(BASE + "np/")
REFERENCE = Namespace(BASE + "reference/")
QUOTE = Namespace(BASE + "quote/")
ISSUE = Namespace(BASE + "issue/")
GRAPH = Namespace(BASE + "graph/")
NP = Namespace("http://www.nanopub.org/nschema#")
CITO = Namespace("http://purl.org/spar/cito/")
OBO = Namespace("http://purl.obolibrary.org/obo/")
VANN = Namespace("http://purl.org/vocab/vann/")

ONTOLOGY_IRI = BASE + "ontology"
DATASET_IRI = BASE + "dataset"
ENTITIES_GRAPH = GRAPH["entities"]
CC_BY = "https://creativecommons.org/licenses/by/4.0/"

PREFIXES = {
    "exo": EXO, "claim": CLAIM, "exonp": NANOPUB, "ref": REFERENCE, "quote": QUOTE, "issue": ISSUE,
    "np": NP, "cito": CITO, "obo": OBO, "prov": PROV, "dcterms": DCTERMS, "skos": SKOS,
    "rdfs": RDFS, "owl": OWL, "xsd": XSD, "vann": VANN,
    "mirbase": Namespace("https://identifiers.org/mirbase:"),
    "mirbase.mature": Namespace("https://identifiers.org/mirbase.mature:"),
    "hgnc": Namespace("https://identifiers.org/hgnc:"),
    "cellosaurus": Namespace("https://identifiers.org/cellosaurus:"),
}

__all__ = [
    "BASE",
    "CC_BY",
    "CITO",
    "CLAIM",
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
