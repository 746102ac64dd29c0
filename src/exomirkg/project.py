"""Where things live in an exomir-kg checkout."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .errors import ExomirError

MARKER = Path("kg") / "curation" / "schema.yaml"


@dataclass(frozen=True)
class Project:
    """The folders and files of one checkout, found from its root."""

    root: Path

    @classmethod
    def locate(cls, start: Path | None = None) -> Project:
        """Find the checkout: ``$EXOMIRKG_ROOT``, else the first parent of ``start`` (or the
        working directory) holding ``kg/curation/schema.yaml``, else the source tree of this package."""
        if os.environ.get("EXOMIRKG_ROOT"):
            return cls.at(Path(os.environ["EXOMIRKG_ROOT"]))
        here = (start or Path.cwd()).resolve()
        for folder in (here, *here.parents):
            if (folder / MARKER).is_file():
                return cls(folder)
        package_root = Path(__file__).resolve().parents[2]
        if (package_root / MARKER).is_file():
            return cls(package_root)
        raise ExomirError(f"no exomir-kg checkout found from {here} (looked for {MARKER}); use --root")

    @classmethod
    def at(cls, root: Path) -> Project:
        root = root.resolve()
        if not (root / MARKER).is_file():
            raise ExomirError(f"{root} is not an exomir-kg checkout (no {MARKER})")
        return cls(root)

    @property
    def curation_dir(self) -> Path:
        return self.root / "kg" / "curation"

    @property
    def schema_path(self) -> Path:
        return self.root / MARKER

    @property
    def review_path(self) -> Path:
        return self.root / "kg" / "review" / "review.txt"

    @property
    def kg_dir(self) -> Path:
        return self.root / "kg"

    @property
    def ontology_path(self) -> Path:
        return self.root / "ontology" / "exomir.ttl"

    @property
    def prefixes_path(self) -> Path:
        return self.root / "ontology" / "prefixes.tsv"

    @property
    def imports_dir(self) -> Path:
        return self.root / "ontology" / "imports"

    @property
    def queries_dir(self) -> Path:
        return self.root / "queries"

    @property
    def shapes_path(self) -> Path:
        return self.root / "shapes" / "exomir-shapes.ttl"

    @property
    def reference_dir(self) -> Path:
        return self.imports_dir / "reference"
