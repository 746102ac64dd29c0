"""Identifiers as people cite them, and the registry page each links out to.

:class:`Linker` turns an IRI of an external entity into its identifier as the source database
writes it (``GO:0006915``, ``HGNC:6770``, ``MIMAT0000267``, ``CVCL_0027``) and the page of the
registry that holds it (miRBase, HGNC, QuickGO, the EBI's Ontology Lookup Service, Cellosaurus,
PubMed, doi.org), using the project's prefix map (``ontology/prefixes.tsv``).
"""
from __future__ import annotations

from dataclasses import dataclass

from ..ids.prefixes import PrefixRegistry

OLS = "https://www.ebi.ac.uk/ols4/ontologies/{ontology}/classes?obo_id={bare}"
PAGES: dict[str, tuple[str, str]] = {
    "mirbase": ("miRBase", "https://mirbase.org/hairpin/{local}"),
    "mirbase.mature": ("miRBase", "https://mirbase.org/mature/{local}"),
    "hgnc": ("HGNC", "https://www.genenames.org/data/gene-symbol-report/#!/hgnc_id/HGNC:{local}"),
    "GO": ("QuickGO", "https://www.ebi.ac.uk/QuickGO/term/GO:{local}"),
    "cellosaurus": ("Cellosaurus", "https://www.cellosaurus.org/{local}"),
    "pubmed": ("PubMed", "https://pubmed.ncbi.nlm.nih.gov/{local}/"),
    "pmc": ("PubMed Central", "https://www.ncbi.nlm.nih.gov/pmc/articles/{local}/"),
    "doi": ("DOI", "https://doi.org/{local}"),
}
"""Registry prefix -> (registry name, page URL template). OBO ontologies not listed go to OLS."""
OBO_IN_OLS = ("CL", "UBERON", "MONDO", "DOID", "ECO", "RO", "STATO", "OBI", "BFO", "SO", "NCBITaxon", "CHEBI")


@dataclass(frozen=True)
class Identifier:
    """An entity's identifier as its source writes it, and the registry page to read it at."""

    bare: str
    registry: str
    url: str


class Linker:
    """Identifiers and link-outs of the IRIs of the project's registries."""

    def __init__(self, registry: PrefixRegistry):
        self.registry = registry

    def identifier(self, iri: str) -> Identifier | None:
        """The identifier and registry page of ``iri``; None for the KG's own IRIs and unknown ones."""
        curie = self.registry.compress(iri)
        if curie is None or curie.prefix == "exo":
            return None
        if curie.prefix in PAGES:
            name, template = PAGES[curie.prefix]
            return Identifier(curie.bare_id, name, template.format(local=curie.local_id))
        if curie.prefix in OBO_IN_OLS:
            url = OLS.format(ontology=curie.prefix.lower(), bare=curie.bare_id)
            return Identifier(curie.bare_id, "OLS", url)
        return Identifier(curie.bare_id, "", iri)


__all__ = ["OBO_IN_OLS", "PAGES", "Identifier", "Linker"]
