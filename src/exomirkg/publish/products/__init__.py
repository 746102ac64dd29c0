"""The products of a release, one function each, and :data:`PRODUCTS`, the one table the release walks.

A product is a function of the :class:`~.context.ReleaseContext` that returns the files it makes
(release path -> content); it writes nothing itself. :func:`exomirkg.publish.release.release` walks
the table in order: first the data products, whose files the manifest lists with their checksums,
then (``from_manifest``) the metadata made from that manifest, then ``SHA256SUMS`` of everything.
Each product declares the paths it writes (``*`` stands for any file name in that folder); the release
refuses a file a product did not declare, and a declared path without ``*`` that it did not write.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fnmatch import fnmatchcase

from ...build import KG_STEM
from .changelog import changelog_files
from .citation import citation_cff, license_text
from .context import Files, ReleaseContext
from .data import associations, jsonld, kg_files
from .figure import network_figure
from .kgx import kgx_files
from .landing import landing_page
from .metadata import dataset_ttl, manifest, manifest_json, ro_crate_json
from .nanopubs import Signing, nanopub_files
from .ontology import docs, ontology_files, queries, shapes
from .redirects import W3ID_FILES, w3id_files
from .reports import provenance, query_results, validation_report, what_not_to_trust


@dataclass(frozen=True)
class Product:
    """One row of the table: a name, the paths it writes, the function that makes them."""

    name: str
    writes: tuple[str, ...]
    make: Callable[[ReleaseContext], Files]
    from_manifest: bool = False         # made from the manifest, after it (and so not listed in it)

    def declares(self, path: str) -> bool:
        """True when ``path`` is one of the paths this product writes."""
        return any(fnmatchcase(path, pattern) and path.count("/") == pattern.count("/") for pattern in self.writes)

    @property
    def fixed(self) -> tuple[str, ...]:
        """The declared paths without wildcards: the product always writes them."""
        return tuple(pattern for pattern in self.writes if "*" not in pattern)


KG = f"data/{KG_STEM}"
PRODUCTS: tuple[Product, ...] = (
    # ---- data: listed in the manifest with their checksums; in this order (a product may read an earlier one's files)
    Product("nanopubs", ("nanopubs/*.trig", "nanopubs/nanopubs.tsv"), nanopub_files),
    Product("kg", (f"{KG}.trig", f"{KG}.nq", f"{KG}.ttl", f"{KG}.nt", f"mappings/{KG_STEM}.sssom.tsv"), kg_files),
    Product("jsonld", (f"{KG}.jsonld",), jsonld),
    Product("associations", ("data/associations.tsv",), associations),
    Product("kgx", ("data/kgx_nodes.tsv", "data/kgx_edges.tsv", "data/kgx_prefixes.jsonld"), kgx_files),
    Product("ontology", tuple(f"ontology/exomir-{part}.{suffix}" for part in ("base", "full") for suffix in ("ttl", "owl")),
            ontology_files),
    Product("shapes", ("shapes/*.ttl",), shapes),
    Product("queries", ("queries/*.rq", "queries/*.ttl", "queries/examples/*.ttl"), queries),
    Product("docs", ("docs/ontology.html", "docs/shapes.html"), docs),                        # reads the ontology's
    Product("figure", ("figure/network.dot", "figure/network.svg", "figure/network.png"), network_figure),
    Product("validation", ("reports/validation-report.ttl",), validation_report),
    Product("query-results", ("reports/query-results.json",), query_results),                # reads the kg's TriG
    Product("what-not-to-trust", ("WHAT-NOT-TO-TRUST.md",), what_not_to_trust),              # reads the kg's TriG
    Product("changelog", ("CHANGELOG.md", "reports/changes.json"), changelog_files),
    Product("license", ("LICENSE.txt",), license_text),
    Product("provenance", ("reports/provenance.ttl",), provenance),
    Product("w3id", W3ID_FILES, w3id_files),
    # ---- metadata: made from the manifest
    Product("manifest", ("manifest.json",), manifest_json, from_manifest=True),
    Product("dataset-description", ("metadata/dataset.ttl",), dataset_ttl, from_manifest=True),
    Product("ro-crate", ("ro-crate-metadata.json",), ro_crate_json, from_manifest=True),
    Product("citation", ("CITATION.cff",), citation_cff, from_manifest=True),
    Product("landing-page", ("index.html",), landing_page, from_manifest=True),
)
"""Every product of a release, in the order they are made."""

CHECKSUMS = "SHA256SUMS"
"""Written last by the release itself: the SHA-256 of every other file."""

__all__ = ["CHECKSUMS", "PRODUCTS", "Files", "Product", "ReleaseContext", "Signing", "manifest"]
