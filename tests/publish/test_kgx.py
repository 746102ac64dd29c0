"""The KGX export: Biolink predicates with direction and aspect as qualifiers, each edge's context,
its knowledge level and publications, and the kgx library's own validation."""
from __future__ import annotations

import csv
import json
import re
import subprocess
from collections import defaultdict
from pathlib import Path

import pytest
from rdflib import Graph, Literal
from servers import require_kgx

from exomirkg.ids.namespaces import EXO
from exomirkg.publish.products.kgx import BIOLINK_PREFIX, KNOWLEDGE_LEVEL, QUALIFIER_COLUMNS
from exomirkg.publish.release import release

REVIEW = "doi:10.1186/s12935-021-01941-9"
HCC = "MONDO:0007256"
VALIDATOR = Path(__file__).resolve().parents[2] / "src" / "exomirkg" / "publish" / "kgx_validate.py"

NOT_IN_BIOLINK = {"mirbase.mature", "cellosaurus", "exo", "exomir-kg.panel"}
"""Prefixes of the export that Biolink's prefix map lacks: mature miRNAs (Biolink has no prefix for
miRBase mature ids), Cellosaurus (Biolink's cell lines take CLO ids only), the ontology's own terms
and biomarker panels. kgx reports each id with one of them; the test keeps that list exact."""


@pytest.fixture(scope="module")
def data(project, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    release(project, "0.1.0", out)
    return out / "0.1.0" / "data"


@pytest.fixture(scope="module")
def edges(data) -> list[dict[str, str]]:
    return list(csv.DictReader((data / "kgx_edges.tsv").open(encoding="utf-8"), delimiter="\t"))


def test_direction_and_aspect_are_qualifiers_not_predicates(edges):
    by_original = defaultdict(set)
    for e in edges:
        by_original[e["original_predicate"]].add((e["predicate"], e["subject_aspect_qualifier"], e["subject_direction_qualifier"],
                                                  e["object_aspect_qualifier"], e["object_direction_qualifier"]))
    assert by_original["exo:upregulatedIn"] == {("biolink:associated_with", "expression", "increased", "", "")}
    assert by_original["exo:downregulatedIn"] == {("biolink:associated_with", "expression", "decreased", "", "")}
    assert by_original["exo:decreasesExpressionOf"] == {("biolink:affects", "", "", "expression", "decreased")}
    assert by_original["exo:positivelyAffects"] == {("biolink:affects", "", "", "", "increased")}
    assert {e["qualified_predicate"] for e in edges if e["original_predicate"] == "exo:negativelyAffects"} == {"biolink:causes"}


def test_no_two_edges_disagree_in_direction_while_agreeing_on_every_qualifier(edges):
    seen = defaultdict(set)
    for e in edges:
        if e["original_predicate"] in ("exo:upregulatedIn", "exo:downregulatedIn"):
            context = tuple(e[c] for c in QUALIFIER_COLUMNS if c != "subject_direction_qualifier")
            seen[(e["subject"], e["object"], context)].add(e["subject_direction_qualifier"])
    assert seen and all(len(directions) == 1 for directions in seen.values())
    # miR-122 is up and down in HCC: the edges say against which group and in which biofluid
    mir122 = {(e["subject_direction_qualifier"], e["exomir_comparison"], e["anatomical_context_qualifier"])
              for e in edges if e["subject"] == "mirbase:MI0000442" and e["object"] == HCC
              and e["original_predicate"] in ("exo:upregulatedIn", "exo:downregulatedIn")}
    assert ("increased", "MONDO:0005155", "UBERON:0001977") in mir122            # vs liver cirrhosis, serum [41]
    assert ("decreased", "MONDO:0005155", "UBERON:0001969") in mir122            # vs liver cirrhosis, plasma [118]
    assert ("decreased", "MONDO:0005366", "UBERON:0001977") in mir122            # vs chronic hepatitis B, serum [43]


def test_every_edge_carries_its_publications_and_knowledge_level(edges):
    assert all(REVIEW in e["publications"].split("|") for e in edges)
    publications = {e["claims"]: set(e["publications"].split("|")) for e in edges}
    assert publications["C004"] == {REVIEW, "PMID:29573235"}         # [41], verified
    assert publications["C095"] == {REVIEW}                           # [42] is not verified: the review alone
    levels = {e["claims"]: e["knowledge_level"] for e in edges}
    assert levels["C081"] == "statistical_association" and levels["C004"] == "knowledge_assertion"
    assert {e["knowledge_level"] for e in edges} == set(KNOWLEDGE_LEVEL.values())


def test_context_travels_with_the_edge(edges):
    (panel,) = [e for e in edges if e["subject"].startswith("exomir-kg.panel:")]
    assert panel["claims"] == "C010" and panel["predicate"] == "biolink:biomarker_for"
    (c059,) = [e for e in edges if e["claims"] == "C059"]
    assert c059["exomir_framing"] == "exo:LossOfFunctionFraming" and c059["exomir_derived"] == "true"
    (c113,) = [e for e in edges if e["claims"] == "C113"]
    assert c113["exomir_via"] == "HGNC:1694"                                       # through CD69


def test_knowledge_levels_are_the_ontologys(project):
    ontology = Graph().parse(project.root / "ontology" / "exomir.ttl")
    annotated = {str(s).removeprefix(str(EXO)): str(o) for s, o in ontology.subject_objects(EXO.biolinkKnowledgeLevel)}
    assert annotated == KNOWLEDGE_LEVEL
    assert all(isinstance(o, Literal) for o in ontology.objects(None, EXO.biolinkKnowledgeLevel))


def test_the_kgx_library_validates_the_export(data):
    """kgx's validator, offline, on the release's files: no error but ids whose prefix Biolink lacks,
    and its CamelCase check on 'MicroRNA' (its regex has no room for an acronym: a valid Biolink class)."""
    python = require_kgx()
    run = subprocess.run([str(python), str(VALIDATOR), str(data / "kgx_nodes.tsv"), str(data / "kgx_edges.tsv")],
                         capture_output=True, text=True, timeout=600)
    assert run.returncode in (0, 1), run.stderr[-2000:]
    report = json.loads(run.stdout[run.stdout.index("{"):])
    assert set(report) <= {"ERROR", "WARNING", "INFO"}
    unexpected = []
    prefixes_reported = set()
    for level, kinds in report.items():
        for kind, messages in kinds.items():
            for message in messages:
                found = re.search(r"with a CURIE prefix '([^']+)'", message)
                if kind in ("INVALID_NODE_PROPERTY_VALUE", "INVALID_EDGE_PROPERTY_VALUE") and found:
                    prefixes_reported.add(found.group(1))
                elif not (kind == "INVALID_CATEGORY" and message == "Category 'MicroRNA' is not in CamelCase form"):
                    unexpected.append((level, kind, message))
    assert unexpected == []
    assert prefixes_reported == NOT_IN_BIOLINK
    biolink = subprocess.run([str(python), "-c", "import biolink_model, json, pathlib; print(json.dumps(sorted(json.loads("
                              "(pathlib.Path(next(iter(biolink_model.__path__))) / 'prefixmaps' / "
                              "'biolink-model-prefix-map.json').read_text()))))"], capture_output=True, text=True, check=True)
    known = set(json.loads(biolink.stdout))
    assert not NOT_IN_BIOLINK & known and set(BIOLINK_PREFIX.values()) <= known
