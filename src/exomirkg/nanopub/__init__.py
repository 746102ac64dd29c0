"""Nanopublications: Trusty URIs (RA), RSA signatures, and checks against the nanopub guidelines.

What a nanopublication needs to be accepted by the nanopub network, done the way the reference
implementations (nanopub-java with trustyuri-java, nanopub-rs) do it and tested against the
Nanopublication Test Suite: reading TriG, N-Quads and TriX in document order (``rdfio``), the
structure of a nanopublication (``structure``), well-typed literals (``literals``), the RA
artifact code (``hashing``: the normalised quads and their SHA-256; ``trusty``: turning a plain
nanopublication into a trusty one), signatures (``signature``) and the checker that reports, per
nanopublication, what is wrong in plain words (``check``).

May import: ``ids`` and the top-level ``errors``, ``dataset``.
"""
from __future__ import annotations

from .check import check, check_file, check_path
from .model import (
    Finding,
    MalformedNanopub,
    NanopubError,
    NanopubReport,
    UnreadableNanopub,
    UnusableKey,
)
from .rdfio import format_of, read_file
from .signature import load_private_key, sign
from .trusty import make_trusty

__all__ = [
    "Finding", "MalformedNanopub", "NanopubError", "NanopubReport", "UnreadableNanopub", "UnusableKey",
    "check", "check_file", "check_path", "format_of", "load_private_key", "make_trusty", "read_file", "sign",
]
