"""The checker: for each nanopublication of a text, file or folder, what is wrong with it.

A nanopublication passes when its structure is sound (``structure``), its literals are well typed
(a warning only once it is trusty), its IRI's artifact code, when it carries one, matches its
content (``hashing``), and its signature, when it has one, verifies (``signature``). Each finding
says what is wrong in plain words; none is raised. A text that is not RDF at all raises
:class:`UnreadableNanopub` from :func:`check`; :func:`check_path` reports it as a finding instead.
"""
from __future__ import annotations

from pathlib import Path

from .hashing import artifact_code, code_in, ra_code_in
from .literals import ill_typed_findings
from .model import Finding, Nanopub, NanopubReport, UnreadableNanopub
from .rdfio import FORMATS, Format, read_file, read_quads
from .signature import verify
from .structure import resolve, segments


def _trusty_findings(np: Nanopub, report: NanopubReport) -> list[Finding]:
    uri = np.uri.value
    code = ra_code_in(uri)
    if code is None:
        other = code_in(uri)
        return [Finding("trusty-module", f"the IRI ends with an artifact code of module {other[:2]}; a nanopublication's "
                        "is of module RA")] if other else []
    try:
        actual = artifact_code(np.statements(), code)
    except (ValueError, TypeError) as error:
        return [Finding("trusty-blank-node", f"a trusty nanopublication has no blank nodes (they are skolemised "
                        f"before the code is computed), but it has {error}")]
    if actual != code:
        return [Finding("trusty-mismatch", f"the artifact code in the IRI is {code} but the content hashes to "
                        f"{actual}: the nanopublication was changed after its Trusty URI was made")]
    report.trusty = True
    return []


def check(text: str, fmt: Format = "trig") -> list[NanopubReport]:
    """One report per nanopublication in ``text`` (TriG by default; ``nquads`` or ``trix``), in the
    order they appear. Raises :class:`UnreadableNanopub` when the text is not RDF in that format.

    Give the text with its line ends as written (:func:`~exomirkg.nanopub.rdfio.read_file`): a CR LF
    inside a literal is part of what the artifact code and the signature cover."""
    quads, _ = read_quads(text, fmt)
    if not quads:
        return [NanopubReport(None, [Finding("no-nanopublication", "the text holds no triples")])]
    reports: list[NanopubReport] = []
    seen: set[str] = set()
    for segment in segments(quads):
        np, uri, findings = resolve(segment)
        report = NanopubReport(uri, findings)
        if uri is not None and uri in seen:
            findings.append(Finding("duplicate-nanopublication", f"<{uri}> is declared again: each nanopublication of a "
                                    "file needs its own IRI and graphs"))
        seen.add(uri or "")
        if np is not None:
            findings += _trusty_findings(np, report)
            findings += ill_typed_findings(np, trusty=report.trusty)
            report.signed, signature_findings = verify(np)
            findings += signature_findings
        reports.append(report)
    return reports


def check_file(path: Path) -> list[NanopubReport]:
    """The reports of a ``.trig``, ``.nq`` or TriX (``.trix``, ``.xml``) file.

    Raises :class:`UnreadableNanopub` when it is not UTF-8 RDF in the format of its extension."""
    text, fmt = read_file(path)
    return check(text, fmt)


def files_under(folder: Path) -> list[Path]:
    """The nanopublication files under ``folder`` (by extension: :data:`~.rdfio.FORMATS`), sorted."""
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in FORMATS)


def check_path(path: Path) -> dict[Path, list[NanopubReport]]:
    """The reports of a file, or of every nanopublication file under a folder (by extension:
    ``.trig``, ``.nq``, ``.nquads``, ``.trix``, ``.xml``), sorted by path. A file that cannot be read
    gets one report with an ``unreadable`` finding."""
    files = [path] if path.is_file() else files_under(path)
    results: dict[Path, list[NanopubReport]] = {}
    for file in files:
        try:
            results[file] = check_file(file)
        except (UnreadableNanopub, OSError) as error:
            results[file] = [NanopubReport(None, [Finding("unreadable", str(error))])]
    return results
