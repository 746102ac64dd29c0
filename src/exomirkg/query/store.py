"""The embedded store: the KG, the ontology and its imports, queryable with SPARQL.

pyoxigraph is the default engine (fast); rdflib runs the same queries (the tests hold the two to
the same rows). Claims keep their nanopublication graphs; the ontology and imports go into the
graph ``graph/ontology``; queries see the union of all graphs as their default graph.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from ..errors import ExomirError
from ..ids.namespaces import GRAPH
from ..project import Project

ONTOLOGY_GRAPH = GRAPH["ontology"]
ENGINES = ("oxigraph", "rdflib")


class QueryError(ExomirError):
    """A query could not be parsed or run."""


class Term(NamedTuple):
    """A result value, engine-independent: kind is 'iri', 'literal' or 'bnode'."""

    kind: str
    value: str
    datatype: str = ""
    language: str = ""

    def __str__(self) -> str:
        return self.value


@dataclass
class QueryResult:
    variables: list[str]
    rows: list[tuple[Term | None, ...]]
    boolean: bool | None = None

    def values(self) -> list[tuple[str, ...]]:
        """Rows as plain strings ('' for unbound)."""
        return [tuple("" if t is None else t.value for t in row) for row in self.rows]


def store_files(project: Project) -> tuple[Path, list[Path]]:
    """The KG file (TriG) and the ontology files loaded with it."""
    kg = project.kg_dir / "exomir-kg.trig"
    if not kg.exists():
        raise ExomirError(f"{kg} does not exist: run 'exomirkg build' first")
    ontology = [project.ontology_path, *sorted(project.imports_dir.glob("*.ttl"))]
    return kg, ontology


class EmbeddedStore:
    """The KG loaded into pyoxigraph (default) or rdflib."""

    def __init__(self, kg: Path, ontology: list[Path], engine: str = "oxigraph", quads_format: str = "trig",
                 lenient: bool = False):
        """Load ``kg`` (TriG or N-Quads) and the ontology files (into the ontology graph).

        ``lenient`` (pyoxigraph only) skips the parser's IRI and language-tag checks: about 20 % faster
        on large N-Quads, and only for a file this project's builder wrote, whose triples validation
        parses strictly anyway; never for a file a user hands in."""
        if engine not in ENGINES:
            raise ExomirError(f"unknown engine {engine!r} (use one of {', '.join(ENGINES)})")
        self.engine = engine
        self._store: Any            # a pyoxigraph Store, or an rdflib Dataset
        if engine == "oxigraph":
            import pyoxigraph as ox
            self._store = ox.Store()
            fmt = ox.RdfFormat.TRIG if quads_format == "trig" else ox.RdfFormat.N_QUADS
            self._store.load(path=str(kg), format=fmt, lenient=lenient)     # in memory, faster than bulk_load
            for path in ontology:
                self._store.load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(str(ONTOLOGY_GRAPH)))
        else:
            from rdflib import Dataset
            self._store = Dataset(default_union=True)
            self._store.parse(kg, format=quads_format)
            graph = self._store.graph(ONTOLOGY_GRAPH)
            for path in ontology:
                graph.parse(path, format="turtle")

    @classmethod
    def wrapping(cls, store) -> EmbeddedStore:
        """An EmbeddedStore over an already open pyoxigraph store (e.g. a read-only one)."""
        embedded = cls.__new__(cls)
        embedded.engine, embedded._store = "oxigraph", store
        return embedded

    @property
    def pyoxigraph(self):
        """The pyoxigraph Store underneath (for dumps and the structure checks)."""
        if self.engine != "oxigraph":
            raise ExomirError("this store runs on rdflib, not pyoxigraph")
        return self._store

    @classmethod
    def for_project(cls, project: Project, engine: str = "oxigraph") -> EmbeddedStore:
        kg, ontology = store_files(project)
        return cls(kg, ontology, engine)

    def query(self, text: str) -> QueryResult:
        """Run a SPARQL SELECT or ASK query; raise :class:`QueryError` with the parser's message."""
        try:
            return self._oxigraph(text) if self.engine == "oxigraph" else self._rdflib(text)
        except QueryError:
            raise
        except Exception as error:     # both engines raise their own syntax/evaluation errors
            raise QueryError(f"{type(error).__name__}: {error}") from error

    def _oxigraph(self, text: str) -> QueryResult:
        import pyoxigraph as ox
        result = self._store.query(text, use_default_graph_as_union=True)
        if isinstance(result, ox.QueryBoolean):
            return QueryResult([], [], bool(result))
        if not isinstance(result, ox.QuerySolutions):
            raise QueryError("only SELECT and ASK queries are supported here")
        return solutions_result(result)

    def _rdflib(self, text: str) -> QueryResult:
        result = self._store.query(text)
        if result.type == "ASK":
            return QueryResult([], [], bool(result.askAnswer))
        if result.type != "SELECT":
            raise QueryError("only SELECT and ASK queries are supported here")
        variables = [str(v) for v in result.vars]
        rows = [tuple(_rdflib_term(row[v]) for v in variables) for row in result]
        return QueryResult(variables, rows)


