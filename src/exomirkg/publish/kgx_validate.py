"""Validate a release's KGX files with the ``kgx`` library's own validator, offline.

Run it with the Python of an environment that has ``kgx`` (``make kgx-env`` makes ``.venv-kgx``; kgx
pins versions of numpy, Sphinx and mypy that the project's own environment does not share), so it
imports nothing from exomirkg::

    .venv-kgx/bin/python src/exomirkg/publish/kgx_validate.py dist/0.1.0/data/kgx_nodes.tsv dist/0.1.0/data/kgx_edges.tsv

It prints kgx's report as JSON (``{level: {error type: {message: [ids]}}}``) and exits 0 when kgx
reports no error, 1 when it does, 2 when it cannot run.

kgx reads the Biolink model, its predicate map and its JSON-LD context from GitHub when it is first
imported; here they come from the ``biolink-model`` package that kgx installs (its schema and prefix
map), so the check runs without a network. The predicate map (old predicate names and their Biolink
replacements) is not in that package and is left empty: this export writes only Biolink 4 predicates.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path


def _offline_biolink() -> None:
    """Point bmt and kgx at the biolink-model package's files instead of GitHub."""
    import biolink_model
    import bmt.toolkit

    package = Path(next(iter(biolink_model.__path__)))
    schema = str(package / "schema" / "biolink_model.yaml")
    bmt.toolkit.Toolkit.__init__.__defaults__ = (schema, {"predicate mappings": []})

    import kgx.config
    prefixes = json.loads((package / "prefixmaps" / "biolink-model-prefix-map.json").read_text(encoding="utf-8"))
    kgx.config.jsonld_context_map["biolink"] = prefixes
    for name in ("monarch_context", "obo_context"):        # other prefix maps kgx would fetch; not used here
        kgx.config.jsonld_context_map[name] = {}


def validate(nodes: Path, edges: Path) -> dict:
    """kgx's validation report of a nodes and an edges TSV file (names must end in _nodes.tsv, _edges.tsv)."""
    _offline_biolink()
    from kgx.transformer import Transformer
    from kgx.validator import Validator

    transformer = Transformer(stream=False)
    transformer.transform({"filename": [str(nodes), str(edges)], "format": "tsv"})
    validator = Validator()
    validator.validate(transformer.store.graph)
    return validator.get_errors()


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: kgx_validate.py NODES.tsv EDGES.tsv", file=sys.stderr)
        return 2
    try:
        report = validate(Path(argv[0]), Path(argv[1]))
    except ImportError as error:
        print(f"kgx is not installed in this Python ({sys.executable}): {error}", file=sys.stderr)
        return 2
    print(json.dumps(report, indent=1, sort_keys=True, default=str))
    return 1 if report.get("ERROR") else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
