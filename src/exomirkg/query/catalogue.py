"""The stored queries in ``queries/``: a catalogue read from the ``.rq`` files' headers.

Each ``queries/NAME.rq`` starts with comment lines that describe it::

    # title: Targets of a miRNA
    # question: Which genes does an exosomal miRNA target, according to the review?
    # keywords: target, gene
    # param: mirna | ?mirna | literal | the miRNA as the review names it | miR-210

A parameter is a ``VALUES ?var { default }`` line inside the query: the stored query runs as it
is with its default, and ``--param name=value`` replaces the default (``*`` means any value:
``UNDEF``). A parameter whose variable is ``SERVICE`` sets the endpoint of the query's SERVICE
clause; a ``# federates: URL`` line names each endpoint a federated query calls, and a ``# target: URL``
line the endpoint the query runs on when that is not this KG's (a query asked from another KG). The
text that runs is plain SPARQL 1.1 that any store accepts. Kinds: ``literal`` (a
string), ``integer``, ``curie`` (expanded with ontology/prefixes.tsv), ``iri`` and ``claim`` (a claim
id such as C131, expanded to the claim's IRI).

Listing queries answer one page at a time: a parameter whose variable is ``LIMIT`` sets the page
size (the query's ``LIMIT n``; ``*`` removes it: every answer), one whose variable is ``OFFSET``
the answers skipped (``OFFSET n``). The page is the first answers the store finds, sorted by the
query's ORDER BY; :meth:`StoredQuery.next_page` says which parameters ask for the next one.

The same headers give the queries' metadata in the form the SIB sparql-examples project publishes
(github.com/sib-swiss/sparql-examples), written by :func:`write_examples`: one Turtle file per query,
``queries/examples/NAME.ttl`` (``sh:SPARQLExecutable`` and its ``sh:SPARQLSelectExecutable``/...
subclass, the English ``rdfs:comment``, the query in ``sh:select``/``sh:ask``/``sh:construct``/
``spex:describe``, ``schema:keywords``, ``schema:target``, ``spex:federatesWith`` for each SERVICE
endpoint, ``sh:prefixes _:sparql_examples_prefixes``), the prefix declarations that blank node names
(``queries/examples/prefixes.ttl``, ``sh:declare``/``sh:prefix``/``sh:namespace``), and their union
(``queries/sparql-examples.ttl``: the prefixes file followed by every query's file, one Turtle
document in which the blank node is one node; what an endpoint loads and the server serves).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import SH, XSD

from ..errors import ExomirError
from ..ids.namespaces import BASE, CLAIM, EXO
from ..ids.prefixes import PrefixRegistry
from .parameters import PARAM_KINDS, BadParameter, Lookup, Parameter, sparql_values, term_iri

SCHEMA = Namespace("https://schema.org/")
SPEX = Namespace("https://purl.expasy.org/sparql-examples/ontology#")
EXAMPLES = Namespace(BASE + "queries/")
ENDPOINT = URIRef(BASE + "sparql")
EXAMPLES_FOLDER = "examples"            # queries/examples/NAME.ttl and queries/examples/prefixes.ttl
EXAMPLES_UNION = "sparql-examples.ttl"  # queries/sparql-examples.ttl
PREFIXES_FILE = "prefixes.ttl"
PREFIXES_NODE = "_:sparql_examples_prefixes"   # SIB's label: every example file names the same blank node
PAGE_CLAUSES = ("LIMIT", "OFFSET")


class UnknownQuery(ExomirError):
    """No stored query has that name."""


@dataclass(frozen=True)
class StoredQuery:
    name: str
    path: Path
    title: str
    question: str
    keywords: tuple[str, ...]
    parameters: tuple[Parameter, ...]
    text: str
    federated: tuple[str, ...] = ()
    target: str = str(ENDPOINT)

    @property
    def body(self) -> str:
        """The query without its header (the ``# key: value`` lines it starts with): what the
        sparql-examples metadata holds in ``sh:select`` and the like."""
        lines = self.text.splitlines(keepends=True)
        start = 0
        while start < len(lines) and HEADER_LINE.match(lines[start]):
            start += 1
        return "".join(lines[start:])

    @property
    def form(self) -> str:
        """SELECT, ASK, CONSTRUCT or DESCRIBE (the first keyword after the prologue)."""
        body = re.sub(r"(?m)^\s*#.*$", "", self.text)
        body = re.sub(r"(?is)^\s*((PREFIX\s+\S*\s*<[^>]*>|BASE\s*<[^>]*>)\s*)*", "", body)
        match = re.match(r"\s*(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", body, re.IGNORECASE)
        return match.group(1).upper() if match else "UNKNOWN"

    def default(self, param: Parameter) -> str:
        """The value the stored text gives ``param`` (what runs when it is not set): the terms of its
        ``VALUES`` line, its page size or offset, or its SERVICE endpoint."""
        if param.variable in PAGE_CLAUSES:
            return self._page_default(param.variable) if page_clause(param.variable).search(self.text) else "*"
        if param.variable == "SERVICE":
            found = re.search(r"SERVICE\s+(?:SILENT\s+)?<([^>]*)>", self.text, re.IGNORECASE)
            return found.group(1) if found else ""
        found = values_line(param.variable).search(self.text)
        if found is None:
            return ""
        inner = found.group(0).split("{", 1)[1].rsplit("}", 1)[0].strip()
        return "*" if inner == "UNDEF" else inner

    def shown_default(self, param: Parameter, prefixes: PrefixRegistry) -> str:
        """:meth:`default` as a person would type it back: a CURIE, a claim id, a string unquoted."""
        shown = []
        declared = dict(re.findall(r"(?im)^\s*PREFIX\s+([\w-]*):\s*<([^>]*)>", self.text))
        for term in self.default(param).split():
            iri = term[1:-1] if term.startswith("<") and term.endswith(">") else None
            if iri is None and ":" in term and not term.startswith('"') and term.split(":", 1)[0] in declared:
                prefix, local = term.split(":", 1)
                iri = declared[prefix] + local
            curie = prefixes.compress(iri) if iri else None
            if iri and iri.startswith(str(CLAIM)):
                shown.append(iri[len(str(CLAIM)):])
            elif curie is not None:
                shown.append(str(curie))
            elif term.startswith('"') and term.endswith('"'):
                shown.append(term[1:-1])
            else:
                shown.append(iri or term)
        return " ".join(shown)

    def terms(self, values: dict[str, str], prefixes: PrefixRegistry,
              lookup: Lookup | None = None) -> dict[str, tuple[Parameter, list[str]]]:
        """The SPARQL terms of each given parameter (``["UNDEF"]`` for ``*``; the raw number for the
        page clauses), checked against its kind: :class:`BadParameter` for an unknown parameter or a
        value that does not fit or (with ``lookup`` on the KG) names nothing."""
        known = {p.name: p for p in self.parameters}
        terms = {}
        for name, raw in values.items():
            if name not in known:
                valid = ", ".join(f"{p.name} (e.g. {p.example})" for p in self.parameters) or "none"
                raise BadParameter(f"query {self.name!r} has no parameter {name!r}; its parameters: {valid}")
            param = known[name]
            if param.variable in PAGE_CLAUSES:    # the page: LIMIT n (or none, for *) and OFFSET n
                if not (re.fullmatch(r"\d+", raw) or (raw == "*" and param.variable == "LIMIT")):
                    raise BadParameter(f"parameter {param.name!r} must be a whole number of answers, not {raw!r}"
                                       + ("; * for all of them" if param.variable == "LIMIT" else ""))
                terms[name] = (param, [raw])
            elif param.variable == "SERVICE":     # the endpoint of the query's SERVICE clause: an IRI
                terms[name] = (param, [term_iri(Parameter(param.name, param.variable, "iri", "", param.example),
                                                raw, prefixes)])
            else:
                terms[name] = (param, ["UNDEF"] if raw == "*" else sparql_values(param, raw, prefixes, lookup, self.text))
        return terms

    def bind(self, values: dict[str, str], prefixes: PrefixRegistry, lookup: Lookup | None = None) -> str:
        """The query text with each given parameter's ``VALUES`` line set to its value(s) (see
        :mod:`.parameters` for what a value may be; ``lookup`` lets labels and miRNA names resolve)."""
        text = self.text
        for param, found_terms in self.terms(values, prefixes, lookup).values():
            if param.variable == "SERVICE":
                found = SERVICE_LINE.search(text)
                if found is not None:
                    text = _splice(text, found, f"SERVICE {found.group(1) or ''}{found_terms[0]}")
            elif param.variable in PAGE_CLAUSES:
                if found_terms == ["*"]:
                    text = page_clause("LIMIT").sub("", text, count=1)
                else:
                    text = page_clause(param.variable).sub(f"{param.variable} {int(found_terms[0])}", text, count=1)
            else:
                found = values_line(param.variable).search(text)
                if found is not None:
                    text = _splice(text, found, f"VALUES {param.variable} {{ {' '.join(found_terms)} }}")
        return text

    def page_size(self, values: dict[str, str]) -> int | None:
        """The number of answers a page holds with these parameters; None when not paged."""
        param = next((p for p in self.parameters if p.variable == "LIMIT"), None)
        if param is None:
            return None
        raw = values.get(param.name) or self._page_default("LIMIT")
        return None if raw == "*" else int(raw)

    def _page_default(self, clause: str) -> str:
        """The number the stored text's own ``LIMIT n`` / ``OFFSET n`` holds: the default page."""
        match = page_clause(clause).search(self.text)
        return match.group(0).split()[-1] if match else "0"

    def next_page(self, values: dict[str, str], answers: int) -> dict[str, str] | None:
        """The parameters of the next page when this one came back full (``answers`` = page size),
        else None: a short page is the last."""
        size = self.page_size(values)
        offset = next((p for p in self.parameters if p.variable == "OFFSET"), None)
        if not size or offset is None or answers < size:       # unpaged, LIMIT 0, or a short page
            return None
        return {**values, offset.name: str(int(values.get(offset.name) or self._page_default("OFFSET")) + size)}

    @property
    def is_federated(self) -> bool:
        """True for queries that call other endpoints (they need those endpoints to run)."""
        return bool(self.federated)