def solutions_result(solutions: Any) -> QueryResult:
    """A pyoxigraph ``QuerySolutions`` as an engine-independent :class:`QueryResult`."""
    variables = [v.value for v in solutions.variables]
    indexes = range(len(variables))
    seen: dict = {}         # answers repeat terms (labels, types): convert each once

    def convert(term: Any) -> Term | None:
        found = seen.get(term)
        if found is None and term is not None:
            found = seen[term] = _ox_term(term)
        return found
    rows = [tuple(convert(solution[i]) for i in indexes) for solution in solutions]
    return QueryResult(variables, rows)


def _ox_term(term: Any) -> Term | None:
    import pyoxigraph as ox
    if term is None:
        return None
    kind = type(term)
    if kind is ox.NamedNode:
        return Term("iri", term.value)
    if kind is ox.Literal:
        return Term("literal", term.value, term.datatype.value if term.datatype else "", term.language or "")
    return Term("bnode", term.value)


def _rdflib_term(term: Any) -> Term | None:
    from rdflib import BNode, Literal, URIRef
    from rdflib.namespace import XSD
    if term is None:
        return None
    if isinstance(term, URIRef):
        return Term("iri", str(term))
    if isinstance(term, Literal):
        datatype = str(term.datatype) if term.datatype else ("" if term.language else str(XSD.string))
        return Term("literal", str(term), datatype, term.language or "")
    if isinstance(term, BNode):
        return Term("bnode", str(term))
    return Term("literal", str(term))


def sparql_client(endpoint: str, timeout: float, user: str | None = None, password: str | None = None,
                  auth: str = "digest"):
    """A SPARQLWrapper client that POSTs forms (raw ``application/sparql-query`` POSTs hang on
    Virtuoso 7.2), with a timeout and optional HTTP authentication."""
    from SPARQLWrapper import POST, SPARQLWrapper
    from SPARQLWrapper.Wrapper import BASIC, DIGEST, URLENCODED
    client = SPARQLWrapper(endpoint, updateEndpoint=endpoint)
    client.setTimeout(int(timeout))
    client.setMethod(POST)
    client.setRequestMethod(URLENCODED)
    if user:
        client.setHTTPAuth(DIGEST if auth == "digest" else BASIC)
        client.setCredentials(user, password or "")
    return client


class RemoteStore:
    """A SPARQL 1.1 endpoint elsewhere (Oxigraph server, Virtuoso, ...), queried with SPARQLWrapper.

    ``graph`` is sent as ``default-graph-uri``: the pushed KG lives in one named graph there.
    """

    def __init__(self, endpoint: str, graph: str | None = None, timeout: float = 60.0):
        self.endpoint = endpoint
        self.graph = graph
        self.timeout = timeout

    def query(self, text: str) -> QueryResult:
        from SPARQLWrapper import JSON
        client = sparql_client(self.endpoint, self.timeout)
        if self.graph:
            client.addDefaultGraph(self.graph)
        client.setReturnFormat(JSON)
        # SPARQLWrapper guesses the query form from keywords anywhere in the text, comments included
        # ("removed" reads as MOVE): send the query without its comment lines.
        client.setQuery(re.sub(r"(?m)^[ \t]*#.*\n?", "", text))
        try:
            data = client.query().convert()
        except Exception as error:
            raise QueryError(f"{self.endpoint}: {type(error).__name__}: {error}") from error
        if "boolean" in data:
            return QueryResult([], [], bool(data["boolean"]))
        variables = data["head"]["vars"]
        rows = [tuple(_json_term(b.get(v)) for v in variables) for b in data["results"]["bindings"]]
        return QueryResult(variables, rows)


def _json_term(binding: dict | None) -> Term | None:
    if binding is None:
        return None
    kind = {"uri": "iri", "literal": "literal", "typed-literal": "literal", "bnode": "bnode"}[binding["type"]]
    value, datatype = binding["value"], binding.get("datatype", "")
    if datatype == "http://www.w3.org/2001/XMLSchema#boolean":
        value = {"1": "true", "0": "false"}.get(value, value)   # Virtuoso writes booleans as 1 and 0
    return Term(kind, value, datatype, binding.get("xml:lang", ""))
