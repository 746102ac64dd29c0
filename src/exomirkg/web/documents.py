"""The RDF documents the server describes itself with: VoID and the SPARQL service description."""
from __future__ import annotations

from ..dataset import LICENSE, REVIEW_DOI_IRI, REVIEW_TITLE
from ..ids.namespaces import BASE, CLAIM, EXO, turtle_prefixes
from . import page_queries
from .page_queries import Runner


def void_description(run: Runner, base: str) -> bytes:
    """VoID for the dataset served at ``base``, with the KG's build-time statistics (graph/statistics:
    class and property partitions) read from the store by ``run``."""
    statistics = page_queries.dataset_statistics(run)
    integer = "^^xsd:integer"
    partitions = "".join(f"""<{BASE}dataset> void:classPartition <{part}> .
<{part}> void:class <{term}> ; void:entities "{n}"{integer} .
""" for part, term, n in statistics.classes) + "".join(f"""<{BASE}dataset> void:propertyPartition <{part}> .
<{part}> void:property <{term}> ; void:triples "{n}"{integer} .
""" for part, term, n in statistics.properties)
    return f"""{turtle_prefixes("void", "dcterms", "xsd")}<{BASE}dataset> a void:Dataset ;
    dcterms:title "exomir-kg: claims of the review '{REVIEW_TITLE}'" ;
    dcterms:license <{LICENSE}> ;
    dcterms:source <{REVIEW_DOI_IRI}> ;
    void:sparqlEndpoint <{base}/sparql> ;
    void:uriSpace "{BASE}" ;
    void:exampleResource <{CLAIM}C131> ;
    void:vocabulary <{EXO}> , <http://www.nanopub.org/nschema#> , <http://www.w3.org/ns/prov#> ;
    void:triples "{statistics.quads}"{integer} ;
    void:entities "{statistics.claims}"{integer} .
{partitions}""".encode()


def service_description(base: str) -> bytes:
    """The SPARQL service description of the endpoint at ``base``/sparql."""
    formats = " , ".join(f"<http://www.w3.org/ns/formats/{f}>" for f in
                         ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                          "Turtle", "JSON-LD", "N-Triples"))
    return f"""{turtle_prefixes("sd", "void")}<{base}/sparql> a sd:Service ;
    sd:endpoint <{base}/sparql> ;
    sd:supportedLanguage sd:SPARQL11Query ;
    sd:feature sd:UnionDefaultGraph , sd:BasicFederatedQuery ;
    sd:resultFormat {formats} ;
    sd:defaultDataset [ a sd:Dataset ; sd:defaultGraph [ a sd:Graph ; void:inDataset <{BASE}dataset> ] ] .
""".encode()
