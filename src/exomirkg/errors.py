"""The family of errors exomir-kg raises.

Every error a user can cause is an :class:`ExomirError`. Problems found in curation files are
collected as :class:`CurationProblem` records (``file:line: reason``) and raised together in one
:class:`CurationError`, so a curator sees every problem of a run at once.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class ExomirError(Exception):
    """Base class of every error exomir-kg raises on purpose.

    The command line turns each class into an exit code and a message by one table,
    ``exomirkg.cli.exits.RULES``; a class not in it takes the code of its nearest base class there.
    """


class IdentifierError(ExomirError):
    """An identifier (CURIE) cannot be used."""


class UnknownPrefix(IdentifierError):
    """The CURIE's prefix is not in ``ontology/prefixes.tsv``."""


class MalformedIdentifier(IdentifierError):
    """The local part of a CURIE does not match its registry pattern."""


class UnknownIdentifier(IdentifierError):
    """A well-formed identifier that the project's reference tables do not hold."""


class UnknownMiRNA(IdentifierError):
    """A microRNA name that the miRNA table (``mirna.tsv``) cannot resolve."""


@dataclass(frozen=True, order=True)
class CurationProblem:
    """One problem in a curation file, located by file and line."""

    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"


class CurationError(ExomirError):
    """The curation sources have problems; nothing was written."""

    def __init__(self, problems: list[CurationProblem]):
        self.problems = sorted(set(problems))
        super().__init__("\n".join(str(p) for p in self.problems))


class UnusableCuration(CurationError):
    """A curation source cannot be used at all: not a regular file, not UTF-8, not YAML, a
    duplicate key, a YAML anchor or alias, or a schema/dataset file of the wrong shape.

    It lists every problem of the run (the unusable files and any others); ``exomirkg build``
    exits 2 on it (unusable input), where a plain :class:`CurationError` exits 1 (failed checks).
    """


class ConflictError(ExomirError):
    """Another run holds what this one needs (e.g. the lock of a release version); nothing was
    done, try again when it has finished. The command line exits 3 on it."""


def relative(path: Path, root: Path) -> str:
    """Return ``path`` relative to ``root`` when it lies inside it, for readable messages."""
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)
