"""The w3id.org redirects of the project's IRIs (``https://w3id.org/exomir-kg/...``), and a reader of them.

Nothing resolves ``https://w3id.org/exomir-kg/...`` until the w3id.org repository (perma-id/w3id.org on
GitHub) holds a folder ``exomir-kg/`` with an ``.htaccess`` of Apache ``mod_rewrite`` rules and a
``README.md`` naming its maintainers. Every release writes both (:func:`htaccess`, :func:`readme`) into
``w3id/exomir-kg/``, for the server whose public URL the release was given (``--server-url``;
:data:`SERVER_PLACEHOLDER` until there is one), and so that it is the latest release:

- a request that names an RDF media type goes to that representation, every other one (a browser's)
  to the HTML page; a resource of the KG (``claim/``, ``panel/``, ``np/``, ``reference/``, ``quote/``,
  ``issue/``, ``graph/``, ``ontology/Term``) to the server's page of it with ``?format=`` (Turtle,
  TriG for claims, nanopublications and graphs, JSON-LD, N-Triples);
- the ontology to the released ontology (Turtle, RDF/XML) or its pyLODE documentation;
- a release (``release/0.1.0``) to its landing page, its DCAT description (Turtle), its RO-Crate
  (JSON-LD) or its data (TriG, N-Quads); a release file (``release/0.1.0/data/exomir-kg.ttl``, the
  ``dcat:downloadURL`` s) to that file on the server (``exomirkg serve --release`` serves them);
- the project (``https://w3id.org/exomir-kg/``) and its dataset series (``dataset``) to the landing
  page or the VoID description; ``sparql`` to the endpoint (307: a POSTed query stays a POST).

Media types are matched by name in the Accept header, as w3id.org rules do: ``mod_rewrite`` cannot
weigh q-values, so ``text/turtle;q=0.1, text/html`` still gets Turtle.

:func:`parse` and :func:`redirect` read such rules back: the subset of ``mod_rewrite`` they use
(``RewriteCond %{HTTP_ACCEPT}``, ``RewriteRule`` with ``R``, ``L``, ``NE``, ``NC``, ``OR``), refusing
anything else (:class:`UnsupportedRule`), so that the FAIR check tests the rules a release ships.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from ..ids.namespaces import BASE

W3ID = "https://w3id.org/"
FOLDER = BASE[len(W3ID):].strip("/")
"""The project's folder in the w3id.org repository: ``exomir-kg``."""
SERVER_PLACEHOLDER = "https://exomir-kg.example.org"
"""The server URL of a release made without ``--server-url``: rules that point nowhere real yet."""
SERVER_URL = re.compile(r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~/-]*)?$")

RESOURCES = ("claim", "panel", "np", "reference", "quote", "issue", "graph", "ontology")
"""The IRI kinds that the server dereferences (``/claim/C131``, ...); ``ontology/`` are its terms."""
WITH_GRAPHS = ("claim", "np", "graph")
"""Those the server also gives in TriG (their named graphs)."""
RDF_FORMATS = (("text/turtle", "turtle"), ("application/trig", "trig"), ("application/ld+json", "json-ld"),
               ("application/n-triples", "nt"))
"""RDF media types in the order a rule tries them, with the server's ``?format=`` name."""


class UnsupportedRule(ValueError):
    """A line of an ``.htaccess`` that :func:`parse` does not read (and so cannot vouch for)."""


def checked_server_url(url: str) -> str:
    """The server's public URL without a trailing slash; ValueError for anything that is not a plain
    http(s) URL (it is written into the rules as it is)."""
    url = url.strip().rstrip("/")
    if not SERVER_URL.match(url):
        raise ValueError(f"--server-url must be a plain http(s) URL such as {SERVER_PLACEHOLDER}, not {url!r}")
    return url


def _accepts(media: str) -> str:
    """The condition line "the Accept header names ``media``"."""
    return "RewriteCond %{HTTP_ACCEPT} " + media.replace(".", "\\.").replace("+", "\\+") + " [NC]\n"


