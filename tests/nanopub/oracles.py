"""The two independent nanopublication checkers, as oracles: ``nanopub-sign`` (Python bindings of the
Rust toolkit nanopub-rs) and ``nanopub`` (nanopub-py).

Used by ``test_sign.py`` (a nanopublication this project signs must pass nanopub-sign's check), and
runnable on its own to list, per case of the Nanopublication Test Suite, where each oracle (and this
project's checker) disagrees with the suite::

    .venv/bin/python tests/nanopub/oracles.py

Their disagreements are reported, not asserted: they are the oracles' own limits.
"""
from __future__ import annotations

import contextlib
import io
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from suite_cases import SIGNER, Case, Transform, cases, find_suite, read, transforms

RDFLIB_FORMATS = {".trig": "trig", ".nq": "nquads", ".xml": "trix"}


@dataclass(frozen=True)
class Verdict:
    """What an oracle says of a file: readable and structurally valid, trusty, signed (verified)."""

    valid: bool
    trusty: bool = False
    signed: bool = False
    note: str = ""

    def accepts(self, level: str) -> bool:
        """Whether this verdict accepts a case of the suite's ``level`` (plain, trusty, signed)."""
        return self.valid and (level == "plain" or self.trusty) and (level != "signed" or self.signed)


def rust_check(text: str) -> Verdict:
    """nanopub-sign's ``Nanopub(text).check()`` (TriG or N-Quads; it cannot read TriX)."""
    import nanopub_sign
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            info = nanopub_sign.Nanopub(text).check().info()
    except Exception as error:        # noqa: BLE001 - the binding raises a bare Exception
        return Verdict(False, note=str(error).splitlines()[0][:160])
    return Verdict(True, trusty=bool(info["trusty_hash"]), signed=bool(info["signature"]))


def rust_sign_code(text: str, private_key: str) -> str:
    """The artifact code nanopub-sign gives ``text`` signed with ``private_key`` (base64 PKCS#8)."""
    import nanopub_sign
    profile = nanopub_sign.NpProfile(private_key, SIGNER)
    return str(nanopub_sign.Nanopub(text).sign(profile).info()["trusty_hash"])


def py_check(path: Path) -> Verdict:
    """nanopub-py: ``is_valid``, then ``has_valid_trusty`` and ``has_valid_signature`` when present."""
    from nanopub import Nanopub
    from rdflib import ConjunctiveGraph
    try:
        graph = ConjunctiveGraph()
        graph.parse(data=read(path), format=RDFLIB_FORMATS[path.suffix])
        np = Nanopub(rdf=graph)
        valid = bool(np.is_valid)
    except Exception as error:        # noqa: BLE001 - any failure is a rejection
        return Verdict(False, note=str(error).splitlines()[0][:160])
    verdicts = {}
    for name in ("has_valid_trusty", "has_valid_signature"):
        try:
            verdicts[name] = bool(getattr(np, name))
        except Exception:             # noqa: BLE001
            verdicts[name] = False
    return Verdict(valid, verdicts["has_valid_trusty"], verdicts["has_valid_signature"])


def py_sign_code(text: str, key_file: Path) -> str:
    """The artifact code nanopub-py gives ``text`` signed with the key in ``key_file``."""
    from nanopub import Nanopub, NanopubConf, Profile
    from rdflib import ConjunctiveGraph
    graph = ConjunctiveGraph()
    graph.parse(data=text, format="trig")
    conf = NanopubConf(profile=Profile(orcid_id=SIGNER, name="test", private_key=key_file))
    np = Nanopub(rdf=graph, conf=conf)
    np.sign()
    return str(np.source_uri).rstrip("#/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def ours(case: Case) -> Verdict:
    """This project's checker, in the same terms."""
    from exomirkg.nanopub import check_path
    reports = check_path(case.path)[case.path]
    return Verdict(all(r.valid for r in reports), all(r.trusty for r in reports), all(r.signed for r in reports))


def _transform_codes(transform: Transform) -> dict[str, str]:
    from exomirkg.nanopub import load_private_key, sign
    from exomirkg.nanopub.hashing import ra_code_in
    text, key_file = read(transform.plain), transform.key_dir / "key" / "id_rsa"
    results = {}
    for name, run in (("exomirkg", lambda: ra_code_in(sign(text, load_private_key(key_file), signed_by=SIGNER)
                                                            .split("@prefix this: <", 1)[1].split(">", 1)[0]) or ""),
                      ("nanopub-sign", lambda: rust_sign_code(text, read(key_file).strip())),
                      ("nanopub-py", lambda: py_sign_code(text, key_file))):
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                results[name] = run()
        except Exception as error:    # noqa: BLE001
            results[name] = f"error: {str(error).splitlines()[0][:100]}"
    return results


def main() -> int:
    """Print where each checker disagrees with the suite, and the counts."""
    suite = find_suite()
    if suite is None:
        print("the Nanopublication Test Suite was not found; set EXOMIRKG_SHARED")
        return 2
    checkers = {"exomirkg": ours, "nanopub-sign": lambda c: rust_check(read(c.path)), "nanopub-py": lambda c: py_check(c.path)}
    tallies = {name: {"valid": [0, 0], "invalid": [0, 0]} for name in checkers}
    for case in cases(suite):
        for name, run in checkers.items():
            verdict = run(case)
            agrees = verdict.accepts(case.level) == (case.kind == "valid")
            tallies[name][case.kind][0] += agrees
            tallies[name][case.kind][1] += 1
            if not agrees:
                print(f"{name:13} disagrees on {case.id}: {verdict}")
    codes = {name: [0, 0] for name in checkers}
    for transform in transforms(suite):
        for name, code in _transform_codes(transform).items():
            codes[name][0] += code == transform.code
            codes[name][1] += 1
            if code != transform.code:
                print(f"{name:13} transform {transform.id}: {code} (suite: {transform.code})")
    for name in checkers:
        (va, vn), (ir, inn), (tc, tn) = tallies[name]["valid"], tallies[name]["invalid"], codes[name]
        print(f"{name}: valid accepted {va}/{vn}, invalid rejected {ir}/{inn}, transform codes reproduced {tc}/{tn}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
