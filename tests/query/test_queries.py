"""Stored queries: each answers its question as the review does, on pyoxigraph and rdflib alike.

Expected answers were written from reading the review, not from the queries' output."""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, SH

from exomirkg.cli import main
from exomirkg.ids.namespaces import EXO
from exomirkg.query.catalogue import SERVICE_LINE, BadParameter, UnknownQuery, find, page_clause, values_line
from exomirkg.query.store import EmbeddedStore


@pytest.fixture(scope="module")
def stores(project):
    return {engine: EmbeddedStore.for_project(project, engine) for engine in ("oxigraph", "rdflib")}


def _cell(value: str):
    """GROUP_CONCAT order is engine-dependent: compare its parts as a set."""
    return frozenset(value.split("; ")) if "; " in value else value


def rows(stores, queries, registry, name: str, engine: str = "oxigraph", **params) -> list[dict]:
    text = queries[name].bind({k: str(v) for k, v in params.items()}, registry)
    result = stores[engine].query(text)
    return [dict(zip(result.variables, (_cell(v) for v in row))) for row in result.values()]


@pytest.fixture
def ask(stores, queries, registry):
    return lambda name, **params: rows(stores, queries, registry, name, **params)


def as_set(value) -> frozenset:
    return value if isinstance(value, frozenset) else frozenset([value] if value else [])


# ----------------------------------------------------------------------------- the catalogue
def test_at_least_twenty_stored_queries_with_metadata(queries):
    assert len(queries) >= 20
    for query in queries.values():
        assert query.title and query.question.endswith(("?", ".)")) and query.keywords, query.name
        for param in query.parameters:
            if param.variable in ("LIMIT", "OFFSET"):     # the text's own page is the documented default
                assert page_clause(param.variable).findall(query.text) == [f"{param.variable} {param.example}"], query.name
                continue
            line = SERVICE_LINE if param.variable == "SERVICE" else values_line(param.variable)
            assert len(line.findall(query.text)) == 1, (query.name, param.name)


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_every_query_runs_and_returns_rows(stores, queries, registry, engine):
    for name, query in queries.items():
        if query.is_federated:
            continue
        assert rows(stores, queries, registry, name, engine), name


def test_both_engines_give_the_same_rows(stores, queries, registry):
    for name in (n for n, q in queries.items() if not q.is_federated):
        results = [Counter(frozenset(r.items()) for r in rows(stores, queries, registry, name, e))
                   for e in ("oxigraph", "rdflib")]
        assert results[0] == results[1], name


SPEX = Namespace("https://purl.expasy.org/sparql-examples/ontology#")
SCHEMA = Namespace("https://schema.org/")
BODIES = {"SELECT": (SH.SPARQLSelectExecutable, SH.select), "ASK": (SH.SPARQLAskExecutable, SH.ask),
          "CONSTRUCT": (SH.SPARQLConstructExecutable, SH.construct), "DESCRIBE": (SPEX.SPARQLDescribeExecutable, SPEX.describe)}


def service_endpoints(node) -> set[str]:
    """The IRIs of every SERVICE clause of a parsed query (rdflib's parse tree)."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue
    if isinstance(node, CompValue):
        found = {str(node["term"])} if node.name == "ServiceGraphPattern" else set()
        return found.union(*(service_endpoints(value) for value in node.values()))
    if isinstance(node, list | tuple | ParseResults):
        return set().union(*(service_endpoints(value) for value in node))
    return set()


def sib_problems(graph: Graph) -> list[str]:
    """What SIB's tester checks beyond its SHACL shapes (sparql-examples-utils: ValidateSparqlExamplesTest):
    every query body parses, and the SERVICE endpoints it calls are exactly its spex:federatesWith. And
    what the project adds: each PREFIX of a body is declared, with the same namespace, by its sh:prefixes."""
    from rdflib.plugins.sparql.parser import parseQuery
    problems = []
    for node in sorted(graph.subjects(RDF.type, SH.SPARQLExecutable)):
        bodies = [str(b) for p in (SH.select, SH.ask, SH.construct, SPEX.describe) for b in graph.objects(node, p)]
        for body in bodies:
            try:
                endpoints = service_endpoints(parseQuery(body))
            except Exception as error:
                problems.append(f"{node}: the query does not parse: {error}")
                continue
            annotated = {str(e) for e in graph.objects(node, SPEX.federatesWith)}
            if endpoints != annotated:
                problems.append(f"{node}: SERVICE {sorted(endpoints)} but spex:federatesWith {sorted(annotated)}")
            declared = {str(d.value(SH.prefix)): str(d.value(SH.namespace))
                        for declarations in graph.objects(node, SH.prefixes)
                        for d in (graph.resource(x) for x in graph.objects(declarations, SH.declare))}
            for prefix, namespace in re.findall(r"(?im)^\s*PREFIX\s+([\w.-]*):\s*<([^>]*)>", body):
                if declared.get(prefix) != namespace:
                    problems.append(f"{node}: PREFIX {prefix}: <{namespace}> is not declared so by its sh:prefixes")
    return problems


def test_sparql_examples_are_one_current_file_per_query_in_the_sib_form(project, queries):
    """queries/examples/ holds NAME.ttl for every stored query and prefixes.ttl, nothing else, each as
    the build writes it; each file parses alone and says what its .rq header and text say; the union
    queries/sparql-examples.ttl is the prefixes file followed by every query's file."""
    from exomirkg.query.catalogue import example_turtle, prefixes_turtle, union_turtle
    folder = project.queries_dir / "examples"
    assert sorted(p.name for p in folder.iterdir()) == sorted([f"{name}.ttl" for name in queries] + ["prefixes.ttl"])
    assert (folder / "prefixes.ttl").read_text(encoding="utf-8") == prefixes_turtle(queries)
    assert (project.queries_dir / "sparql-examples.ttl").read_text(encoding="utf-8") == union_turtle(queries)
    for name, query in queries.items():
        text = (folder / f"{name}.ttl").read_text(encoding="utf-8")
        assert text == example_turtle(query), f"queries/examples/{name}.ttl is stale: run exomirkg build"
        graph = Graph().parse(data=text, format="turtle")
        node = URIRef(f"https://w3id.org/exomir-kg/queries/{name}")
        assert set(graph.subjects(RDF.type, SH.SPARQLExecutable)) == {node}
        kind, body = BODIES[query.form]
        assert set(graph.objects(node, RDF.type)) == {SH.SPARQLExecutable, kind}, name
        assert list(graph.objects(node, body)) == [Literal(query.body)] and query.body.lstrip().startswith("PREFIX"), name
        assert "# title:" not in query.body and query.body in query.text
        assert list(graph.objects(node, RDFS.comment)) == [Literal(query.question, lang="en")]
        assert sorted(map(str, graph.objects(node, SCHEMA.keywords))) == sorted(query.keywords)
        assert list(graph.objects(node, SCHEMA.target)) == [URIRef(query.target)]
        assert {str(e) for e in graph.objects(node, SPEX.federatesWith)} == set(query.federated)
        assert len(list(graph.objects(node, SH.prefixes))) == 1
    assert {q.target for q in queries.values()} == {"https://w3id.org/exomir-kg/sparql", "http://127.0.0.1:7878/query"}
    assert queries["federated-claims-for-mir-gene"].target == "http://127.0.0.1:7878/query"   # it runs on the other KG


