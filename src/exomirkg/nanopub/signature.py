"""Signing a nanopublication and checking its signature, as nanopub-java's ``SignatureUtils`` does.

A signature is a node ``<nanopub IRI>sig`` in the publication info with ``npx:hasSignatureTarget``
(the nanopublication), ``npx:hasPublicKey`` (base64 of the X.509 SubjectPublicKeyInfo DER),
``npx:hasAlgorithm`` (``"RSA"``; ``"DSA"`` is checked too), ``npx:signedBy`` (the signer, when given)
and ``npx:hasSignature``: base64 of the SHA256withRSA signature of the digest string (``hashing``)
of every statement but that last one, taken before the artifact code is added (so with the space
where the code goes). The signed nanopublication is then made trusty over all its statements.

Needs the ``cryptography`` package (imported when a key or signature is used).
"""
from __future__ import annotations

import base64
import binascii
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pyoxigraph import Literal, NamedNode, Quad

from .hashing import digest_string, normalise, ra_code_in
from .model import (
    HAS_ALGORITHM,
    HAS_PUBLIC_KEY,
    HAS_SIGNATURE,
    HAS_SIGNATURE_ELEMENT,
    HAS_SIGNATURE_TARGET,
    SIGNED_BY,
    Finding,
    MalformedNanopub,
    Nanopub,
    NanopubError,
    UnusableKey,
)
from .rdfio import Format, write_trig
from .trusty import NORM_URI, expand_base, finish, load, output_prefixes, prepare, preprocess

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

NPX_PREFIX = {"npx": "http://purl.org/nanopub/x/"}


def _crypto() -> Any:
    try:
        from cryptography.hazmat.primitives import serialization
    except ImportError as error:
        raise NanopubError("signatures need the 'cryptography' package (pip install cryptography)") from error
    return serialization


def load_private_key(source: str | bytes | Path) -> RSAPrivateKey:
    """An RSA private key from a file or its text: PEM, or base64 of the PKCS#8 DER as nanopub
    profiles keep it (``~/.nanopub/id_rsa``). Raises :class:`UnusableKey`."""
    serialization = _crypto()
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
    data = source.read_bytes() if isinstance(source, Path) else source.encode() if isinstance(source, str) else source
    try:
        if data.lstrip().startswith(b"-----BEGIN"):
            key = serialization.load_pem_private_key(data, password=None)
        else:
            key = serialization.load_der_private_key(base64.b64decode(b"".join(data.split()), validate=True), password=None)
    except (ValueError, TypeError, binascii.Error) as error:
        raise UnusableKey(f"not a readable unencrypted private key: {error}") from error
    if not isinstance(key, RSAPrivateKey):
        raise UnusableKey(f"nanopublications are signed with RSA keys, not {type(key).__name__}")
    return key


def public_key_string(key: RSAPrivateKey) -> str:
    """The ``npx:hasPublicKey`` value of a key: base64 of its X.509 SubjectPublicKeyInfo DER."""
    serialization = _crypto()
    der = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(der).decode("ascii")


@dataclass
class SignatureElement:
    """The signature of a nanopublication as its publication info states it."""

    iri: NamedNode
    signature: str | None = None
    public_key: str | None = None
    algorithm: str | None = None
    signers: list[str] = field(default_factory=list)
    targets: list[Quad] = field(default_factory=list)


def signature_element(np: Nanopub) -> tuple[SignatureElement | None, list[Finding]]:
    """The signature element that targets ``np`` (None when unsigned) and what is malformed in it."""
    pubinfo = np.graph(np.pubinfo)
    elements = list(dict.fromkeys(q.subject for q in pubinfo if q.predicate == HAS_SIGNATURE_TARGET and q.object == np.uri))
    if not elements:
        if any(q.predicate == HAS_SIGNATURE_ELEMENT for q in pubinfo):
            return None, [Finding("legacy-signature", "the nanopublication has a legacy signature element "
                                  "(npx:hasSignatureElement), which is not verified", "warning")]
        if any(q.predicate in (HAS_SIGNATURE, HAS_PUBLIC_KEY, HAS_SIGNATURE_TARGET) for q in pubinfo):
            return None, [Finding("signature-no-target", "the publication info has signature triples, but no "
                                  "npx:hasSignatureTarget names this nanopublication, so it counts as unsigned "
                                  "(as nanopub-java counts it)", "warning")]
        return None, []
    if len(elements) > 1 or not isinstance(elements[0], NamedNode):
        return None, [Finding("signature-malformed", "a nanopublication has one signature element, named by an IRI; "
                              f"found {', '.join(str(e) for e in elements)}")]
    element, findings = SignatureElement(elements[0]), []
    for q in np.statements():
        if q.graph_name == np.pubinfo and q.subject == element.iri and q.predicate == HAS_SIGNATURE:
            element.signature = q.object.value if isinstance(q.object, Literal) else None
            continue
        element.targets.append(q)
        if q.graph_name != np.pubinfo or q.subject != element.iri:
            continue
        if q.predicate in (HAS_PUBLIC_KEY, HAS_ALGORITHM) and not isinstance(q.object, Literal):
            findings.append(Finding("signature-malformed", f"the value of <{q.predicate.value}> must be a literal"))
        elif q.predicate == HAS_PUBLIC_KEY:
            element.public_key = q.object.value  # type: ignore[union-attr]
        elif q.predicate == HAS_ALGORITHM:
            element.algorithm = q.object.value  # type: ignore[union-attr]
        elif q.predicate == SIGNED_BY:
            element.signers.append(getattr(q.object, "value", str(q.object)))
    for value, what in ((element.signature, "signature (npx:hasSignature, a literal)"),
                        (element.algorithm, "algorithm (npx:hasAlgorithm)"), (element.public_key, "public key (npx:hasPublicKey)")):
        if value is None:
            findings.append(Finding("signature-malformed", f"the signature element has no {what}"))
    return element, findings


