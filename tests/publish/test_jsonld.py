"""The JSON-LD product reads its N-Quads with pyoxigraph into PyLD's RDF dataset: the same dataset,
and the same JSON-LD, as PyLD's own (quadratic) N-Quads reader gives."""
from __future__ import annotations

from pyld import jsonld as pyld
from pyld.nquads import parse_nquads

from exomirkg.publish.products.data import pyld_dataset
from exomirkg.rdf.serialize import nquads

# the term kinds PyLD tells apart: IRIs, blank nodes, plain, typed and language-tagged literals, escapes
EDGE_CASES = """<https://example.org/s> <https://example.org/p> "plain" <https://example.org/g> .
<https://example.org/s> <https://example.org/p> "tab\\there \\"quoted\\" and \\\\" <https://example.org/g> .
<https://example.org/s> <https://example.org/p> "12"^^<http://www.w3.org/2001/XMLSchema#integer> .
<https://example.org/s> <https://example.org/p> "hello"@en <https://example.org/g> .
_:b1 <https://example.org/p> _:b2 <https://example.org/g> .
<https://example.org/s> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://example.org/C> .
"""


def test_the_dataset_is_pylds_own_on_the_edge_cases():
    assert pyld_dataset(EDGE_CASES) == parse_nquads(EDGE_CASES)


def test_where_the_two_readers_differ_pyoxigraph_reads_the_rdf():
    """A \\u escape is the character it names (PyLD keeps the six characters), and a language tag
    is compared case-insensitively (pyoxigraph writes it in lower case). The KG's N-Quads, written
    by rdflib, hold neither: UTF-8 characters as they are, tags in lower case."""
    text = '<https://example.org/s> <https://example.org/p> "caf\\u00e9"@en-GB .\n'
    assert pyld_dataset(text)["@default"][0]["object"] == {
        "type": "literal", "datatype": "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString",
        "language": "en-gb", "value": "café"}


def test_the_kg_gives_the_same_dataset_and_json_ld_as_pyld_reading_it(kg):
    text = nquads(kg)
    ours = pyld_dataset(text)
    assert ours == parse_nquads(text)
    assert pyld.from_rdf(ours) == pyld.from_rdf(text, {"format": "application/n-quads"})
