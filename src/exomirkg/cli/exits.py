"""Exit codes of ``exomirkg`` and the one map from errors to them.

Every verb is wrapped by :func:`reports_errors`: an :class:`~exomirkg.errors.ExomirError` it raises
is looked up in :data:`RULES` (its own class first, then its base classes), printed on standard
error as the rule says, and turned into the rule's exit code. Click's own usage errors (unknown
verb, bad option) never reach it: click prints them with the usage line and exits 2.

The rules name their classes as ``"module:Class"`` and are resolved only when an error is being
reported, from the modules already imported (an error's class is defined in a module that ran), so
that ``exomirkg --help`` imports nothing heavy. ``tests/cli`` holds every rule to a real class.
"""
from __future__ import annotations

import functools
import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum
from typing import NoReturn, ParamSpec, TypeVar

import click

from ..errors import CurationError, ExomirError


class Exit(IntEnum):
    """The exit codes, the same for every verb."""

    OK = 0
    FAILED = 1          # the input is usable but fails a check
    UNUSABLE = 2        # the input cannot be used, or the command line is wrong
    CONFLICT = 3        # another run holds what this one needs


MEANINGS: dict[Exit, str] = {
    Exit.OK: "success",
    Exit.FAILED: "the input is usable but fails a check (curation problems, shapes violated, inconsistent "
                 "ontology, failed FAIR check, a push that failed)",
    Exit.UNUSABLE: "unusable input or usage error (unreadable file, no triples, not a checkout, KG not built, "
                   "missing tool, bad option or argument)",
    Exit.CONFLICT: "a conflict with another run (another release of the same version is under way): retry later",
}

# how an error is printed on standard error ({verb} is the verb's name)
PROBLEMS = "problems"       # each CurationProblem on its own line, then '{verb} failed: N problem(s); nothing was written'
REPORT = "report"           # the violations, then '{verb} failed: the built graph does not conform to shapes/; ...'
MESSAGE = "message"         # one line: '{prefix}: {error}' (prefix: the rule's, else the verb's, else 'error')
BY_CLICK = "click"          # click prints it itself, with the usage line


@dataclass(frozen=True)
class Rule:
    """One row of the map: errors of class ``error`` (``"module:Class"``) exit with ``code``."""

    error: str
    code: Exit
    shown: str
    meaning: str
    prefix: str | None = None

    @property
    def name(self) -> str:
        return self.error.partition(":")[2]


RULES: tuple[Rule, ...] = (
    Rule("exomirkg.errors:CurationError", Exit.FAILED, PROBLEMS, "curation files break the format or the checks"),
    Rule("exomirkg.errors:UnusableCuration", Exit.UNUSABLE, PROBLEMS,
         "a curation file cannot be used at all (not UTF-8 or YAML, duplicate key, anchor, wrong shape)"),
    Rule("exomirkg.validate.report:ValidationFailed", Exit.FAILED, REPORT, "the built graph does not conform to shapes/"),
    Rule("exomirkg.publish.push:PushError", Exit.FAILED, MESSAGE,
         "the push failed; the store was read back and the message says what the target holds", prefix="push failed"),
    Rule("exomirkg.errors:ConflictError", Exit.CONFLICT, MESSAGE,
         "another run holds what this one needs (the lock of a release version); nothing was done"),
    Rule("exomirkg.publish.products.nanopubs:UnusablePreviousRelease", Exit.UNUSABLE, MESSAGE,
         "the previous release's nanopubs/nanopubs.tsv lacks a column the next release needs", prefix="release failed"),
    Rule("exomirkg.publish.release:ReleaseError", Exit.UNUSABLE, MESSAGE,
         "the release cannot be made: bad version, version exists without --force, Graphviz or pyLODE "
         "missing or failing", prefix="release failed"),
    Rule("exomirkg.validate.report:UnusableInput", Exit.UNUSABLE, MESSAGE,
         "an RDF file is missing, of an unknown type, unreadable or without triples"),
    Rule("exomirkg.validate.jena:JenaUnavailable", Exit.UNUSABLE, MESSAGE, "Java or Debian's Jena jars are missing"),
    Rule("exomirkg.validate.jena:JenaFailed", Exit.UNUSABLE, MESSAGE,
         "Jena SHACL failed or ran out of memory (EXOMIRKG_JENA_HEAP=4g sets its heap)"),
    Rule("exomirkg.bench.virtuoso:VirtuosoUnavailable", Exit.UNUSABLE, MESSAGE,
         "Virtuoso is missing or its loader failed (the benchmark's side-by-side endpoint figures)"),
    Rule("exomirkg.rdf.figure:FigureUnavailable", Exit.UNUSABLE, MESSAGE, "Graphviz is missing or failed (the network figure)"),
    Rule("exomirkg.rdf.reasoning:ReasonerUnavailable", Exit.UNUSABLE, MESSAGE, "HermiT could not run (no Java)"),
    Rule("exomirkg.query.catalogue:UnknownQuery", Exit.UNUSABLE, MESSAGE, "no stored query has that name"),
    Rule("exomirkg.query.parameters:BadParameter", Exit.UNUSABLE, MESSAGE,
         "a --param the query does not declare, or a value that does not fit or names nothing in the KG"),
    Rule("exomirkg.query.store:QueryError", Exit.UNUSABLE, MESSAGE, "a query cannot be parsed or run"),
    Rule("exomirkg.query.feed:StoreFeedFailed", Exit.UNUSABLE, MESSAGE,
         "N-Quads fed to the store as they were written could not be loaded (the benchmark's build)"),
    Rule("exomirkg.errors:IdentifierError", Exit.UNUSABLE, MESSAGE, "an identifier (CURIE, miRNA name) cannot be used"),
    Rule("exomirkg.federation.services:ServiceRefused", Exit.UNUSABLE, MESSAGE, "a SERVICE call to an endpoint not allowed"),
    Rule("exomirkg.web.pool:WorkerStartFailed", Exit.UNUSABLE, MESSAGE, "a query worker of serve cannot open the store"),
    Rule("exomirkg.nanopub.model:MalformedNanopub", Exit.FAILED, MESSAGE,
         "a nanopublication that cannot be made trusty or signed (the findings say why)"),
    Rule("exomirkg.nanopub.model:NanopubError", Exit.UNUSABLE, MESSAGE,
         "a nanopublication text that is not RDF, a signing key that cannot be used, or a bad nanopub server URL"),
    Rule("exomirkg.errors:ExomirError", Exit.UNUSABLE, MESSAGE,
         "any other error: not a checkout, KG not built, bad option value, unknown engine"),
    Rule("click.exceptions:UsageError", Exit.UNUSABLE, BY_CLICK, "unknown verb, bad or missing option or argument"),
)


