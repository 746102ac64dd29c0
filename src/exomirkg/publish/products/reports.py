"""What the release was checked with, ``reports/``: the SHACL validation report, every stored query
run on the released data (rows and a digest), and the PROV description of both runs.
"""
from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, XSD

from ...build import KG_STEM
from ...ids.namespaces import BASE

if TYPE_CHECKING:
    from .context import Files, ReleaseContext

SOFTWARE = f"{BASE}software/exomirkg"


def validation_report(ctx: ReleaseContext) -> Files:
    return {"reports/validation-report.ttl": ctx.validation.as_turtle()}


def query_results(ctx: ReleaseContext) -> Files:
    """Every local stored query run on the released data: row count and a digest of the sorted rows."""
    from ...query.catalogue import catalogue
    project, store = ctx.project, ctx.store
    results: dict[str, dict[str, Any]] = {}
    for name, query in catalogue(project.queries_dir).items():
        if query.is_federated:
            results[name] = {"status": "not run (federated)", "federates": list(query.federated)}
            continue
        rows = store.query(query.bind({}, ctx.registry)).values()
        canonical = sorted("\t".join(";".join(sorted(v.split("; "))) for v in row) for row in rows)
        results[name] = {"status": "ok", "rows": len(rows),
                         "sha256": hashlib.sha256("\n".join(canonical).encode()).hexdigest()}
    return {"reports/query-results.json": json.dumps(results, indent=1, sort_keys=True) + "\n"}


def provenance(ctx: ReleaseContext) -> Files:
    """PROV: the validation and the query run, what they used and what they generated."""
    conforms, violations = ctx.validation.conforms, len(ctx.validation.violations)
    g = Graph()
    g.bind("prov", PROV)
    g.bind("dct", DCTERMS)
    base = ctx.download_base
    software = URIRef(SOFTWARE)
    g.add((software, RDF.type, PROV.SoftwareAgent))
    g.add((software, RDFS.label, Literal("exomirkg")))
    for name, used, generated, label in (
        ("validation", [f"data/{KG_STEM}.trig", "shapes/exomir-shapes.ttl"], "reports/validation-report.ttl",
         f"SHACL validation with pyshacl: conforms={str(conforms).lower()}, violations={violations}"),
        ("query-run", [f"data/{KG_STEM}.trig", "queries/sparql-examples.ttl"], "reports/query-results.json",
         "every local stored query run on the released data (embedded pyoxigraph store)")):
        activity = URIRef(f"{base}reports/{name}")
        g.add((activity, RDF.type, PROV.Activity))
        g.add((activity, RDFS.label, Literal(label)))
        g.add((activity, PROV.wasAssociatedWith, software))
        g.add((activity, PROV.endedAtTime, Literal(f"{ctx.date}T00:00:00Z", datatype=XSD.dateTime)))
        for path in used:
            g.add((activity, PROV.used, URIRef(base + path)))
        out = URIRef(base + generated)
        g.add((out, RDF.type, PROV.Entity))
        g.add((out, PROV.wasGeneratedBy, activity))
        for path in used:
            g.add((out, PROV.wasDerivedFrom, URIRef(base + path)))
    return {"reports/provenance.ttl": g.serialize(format="turtle")}


def what_not_to_trust(ctx: ReleaseContext) -> Files:
    """``WHAT-NOT-TO-TRUST.md``: the review's problems, conflicts between studies, and the claims on
    retracted studies, problematic cell lines and unverified references (:mod:`exomirkg.query.trust`),
    each answer a table with the claims' sentences and IRIs."""
    from ...query.catalogue import catalogue
    from ...query.results import grouped, header
    from ...query.trust import gathered
    from .render import render
    sections = []
    for section, result in gathered(catalogue(ctx.project.queries_dir), ctx.registry, ctx.store.query):
        rows = [[", ".join(_shown(t.value) for t in cell) for cell in row] for row in grouped(result)]
        sections.append({"key": section.key, "title": section.title, "explanation": section.explanation,
                         "query": section.query, "headers": [header(v) for v in result.variables], "rows": rows})
    return {"WHAT-NOT-TO-TRUST.md": render("WHAT-NOT-TO-TRUST.md", version=ctx.version, sections=sections)}


def _shown(value: str) -> str:
    """A table cell of Markdown: the KG's IRIs shortened to their path, pipes escaped, one line."""
    text = value.removeprefix(BASE) if value.startswith(BASE) else value
    return text.replace("|", "\\|").replace("\n", " ")