def _splice(text: str, match: re.Match[str], replacement: str) -> str:
    """``text`` with ``match`` replaced by ``replacement``, taken literally (no group references)."""
    return text[:match.start()] + replacement + text[match.end():]


SERVICE_LINE = re.compile(r"SERVICE\s+(SILENT\s+)?<[^>]*>", re.IGNORECASE)
HEADER_LINE = re.compile(r"#\s*(\w+):\s*(.*)$")


def page_clause(clause: str) -> re.Pattern[str]:
    """The ``LIMIT n`` or ``OFFSET n`` of a paged query."""
    return re.compile(r"\b" + clause + r"\s+\d+\b")


def values_line(variable: str) -> re.Pattern[str]:
    """The ``VALUES ?var { ... }`` line that a parameter sets."""
    return re.compile(r"VALUES\s+" + re.escape(variable) + r"\s*\{[^}]*\}")


def read_query(path: Path) -> StoredQuery:
    """Parse one ``.rq`` file and its header; raise ExomirError on a malformed header."""
    text = path.read_text(encoding="utf-8")
    header: dict[str, list[str]] = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        match = HEADER_LINE.match(line)
        if match:
            header.setdefault(match.group(1), []).append(match.group(2).strip())
    for key in ("title", "question", "keywords"):
        if key not in header:
            raise ExomirError(f"{path}: header has no '# {key}:' line")
    params = []
    for spec in header.get("param", []):
        parts = [p.strip() for p in spec.split("|")]
        if len(parts) != 5 or parts[2] not in PARAM_KINDS or not (
                parts[1].startswith("?") or parts[1] == "SERVICE" or (parts[1] in PAGE_CLAUSES and parts[2] == "integer")):
            raise ExomirError(f"{path}: bad '# param:' line {spec!r} (name | ?var | kind | description | example; "
                              "LIMIT and OFFSET are integers)")
        params.append(Parameter(*parts))
    return StoredQuery(
        name=path.stem, path=path, title=header["title"][0], question=header["question"][0],
        keywords=tuple(k.strip() for k in header["keywords"][0].split(",") if k.strip()),
        parameters=tuple(params), text=text,
        federated=tuple(header.get("federates", [])),
        target=header.get("target", [str(ENDPOINT)])[0])


