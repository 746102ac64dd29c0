"""``nanopubs/``: the release's nanopublications as the nanopub network takes them, one TriG file each.

Every claim's nanopublication is made trusty (an RA artifact code, Trusty URI specification) and,
when the release is given a key, signed (:mod:`exomirkg.nanopub`). Between releases:

- an **unchanged** claim (same assertion and provenance, same signing key) keeps its nanopublication,
  byte for byte, and so its trusty IRI;
- a **changed** claim gets a new nanopublication whose publication info states ``npx:supersedes``
  of the previous one (as does one re-signed with a new key);
- a **removed** claim gets a retraction nanopublication (``npx:retracts``), carried into later releases;
- an **index** nanopublication (``npx:NanopubIndex``) lists every nanopublication of the release
  and supersedes the previous release's index.

``nanopubs/nanopubs.tsv`` records, per nanopublication, its kind, trusty IRI, file, the fingerprint of
the claim it was made from and its signing key: the next release reads it to decide the above. The
release date is the creation time of the nanopublications made in it, so rebuilding a release gives
the same artifact codes. The KG files of the release (:mod:`.data`) name nanopublications by these
trusty IRIs and link each claim to its current one (``exo:currentNanopublication``).
"""
from __future__ import annotations

import csv
import functools
import hashlib
import io
import itertools
import os
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.namespace import XSD

from ...errors import ExomirError
from ...ids.namespaces import BASE, CLAIM, EXO, NANOPUB
from .changelog import claim_fingerprints

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

    from .context import Files, ReleaseContext

FOLDER = "nanopubs"
LISTING = f"{FOLDER}/nanopubs.tsv"
INDEX_FILE = f"{FOLDER}/index.trig"
COLUMNS = ("id", "kind", "uri", "file", "fingerprint", "key", "supersedes", "content")
REQUIRED = ("id", "kind", "uri", "file")
KINDS = ("claim", "retraction", "index", "index-part")
PARTS = ("head", "assertion", "provenance", "pubinfo")
CREATED = URIRef("http://purl.org/dc/terms/created")
_CREATED = ox.NamedNode(str(CREATED))
XSD_STRING = str(XSD.string)
SUPERSEDES = "http://purl.org/nanopub/x/supersedes"
LINKS_GRAPH = URIRef(BASE + "graph/nanopubs")
"""The graph of the released KG that links each claim to its current nanopublication."""