def sib_graph(project, name: str) -> Graph:
    """One example file read with the prefixes file, as SIB's tools read an example of a project
    (Converter: the example, then the prefixes; convertToOneTurtle.sh: concatenated)."""
    folder = project.queries_dir / "examples"
    return Graph().parse(data=(folder / "prefixes.ttl").read_text(encoding="utf-8") + "\n"
                         + (folder / f"{name}.ttl").read_text(encoding="utf-8"), format="turtle")


def test_every_example_file_passes_the_sib_shapes_and_checks(project, queries):
    import pyshacl
    shapes = Graph().parse(project.root / "shapes" / "sparql-examples-shapes.ttl")
    for name in queries:
        graph = sib_graph(project, name)
        conforms, _, text = pyshacl.validate(graph, shacl_graph=shapes)
        assert conforms, (name, text)
        assert sib_problems(graph) == [], name
    union = Graph().parse(project.queries_dir / "sparql-examples.ttl")
    assert len(set(union.subjects(RDF.type, SH.SPARQLExecutable))) == len(queries)
    assert len(set(union.objects(None, SH.prefixes))) == 1          # one prefixes node for all
    conforms, _, text = pyshacl.validate(union, shacl_graph=shapes)
    assert conforms, text
    assert sib_problems(union) == []


def _broken(project, name: str, change) -> Graph:
    graph = sib_graph(project, name)
    node = URIRef(f"https://w3id.org/exomir-kg/queries/{name}")
    change(graph, node)
    return graph


@pytest.mark.parametrize("what, change", [
    ("stray whitespace", lambda g, n: g.add((n, SCHEMA.keywords, Literal(" apoptosis")))),
    ("one-character keyword", lambda g, n: g.add((n, SCHEMA.keywords, Literal("a")))),
    ("keyword typo", lambda g, n: g.add((n, SCHEMA.keyword, Literal("apoptosis")))),
    ("no target", lambda g, n: g.remove((n, SCHEMA.target, None))),
    ("no comment", lambda g, n: g.remove((n, RDFS.comment, None))),
    ("comment without language", lambda g, n: (g.remove((n, RDFS.comment, None)), g.add((n, RDFS.comment, Literal("x"))))),
    ("two bodies", lambda g, n: g.add((n, SH.ask, Literal("ASK {}")))),
    ("no body", lambda g, n: g.remove((n, SH.select, None))),
    ("body of another form", lambda g, n: g.remove((n, RDF.type, SH.SPARQLSelectExecutable))),
    ("no prefixes", lambda g, n: g.remove((n, SH.prefixes, None))),
    ("prefixes declare nothing", lambda g, n: g.remove((None, SH.declare, None))),
])
def test_sib_shapes_catch_each_broken_example(project, what, change):
    import pyshacl
    shapes = Graph().parse(project.root / "shapes" / "sparql-examples-shapes.ttl")
    conforms, report, _ = pyshacl.validate(_broken(project, "targets-of-mirna", change), shacl_graph=shapes)
    assert not conforms, what
    assert len(list(report.subjects(SH.resultSeverity, SH.Violation))) > 0


def test_sib_checks_catch_unannotated_services_undeclared_prefixes_and_bad_queries(project):
    name = "federated-wikidata-mirnas"
    node = URIRef(f"https://w3id.org/exomir-kg/queries/{name}")
    assert sib_problems(sib_graph(project, name)) == []
    graph = _broken(project, name, lambda g, n: g.remove((n, SPEX.federatesWith, None)))
    assert sib_problems(graph) == [f"{node}: SERVICE ['https://query.wikidata.org/sparql'] but spex:federatesWith []"]
    graph = _broken(project, name, lambda g, n: g.add((n, SPEX.federatesWith, URIRef("https://sparql.uniprot.org/sparql"))))
    assert len(sib_problems(graph)) == 1
    graph = _broken(project, name, lambda g, n: g.remove((None, SH.prefix, Literal("wdt"))))
    assert sib_problems(graph) == [f"{node}: PREFIX wdt: <http://www.wikidata.org/prop/direct/> is not declared so by its sh:prefixes"]
    graph = _broken(project, name, lambda g, n: (g.remove((n, SH.select, None)), g.add((n, SH.select, Literal("SELECT WHERE {")))))
    problems = sib_problems(graph)
    assert len(problems) == 1 and problems[0].startswith(f"{node}: the query does not parse")


