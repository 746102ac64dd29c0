"""Parameters accept what people type (issue 18): CURIEs with any registered prefix, miRBase names
with or without ``hsa-``, MI/MIMAT accessions, gene symbols and term labels; a value that names nothing
is an error or a warning, never a silent empty answer; ``query --list`` shows each default."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from exomirkg.cli import main
from exomirkg.query.catalogue import BadParameter
from exomirkg.query.store import EmbeddedStore


@pytest.fixture(scope="module")
def store(project) -> EmbeddedStore:
    return EmbeddedStore.for_project(project)


def answers(store, queries, registry, name: str, column: str, **values: str) -> set[str]:
    result = store.query(queries[name].bind(values, registry, store.query))
    return {row[result.variables.index(column)] for row in result.values()}


@pytest.mark.parametrize("spelling", ["miR-210", "hsa-miR-210-3p", "miR-210-3p", "MIMAT0000267", "MI0000286", "hsa-mir-210"])
def test_a_mirna_may_be_named_as_the_review_or_mirbase_names_it_or_by_accession(store, queries, registry, spelling):
    assert answers(store, queries, registry, "targets-of-mirna", "symbol", mirna=spelling) == {"SMAD4", "STAT6"}


def test_an_unknown_mirna_is_an_error_that_says_so(store, queries, registry):
    with pytest.raises(BadParameter, match="no miRNA of the KG is named 'miR-9999'"):
        queries["targets-of-mirna"].bind({"mirna": "miR-9999"}, registry, store.query)


@pytest.mark.parametrize("gene", ["HGNC:9588", "hgnc:9588", "PTEN", "pten", "https://identifiers.org/hgnc:9588"])
def test_a_gene_may_be_a_curie_an_iri_or_its_symbol(store, queries, registry, gene):
    assert answers(store, queries, registry, "mirnas-targeting-gene", "claim", gene=gene) == {
        "https://w3id.org/exomir-kg/claim/C153", "https://w3id.org/exomir-kg/claim/C156"}


@pytest.mark.parametrize("use", ["exo:DiagnosticUse", "https://w3id.org/exomir-kg/ontology/DiagnosticUse", "diagnosis"])
def test_an_iri_parameter_takes_a_prefixed_name_or_a_label(store, queries, registry, use):
    uses = answers(store, queries, registry, "biomarker-performance", "useLabel", use=use)
    assert uses == {"diagnosis"}


def test_a_process_by_its_label_in_any_case(store, queries, registry):
    by_label = answers(store, queries, registry, "mirnas-affecting-process", "claim", process="Apoptotic Process")
    assert by_label and by_label == answers(store, queries, registry, "mirnas-affecting-process", "claim", process="GO:0006915")


def test_a_label_of_no_term_or_of_several_is_an_error_that_names_them(store, queries, registry):
    with pytest.raises(BadParameter, match="no term of the KG has the label 'apoptosis'; give a CURIE such as GO:0006915"):
        queries["mirnas-affecting-process"].bind({"process": "apoptosis"}, registry, store.query)
    with pytest.raises(BadParameter, match="unknown prefix 'nope'"):
        queries["mirnas-targeting-gene"].bind({"gene": "nope:1"}, registry, store.query)


def test_without_the_kg_a_label_is_refused_not_guessed(queries, registry):
    with pytest.raises(BadParameter, match="must be a CURIE such as"):
        queries["mirnas-targeting-gene"].bind({"gene": "PTEN"}, registry)


def test_an_injection_attempt_is_a_label_that_names_nothing(store, queries, registry):
    with pytest.raises(BadParameter, match="no term of the KG has the label"):
        queries["mirnas-targeting-gene"].bind({"gene": 'x" } ?s ?p ?o { "'}, registry, store.query)
    text = queries["targets-of-mirna"].bind({"mirna": "miR-210"}, registry, store.query)
    assert 'VALUES ?mirna { "miR-210" }' in text


def test_the_cli_warns_when_a_value_matches_nothing_in_the_kg(project):
    root = ["--root", str(project.root)]
    result = CliRunner().invoke(main, ["query", "biomarker-performance", "--param", "use=exo:NoSuchUse", *root])
    assert result.exit_code == 0 and "(0 rows)" in result.output
    assert "warning: --param use=exo:NoSuchUse matches nothing in the KG" in result.output
    result = CliRunner().invoke(main, ["query", "biomarker-performance", "--param", "use=exo:DiagnosticUse", *root])
    assert result.exit_code == 0 and "warning: --param" not in result.output and "(14 rows)" in result.output


def test_list_shows_each_parameters_default_as_it_would_be_typed(project):
    result = CliRunner().invoke(main, ["query", "--list", "--root", str(project.root)])
    assert result.exit_code == 0
    assert "--param process=...  the process, a GO term" in result.output and "(default: GO:0006915)" in result.output
    assert "(default: miR-210)" in result.output and "(default: C131)" in result.output
    assert "(default: *)" in result.output


@pytest.mark.parametrize("gene", ["exo:a b", "GO:<script>", "HGNC:abc", "HGNC:9588> } ?s ?p ?o {"])
def test_a_value_that_is_no_identifier_of_its_prefix_is_refused_not_a_crash(store, queries, registry, gene):
    with pytest.raises(BadParameter, match="does not match the .* pattern|is not an IRI"):
        queries["mirnas-targeting-gene"].bind({"gene": gene}, registry, store.query)


def test_a_label_of_several_terms_names_the_one_the_query_uses_there(store, queries, registry):
    assert answers(store, queries, registry, "biomarker-performance", "useLabel", use="prognosis") == {"prognosis"}
    text = queries["mirnas-affecting-process"].bind({"process": "prognosis"}, registry, store.query)
    assert "VALUES ?process { <https://w3id.org/exomir-kg/ontology/Prognosis> }" in text