def catalogue(folder: Path) -> dict[str, StoredQuery]:
    """Every stored query of the folder, by name."""
    return {q.name: q for q in (read_query(p) for p in sorted(folder.glob("*.rq")))}


def markdown_table(queries: dict[str, StoredQuery]) -> str:
    """The README's table of the stored queries that run on the KG alone (the federated ones have a
    table of their own): name, question, parameters (*paged* for page_size/offset)."""
    lines = ["| query | question | parameters |", "| --- | --- | --- |"]
    for name, query in sorted(queries.items()):
        if query.federated:
            continue
        params = [f"`{p.name}`" for p in query.parameters if p.variable not in PAGE_CLAUSES]
        if any(p.variable == "LIMIT" for p in query.parameters):
            params.append("*paged*")
        lines.append(f"| `{name}` | {query.question} | {', '.join(params)} |")
    return "\n".join(lines) + "\n"


def find(folder: Path, name_or_path: str) -> StoredQuery:
    """A stored query by name, or any ``.rq`` file by path (an ad-hoc query)."""
    path = Path(name_or_path)
    if name_or_path.endswith(".rq") and path.is_file():
        try:
            return read_query(path)
        except ExomirError:
            return StoredQuery(path.stem, path, path.stem, "ad-hoc query", (), (), path.read_text(encoding="utf-8"))
    stored = catalogue(folder)
    if name_or_path not in stored:
        raise UnknownQuery(f"no stored query {name_or_path!r}; the stored queries are: {', '.join(stored)}")
    return stored[name_or_path]