def test_build_writes_the_examples_and_removes_a_gone_query(project, tmp_path):
    """write_examples makes queries/examples/ from the .rq files alone, and a query's file goes with it."""
    import shutil

    from exomirkg.query.catalogue import write_examples
    folder = tmp_path / "queries"
    folder.mkdir()
    for name in ("targets-of-mirna", "federated-wikidata-mirnas"):
        shutil.copy(project.queries_dir / f"{name}.rq", folder)
    write_examples(folder)
    assert sorted(p.name for p in (folder / "examples").iterdir()) == [
        "federated-wikidata-mirnas.ttl", "prefixes.ttl", "targets-of-mirna.ttl"]
    (folder / "federated-wikidata-mirnas.rq").unlink()
    write_examples(folder)
    assert sorted(p.name for p in (folder / "examples").iterdir()) == ["prefixes.ttl", "targets-of-mirna.ttl"]
    assert "wdt" not in (folder / "examples" / "prefixes.ttl").read_text()


def test_a_prefix_bound_to_two_namespaces_is_an_error(project, tmp_path):
    from exomirkg.errors import ExomirError
    from exomirkg.query.catalogue import write_examples
    folder = tmp_path / "queries"
    folder.mkdir()
    text = (project.queries_dir / "targets-of-mirna.rq").read_text()
    (folder / "a.rq").write_text(text)
    (folder / "b.rq").write_text(text.replace("PREFIX exo: <https://w3id.org/exomir-kg/ontology/>",
                                              "PREFIX exo: <http://example.org/other/>"))
    with pytest.raises(ExomirError, match="one prefix, one namespace"):
        write_examples(folder)


def test_unknown_query_and_bad_parameters_list_the_valid_ones(project, queries, registry):
    with pytest.raises(UnknownQuery, match="targets-of-mirna"):
        find(project.queries_dir, "targets-of-nothing")
    with pytest.raises(BadParameter, match=r"its parameters: mirna \(e\.g\. miR-210\)"):
        queries["targets-of-mirna"].bind({"gene": "PTEN"}, registry)
    with pytest.raises(BadParameter, match="must be an integer"):
        queries["claims-of-reference"].bind({"reference": "one"}, registry)
    with pytest.raises(BadParameter, match="unknown prefix"):
        queries["mirnas-targeting-gene"].bind({"gene": "GENE:1"}, registry)
    with pytest.raises(BadParameter, match="must be a claim id such as C131"):
        queries["claim-provenance"].bind({"claim": "claim 12"}, registry)
    assert "VALUES ?claim { <https://w3id.org/exomir-kg/claim/C012> }" in \
        queries["claim-provenance"].bind({"claim": "C012"}, registry)


# ----------------------------------------------------------------------------- pages
PAGED = ["pathways", "biomarker-performance", "opposite-directions", "retracted-claims", "mirna-genes"]


@pytest.mark.parametrize("name", PAGED)
def test_pages_split_the_whole_answer_without_overlap(stores, queries, registry, name):
    """Page after page (3 answers each) gives every answer of the unpaged query exactly once,
    each page sorted; the last page is short, and next_page then says there is none."""
    query = queries[name]
    everything = rows(stores, queries, registry, name, page_size="*")
    assert len(everything) > 3
    seen, values = [], {"page_size": "3"}
    while values is not None:
        page = rows(stores, queries, registry, name, **values)
        assert len(page) <= 3
        seen.extend(page)
        values = query.next_page(values, len(page))
    key = [tuple(sorted((k, str(v)) for k, v in row.items())) for row in seen]
    assert len(key) == len(set(key)) and Counter(key) == Counter(
        tuple(sorted((k, str(v)) for k, v in row.items())) for row in everything)


def test_default_page_holds_the_whole_answer_on_the_review(stores, queries, registry):
    for name, query in queries.items():
        size = query.page_size({})
        if size is not None:
            assert len(rows(stores, queries, registry, name)) < size, name


def test_page_parameters_are_checked(queries, registry):
    query = queries["pathways"]
    with pytest.raises(BadParameter, match="whole number of answers.*\\* for all"):
        query.bind({"page_size": "-5"}, registry)
    with pytest.raises(BadParameter, match="whole number of answers"):
        query.bind({"offset": "next"}, registry)
    assert "LIMIT" not in query.bind({"page_size": "*"}, registry).split("WHERE", 1)[1]
    assert "LIMIT 20 OFFSET 40" in query.bind({"page_size": "20", "offset": "40"}, registry)
    assert query.next_page({"page_size": "20", "offset": "40"}, 20) == {"page_size": "20", "offset": "60"}
    assert query.next_page({"page_size": "20"}, 19) is None
    assert query.next_page({"page_size": "0"}, 0) is None
    assert queries["targets-of-mirna"].next_page({}, 10**6) is None


# ----------------------------------------------------------------------------- the answers
def test_expression_against_liver_cirrhosis(ask):
    found = {(r["mirna"], r["direction"], r["biofluidLabel"], r["reference"]) for r in ask("expression-by-comparison")}
    assert found == {
        ("miR-122", "upregulated", "blood serum", "41"), ("miR-148a", "upregulated", "blood serum", "41"),
        ("miR-1246", "upregulated", "blood serum", "41"),
        ("miR-18a", "upregulated", "blood serum", "43"), ("miR-221", "upregulated", "blood serum", "43"),
        ("miR-222", "upregulated", "blood serum", "43"), ("miR-224", "upregulated", "blood serum", "43"),
        ("miR-21", "upregulated", "blood plasma", "118"), ("miR-96", "upregulated", "blood plasma", "118"),
        ("miR-122", "downregulated", "blood plasma", "118")}