def htaccess(server: str, version: str) -> str:
    """The ``.htaccess`` of ``https://w3id.org/exomir-kg/`` for the server at ``server`` (no trailing
    slash), with ``version`` as the latest release."""
    server = checked_server_url(server)
    resources = "|".join(RESOURCES)
    graphs = "|".join(WITH_GRAPHS)
    latest = f"{server}/release/{version}"
    lines = [
        f"# https://w3id.org/{FOLDER}/ : exomir-kg, a knowledge graph of the claims of the review",
        "# 'Exosomal microRNAs in hepatocellular carcinoma' (see README.md for the maintainers).",
        f"# Written by `exomirkg release {version} --server-url {server}`; the server is `exomirkg serve --release`.",
        "# A request naming an RDF media type gets that representation; every other one the HTML page.",
        "Options +FollowSymLinks -MultiViews",
        "RewriteEngine on",
        "",
        "# the SPARQL endpoint (307: a POSTed query stays a POST; the query string is kept)",
        f"RewriteRule ^sparql$ {server}/sparql [R=307,NE,L]",
        "",
        "# a release: its DCAT description, its RO-Crate, its data, its landing page; its files as they are",
        _accepts("text/turtle") + f"RewriteRule ^release/([0-9]+\\.[0-9]+\\.[0-9]+)/?$ {server}/release/$1/metadata/dataset.ttl [R=303,NE,L]",
        _accepts("application/trig") + f"RewriteRule ^release/([0-9]+\\.[0-9]+\\.[0-9]+)/?$ {server}/release/$1/data/exomir-kg.trig [R=303,NE,L]",
        _accepts("application/n-quads") + f"RewriteRule ^release/([0-9]+\\.[0-9]+\\.[0-9]+)/?$ {server}/release/$1/data/exomir-kg.nq [R=303,NE,L]",
        _accepts("application/ld+json") + f"RewriteRule ^release/([0-9]+\\.[0-9]+\\.[0-9]+)/?$ {server}/release/$1/ro-crate-metadata.json [R=303,NE,L]",
        f"RewriteRule ^release/([0-9]+\\.[0-9]+\\.[0-9]+)/?$ {server}/release/$1/ [R=303,NE,L]",
        f"RewriteRule ^release/([0-9]+\\.[0-9]+\\.[0-9]+)/(.+)$ {server}/release/$1/$2 [R=302,NE,L]",
        "",
        f"# the ontology: the released ontology (release {version}) or its documentation; as JSON-LD or",
        "# N-Triples the server's description of it",
        _accepts("text/turtle") + f"RewriteRule ^ontology$ {latest}/ontology/exomir-full.ttl [R=303,NE,L]",
        _accepts("application/rdf+xml") + f"RewriteRule ^ontology$ {latest}/ontology/exomir-full.owl [R=303,NE,L]",
        _accepts("application/ld+json") + f"RewriteRule ^ontology$ {server}/ontology?format=json-ld [R=303,NE,L]",
        _accepts("application/n-triples") + f"RewriteRule ^ontology$ {server}/ontology?format=nt [R=303,NE,L]",
        f"RewriteRule ^ontology$ {latest}/docs/ontology.html [R=303,NE,L]",
        "",
        "# every other IRI of the KG: the server's page of it, in the format asked for",
    ]
    for media, fmt in RDF_FORMATS:
        kinds = graphs if fmt == "trig" else resources
        lines.append(_accepts(media) + f"RewriteRule ^(({kinds})/.+)$ {server}/$1?format={fmt} [R=303,NE,L]")
    lines += [
        f"RewriteRule ^(({resources})/.+)$ {server}/$1 [R=303,NE,L]",
        "",
        "# the project and its dataset series: the VoID description or the landing page",
    ]
    for media, fmt in RDF_FORMATS:
        if fmt != "trig":
            lines.append(_accepts(media) + f"RewriteRule ^(dataset)?$ {server}/.well-known/void?format={fmt} [R=303,NE,L]")
    lines.append(f"RewriteRule ^(dataset)?$ {server}/ [R=303,NE,L]")
    return "\n".join(lines) + "\n"