def ad_hoc(text: str) -> StoredQuery:
    """A query given on standard input."""
    return StoredQuery("stdin", Path("-"), "ad-hoc query", "ad-hoc query", (), (), text)


BODY = {"SELECT": ("sh:SPARQLSelectExecutable", "sh:select"), "ASK": ("sh:SPARQLAskExecutable", "sh:ask"),
        "CONSTRUCT": ("sh:SPARQLConstructExecutable", "sh:construct"),
        "DESCRIBE": ("spex:SPARQLDescribeExecutable", "spex:describe")}
"""Each query form's SHACL (or, for DESCRIBE, which SHACL lacks, SIB's spex:) class and property."""

TURTLE_PREFIXES = {"ex": str(EXAMPLES), "exo": str(EXO), "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
                   "schema": str(SCHEMA), "sh": str(SH), "spex": str(SPEX)}


def _prologue(prefixes: dict[str, str]) -> str:
    return "".join(f"@prefix {p}: <{iri}> .\n" for p, iri in sorted(prefixes.items()))


def example_turtle(query: StoredQuery) -> str:
    """One query's file in the SIB form (``queries/examples/NAME.ttl``)."""
    if query.form not in BODY:
        raise ExomirError(f"{query.path}: not a SELECT, ASK, CONSTRUCT or DESCRIBE query")
    kind, prop = BODY[query.form]
    node = f"ex:{query.name}" if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", query.name) else EXAMPLES[query.name].n3()
    lines = [f"{node} a sh:SPARQLExecutable,\n        {kind} ;",
             f"    rdfs:label {Literal(query.title, lang='en').n3()} ;",
             f"    rdfs:comment {Literal(query.question, lang='en').n3()} ;",
             f"    sh:prefixes {PREFIXES_NODE} ;",
             f"    {prop} {Literal(query.body).n3()} ;"]
    if query.keywords:
        lines.append(f"    schema:keywords {', '.join(Literal(k).n3() for k in query.keywords)} ;")
    lines.append(f"    schema:target {URIRef(query.target).n3()} ;")
    lines.extend(f"    spex:federatesWith {URIRef(endpoint).n3()} ;" for endpoint in query.federated)
    lines.extend(f"    exo:queryParameter {Literal(describe_parameter(p)).n3()} ;" for p in query.parameters)
    lines[-1] = lines[-1][:-2] + " ."
    return (f"# Written by `exomirkg build` from queries/{query.path.name}: edit that file, not this one.\n"
            + _prologue(TURTLE_PREFIXES) + "\n" + "\n".join(lines) + "\n")


