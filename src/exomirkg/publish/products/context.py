"""What every release product is made from: the project, the version and its date, the built KG, and
the facts several products share (the validation report, the previous release and the changes since).

A product is a function of one :class:`ReleaseContext` that returns the files it makes. The shared
facts are computed once, on first use. Products run in the order of the table
(:data:`exomirkg.publish.products.PRODUCTS`); one that reads a file an earlier product wrote asks for
it with :meth:`ReleaseContext.written`, which refuses a file not yet written.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox
from rdflib import Dataset

from ...build import BuildResult
from ...ids.namespaces import BASE
from ...ids.prefixes import PrefixRegistry
from ...project import Project
from ...publish.w3id import SERVER_PLACEHOLDER
from ...rdf.storeview import UnionView
from .changelog import compare, previous_release, released_fingerprints
from .nanopubs import ReleasedNanopubs, Signing, release_nanopubs, released_quads

if TYPE_CHECKING:
    from ...query.store import EmbeddedStore
    from ...validate.report import ValidationReport

VERSION_PATTERN = re.compile(r"^\d+\.\d+\.\d+$")
"""A release version: MAJOR.MINOR.PATCH."""

Files = dict[str, str | bytes]
"""What a product makes: release-relative path -> content (text is written as UTF-8)."""


class ProductError(Exception):
    """A product cannot be made (a tool is missing or fails); the release reports it as its
    :class:`~exomirkg.publish.release.ReleaseError`, with the same message."""


@dataclass
class ReleaseContext:
    """One release being written into ``folder`` (hidden until it is swapped into place)."""

    project: Project
    version: str
    date: str
    folder: Path                 # the release being written; the files of earlier products are in it
    out: Path                    # the folder of all versions, where the previous release is looked for
    built: BuildResult           # the KG, built and checked against the shapes
    signing: Signing | None = None   # the key that signs the nanopublications (none: trusty, not signed)
    server_url: str = SERVER_PLACEHOLDER   # the public URL of `exomirkg serve --release`, where w3id.org redirects
    written_paths: set[str] = field(default_factory=set, init=False)     # by the release, as it writes them
    _manifest: dict[str, Any] | None = field(default=None, init=False, repr=False)

    @property
    def dataset(self) -> Dataset:
        return self.built.dataset

    @property
    def version_iri(self) -> str:
        return f"{BASE}release/{self.version}"

    @property
    def download_base(self) -> str:
        return f"{self.version_iri}/"

    @cached_property
    def registry(self) -> PrefixRegistry:
        return PrefixRegistry.load(self.project.prefixes_path)

    @cached_property
    def validation(self) -> ValidationReport:
        """The SHACL report of the released KG (pyshacl): the build's, which checked the same graph,
        else made now."""
        if self.built.report is not None:
            return self.built.report
        from ...validate.engines import validate
        return validate(self.dataset, self.project.shapes_path)

    @cached_property
    def store(self) -> EmbeddedStore:
        """The released KG (its TriG, once written) with the ontology, in an embedded store."""
        from ...build import KG_STEM
        from ...query.store import EmbeddedStore
        project = self.project
        return EmbeddedStore(self.written(f"data/{KG_STEM}.trig"),
                             [project.ontology_path, *sorted(project.imports_dir.glob("*.ttl"))])

    @cached_property
    def kg_quads(self) -> list[ox.Quad]:
        """The built KG's quads, read from its N-Quads file (each once, in sorted lines)."""
        return list(ox.parse(path=str(self.built.files["nq"]), format=ox.RdfFormat.N_QUADS))

    @cached_property
    def union(self) -> UnionView:
        """The built KG, every triple once, read as an rdflib graph (from an in-memory pyoxigraph
        store of :attr:`kg_quads`)."""
        store = ox.Store()
        store.extend(self.kg_quads)
        return UnionView(store)

    @cached_property
    def prefixes(self) -> dict[str, str]:
        """The KG's prefixes: name -> namespace."""
        from ...build import KG_PREFIXES
        return dict(KG_PREFIXES)

    @cached_property
    def nanopubs(self) -> ReleasedNanopubs:
        """The release's nanopublications, sealed against the previous release's."""
        return release_nanopubs(self)

    @cached_property
    def released(self) -> list[ox.Quad]:
        """The KG as released: nanopublications named by their trusty IRIs."""
        return released_quads(self)

    @cached_property
    def previous(self) -> str | None:
        """The newest older version in ``out``, which the changelog compares with."""
        return previous_release(self.out, self.version, VERSION_PATTERN)

    @cached_property
    def changes(self) -> dict[str, list[str]]:
        """Claim ids added, removed and changed since :attr:`previous`."""
        old = released_fingerprints(self.out / self.previous) if self.previous else None
        return compare(self.kg_quads, old)

    def written(self, rel: str) -> Path:
        """The path of ``rel``, a file an earlier product wrote; refuses one not written yet."""
        if rel not in self.written_paths:
            raise RuntimeError(f"{rel} is read before a product wrote it: reorder the product table")
        return self.folder / rel

    @property
    def manifest(self) -> dict[str, Any]:
        """The release manifest; set by the release once the data products are written."""
        if self._manifest is None:
            raise RuntimeError("the manifest is made after the data products: mark the product from_manifest")
        return self._manifest

    @manifest.setter
    def manifest(self, value: dict[str, Any]) -> None:
        self._manifest = value
