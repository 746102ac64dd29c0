"""``exomirkg push``: load the KG into an external SPARQL 1.1 store, all or nothing, and say what happened.

The KG (every claim graph, flattened) with the ontology and its imports is uploaded into the
target's staging graph (``<target>.staging``, one per target), through the SPARQL 1.1 Graph Store
Protocol when the store offers it, else with SPARQL Update ``INSERT DATA``; its triple count is
checked with a query (SPARQLWrapper); only then does one ``MOVE`` replace the target graph.

A staging graph left by a killed push is recognised by its name and removed by the next push to
the same target. After any failure the target and staging graphs are counted again and the error
says what the store holds (:class:`TargetState`): left as it was, or unknown when it cannot be read
back. When the answer to the ``MOVE`` is lost but the read-back proves the target holds exactly
what was sent, the push is a success with a warning. Blank nodes (the ontology's OWL axioms) become
deterministic ``.well-known/genid/`` IRIs, so pushing the same KG twice leaves the same triples.
"""
from __future__ import annotations

import hashlib
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

from ..errors import ExomirError
from ..ids.namespaces import BASE
from ..project import Project
from ..query.store import sparql_client, store_files

DEFAULT_GRAPH = "https://w3id.org/exomir-kg/graph/kg"
GENID = f"{BASE}.well-known/genid/"
STAGING_SUFFIX = ".staging"
LEGACY_STAGING_SUFFIX = "#upload"          # the staging graph of pushes before 0.x: removed too


class PushError(ExomirError):
    """The push failed; the message says what the store holds now (read back after the failure)."""


@dataclass(frozen=True)
class PushResult:
    """A finished push: the triples now in ``graph``, things done on the way (``notes``) and
    ``warnings`` (the server's answer to the MOVE was lost, but the read-back proves it done)."""

    triples: int
    graph: str
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


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
    """The KG and its ontology as sorted, distinct N-Triples lines, blank nodes skolemised deterministically."""
    from rdflib import Dataset, Graph
    kg, ontology = store_files(project)
    dataset = Dataset()
    dataset.parse(kg, format="trig")
    graph = Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        graph.add((s, p, o))
    for path in ontology:
        graph.parse(path, format="turtle")
    return skolemize_ntriples(graph.serialize(format="nt"))