def test_expression_against_chronic_hepatitis_b_and_healthy_controls(ask):
    chb = {(r["mirna"], r["direction"]) for r in ask("expression-by-comparison", comparison="MONDO:0005366")}
    assert chb == {("miR-21", "upregulated"), ("miR-18a", "upregulated"), ("miR-221", "upregulated"),
                   ("miR-222", "upregulated"), ("miR-224", "upregulated"), ("miR-101", "downregulated"),
                   ("miR-106b", "downregulated"), ("miR-122", "downregulated"), ("miR-195", "downregulated")}
    healthy = {r["mirna"] for r in ask("expression-by-comparison", comparison="exo:HealthyControl")}
    assert healthy == {"miR-21", "miR-122", "miR-148a", "miR-1246"}


def test_expression_in_plasma(ask):
    assert {(r["mirna"], r["direction"]) for r in ask("expression-in-biofluid")} == {
        ("miR-21", "upregulated"), ("miR-96", "upregulated"), ("miR-122", "downregulated")}


def test_targets(ask):
    assert {r["symbol"] for r in ask("targets-of-mirna")} == {"SMAD4", "STAT6"}
    assert {r["symbol"] for r in ask("targets-of-mirna", mirna="miR-744")} == {"PAX2"}
    assert {(r["mirna"], r["symbol"]) for r in ask("targets-of-mirna", mirna="*")} == {
        ("miR-210", "SMAD4"), ("miR-210", "STAT6"), ("miR-744", "PAX2"), ("miR-1247-3p", "B4GALT3"),
        ("miR-451a", "LPIN1"), ("miR-23a-3p", "PTEN"), ("miR-32-5p", "PTEN"), ("miR-320a", "PBX3"),
        ("miR-638", "SP1"), ("miR-449c-5p", "HAVCR2")}
    assert {r["mirna"] for r in ask("mirnas-targeting-gene")} == {"miR-23a-3p", "miR-32-5p"}     # PTEN
    assert {r["mirna"] for r in ask("mirnas-targeting-gene", gene="HGNC:18437")} == {"miR-449c-5p"}  # TIM-3


def test_pathways(ask):
    found = {(r["mirna"], r["effect"], r["pathwayLabel"]) for r in ask("pathways")}
    assert found == {
        ("miR-32-5p", "positive effect", "phosphatidylinositol 3-kinase/protein kinase B signal transduction"),
        ("miR-23a-3p", "association or unspecified effect", "phosphatidylinositol 3-kinase/protein kinase B signal transduction"),
        ("miR-320a", "negative effect", "MAPK cascade"), ("miR-320a", "negative effect", "ERK1 and ERK2 cascade"),
        ("miR-665", "positive effect", "ERK1 and ERK2 cascade"), ("miR-490", "negative effect", "ERK1 and ERK2 cascade"),
        ("miR-1247-3p", "positive effect", "integrin-mediated signaling pathway"),
        ("miR-1247-3p", "positive effect", "canonical NF-kappaB signal transduction")}


def test_processes_use_the_go_hierarchy(ask):
    assert {(r["mirna"], r["effect"]) for r in ask("mirnas-affecting-process")} == {
        ("miR-638", "positive effect"), ("miR-451a", "positive effect")}
    # cell migration is a cell motility: asking for motility finds the migration claims
    motility = {(r["mirna"], r["effect"], r["claimedProcessLabel"]) for r in ask("mirnas-affecting-process", process="GO:0048870")}
    assert motility == {("miR-320a", "negative effect", "cell migration"), ("miR-638", "negative effect", "cell migration"),
                        ("miR-23a", "positive effect", "cell migration"), ("miR-23b", "positive effect", "cell migration")}
    angiogenesis = {(r["mirna"], r["effect"]) for r in ask("mirnas-affecting-process", process="GO:0001525")}
    assert angiogenesis == {(m, "association or unspecified effect") for m in
                            ("miR-21", "miR-26a", "miR-122", "miR-146a", "miR-155", "miR-182")} | {
        ("miR-210", "positive effect"), ("miR-32-5p", "positive effect"), ("miR-200b-3p", "negative effect")}
    assert {r["mirna"] for r in ask("mirnas-affecting-process", process="exo:Metastasis")} == {
        "miR-320a", "miR-490", "miR-1247-3p", "miR-21", "miR-10b"}


def test_transfers_use_the_cell_ontology_hierarchy(ask):
    to_endothelium = ask("transfers-to-cell-type")
    assert {r["mirna"] for r in to_endothelium} == {"miR-210", "miR-200b-3p", "miR-638"}
    assert {r["recipientLabel"] for r in to_endothelium if r["mirna"] == "miR-638"} == {"endothelial cell of umbilical vein"}
    assert {r["mirna"] for r in ask("transfers-to-cell-type", recipient_type="CL:0000235")} == {"miR-23a-3p"}
    assert {r["mirna"] for r in ask("transfers-to-cell-type", recipient_type="CL:0000623")} == {"miR-92b"}
    # cancer-associated fibroblasts are fibroblasts, which are stromal cells
    assert {r["mirna"] for r in ask("transfers-from-cell-type")} == {"miR-320a", "miR-1247-3p"}
    assert {r["mirna"] for r in ask("transfers-from-cell-type", donor_type="CL:0000136")} == {"miR-23a", "miR-23b"}


def test_biomarkers_and_their_numbers(ask):
    perf = [r for r in ask("biomarker-performance") if r["sensitivity"]]
    assert [(r["mirna"], r["sensitivity"], r["specificity"], r["auc"]) for r in perf] == [("miR-10b-5p", "0.911", "0.75", "0.932")]
    diagnostic = {r["mirna"] for r in ask("biomarker-performance", use="https://w3id.org/exomir-kg/ontology/DiagnosticUse")}
    assert diagnostic == {"miR-21", "miR-18a", "miR-221", "miR-222", "miR-224", "miR-101", "miR-106b", "miR-122",
                          "miR-195", "miR-665", "miR-96"}
    # [118]: "much more accurate than plasma microRNAs and AFP levels" is asserted; "promising" is suggested
    hedging = {(r["mirna"], r["useLabel"], r["hedging"]) for r in ask("biomarker-performance", use="*")
               if r["reference"] == "118"}
    assert hedging == {(m, "diagnosis", "asserted") for m in ("miR-122", "miR-21", "miR-96")} | \
        {(m, "early detection", "suggested") for m in ("miR-122", "miR-21", "miR-96")}


