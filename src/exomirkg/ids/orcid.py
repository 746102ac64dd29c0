"""ORCID identifiers of people (creators of the dataset, signers of nanopublications).

An ORCID iD is sixteen characters, ``0000-0002-1825-0097``, whose last is an ISO 7064 11-2 check
character; this module accepts the iD or its IRI and gives the IRI, ``https://orcid.org/...``.
"""
from __future__ import annotations

import re

from ..errors import IdentifierError

ORCID_IRI = "https://orcid.org/"
_PATTERN = re.compile(r"^(?:https?://orcid\.org/)?(\d{4}-\d{4}-\d{4}-\d{3}[\dX])$")


class NotAnOrcid(IdentifierError):
    """A value that is not an ORCID iD (wrong form or wrong check character)."""


def check_character(digits: str) -> str:
    """The ISO 7064 11-2 check character of the first fifteen digits of an ORCID iD."""
    total = 0
    for digit in digits:
        total = (total + int(digit)) * 2
    result = (12 - total % 11) % 11
    return "X" if result == 10 else str(result)


def orcid_iri(value: str) -> str:
    """The ORCID IRI of ``value`` (an iD or its IRI); :class:`NotAnOrcid` when it is not one."""
    match = _PATTERN.match(value.strip())
    if not match:
        raise NotAnOrcid(f"{value!r} is not an ORCID iD (like 0000-0002-1825-0097 or https://orcid.org/0000-0002-1825-0097)")
    ident = match.group(1)
    digits = ident.replace("-", "")
    if check_character(digits[:15]) != digits[15]:
        raise NotAnOrcid(f"{value!r} is not an ORCID iD: its check character should be {check_character(digits[:15])}")
    return ORCID_IRI + ident