def resolve(rule: Rule, load: bool = False) -> type[BaseException] | None:
    """The class a rule names; None when its module has not been imported (and ``load`` is false)."""
    module_name, _, name = rule.error.partition(":")
    module = sys.modules.get(module_name)
    if module is None and load:
        import importlib
        module = importlib.import_module(module_name)
    found = getattr(module, name, None) if module is not None else None
    return found if isinstance(found, type) and issubclass(found, BaseException) else None


def rule_for(error: BaseException) -> Rule:
    """The rule of ``error``: the one naming its class, else its nearest base class in the map."""
    rules = {cls: rule for rule in RULES if (cls := resolve(rule)) is not None}
    return next(rules[cls] for cls in type(error).__mro__ if cls in rules)     # ExomirError's at the latest


def report(error: ExomirError, verb: str, prefix: str | None = None) -> Exit:
    """Print ``error`` on standard error as its rule says; return its exit code."""
    rule = rule_for(error)
    if rule.shown == PROBLEMS and isinstance(error, CurationError):
        for problem in error.problems:
            click.echo(str(problem), err=True)
        click.echo(f"{verb} failed: {len(error.problems)} problem(s); nothing was written", err=True)
    elif rule.shown == REPORT:
        click.echo(str(error), err=True)
        click.echo(f"{verb} failed: the built graph does not conform to shapes/; nothing was written", err=True)
    else:
        click.echo(f"{rule.prefix or prefix or 'error'}: {error}", err=True)
    return rule.code


P = ParamSpec("P")
R = TypeVar("R")


def reports_errors(prefix: str | None = None) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Wrap a verb: an :class:`ExomirError` it raises is printed and exits by :data:`RULES`.

    ``prefix`` replaces ``error`` before one-line messages of this verb (``release failed``).
    """
    def wrap(verb: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(verb)
        def run(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return verb(*args, **kwargs)
            except ExomirError as error:
                name = click.get_current_context().info_name or verb.__name__
                leave(report(error, name, prefix))
        return run
    return wrap


def leave(code: Exit) -> NoReturn:
    """End the command with ``code``."""
    sys.exit(int(code))


def _codes_block(title: str, rows: dict[Exit, str]) -> str:
    """``title`` and one wrapped row per code, kept as it is by click (``\\b``)."""
    lines = [title]
    for code in sorted(rows):
        lines += textwrap.wrap(rows[code], width=76, initial_indent=f"  {int(code)}  ", subsequent_indent=" " * 5)
    return "\b\n" + "\n".join(lines)


def epilog(**codes: str) -> str:
    """The 'Exit codes' block of a verb's help: ``epilog(OK="built", FAILED="...")``."""
    return _codes_block("Exit codes:", {Exit[name]: text for name, text in codes.items()})


def group_epilog() -> str:
    """The exit codes every verb keeps to, for the group's help."""
    return _codes_block("Exit codes (the same for every verb; 'exomirkg VERB --help' says when):", MEANINGS)