def test_prognosis_drug_response_and_immune_effects(ask):
    assert {(r["mirna"], r["effect"], r["outcomeLabel"]) for r in ask("prognosis")} == {
        ("miR-215-5p", "negative effect", "disease-free survival"), ("miR-92b", "positive effect", "recurrence after surgery")}
    assert {(r["mirna"], r["responseLabel"], r["drugLabel"]) for r in ask("drug-response")} == {
        ("miR-744", "drug sensitivity", "sorafenib"), ("miR-199a-3p", "drug sensitivity", "cisplatin")}
    # [58] says "multidrug resistance", no drug: a process claim, not narrowed to 5-fluorouracil (C018)
    assert {(r["mirna"], r["effect"]) for r in ask("mirnas-affecting-process", process="exo:MultidrugResistance")} == {
        ("miR-32-5p", "positive effect")}
    assert {(r["mirna"], r["effect"], r["targetLabel"]) for r in ask("immune-effects")} == {
        ("miR-23a-3p", "positive effect", "CD274"), ("miR-23a-3p", "negative effect", "T cell activation"),
        ("miR-23a-3p", "positive effect", "immune escape"), ("miR-92b", "negative effect", "CD69"),
        ("miR-92b", "negative effect", "natural killer cell mediated cytotoxicity directed against tumor cell target"),
        ("miR-449c-5p", "negative effect", "immune escape")}


def test_claims_of_a_reference_and_retracted_studies(ask):
    ref117 = ask("claims-of-reference")
    assert {r["doi"] for r in ref117} == {"10.3390/jcm9010281"}
    assert {r["type"] for r in ref117} == {"biomarker claim", "prognosis claim", "expression claim"}
    assert all(r["retraction"] for r in ask("claims-of-reference", reference=58))
    retracted = ask("retracted-claims")
    assert {r["reference"] for r in retracted} == {"58", "71", "77"}
    assert {r["mirna"] for r in retracted} == {"miR-32-5p", "miR-490", "miR-638"}


def test_opposite_directions_and_review_issues(ask):
    opposite = ask("opposite-directions")
    assert {r["mirna"] for r in opposite} == {"miR-122"}
    assert {r["upReference"] for r in opposite} == {"41"} and {r["downReference"] for r in opposite} == {"43", "118"}
    # up in serum vs liver cirrhosis [41] and down vs chronic hepatitis B [43]: two comparisons, no conflict;
    # up vs liver cirrhosis [41] and down vs liver cirrhosis [118]: the studies disagree
    kinds = {(r["upClaim"].rsplit("/", 1)[1], r["downClaim"].rsplit("/", 1)[1]): r["kind"] for r in opposite}
    assert kinds[("C004", "C121")] == "different comparison"
    assert kinds[("C004", "C138")] == "conflict between studies"
    assert kinds[("C005", "C138")] == "different comparison"          # healthy controls vs cirrhosis
    issues = {r["issue"].rsplit("/", 1)[1]: r for r in ask("review-issues")}
    assert len(issues) == 15
    assert issues["I09"]["kind"] == "cross_study_conflict" and as_set(issues["I09"]["claims"]) == {"C004", "C121", "C138"}
    assert issues["I10"]["kind"] == "cargo_conflict" and "C110" in as_set(issues["I10"]["claims"])
    assert {issues[i]["kind"] for i in ("I11", "I12", "I13", "I14", "I15")} == {
        "text_slip", "arm_from_table", "text_vs_source", "table_text_conflict"}
    assert issues["I01"]["kind"] == "donor_conflict" and as_set(issues["I01"]["claims"]) == {"C061", "C146"}
    assert issues["I02"]["kind"] == "direction_conflict_with_source"
    assert sum(r["kind"] == "text_slip" for r in issues.values()) >= 2


TABLE_1 = {   # row: (miRNAs, parental cells, recipient cells, expression, targets, reference, mechanism words)
    1: ({"miR-210"}, {"malignant cell"}, {"endothelial cell"}, {"upregulated"}, {"SMAD4", "STAT6"}, "42", ["angiogenesis"]),
    2: ({"miR-744"}, set(), set(), {"downregulated"}, {"PAX2"}, "112", ["proliferation", "sorafenib"]),
    3: ({"miR-21", "miR-10b"}, set(), set(), {"upregulated"}, set(), "94", ["proliferation", "metastasis"]),
    4: ({"miR-1247-3p"}, {"malignant cell"}, {"fibroblast"}, set(), {"B4GALT3"}, "91", ["NF-kappaB", "integrin", "progression"]),
    5: ({"miR-451a"}, set(), set(), {"downregulated"}, {"LPIN1"}, "78", ["apoptotic process"]),
    6: ({"miR-23a-3p"}, {"malignant cell"}, {"macrophage"}, set(), {"PTEN"}, "59", ["CD274", "immune escape", "protein kinase B"]),
    7: ({"miR-32-5p"}, {"BEL-7402/5-FU"}, {"BEL-7402"}, {"upregulated"}, {"PTEN"}, "58", ["drug resistance", "angiogenesis", "epithelial to mesenchymal"]),
    8: ({"miR-92b"}, {"malignant cell"}, {"natural killer cell"}, {"upregulated"}, set(), "116", ["CD69", "cytotoxicity"]),
    9: ({"miR-320a"}, {"stromal cell"}, {"malignant cell"}, {"downregulated"}, {"PBX3"}, "68", ["MAPK cascade"]),
    10: ({"miR-638"}, {"malignant cell"}, {"malignant cell", "endothelial cell of umbilical vein"}, {"downregulated"}, {"SP1"}, "77",
         ["proliferation", "viability", "colony formation", "migration", "invasion"]),
    11: ({"miR-200b-3p"}, {"malignant cell"}, {"endothelial cell"}, {"downregulated"}, set(), "103", ["ERG expression"]),
}


