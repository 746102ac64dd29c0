"""Claims that keep their context: qualified edges, panels, comparators, agents that are not miRNAs,
loss-of-function framing, graded hedging, trends and "up to" figures, on the review's real claims."""
from __future__ import annotations

from collections import defaultdict

from rdflib import Literal, URIRef
from rdflib.namespace import RDF

from exomirkg.curation.schema import CurationSchema
from exomirkg.ids.namespaces import CLAIM, EXO, NANOPUB, OBO

HGNC_AFP = URIRef("https://identifiers.org/hgnc:317")
HGNC_CD69 = URIRef("https://identifiers.org/hgnc:1694")
DIRECTIONS = (EXO.upregulatedIn, EXO.downregulatedIn)


def _assertion(kg, claim_id):
    return kg.graph(URIRef(f"{NANOPUB[claim_id]}/assertion"))


def _edges(kg, claim_id):
    """The qualified edges of a claim: {(subject, predicate, object): edge node}."""
    graph = _assertion(kg, claim_id)
    return {(graph.value(e, RDF.subject), graph.value(e, RDF.predicate), graph.value(e, RDF.object)): e
            for e in graph.subjects(RDF.type, EXO.QualifiedEdge)}


def _qualifiers(graph, edge) -> frozenset:
    return frozenset((p, o) for p, o in graph.predicate_objects(edge)
                     if p not in (RDF.type, RDF.subject, RDF.predicate, RDF.object, EXO.edgeOf))


def _claim_ids(kg):
    return sorted(str(c).rsplit("/", 1)[1] for c in kg.subjects(EXO.hedgingLevel, None)
                  if str(c).count("/") == str(CLAIM).count("/"))


def test_every_direct_edge_has_its_qualified_edge_and_no_other(kg, project):
    """In each assertion graph, the direct edges are exactly the (subject, predicate, object) of its
    qualified edges, and each qualified edge names its claim."""
    schema = CurationSchema.load(project.schema_path)
    schema_predicates = {EXO[e.predicate] for t in schema.claim_types.values() for e in t.edges}
    assert len(schema_predicates) == 15
    checked = 0
    for claim_id in _claim_ids(kg):
        graph = _assertion(kg, claim_id)
        direct = {(s, p, o) for s, p, o in graph if p in schema_predicates}
        assert set(_edges(kg, claim_id)) == direct, claim_id
        for edge in _edges(kg, claim_id).values():
            assert graph.value(edge, EXO.edgeOf) == CLAIM[claim_id]
        checked += len(direct)
    assert checked > 150


def test_an_edge_carries_its_claims_context(kg):
    """C004: miR-122 up in HCC, in serum, compared with liver cirrhosis, in patients' samples, asserted."""
    (edge,) = _edges(kg, "C004").values()
    graph = _assertion(kg, "C004")
    assert _qualifiers(graph, edge) == {
        (EXO.comparedWith, OBO["MONDO_0005155"]), (EXO.biofluid, OBO["UBERON_0001977"]),
        (EXO.studySystem, EXO.HumanPatientsSystem), (EXO.hedgingLevel, EXO.AssertedLevel)}


def test_no_opposite_direct_edges_unless_their_qualifiers_differ(kg):
    """No miRNA is up and down in one disease with the same qualifiers; miR-122 is up and down in
    HCC, and its edges tell the comparisons apart."""
    by_pair = defaultdict(lambda: defaultdict(set))       # (miRNA, disease) -> predicate -> {qualifier sets}
    for claim_id in _claim_ids(kg):
        graph = _assertion(kg, claim_id)
        for (s, p, o), edge in _edges(kg, claim_id).items():
            if p in DIRECTIONS:
                by_pair[(s, o)][p].add(_qualifiers(graph, edge))
    opposite = {pair: found for pair, found in by_pair.items() if len(found) == 2}
    assert {str(kg.value(s, EXO.textName)) for s, _ in opposite} == {"miR-122"}
    for found in opposite.values():
        assert not found[EXO.upregulatedIn] & found[EXO.downregulatedIn]


def test_a_panel_is_one_entity_with_its_own_edge(kg):
    """C010: miR-122 + miR-148a + AFP is one panel; the panel, not a member, is the biomarker."""
    graph = _assertion(kg, "C010")
    panel = graph.value(CLAIM["C010"], EXO.panel)
    assert panel is not None and (panel, RDF.type, EXO.BiomarkerPanel) in graph
    members = set(graph.objects(panel, EXO.panelMember))
    assert HGNC_AFP in members and len(members) == 3
    assert {s for s, _, _ in graph.triples((None, EXO.biomarkerFor, None))} == {panel}
    assert set(_edges(kg, "C010")) == {(panel, EXO.biomarkerFor, OBO["MONDO_0007256"])}


def test_comparators_of_performance_are_recorded(kg):
    assert (CLAIM["C010"], EXO.outperforms, HGNC_AFP) in _assertion(kg, "C010")          # better than AFP
    for claim_id in ("C171", "C172", "C173"):                        # much more accurate than plasma miRNAs and AFP
        graph = _assertion(kg, claim_id)
        assert set(graph.objects(CLAIM[claim_id], EXO.outperforms)) == {HGNC_AFP, EXO.PlasmaMicroRNAs}
        assert graph.value(CLAIM[claim_id], EXO.hedgingLevel) == EXO.AssertedLevel


def test_agents_that_are_not_mirnas_and_genes_that_mediate(kg):
    """circUHRF1 (no identifier: written, not resolved) degrades miR-449c-5p; miR-92b's effect on
    cytotoxicity goes through CD69, a gene."""
    for claim_id in ("C110", "C111"):
        written = _assertion(kg, claim_id).value(CLAIM[claim_id], EXO.agentAsWritten)
        assert written is not None and "circUHRF1" in str(written)
    (edge,) = _edges(kg, "C113").values()
    assert _assertion(kg, "C113").value(edge, EXO.via) == HGNC_CD69


def test_loss_of_function_framing_is_kept_and_the_flip_marked_derived(kg):
    for claim_id in ("C059", "C060", "C100", "C111"):
        graph = _assertion(kg, claim_id)
        assert graph.value(CLAIM[claim_id], EXO.framing) == EXO.LossOfFunctionFraming, claim_id
        assert graph.value(CLAIM[claim_id], EXO.derivedByCurator) == Literal(True), claim_id
        for edge in _edges(kg, claim_id).values():
            assert graph.value(edge, EXO.framing) == EXO.LossOfFunctionFraming
    assert _assertion(kg, "C058").value(CLAIM["C058"], EXO.framing) is None


def test_hedging_is_graded(kg):
    levels = defaultdict(set)
    for claim_id in _claim_ids(kg):
        levels[_assertion(kg, claim_id).value(CLAIM[claim_id], EXO.hedgingLevel)].add(claim_id)
    assert set(levels) == {EXO.AssertedLevel, EXO.SuggestedLevel, EXO.AssociationLevel}
    assert {f"C{n:03d}" for n in range(81, 93)} == levels[EXO.AssociationLevel]      # "associated with"
    assert {"C003", "C132", "C139"} <= levels[EXO.SuggestedLevel]                      # potential, promising
    assert "C131" in levels[EXO.AssertedLevel]


def test_trends_and_up_to_figures(kg):
    assert _assertion(kg, "C134").value(CLAIM["C134"], EXO.trend) == EXO.IncreasesWithTumourStage
    assert _assertion(kg, "C131").value(CLAIM["C131"], EXO.upToFigure) == Literal(True)
    assert _assertion(kg, "C133").value(CLAIM["C133"], EXO.upToFigure) is None