def skolemize_ntriples(ntriples: str) -> list[str]:
    """Sorted, distinct N-Triples lines with every blank node replaced by a ``.well-known/genid/`` IRI.

    The blank nodes are first given their RDFC-1.0 canonical labels (which depend only on the
    graph, not on how it was parsed); a blank node's IRI is the hash of its canonical label and of
    the canonical triples it occurs in. Distinct blank nodes have distinct labels, hence distinct
    IRIs; the same graph always gives the same IRIs, so chunked uploads keep the OWL axioms joined
    and pushing the same KG twice leaves exactly the same triples.
    """
    import pyoxigraph as ox
    dataset = ox.Dataset(ox.parse(ntriples.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    triples = [quad.triple for quad in dataset]
    occurrences: dict[str, set[str]] = {}
    for triple in triples:
        for term in (triple.subject, triple.object):
            if isinstance(term, ox.BlankNode):
                occurrences.setdefault(term.value, set()).add(str(triple))
    names = {label: ox.NamedNode(GENID + _genid(label, lines)) for label, lines in occurrences.items()}
    if len(set(names.values())) != len(names):
        raise ExomirError("two blank nodes were given the same skolem IRI")     # a SHA-256 collision
    def named(term):
        return names[term.value] if isinstance(term, ox.BlankNode) else term
    skolemized = [ox.Triple(named(t.subject), t.predicate, named(t.object)) for t in triples]
    text = ox.serialize(skolemized, format=ox.RdfFormat.N_TRIPLES) or b""
    return sorted({line for line in text.decode("utf-8").splitlines() if line.strip()})


def _genid(label: str, lines: set[str]) -> str:
    """The skolem name of one blank node: a hash of its canonical label and its canonical triples."""
    text = "\n".join([label, *sorted(lines)])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def staging_graph(graph: str) -> str:
    """The push's own temporary graph for ``graph``: one name per target, so a later push finds
    and removes the one a killed push left behind."""
    return graph + STAGING_SUFFIX


def own_staging_graphs(graph: str) -> list[str]:
    """Every staging graph a push to ``graph`` may have left: today's name and the older ``#upload``."""
    legacy = [graph + LEGACY_STAGING_SUFFIX] if "#" not in graph else []
    return [staging_graph(graph), *legacy]


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
        first = handlers[0] if handlers else None
        self._digest = first if isinstance(first, urllib.request.HTTPDigestAuthHandler) else None

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
    """The number of triples the store holds in ``graph`` (0 when it does not exist)."""
    result = client.sparql(client.target.query_endpoint, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    return int(result["results"]["bindings"][0]["n"]["value"])


@dataclass
class _Steps:
    """How far a push got: what it may have changed in the store."""

    staging_written: bool = False
    move_sent: bool = False


@dataclass(frozen=True)
class TargetState:
    """The target and staging graphs, counted again after a failure (``error`` when that failed)."""

    target: int | None
    staging: int | None
    error: str | None = None


def read_back(client: _Client, graph: str, staging: str) -> TargetState:
    """Count the target and the staging graph; never raises."""
    try:
        return TargetState(count_triples(client, graph), count_triples(client, staging))
    except Exception as error:       # noqa: BLE001 - network, HTTP and SPARQL errors of any client library
        return TargetState(None, None, _describe(error))


def proves_complete(state: TargetState, sent: int, steps: _Steps) -> bool:
    """The MOVE was sent, the staging graph is gone and the target holds exactly what was sent."""
    return steps.move_sent and state.error is None and state.staging == 0 and state.target == sent


def describe_state(state: TargetState, graph: str, sent: int, steps: _Steps) -> str:
    """What the store holds after a failed push, in words, as far as it could be read back."""
    if state.error is not None:
        if not steps.move_sent:
            return f"the target graph <{graph}> was left as it was (no MOVE was sent; could not read the target back: {state.error})"
        return f"the state of the target graph <{graph}> is unknown: could not read the target back: {state.error}"
    if not steps.move_sent:
        return f"the target graph <{graph}> was left as it was ({state.target} triples)"
    if state.staging == sent and sent:
        return f"the target graph <{graph}> was left as it was ({state.target} triples): the MOVE was not applied"
    return (f"the target graph <{graph}> holds {state.target} triples and its staging graph {state.staging}, "
            f"not the {sent} sent: push again")


def push(project: Project, target: Target, graph: str = DEFAULT_GRAPH, batch: int = 5000,
         progress: Callable[[int], None] | None = None, lines: list[str] | None = None) -> PushResult:
    """Upload the KG into ``graph``. Raises :class:`PushError` saying what the store holds then."""
    lines = kg_ntriples(project) if lines is None else lines
    client = _Client(target)
    staging = staging_graph(graph)
    steps = _Steps()
    notes: list[str] = []
    try:
        notes += remove_stale_staging(client, graph)
        _upload(client, staging, lines, batch, progress, steps)
        uploaded = count_triples(client, staging)
        if uploaded != len(lines):
            raise PushError(f"the store holds {uploaded} triples in the staging graph, not {len(lines)}")
        steps.move_sent = True
        # no SILENT: a MOVE from a missing graph must fail, not empty the target
        client.sparql(target.update_endpoint, f"MOVE GRAPH <{staging}> TO GRAPH <{graph}>", update=True)
        final = count_triples(client, graph)
        if final != len(lines):
            raise PushError(f"after the move the target graph holds {final} triples, not {len(lines)}")
        return PushResult(final, graph, tuple(notes))
    except Exception as error:       # noqa: BLE001 - network, HTTP and SPARQL errors of any client library
        return _after_failure(client, graph, len(lines), steps, error, notes)
    except BaseException:            # Ctrl-C, SystemExit: remove what is ours, then stop
        if steps.staging_written and not steps.move_sent:
            _drop(client, staging)
        raise


def remove_stale_staging(client: _Client, graph: str) -> list[str]:
    """Drop the staging graphs an interrupted push to ``graph`` left behind; say which."""
    notes = []
    for name in own_staging_graphs(graph):
        left = count_triples(client, name)
        if left:
            client.sparql(client.target.update_endpoint, f"DROP SILENT GRAPH <{name}>", update=True)
            notes.append(f"removed the staging graph <{name}> ({left} triples) left by an interrupted push")
    return notes


def _upload(client: _Client, staging: str, lines: list[str], batch: int,
            progress: Callable[[int], None] | None, steps: _Steps) -> None:
    """Write ``lines`` into the staging graph in chunks (Graph Store Protocol, else INSERT DATA)."""
    target = client.target
    for start in range(0, len(lines), batch):
        chunk = lines[start:start + batch]
        steps.staging_written = True
        if target.gsp_endpoint:
            client.gsp("PUT" if start == 0 else "POST", staging, ("\n".join(chunk) + "\n").encode("utf-8"))
        else:
            client.sparql(target.update_endpoint,
                          f"INSERT DATA {{ GRAPH <{staging}> {{\n" + "\n".join(chunk) + "\n} }", update=True)
        if progress:
            progress(len(chunk))


def _after_failure(client: _Client, graph: str, sent: int, steps: _Steps, error: Exception,
                   notes: list[str]) -> PushResult:
    """Read the store back after ``error``: a success with a warning when the push is proven
    complete, else remove the staging graph and raise a :class:`PushError` telling the truth."""
    staging = staging_graph(graph)
    cause = str(error) if isinstance(error, PushError) else _describe(error)
    state = read_back(client, graph, staging)
    if proves_complete(state, sent, steps):
        warning = (f"the target graph <{graph}> now holds the new data ({sent} triples) although the server's answer "
                   f"was lost ({cause})")
        return PushResult(sent, graph, tuple(notes), (warning,))
    message = f"upload to {client.target.query_endpoint} failed: {cause}; {describe_state(state, graph, sent, steps)}"
    if steps.staging_written and state.staging != 0:
        left = _drop(client, staging)
        if left is not None:
            message += (f"; the staging graph <{staging}> could not be removed ({left}): "
                        f"remove it with DROP SILENT GRAPH <{staging}> (the next push to <{graph}> also does)")
    raise PushError(message) from error


def _drop(client: _Client, staging: str) -> str | None:
    """Drop the staging graph; return why that failed, or None."""
    try:
        client.sparql(client.target.update_endpoint, f"DROP SILENT GRAPH <{staging}>", update=True)
        return None
    except Exception as error:       # noqa: BLE001 - network, HTTP and SPARQL errors of any client library
        return _describe(error)


def _describe(error: BaseException) -> str:
    """An error of a client library, in one line."""
    return f"{type(error).__name__}: {error}"


__all__ = ["DEFAULT_GRAPH", "PushError", "PushResult", "Target", "TargetState", "count_triples", "kg_ntriples", "push",
           "skolemize_ntriples", "staging_graph"]