def test_table_1_claims(ask):
    table = {int(r["row"]): r for r in ask("table-1-claims")}
    assert set(table) == set(TABLE_1)
    for row, (mirnas, parental, recipient, expression, targets, reference, words) in TABLE_1.items():
        got = table[row]
        assert as_set(got["microRNAs"]) == mirnas, row
        assert parental <= as_set(got["parentalCells"]), row          # row 8 also names the Hep3B line of the text
        assert as_set(got["recipientCells"]) == recipient, row
        assert as_set(got["expression"]) == expression, row
        assert as_set(got["targets"]) == targets, row
        assert got["references"] == reference, row
        mechanisms = " ".join(sorted(as_set(got["mechanisms"])))
        assert all(word in mechanisms for word in words), (row, mechanisms)
    assert table[2]["expressedIn"] == "Hep-G2"                      # Table 1: parental cells HepG2


TABLE_2 = {   # row: (miRNAs, biofluid, significance words, reference)
    1: ({"miR-215-5p"}, "blood serum", ["disease-free survival"], "117"),
    2: ({"miR-10b-5p"}, "blood serum", ["early detection"], "117"),
    3: ({"miR-18a", "miR-221", "miR-222", "miR-224", "miR-101", "miR-106b", "miR-122", "miR-195"}, "blood serum", ["diagnosis"], "43"),
    4: ({"miR-122", "miR-148a"}, "blood serum", ["early detection"], "41"),
    5: ({"miR-122"}, "blood serum", ["diagnosis"], "41"),
    6: ({"miR-9-3p"}, "blood serum", ["therapeutic target"], "69"),
    7: ({"miR-665"}, "blood serum", ["diagnosis", "prognosis"], "70"),
    8: ({"miR-21"}, "blood serum", ["diagnosis"], "40"),
}


def test_table_2_claims(ask):
    table = {int(r["row"]): r for r in ask("table-2-claims")}
    assert set(table) == set(TABLE_2)
    for row, (mirnas, biofluid, words, reference) in TABLE_2.items():
        got = table[row]
        assert as_set(got["microRNAs"]) == mirnas, row
        assert got["biofluid"] == biofluid and got["references"] == reference, row
        significance = " ".join(sorted(as_set(got["clinicalSignificance"])))
        assert all(word in significance for word in words), (row, significance)
    assert table[4]["otherMarkers"] == "AFP"


PRINTED_TABLE_1 = {   # the review's Table 1 as printed, cell by cell (line breaks joined; "" for an empty cell)
    1: ["miR-210", "HCC cells", "Endothelial cells", "Upregulated", "SMAD4, STAT6", "Promote tumor angiogenesis", "[42]"],
    2: ["miR-744", "HepG2 cells", "", "Downregulated", "PAX2", "Inhibit HepG2 cell proliferation and promotes the chemosensitivity of HepG2 cells to sorafenib", "[112]"],
    3: ["miR-21, miR-10b", "HCC cells", "", "Upregulated in Acidic Microenvironment", "", "Promote cancer cell proliferation and metastasis", "[94]"],
    4: ["miR-1247-3p", "High-metastatic HCC cells", "Fibroblasts", "", "B4GALT3", "Activate β1-integrin-NF-κB signaling in fibroblasts and promote cancer progression", "[91]"],
    5: ["miR-451a", "", "", "Downregulated", "LPIN1", "Promote apoptosis in HCC and endothelial cells", "[78]"],
    6: ["miR-23a-3p", "ER-stressed HCC cells", "Macrophages", "", "PTEN", "Regulate PD-L1 expression through the PTEN-PI3K/AKT pathway and help tumor cells escape from antitumor immunity", "[59]"],
    7: ["miR-32-5p", "Multidrug-resistant cell (Bel/5-FU)", "Sensitive cell (Bel7402)", "Upregulated", "PTEN", "Activate the PI3K/Akt pathway to further induce multidrug resistance by modulating angiogenesis and EMT", "[58]"],
    8: ["miR-92b", "HCC cells", "Natural killer (NK) cells", "Upregulated", "", "Promote the down-regulation of CD69 and NK cell-mediated cytotoxicity", "[116]"],
    9: ["miR-320a", "Stromal cells", "HCC cells", "Downregulated", "PBX3", "Inhibit tumor progression by suppressing the activation of the MAPK pathway", "[68]"],
    10: ["miR-638", "HCC cells", "HCC cells, human umbilical vein endothelial cells (HUVECs)", "Downregulated", "SP1", "Repress HCC cell proliferation by decreasing viability and colony formation, and decreased abilities of migration and invasion.", "[77]"],
    11: ["miR-200b-3p", "HCC cells", "Endothelial cells", "Downregulated", "", "Suppress endothelial ERG expression", "[103]"],
}
PRINTED_TABLE_2 = {
    1: ["exo-miR-215-5p", "Serum", "Overexpression predicts poor disease-free survival in patients with HCC", "[117]"],
    2: ["miR-10b-5p", "Serum", "Potential biomarker for early-stage HCC", "[117]"],
    3: ["miR-18a, miR-221, miR-222, miR-224, miR-101, miR-106b, miR-122, miR195", "Serum", "Novel serological biomarkers for HCC", "[43]"],
    4: ["miR-122, miR-148a and AFP", "Serum", "Distinguish early HCC from liver cirrhosis", "[41]"],
    5: ["miR-122", "Serum", "Distinguish HCC from normal control", "[41]"],
    6: ["miR-9-3p", "Serum", "A therapeutic target for HCC", "[69]"],
    7: ["miR-665", "Serum", "A novel minimally invasive biomarker for HCC diagnosis and prognosis", "[70]"],
    8: ["miR-21", "Serum", "A potential biomarker for HCC diagnosis.", "[40]"],
}