def readme(server: str, version: str, maintainers: list[str], orcids: Mapping[str, str]) -> str:
    """The ``README.md`` of the w3id.org folder: what the IRIs are, where they go, who maintains them."""
    people = "\n".join(f"- {name}" + (f" (ORCID: [{orcids[name].rsplit('/', 1)[-1]}]({orcids[name]}))" if name in orcids else "")
                       for name in maintainers)
    return f"""# /{FOLDER}/

Persistent identifiers of **exomir-kg**, a knowledge graph of the claims of the review
"Exosomal microRNAs in hepatocellular carcinoma" (Cancer Cell International 2021,
doi:10.1186/s12935-021-01941-9): each claim, its nanopublication, the ontology, the releases.

## Uses

- `https://w3id.org/{FOLDER}/claim/C131`, `.../np/C131`, `.../reference/117`, `.../ontology/Claim`, ...:
  the linked-data page of the resource at the project's server, or its RDF (Turtle, TriG,
  JSON-LD, N-Triples) when the request asks for it.
- `https://w3id.org/{FOLDER}/ontology`: the ontology (Turtle, RDF/XML) or its documentation.
- `https://w3id.org/{FOLDER}/release/{version}`: a release (landing page, DCAT description, RO-Crate,
  data); `.../release/{version}/data/exomir-kg.ttl` and the other files of a release.
- `https://w3id.org/{FOLDER}/sparql`: the SPARQL endpoint.

They redirect to {server} (written by `exomirkg release {version}`).

## Contact

This space is maintained by the exomir-kg curators:

{people}
"""


# --------------------------------------------------------------------------- reading the rules back
@dataclass(frozen=True)
class Condition:
    """A ``RewriteCond %{HTTP_ACCEPT} pattern [NC,OR]``."""

    header: str
    pattern: re.Pattern[str]
    negated: bool
    or_next: bool


@dataclass(frozen=True)
class Rule:
    """A ``RewriteRule pattern target [R=code,...]`` with the conditions before it."""

    pattern: re.Pattern[str]
    target: str
    status: int
    conditions: tuple[Condition, ...]
    line: int


HEADERS = {"HTTP_ACCEPT": "Accept", "HTTP_USER_AGENT": "User-Agent"}
IGNORED = ("Options", "AddType", "DirectorySlash")         # directives that change no redirect here
TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|\S+')


def _flags(text: str | None, allowed: set[str], line: int) -> dict[str, str]:
    if text is None:
        return {}
    if not (text.startswith("[") and text.endswith("]")):
        raise UnsupportedRule(f"line {line}: flags must be written [A,B], not {text}")
    flags = {}
    for flag in text[1:-1].split(","):
        name, _, value = flag.strip().partition("=")
        if name.upper() not in allowed:
            raise UnsupportedRule(f"line {line}: flag {flag.strip()} is not read by this checker")
        flags[name.upper()] = value
    return flags


