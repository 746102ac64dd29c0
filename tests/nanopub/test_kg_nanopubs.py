"""The KG's own nanopublications, one at a time: each passes the nanopub checker and carries its own
evidence (the quote's words, what is known of the cited study, the evidence type) without the shared
entities graph (issue 17 in progress: trusty URIs and signatures are not yet part of the release)."""
from __future__ import annotations

import contextlib
import io

from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD
from suite_cases import SIGNER, require_module, require_suite

from exomirkg.ids.namespaces import CLAIM, EXO, NANOPUB, NP, OBO, REFERENCE
from exomirkg.nanopub import check, load_private_key, sign


def nanopub_trig(kg: Dataset, np_iri: URIRef) -> str:
    """One nanopublication of the KG (its four graphs) as TriG."""
    one = Dataset()
    for part in ("head", "assertion", "provenance", "pubinfo"):
        name = URIRef(f"{np_iri}/{part}")
        graph = one.graph(name)
        for triple in kg.graph(name):
            graph.add(triple)
    return one.serialize(format="trig")


def test_only_the_head_declares_a_nanopublication(kg):
    for np_iri in kg.graph(URIRef("https://w3id.org/exomir-kg/np/C131/head")).subjects(RDF.type, NP.Nanopublication):
        declared_in = {str(g.identifier) for g in kg.graphs() if (np_iri, RDF.type, NP.Nanopublication) in g}
        assert declared_in == {f"{np_iri}/head"}


def test_every_nanopublication_of_the_kg_passes_the_structure_check(kg):
    heads = [URIRef(str(g.identifier)[: -len("/head")]) for g in kg.graphs() if str(g.identifier).endswith("/head")]
    assert len(heads) >= 160
    for np_iri in heads:
        reports = check(nanopub_trig(kg, np_iri))
        assert len(reports) == 1 and reports[0].valid, str(reports[0])


def _alone(kg: Dataset, claim_id: str) -> Dataset:
    one = Dataset(default_union=True)
    one.parse(data=nanopub_trig(kg, NANOPUB[claim_id]), format="trig")
    return one


def test_a_nanopublication_carries_its_own_evidence(kg):
    """C131 alone: the review's words, the cited study [117] with its DOI, the ECO evidence named."""
    one = _alone(kg, "C131")
    quotes = [str(one.value(q, EXO.text)) for q in one.objects(CLAIM["C131"], EXO.supportingQuote)]
    assert any("91.1 % sensitivity" in q for q in quotes)
    assert one.value(REFERENCE["117"], EXO.doi) == Literal("10.3390/jcm9010281")
    evidence = one.value(CLAIM["C131"], EXO.evidence)
    assert evidence == OBO["ECO_0006017"] and one.value(evidence, RDFS.label) is not None
    created = one.value(NANOPUB["C131"], URIRef("http://purl.org/dc/terms/created"))
    assert created.datatype == XSD.dateTime


def test_a_nanopublication_on_a_retracted_study_carries_the_notice(kg):
    one = _alone(kg, "C016")
    notices = [one.value(r, EXO.retractionNotice) for r in one.objects(CLAIM["C016"], EXO.citesReference)]
    assert any(n is not None and "retracted" in str(n) for n in notices)
    assert one.value(CLAIM["C016"], EXO.restsOnRetractedStudy) == Literal(True)


def test_every_nanopublication_signed_is_trusty_and_passes_nanopub_sign(kg):
    """Each KG nanopublication, made trusty and signed with the Nanopublication Test Suite's key,
    passes our checker and the independent one of nanopub-sign (the Rust nanopub toolkit)."""
    nanopub_sign = require_module("nanopub_sign", "pip install nanopub-sign")
    key = load_private_key(require_suite() / "transform" / "signed" / "rsa-key2" / "key" / "id_rsa")
    heads = [URIRef(str(g.identifier)[: -len("/head")]) for g in kg.graphs() if str(g.identifier).endswith("/head")]
    assert len(heads) >= 170
    for np_iri in heads:
        signed = sign(nanopub_trig(kg, np_iri), key, signed_by=SIGNER)
        [report] = check(signed)
        assert report.valid and report.trusty and report.signed, (np_iri, str(report))
        with contextlib.redirect_stdout(io.StringIO()):
            info = nanopub_sign.Nanopub(signed).check().info()
        assert info["trusty_hash"] and info["signature"], np_iri