def test_tables_regenerate_every_printed_cell(ask):
    """table-1 and table-2 give every cell of the printed tables, in order, and nothing else."""
    for name, printed in (("table-1", PRINTED_TABLE_1), ("table-2", PRINTED_TABLE_2)):
        rows = ask(name)
        got = {int(r["row"]): [value for column, value in r.items() if column != "row"] for r in rows}
        assert got == printed, name
        assert len(rows) == len(printed)


def test_every_printed_cell_of_table_1_is_backed_by_its_claims(ask):
    """Each row's printed cells and the claims behind the row agree: a parental or recipient cell is
    printed exactly when a claim of the row names donor or recipient cells, the printed direction is
    the claims', the printed targets are the target claims' genes, the references the claims' refs."""
    claims = {int(r["row"]): r for r in ask("table-1-claims")}
    for row, (_, parental, recipient, expression, target, _, references) in PRINTED_TABLE_1.items():
        backing = claims[row]
        assert bool(parental) == bool(backing["parentalCells"]), row
        assert bool(recipient) == bool(backing["recipientCells"]), row
        directions = as_set(backing["expression"])
        assert (expression.split(" ")[0].lower() in directions) if expression else not directions, row
        assert set(filter(None, target.split(", "))) == as_set(backing["targets"]), row
        assert references == f"[{backing['references']}]", row


def test_every_printed_cell_of_table_2_is_backed_by_its_claims(ask):
    claims = {int(r["row"]): r for r in ask("table-2-claims")}
    for row, (mirnas, biofluid, _, references) in PRINTED_TABLE_2.items():
        backing = claims[row]
        printed = {m.removeprefix("exo-") for m in mirnas.replace(" and ", ", ").split(", ")}
        names = as_set(backing["microRNAs"]) | as_set(backing.get("otherMarkers") or "")
        # the one difference is the review's own slip, recorded as issue I11: "miR195" for miR-195
        assert printed ^ names <= {"miR195", "miR-195"}, row
        assert biofluid == "Serum" and backing["biofluid"] == "blood serum", row
        assert references == f"[{backing['references']}]", row


def test_downregulated_tumour_suppressive_mirnas_that_induce_apoptosis(ask):
    found = ask("downregulated-tumour-suppressors-inducing-apoptosis")
    assert {r["mirna"] for r in found} == {"miR-451a", "miR-638"}
    assert {r["whyTumourSuppressive"] for r in found if r["mirna"] == "miR-451a"} == {"called a tumour suppressor"}
    assert {r["apoptosisCell"] for r in found if r["mirna"] == "miR-451a"} == {"malignant cell", "endothelial cell of umbilical vein"}


def test_mirna_overview_arms_hedges_blocks_provenance_genes_counts(ask, built):
    overview = ask("mirna-overview")
    assert {r["reference"] for r in overview} == {"116"}
    assert {"expression claim", "prognosis claim", "transfer claim", "immune effect claim"} <= {r["type"] for r in overview}
    arms = {r["mirna"]: as_set(r["matureProducts"]) for r in ask("arm-unspecified")}
    assert arms["miR-21"] == {"hsa-miR-21-5p", "hsa-miR-21-3p"}
    assert "miR-23a-3p" not in arms and "miR-638" not in arms
    suggested = {r["mirna"] for r in ask("hedged-claims", level=f"{EXO}SuggestedLevel")}
    assert suggested == {"miR-21", "miR-10b", "miR-320a", "miR-199a-3p", "miR-10b-5p", "miR-122", "miR-96"}
    association = {r["mirna"] for r in ask("hedged-claims", level=f"{EXO}AssociationLevel")}
    assert association == {"miR-21", "miR-26a", "miR-122", "miR-146a", "miR-155", "miR-182"}     # C081-C092
    assert {r["hedging"] for r in ask("hedged-claims")} == {"suggested", "association only"}
    blocks = ask("block-citations")
    assert {r["mirna"] for r in blocks} == {"miR-21", "miR-26a", "miR-122", "miR-146a", "miR-155", "miR-182"}
    assert all(as_set(r["references"]) == {"57", "97", "98", "99", "100", "101", "102"} for r in blocks)
    provenance = ask("claim-provenance")
    assert {r["reference"] for r in provenance} == {"117"} and "91.1 %" in provenance[0]["quote"]
    assert provenance[0]["evidence"] == "author statement supported from referenced clinical study used in manual assertion"
    genes = {(r["mirna"], r["geneSymbol"]) for r in ask("mirna-genes")}
    assert {("miR-9-3p", "MIR9-1"), ("miR-9-3p", "MIR9-2"), ("miR-9-3p", "MIR9-3"), ("miR-449c-5p", "MIR449C"),
            ("miR-451a", "MIR451A")} <= genes
    counts = {r["type"]: (int(r["claims"]), int(r["onRetractedStudies"])) for r in ask("claim-counts")}
    assert len(counts) == 12 and sum(c for c, _ in counts.values()) == len(built.curation.claims)
    assert counts["drug response claim"] == (2, 0)          # sorafenib [112], cisplatin
    assert counts["process claim"][1] >= 1                  # miR-32-5p's multidrug resistance rests on retracted ref 58


