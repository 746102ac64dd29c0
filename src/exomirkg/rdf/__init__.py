"""The RDF of the claims: one nanopublication per claim (``claimgraph``), the N-Quads / TriG /
JSON-LD writers (``serialize``), ontology term extracts (``imports``) and OWL reasoning.

May import: ``ids``, ``curation``. It does not validate, query or publish: the build pipeline
(``exomirkg.build``) runs those stages after it.
"""
