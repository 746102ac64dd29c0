"""``exomirkg push``: load the KG into an external SPARQL 1.1 store, all or nothing.

The KG (every claim graph, flattened) with the ontology and its imports is uploaded into a
temporary graph, through the SPARQL 1.1 Graph Store Protocol when the store offers it, else with
SPARQL Update ``INSERT DATA``; its triple count is checked with a query (SPARQLWrapper); only then
does one ``MOVE`` replace the target graph. Any failure drops the temporary graph and leaves the
target graph as it was.
"""
from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Callable

from .errors import ExomirError
from .project import Project
from .store import sparql_client, store_files

DEFAULT_GRAPH = "https://w3id.org/exomir-kg/graph/kg"


class PushError(ExomirError):
    """The upload failed; the target graph was left as it was."""


@dataclass(frozen=True)
class Target:
    """Where to push: the query and update endpoints, optionally a Graph Store endpoint, and credentials."""

    query_endpoint: str
    update_endpoint: str
    gsp_endpoint: str | None = None
    gsp_graph_param: str = "graph"
    user: str | None = None
    password: str | None = None
    auth: str = "digest"
    timeout: float = 120.0


def kg_ntriples(project: Project) -> list[str]:
    """The KG and its ontology as sorted, distinct N-Triples lines."""
    from rdflib import Dataset, Graph
    kg, ontology = store_files(project)
    dataset = Dataset()
    dataset.parse(kg, format="trig")
    graph = Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        graph.add((s, p, o))
    for path in ontology:
        graph.parse(path, format="turtle")
    _skolemize(graph)
    return sorted({line for line in graph.serialize(format="nt").splitlines() if line.strip()})


def _skolemize(graph) -> None:
    """Blank nodes of the ontology (OWL restrictions) become stable IRIs, so chunked uploads keep them joined."""
    from rdflib import BNode, URIRef
    mapping = {}
    for triple in list(graph):
        if any(isinstance(t, BNode) for t in triple):
            graph.remove(triple)
            graph.add(tuple(mapping.setdefault(t, URIRef(f"https://w3id.org/exomir-kg/.well-known/genid/{t}"))
                            if isinstance(t, BNode) else t for t in triple))


class _Client:
    def __init__(self, target: Target):
        self.target = target
        handlers = []
        if target.user:
            manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            for url in filter(None, (target.query_endpoint, target.update_endpoint, target.gsp_endpoint)):
                manager.add_password(None, url, target.user, target.password or "")
            handlers.append(urllib.request.HTTPDigestAuthHandler(manager) if target.auth == "digest"
                            else urllib.request.HTTPBasicAuthHandler(manager))
        self.opener = urllib.request.build_opener(*handlers)
        self._digest = handlers[0] if handlers and target.auth == "digest" else None

    def _authorize(self, request: urllib.request.Request) -> None:
        """Digest-sign an upload before it is sent: unsigned, the store answers 401 and may close
        the connection while the body is still being written (a broken pipe, nothing retried)."""
        if self._digest is None:
            return
        probe = urllib.request.Request(request.full_url, method="GET")
        try:
            with urllib.request.urlopen(probe, timeout=self.target.timeout):
                return                                        # no challenge: nothing to sign
        except urllib.error.HTTPError as error:
            challenge = error.headers.get("WWW-Authenticate", "")
            if error.code != 401 or not challenge.lower().startswith("digest "):
                return
        fields = urllib.request.parse_keqv_list(urllib.request.parse_http_list(challenge[7:]))
        signature = self._digest.get_authorization(request, fields)
        if signature:
            request.add_unredirected_header("Authorization", f"Digest {signature}")

    def sparql(self, endpoint: str, text: str, update: bool = False):
        from SPARQLWrapper import JSON
        target = self.target
        client = sparql_client(endpoint, target.timeout, target.user, target.password, target.auth)
        if update:
            client.setQuery(text)
            client.query()
            return None
        client.setReturnFormat(JSON)
        client.setQuery(text)
        return client.query().convert()

    def gsp(self, method: str, graph: str, body: bytes) -> None:
        url = f"{self.target.gsp_endpoint}?{urllib.parse.urlencode({self.target.gsp_graph_param: graph})}"
        request = urllib.request.Request(url, data=body, method=method,
                                         headers={"Content-Type": "application/n-triples"})
        self._authorize(request)
        with self.opener.open(request, timeout=self.target.timeout) as response:
            if response.status >= 300:
                raise PushError(f"Graph Store {method} answered {response.status}")


def count_triples(client: _Client, graph: str) -> int:
    result = client.sparql(client.target.query_endpoint, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    return int(result["results"]["bindings"][0]["n"]["value"])


def push(project: Project, target: Target, graph: str = DEFAULT_GRAPH, batch: int = 5000,
         progress: Callable[[int], None] | None = None, lines: list[str] | None = None) -> int:
    """Upload the KG into ``graph``; return the number of triples. Raises :class:`PushError`."""
    lines = kg_ntriples(project) if lines is None else lines
    client = _Client(target)
    staging = graph + "#upload"
    try:
        client.sparql(target.update_endpoint, f"DROP SILENT GRAPH <{staging}>", update=True)
        for start in range(0, len(lines), batch):
            chunk = lines[start:start + batch]
            if target.gsp_endpoint:
                client.gsp("PUT" if start == 0 else "POST", staging, ("\n".join(chunk) + "\n").encode("utf-8"))
            else:
                client.sparql(target.update_endpoint,
                              f"INSERT DATA {{ GRAPH <{staging}> {{\n" + "\n".join(chunk) + "\n} }", update=True)
            if progress:
                progress(len(chunk))
        uploaded = count_triples(client, staging)
        if uploaded != len(lines):
            raise PushError(f"the store holds {uploaded} triples in the upload graph, not {len(lines)}")
        client.sparql(target.update_endpoint, f"MOVE SILENT GRAPH <{staging}> TO GRAPH <{graph}>", update=True)
        final = count_triples(client, graph)
        if final != len(lines):
            raise PushError(f"after the move the target graph holds {final} triples, not {len(lines)}")
        return final
    except PushError:
        _drop_quietly(client, staging)
        raise
    except Exception as error:       # network, HTTP and SPARQL errors of any client library
        _drop_quietly(client, staging)
        raise PushError(f"upload to {target.query_endpoint} failed: {type(error).__name__}: {error}; "
                        f"the target graph <{graph}> was left as it was") from error


def _drop_quietly(client: _Client, staging: str) -> None:
    try:
        client.sparql(client.target.update_endpoint, f"DROP SILENT GRAPH <{staging}>", update=True)
    except Exception:
        pass


__all__ = ["push", "Target", "PushError", "kg_ntriples", "count_triples", "DEFAULT_GRAPH"]