# ----------------------------------------------------------------------------- the command
def test_query_cli_formats_list_stdin_and_errors(project):
    runner = CliRunner()
    root = ["--root", str(project.root)]
    listing = runner.invoke(main, ["query", "--list", *root])
    assert listing.exit_code == 0 and "downregulated-tumour-suppressors-inducing-apoptosis" in listing.output
    csv_out = runner.invoke(main, ["query", "targets-of-mirna", "--param", "mirna=miR-744", "--format", "csv", *root])
    assert csv_out.exit_code == 0 and csv_out.output.splitlines()[1].startswith("miR-744,https://identifiers.org/hgnc:8616,PAX2")
    import json
    js = json.loads(runner.invoke(main, ["query", "targets-of-mirna", "--format", "json", *root]).output)
    assert {b["symbol"]["value"] for b in js["results"]["bindings"]} == {"SMAD4", "STAT6"}
    tsv = runner.invoke(main, ["query", "targets-of-mirna", "--format", "tsv", *root]).output
    assert tsv.splitlines()[0].startswith("?mirna\t?gene") and "<https://identifiers.org/hgnc:6770>" in tsv
    stdin = runner.invoke(main, ["query", "-", *root], input="ASK { ?c a <https://w3id.org/exomir-kg/ontology/TargetClaim> }")
    assert stdin.output.strip() == "true"
    unknown = runner.invoke(main, ["query", "no-such-query", *root])
    assert unknown.exit_code == 2 and "targets-of-mirna" in unknown.output
    bad = runner.invoke(main, ["query", "targets-of-mirna", "--param", "colour=red", *root])
    assert bad.exit_code == 2 and "its parameters: mirna" in bad.output
    broken = runner.invoke(main, ["query", "-", *root], input="SELECT WHERE {")
    assert broken.exit_code == 2 and "error:" in broken.output
    paged = runner.invoke(main, ["query", "pathways", "--param", "page_size=2", "--format", "csv", *root])
    assert paged.exit_code == 0 and len(paged.stdout.splitlines()) == 3
    assert "the next page: --param page_size=2 --param offset=2" in paged.stderr
    last = runner.invoke(main, ["query", "pathways", "--format", "csv", *root])
    assert last.exit_code == 0 and "next page" not in last.stderr


def test_claims_about_a_cell_type_include_its_cell_lines(ask):
    """NK-92 is an NK cell line (Cellosaurus): a question about NK cells finds the claims made on it."""
    rows = ask("claims-in-cell-type")
    found = {(r["claim"].rsplit("/", 1)[1], r["cellLabel"], r["matchedAs"]) for r in rows}
    assert {("C112", "NK-92", "cell line of the type"), ("C113", "NK-92", "cell line of the type"),
            ("C114", "natural killer cell", "cell type"), ("C176", "natural killer cell", "cell type")} <= found


def test_claims_about_a_parent_cell_type_include_its_subtypes_and_their_cell_lines(ask):
    """Lymphocyte (CL:0000542) is an ancestor of NK cell and T cell in the Cell Ontology: the NK cell and
    T cell claims match as "cell type", NK-92 (an NK cell line) as "cell line of the type"."""
    found = {(r["claim"].rsplit("/", 1)[1], r["role"], r["cellLabel"], r["matchedAs"])
             for r in ask("claims-in-cell-type", cell_type="CL:0000542")}
    assert {("C023", "in", "T cell", "cell type"), ("C109", "in", "natural killer cell", "cell type"),
            ("C112", "in", "NK-92", "cell line of the type"), ("C113", "in", "NK-92", "cell line of the type"),
            ("C114", "recipient", "natural killer cell", "cell type")} <= found
    assert not {row for row in found if row[2] == "malignant cell"}       # C114's donor is no lymphocyte


def test_claims_on_problematic_cell_lines_say_so(ask):
    rows = ask("problematic-cell-lines")
    lines = {r["cellLine"]: r["caution"] for r in rows}
    assert set(lines) == {"Hep-G2", "BEL-7402", "BEL-7402/5-FU"}
    assert "Misidentified" in lines["Hep-G2"] and "hepatoblastoma" in lines["Hep-G2"]
    assert "HeLa" in lines["BEL-7402"]
    assert {r["claim"].rsplit("/", 1)[1] for r in rows} == {"C016", "C018", "C155", "C104", "C105", "C106", "C145", "C178"}


def test_a_pathway_question_finds_its_section_and_its_sub_pathways(ask):
    mapk = {(r["mirna"], r["how"]) for r in ask("pathway-section")}
    assert ("miR-490", "in the pathway's section") in mapk          # "inhibit the ERK1/2 pathway"
    assert ("miR-665", "acts on the pathway") in mapk               # ERK1 and ERK2 cascade, a MAPK cascade
    assert ("miR-320a", "acts through the pathway") in mapk         # Table 1: by suppressing the MAPK pathway
    pi3k = {r["mirna"] for r in ask("pathway-section", pathway="GO:0043491")}
    assert {"miR-32-5p", "miR-23a-3p"} <= pi3k and "miR-490" not in pi3k


def test_the_readme_lists_every_stored_query_with_its_question(queries):
    """Change detector: the README's table of stored queries is the catalogue's (a new or reworded query updates it)."""
    from exomirkg.query.catalogue import markdown_table
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert markdown_table(queries) in readme


def test_a_lenient_load_holds_the_same_kg_and_only_lenient_takes_a_bad_iri(project, tmp_path):
    """``lenient`` (for the builder's own N-Quads) skips the parser's checks, nothing else: the KG
    loads to the same quads; a file with an IRI holding a space is refused unless lenient."""
    from exomirkg.query.store import EmbeddedStore
    kg = project.kg_dir / "exomir-kg.nq"
    strict = EmbeddedStore(kg, [], quads_format="nquads").pyoxigraph
    lenient = EmbeddedStore(kg, [], quads_format="nquads", lenient=True).pyoxigraph
    assert len(strict) == len(lenient) > 10000 and set(strict) == set(lenient)
    bad = tmp_path / "bad.nq"
    bad.write_text("<https://example.org/a b> <https://example.org/p> <https://example.org/o> <https://example.org/g> .\n")
    with pytest.raises(SyntaxError):
        EmbeddedStore(bad, [], quads_format="nquads")
    assert len(EmbeddedStore(bad, [], quads_format="nquads", lenient=True).pyoxigraph) == 1