def describe_parameter(param: Parameter) -> str:
    return f"{param.name} ({param.kind}, binds {param.variable}): {param.description}; e.g. {param.example}"


def declared_prefixes(query: StoredQuery) -> dict[str, str]:
    """The ``PREFIX p: <ns>`` declarations of the query's text."""
    return dict(re.findall(r"(?im)^\s*PREFIX\s+([\w.-]*):\s*<([^>]*)>", query.body))


def prefixes_turtle(queries: dict[str, StoredQuery]) -> str:
    """``queries/examples/prefixes.ttl``: every prefix the queries declare, as SHACL prefix declarations
    of the blank node that each example's ``sh:prefixes`` names (as SIB's ``examples/prefixes.ttl``).
    A prefix that two queries bind to different namespaces is an error."""
    declared: dict[str, tuple[str, str]] = {}
    for query in queries.values():
        for prefix, namespace in declared_prefixes(query).items():
            if not prefix:
                raise ExomirError(f"{query.path}: the empty prefix cannot be declared for the sparql-examples; name it")
            if prefix in declared and declared[prefix][0] != namespace:
                raise ExomirError(f"{query.path}: PREFIX {prefix}: <{namespace}> but {declared[prefix][1]} "
                                  f"declares <{declared[prefix][0]}>; one prefix, one namespace across the stored queries")
            declared.setdefault(prefix, (namespace, query.path.name))
    out = ["# Written by `exomirkg build` from the PREFIX lines of queries/*.rq.",
           _prologue({"owl": "http://www.w3.org/2002/07/owl#", "rdfs": TURTLE_PREFIXES["rdfs"], "sh": str(SH),
                      "xsd": str(XSD)}),
           f"{PREFIXES_NODE} a owl:Ontology ;",
           f"    rdfs:comment {Literal('The prefixes that the stored SPARQL queries of exomir-kg declare.', lang='en').n3()} ;",
           "    owl:imports sh: ."]
    for prefix, (namespace, _) in sorted(declared.items()):
        label = "_:prefix_" + prefix
        out += ["", f"{PREFIXES_NODE} sh:declare {label} .",
                f"{label} sh:prefix {Literal(prefix).n3()} ;",
                f"    sh:namespace {Literal(namespace).n3()}^^xsd:anyURI ."]
    return "\n".join(out) + "\n"


def union_turtle(queries: dict[str, StoredQuery]) -> str:
    """``queries/sparql-examples.ttl``: the prefixes file, then every query's file (as SIB's
    ``convertToOneTurtle.sh`` concatenates them): one Turtle document, so that every example's
    ``sh:prefixes`` is the one node that declares the prefixes."""
    return "\n".join([prefixes_turtle(queries), *(example_turtle(q) for _, q in sorted(queries.items()))])


def examples_graph(queries: dict[str, StoredQuery]) -> Graph:
    """The queries' sparql-examples metadata, prefix declarations included, as one graph."""
    return Graph().parse(data=union_turtle(queries), format="turtle")


def write_examples(folder: Path) -> Path:
    """Write ``examples/NAME.ttl`` for every query and ``examples/prefixes.ttl`` (removing the file of a
    query that is gone), and their union ``sparql-examples.ttl``, next to the queries; returns the union."""
    queries = catalogue(folder)
    examples = folder / EXAMPLES_FOLDER
    examples.mkdir(exist_ok=True)
    wanted = {f"{name}.ttl": example_turtle(query) for name, query in queries.items()}
    if PREFIXES_FILE in wanted:
        raise ExomirError(f"a stored query cannot be named {PREFIXES_FILE[:-4]!r}: its file would be the prefixes file")
    wanted[PREFIXES_FILE] = prefixes_turtle(queries)
    for stale in examples.glob("*.ttl"):
        if stale.name not in wanted:
            stale.unlink()
    for name, text in wanted.items():
        (examples / name).write_text(text, encoding="utf-8")
    path = folder / EXAMPLES_UNION
    path.write_text(union_turtle(queries), encoding="utf-8")
    return path
