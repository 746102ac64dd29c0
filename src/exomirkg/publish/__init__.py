"""Publishing: pushing the KG into an external SPARQL store, release products and their
metadata, the FAIR check, and atomic writes with a version lock.

May import: ``ids``, ``curation``, ``rdf``, ``query``, ``validate``, ``federation`` and ``exomirkg.build``.
"""