def verify(np: Nanopub) -> tuple[bool, list[Finding]]:
    """Whether ``np`` carries a signature that verifies, and what is wrong with its signature."""
    element, findings = signature_element(np)
    if element is None or any(f.severity == "error" for f in findings):
        return False, findings
    assert element.signature is not None and element.public_key is not None and element.algorithm is not None
    if element.algorithm.upper() not in ("RSA", "DSA"):
        return False, [Finding("signature-algorithm", f"unknown signature algorithm {element.algorithm!r} (RSA or DSA)")]
    serialization = _crypto()
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import dsa, padding, rsa
    try:
        digest = digest_string(normalise(element.targets, ra_code_in(np.uri.value))).encode("utf-8")
    except (ValueError, TypeError) as error:
        return False, [Finding("signature-malformed", f"signed content has no blank nodes (they are skolemised "
                               f"before signing), but it has {error}")]
    try:
        with warnings.catch_warnings():      # DSA is deprecated in cryptography; old nanopublications use it
            warnings.simplefilter("ignore")
            key = serialization.load_der_public_key(base64.b64decode("".join(element.public_key.split()), validate=True))
            signature = base64.b64decode("".join(element.signature.split()), validate=True)
            if element.algorithm.upper() == "RSA" and isinstance(key, rsa.RSAPublicKey):
                key.verify(signature, digest, padding.PKCS1v15(), hashes.SHA256())
            elif element.algorithm.upper() == "DSA" and isinstance(key, dsa.DSAPublicKey):
                key.verify(signature, digest, hashes.SHA256())
            else:
                return False, [Finding("signature-malformed", f"the public key is not a {element.algorithm} key")]
    except (ValueError, TypeError, binascii.Error) as error:
        return False, [Finding("signature-malformed", f"the public key or signature is not readable: {error}")]
    except InvalidSignature:
        return False, [Finding("signature-invalid", "the signature does not match the content: the nanopublication "
                               "was changed after it was signed, or signed with another key")]
    return True, findings


def sign_nanopub(np: Nanopub, key: RSAPrivateKey, signed_by: str | None = None,
                 fragment: bool = False) -> tuple[str, list[Quad]]:
    """The trusty IRI and quads of ``np`` signed with ``key`` (nanopub-java's ``createSignedNanopub``);
    ``fragment``: its graphs become fragments of its IRI (see :func:`~.trusty.preprocess`)."""
    if any(q.predicate in (HAS_SIGNATURE, HAS_SIGNATURE_TARGET, HAS_PUBLIC_KEY) for q in np.graph(np.pubinfo)):
        raise MalformedNanopub(f"{np.uri.value} is already signed; sign its plain version")
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding
    base, pubinfo, quads = prepare(np)
    if signed_by and base == NORM_URI and signed_by.startswith(np.uri.value):
        signed_by = signed_by.replace(np.uri.value, NORM_URI)
    sig, target = NamedNode(base + "sig"), NamedNode(base)
    quads += [Quad(sig, HAS_SIGNATURE_TARGET, target, pubinfo),
              Quad(sig, HAS_PUBLIC_KEY, Literal(public_key_string(key)), pubinfo),
              Quad(sig, HAS_ALGORITHM, Literal("RSA"), pubinfo)]
    if signed_by:
        quads.append(Quad(sig, SIGNED_BY, NamedNode(signed_by), pubinfo))
    statements = preprocess(quads, base, fragment)
    signature = key.sign(digest_string(statements).encode("utf-8"), padding.PKCS1v15(), hashes.SHA256())
    value = Literal(base64.b64encode(signature).decode("ascii"))
    statements += preprocess([Quad(sig, HAS_SIGNATURE, value, pubinfo)], base, fragment)
    code, signed = finish(statements)
    return expand_base(base) + code, signed


def sign(text: str, key: RSAPrivateKey, *, signed_by: str | None = None, fmt: Format = "trig") -> str:
    """The TriG of the nanopublication(s) in ``text`` signed with ``key`` and made trusty.

    ``signed_by`` is the signer's IRI (an ORCID), stated with ``npx:signedBy``. Raises
    :class:`MalformedNanopub` for a nanopublication that is unsound or already signed.
    """
    nanopubs, prefixes = load(text, fmt)
    parts = []
    for np in nanopubs:
        uri, quads = sign_nanopub(np, key, signed_by)
        parts.append(write_trig(quads, {**output_prefixes(prefixes, np.uri.value, uri, quads), **NPX_PREFIX}))
    return "\n".join(parts)