def parse(text: str) -> list[Rule]:
    """The redirect rules of an ``.htaccess``; UnsupportedRule for a line outside the subset read."""
    rules: list[Rule] = []
    pending: list[Condition] = []
    engine = False
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        tokens = [t[1:-1] if t.startswith('"') else t for t in TOKEN.findall(line)]
        directive = tokens[0]
        if directive in IGNORED:
            continue
        if directive == "RewriteEngine":
            engine = len(tokens) == 2 and tokens[1].lower() == "on"
            continue
        if directive == "RewriteCond":
            if len(tokens) not in (3, 4):
                raise UnsupportedRule(f"line {number}: RewriteCond takes a test string, a pattern and flags")
            variable = re.fullmatch(r"%\{([A-Z_]+)\}", tokens[1])
            if variable is None or variable.group(1) not in HEADERS:
                raise UnsupportedRule(f"line {number}: only {', '.join(HEADERS)} are read, not {tokens[1]}")
            flags = _flags(tokens[3] if len(tokens) == 4 else None, {"NC", "OR"}, number)
            pattern, negated = (tokens[2][1:], True) if tokens[2].startswith("!") else (tokens[2], False)
            pending.append(Condition(HEADERS[variable.group(1)], re.compile(pattern, re.IGNORECASE if "NC" in flags else 0),
                                     negated, "OR" in flags))
            continue
        if directive == "RewriteRule":
            if len(tokens) not in (3, 4):
                raise UnsupportedRule(f"line {number}: RewriteRule takes a pattern, a target and flags")
            flags = _flags(tokens[3] if len(tokens) == 4 else None, {"R", "L", "NE", "NC"}, number)
            if "R" not in flags or "L" not in flags:
                raise UnsupportedRule(f"line {number}: only external redirects that end the rules ([R=...,L]) are read")
            if tokens[1].startswith("!") or "%" in tokens[2]:
                raise UnsupportedRule(f"line {number}: negated patterns and %-references are not read")
            status = int(flags["R"] or 302)
            if status not in (301, 302, 303, 307, 308):
                raise UnsupportedRule(f"line {number}: R={status} is not a redirect")
            rules.append(Rule(re.compile(tokens[1], re.IGNORECASE if "NC" in flags else 0), tokens[2], status,
                              tuple(pending), number))
            pending = []
            continue
        raise UnsupportedRule(f"line {number}: {directive} is not read by this checker")
    if not engine and rules:
        raise UnsupportedRule("RewriteEngine is not on: no rule applies")
    if pending:
        raise UnsupportedRule("RewriteCond after the last RewriteRule")
    return rules


def _conditions_hold(conditions: tuple[Condition, ...], headers: Mapping[str, str]) -> bool:
    """mod_rewrite's reading: conditions are and-ed, except that [OR] ors one with the next."""
    group: list[bool] = []
    for condition in conditions:
        value = next((v for k, v in headers.items() if k.lower() == condition.header.lower()), "")
        group.append((condition.pattern.search(value) is None) == condition.negated)
        if not condition.or_next:
            if not any(group):
                return False
            group = []
    return not group or any(group)


def path_of(iri: str) -> str | None:
    """The path that the folder's rules see for ``iri`` (``claim/C131?x=1``), or None when it is not
    one of the folder's IRIs; ``https://w3id.org/exomir-kg`` is its folder (Apache adds the slash)."""
    root = W3ID + FOLDER
    if iri == root:
        return ""
    return iri[len(root) + 1:] if iri.startswith(root + "/") else None


def _substitute(target: str, match: re.Match[str]) -> str:
    """``target`` with its back-references ``$0`` ... ``$9`` to the rule's pattern filled in."""
    groups = (match.group(0), *match.groups())
    return re.sub(r"\$([0-9])", lambda ref: (groups[int(ref.group(1))] if int(ref.group(1)) < len(groups) else "") or "", target)


def redirect(rules: list[Rule], iri: str, headers: Mapping[str, str]) -> tuple[int, str] | None:
    """(status, location) of the first rule that redirects ``iri`` requested with ``headers``, as
    Apache's ``mod_rewrite`` in the folder's ``.htaccess`` would; None when no rule applies."""
    found = path_of(iri)
    if found is None:
        return None
    path, _, query = found.partition("?")
    for rule in rules:
        match = rule.pattern.search(path)
        if match is None or not _conditions_hold(rule.conditions, headers):
            continue
        target = _substitute(rule.target, match)
        if query and "?" not in target:          # mod_rewrite keeps the query string unless the target has one
            target += "?" + query
        return rule.status, target
    return None


__all__ = ["FOLDER", "SERVER_PLACEHOLDER", "Rule", "UnsupportedRule", "checked_server_url", "htaccess", "parse",
           "path_of", "readme", "redirect"]