@dataclass(frozen=True)
class Signing:
    """How a release signs its nanopublications: the private key and the signer's IRI (an ORCID)."""

    key: RSAPrivateKey
    signer: str | None = None

    @property
    def key_id(self) -> str:
        """A short, stable name of the public key (the first 16 hex digits of its SHA-256)."""
        from ...nanopub.signature import public_key_string
        return hashlib.sha256(public_key_string(self.key).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Entry:
    """One nanopublication of a release: a row of ``nanopubs.tsv`` and its TriG."""

    id: str                 # the claim id, "retract-C050", "index" or "index-1", "index-2"... (the parts)
    kind: str               # claim | retraction | index | index-part
    uri: str                # its trusty IRI
    file: str               # release-relative path of its TriG
    fingerprint: str        # of the claim it was made from (claims and retractions; the changelog's)
    key: str                # Signing.key_id, or "" when not signed
    supersedes: str         # the nanopublication it supersedes (a retraction: the one it retracts)
    trig: str
    content: str = ""       # of the whole plain nanopublication but its creation time, and its signer

    def row(self) -> tuple[str, ...]:
        return (self.id, self.kind, self.uri, self.file, self.fingerprint, self.key, self.supersedes, self.content)


@dataclass(frozen=True)
class Plain:
    """A claim's plain nanopublication: its TriG and the fingerprint of what it says (all four graphs
    but the creation time, which is the release date)."""

    trig: str
    content: str


@dataclass(frozen=True)
class ReleasedNanopubs:
    """The nanopublications of a release, and what changed in them since the previous one."""

    entries: list[Entry]
    kept: list[str]          # claim ids whose nanopublication is the previous release's
    superseded: list[str]    # claim ids with a new version that supersedes the previous one
    retracted: list[str]     # claim ids retracted in this release
    restored: list[str] = field(default_factory=list)   # claim ids back after a retraction
    notes: list[str] = field(default_factory=list)      # what a publisher must know (keys, files sealed anew)

    def claim_uris(self) -> dict[str, str]:
        """Claim id -> the trusty IRI of its current nanopublication."""
        return {e.id: e.uri for e in self.entries if e.kind == "claim"}

    @property
    def index(self) -> Entry:
        return next(e for e in self.entries if e.kind == "index")

    @property
    def new(self) -> list[str]:
        """Claim ids with a nanopublication of their own for the first time."""
        old = {*self.kept, *self.superseded, *self.restored}
        return sorted(e.id for e in self.entries if e.kind == "claim" and e.id not in old)


class UnusablePreviousRelease(ExomirError):
    """A previous release whose ``nanopubs/nanopubs.tsv`` cannot be read."""


def previous_entries(folder: Path | None) -> dict[str, dict[str, str]]:
    """The rows of a previous release's ``nanopubs.tsv`` by id (none for an older release without one).

    Raises :class:`UnusablePreviousRelease` when a row lacks a column the next release needs."""
    if folder is None or not (folder / LISTING).exists():
        return {}
    with (folder / LISTING).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    for number, row in enumerate(rows, start=2):
        missing = [c for c in (*REQUIRED, *(("supersedes",) if row.get("kind") == "retraction" else ()))
                   if not row.get(c)]
        if missing or row["kind"] not in KINDS:
            what = f"no {', '.join(missing)}" if missing else f"kind {row['kind']!r} is not one of {', '.join(KINDS)}"
            raise UnusablePreviousRelease(f"{folder / LISTING}, line {number}: {what}; repair it from the release "
                                          "archive or move that release out of the out folder")
    return {row["id"]: {c: row.get(c) or "" for c in COLUMNS} for row in rows}


def _n3(term: object) -> str:
    """A term as rdflib's ``n3()`` writes it after reading N-Quads (by which the content fingerprint
    of releases before this code was made: a claim that did not change keeps its nanopublication)."""
    if not isinstance(term, ox.Literal):
        return str(term)
    value = term.value
    if "\n" in value:
        encoded = value.replace("\\", "\\\\")
        if '"""' in value:
            encoded = encoded.replace('"""', '\\"\\"\\"')
        if encoded[-1] == '"' and encoded[-2] != "\\":
            encoded = encoded[:-1] + '\\"'
        quoted = '"""' + encoded.replace("\r", "\\r") + '"""'
    else:
        quoted = '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "\\r") + '"'
    if term.language:
        return f"{quoted}@{term.language}"
    return quoted if term.datatype.value == XSD_STRING else f"{quoted}^^<{term.datatype.value}>"


def content_fingerprint(quads: Iterable[ox.Quad], signer: str | None) -> str:
    """A hash of a plain nanopublication's statements without its creation time, and of its signer."""
    lines = [f"{_n3(q.subject)} {_n3(q.predicate)} {_n3(q.object)} {q.graph_name}" for q in quads if q.predicate != _CREATED]
    return hashlib.sha256("\n".join([*sorted(lines), f"signer {signer or ''}"]).encode()).hexdigest()


def nanopublication_quads(quads: Iterable[ox.Quad]) -> dict[str, list[ox.Quad]]:
    """Claim id -> the quads of its plain nanopublication's four graphs, in the order given."""
    from ...validate.engines import nanopublication_of
    found: dict[str, list[ox.Quad]] = defaultdict(list)
    for quad in quads:
        name = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""
        claim = nanopublication_of(name)
        if claim is not None and name.rsplit("/", 1)[-1] in PARTS:
            found[claim].append(quad)
    return found


def plain_nanopubs(quads: Iterable[ox.Quad], prefixes: dict[str, str], created: str,
                   signer: str | None = None) -> dict[str, Plain]:
    """Claim id -> its plain nanopublication (its four graphs, from the KG's ``quads``), created at
    ``created`` (a date), with ``prefixes`` (sealing keeps those its quads use)."""
    from ...nanopub.rdfio import write_trig
    stamp = ox.Literal(f"{created}T00:00:00", datatype=ox.NamedNode(str(XSD.dateTime)))
    names = {name: namespace for name, namespace in sorted(prefixes.items()) if name}
    plain = {}
    for claim_id, parts in sorted(nanopublication_quads(quads).items()):
        dated = [ox.Quad(q.subject, q.predicate, stamp, q.graph_name)
                 if q.predicate == _CREATED and str(q.graph_name).endswith("/pubinfo>") else q for q in parts]
        dated.sort(key=lambda q: str(q.graph_name))        # stable: graph by graph
        plain[claim_id] = Plain(write_trig(dated, names), content_fingerprint(parts, signer))
    return plain


class _Sealer:
    """Seals plain nanopublications with the release's key (if any) and checks carried ones."""

    def __init__(self, signing: Signing | None, previous: Path | None):
        from ...nanopub.signature import public_key_string
        self.key = signing.key if signing else None
        self.signer = signing.signer if signing else None
        self.key_id = signing.key_id if signing else ""
        self.public_key = public_key_string(self.key) if self.key is not None else ""
        self.previous = previous

    def seal(self, text: str) -> tuple[str, str]:
        from ...nanopub.network import seal
        sealed = seal(text, self.key, self.signer)
        return sealed.uri, sealed.trig

    def seal_all(self, texts: list[str]) -> list[tuple[str, str]]:
        """:meth:`seal` of each of ``texts``, in order: from :data:`SEAL_IN_PROCESSES_FROM` of them,
        in worker processes, one a core (the same results: sealing is deterministic)."""
        cores = os.cpu_count() or 1
        if len(texts) < SEAL_IN_PROCESSES_FROM or cores < 2:
            return [self.seal(text) for text in texts]
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor
        pem = None
        if self.key is not None:
            from cryptography.hazmat.primitives import serialization
            pem = self.key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                         serialization.NoEncryption())
        with ProcessPoolExecutor(cores, mp_context=multiprocessing.get_context("spawn")) as pool:
            return list(pool.map(_seal_in_worker, texts, itertools.repeat(pem), itertools.repeat(self.signer),
                                 chunksize=max(1, len(texts) // (cores * 8))))

    def carried(self, row: dict[str, str]) -> tuple[str | None, str]:
        """The previous release's TriG of ``row`` when it still is what the row says (one valid, trusty
        nanopublication with the row's IRI, signed with this release's key when the row says so),
        else None and why not."""
        from ...nanopub.check import check
        from ...nanopub.model import UnreadableNanopub
        assert self.previous is not None
        path = self.previous / row["file"]
        if not path.is_file():
            return None, f"{path} is missing"
        text = path.read_text(encoding="utf-8")
        try:
            reports = check(text)
        except UnreadableNanopub as error:
            return None, f"{path} is not TriG ({error})"
        if len(reports) != 1:
            return None, f"{path} holds {len(reports)} nanopublications, not one"
        [report] = reports
        if report.uri != row["uri"]:
            return None, f"{path} holds <{report.uri}>, not <{row['uri']}>"
        if not (report.valid and report.trusty):
            return None, f"{path} fails the check: {report}"
        if row["key"] and (not report.signed or self.public_key not in text):
            return None, f"{path} is not signed with key {row['key']}"
        return text, ""


SEAL_IN_PROCESSES_FROM = 2000
"""From this many nanopublications to seal, they are sealed in worker processes, one a core."""


@functools.lru_cache(maxsize=2)
def _worker_key(pem: bytes) -> RSAPrivateKey:
    from ...nanopub.signature import load_private_key
    return load_private_key(pem)


def _seal_in_worker(text: str, pem: bytes | None, signer: str | None) -> tuple[str, str]:
    """One nanopublication sealed in a worker process (the key comes as PEM: keys do not pickle)."""
    from ...nanopub.network import seal
    sealed = seal(text, _worker_key(pem) if pem is not None else None, signer)
    return sealed.uri, sealed.trig


def release_nanopubs(ctx: ReleaseContext) -> ReleasedNanopubs:
    """Seal this release's nanopublications against the previous release (see the module)."""
    from ...nanopub.network import chained_indexes, retraction, with_pubinfo
    signing: Signing | None = ctx.signing
    previous = ctx.out / ctx.previous if ctx.previous else None
    before = previous_entries(previous)
    sealer = _Sealer(signing, previous)
    created = f"{ctx.date}T00:00:00"
    fingerprints = claim_fingerprints(ctx.kg_quads)
    entries: list[Entry] = []
    kept: list[str] = []
    superseded: list[str] = []
    retracted: list[str] = []
    restored: list[str] = []
    notes: list[str] = []
    old_keys = {row["key"] for row in before.values() if row["key"]}
    if sealer.key_id and old_keys - {sealer.key_id}:
        notes.append(f"signed with key {sealer.key_id}; release {ctx.previous} was signed with "
                     f"{', '.join(sorted(old_keys))}. The nanopub network applies npx:supersedes and npx:retracts only "
                     "when the same key signed both nanopublications: there, the previous versions stay current until "
                     "they are retracted with their own key.")
    slots: list[Entry | None] = []              # the claims' entries in order; None: waiting to be sealed
    waiting: list[tuple[int, str, str, str, str, str]] = []     # slot, claim id, text, fingerprint, earlier, content
    for claim_id, plain in plain_nanopubs(ctx.kg_quads, ctx.prefixes, ctx.date, sealer.signer).items():
        old = before.get(claim_id)
        fingerprint = fingerprints.get(claim_id, "")
        if old and old["content"] == plain.content and old["key"] == sealer.key_id:
            trig, problem = sealer.carried(old)
            if trig is not None:
                slots.append(Entry(claim_id, "claim", old["uri"], old["file"], fingerprint, old["key"],
                                   old["supersedes"], trig, old["content"]))
                kept.append(claim_id)
                continue
            notes.append(f"{claim_id}: {problem}; its nanopublication is sealed anew and supersedes it")
        was_retracted = before.get(f"retract-{claim_id}")
        earlier = old["uri"] if old else was_retracted["supersedes"] if was_retracted else ""
        text = with_pubinfo(plain.trig, [(SUPERSEDES, earlier)]) if earlier else plain.trig
        (superseded if old else restored if was_retracted else []).append(claim_id)
        waiting.append((len(slots), claim_id, text, fingerprint, earlier, plain.content))
        slots.append(None)
    for (slot, claim_id, _, fingerprint, earlier, content), (uri, trig) in zip(
            waiting, sealer.seal_all([text for _, _, text, *_ in waiting]), strict=True):
        slots[slot] = Entry(claim_id, "claim", uri, f"{FOLDER}/{claim_id}.trig", fingerprint, sealer.key_id,
                            earlier, trig, content)
    entries.extend(entry for entry in slots if entry is not None)
    current = {e.id for e in entries}
    retractor = sealer.signer or f"{BASE}dataset"
    for old_id, old in sorted(before.items()):
        if old["kind"] == "retraction" and old_id.removeprefix("retract-") not in current:
            trig, problem = sealer.carried(old)
            if trig is not None:
                entries.append(Entry(old_id, "retraction", old["uri"], old["file"], old["fingerprint"], old["key"],
                                     old["supersedes"], trig))
                continue
            notes.append(f"{old_id}: {problem}; the retraction is sealed anew")
            entries.append(_retraction(sealer, old_id.removeprefix("retract-"), old["supersedes"], old["fingerprint"],
                                       retractor, created, retraction))
        elif old["kind"] == "claim" and old_id not in current:
            entries.append(_retraction(sealer, old_id, old["uri"], old["fingerprint"], retractor, created, retraction))
            retracted.append(old_id)
    old_index = before.get("index")
    title = f"exomir-kg {ctx.version}: the nanopublications of the release"
    plain_indexes = chained_indexes(
        f"{NANOPUB}index", [e.uri for e in entries], created, title, ctx.version_iri, sealer.seal,
        description="Every claim of the review 'Exosomal microRNAs in hepatocellular carcinoma' as a "
                    "nanopublication, and the retractions of removed claims.",
        supersedes=old_index["uri"] if old_index else None)
    for number, (uri, trig) in enumerate(plain_indexes, start=1):
        last = number == len(plain_indexes)
        entries.append(Entry("index" if last else f"index-{number}", "index" if last else "index-part", uri,
                             INDEX_FILE if last else f"{FOLDER}/index-{number}.trig", "", sealer.key_id,
                             old_index["uri"] if old_index and last else "", trig))
    return ReleasedNanopubs(entries, kept, superseded, retracted, restored, notes)


def _retraction(sealer: _Sealer, claim_id: str, retracted: str, fingerprint: str, retractor: str, created: str,
                make: Callable[..., str]) -> Entry:
    plain = make(f"{NANOPUB}retract-{claim_id}", retracted, retractor, created,
                 label=f"retraction of the nanopublication of claim {claim_id}")
    uri, trig = sealer.seal(plain)
    return Entry(f"retract-{claim_id}", "retraction", uri, f"{FOLDER}/retract-{claim_id}.trig", fingerprint,
                 sealer.key_id, retracted, trig)


def nanopub_files(ctx: ReleaseContext) -> Files:
    """``nanopubs/*.trig`` (one nanopublication each, the index included) and ``nanopubs/nanopubs.tsv``."""
    files: Files = {entry.file: entry.trig for entry in ctx.nanopubs.entries}
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t", lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(entry.row() for entry in ctx.nanopubs.entries)
    files[LISTING] = buffer.getvalue()
    return files


def released_quads(ctx: ReleaseContext) -> list[ox.Quad]:
    """The KG as released: the built KG's quads other than those of the plain nanopublications, every
    sealed claim nanopublication, and the links from claims to them (:data:`LINKS_GRAPH`). The index and the
    retractions, which state nothing about the review, stay in ``nanopubs/`` (the endpoint of a
    release loads them too: :func:`exomirkg.web.workers.release_files`), so the KG still conforms to
    the shapes, which describe claim nanopublications."""
    released = [q for q in ctx.kg_quads
                if not (isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value.startswith(str(NANOPUB)))]
    links = ox.NamedNode(str(LINKS_GRAPH))
    current = ox.NamedNode(str(EXO.currentNanopublication))
    for entry in ctx.nanopubs.entries:
        if entry.kind == "claim":                # parsed apart: its this:/sub: prefixes stay out of the KG's
            released.extend(ox.parse(entry.trig.encode("utf-8"), format=ox.RdfFormat.TRIG))
            released.append(ox.Quad(ox.NamedNode(str(CLAIM[entry.id])), current, ox.NamedNode(entry.uri), links))
    return released
