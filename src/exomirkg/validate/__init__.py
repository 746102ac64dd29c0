"""Validation: SHACL engines (pyshacl, rudof, Jena), validation in parts for large files,
nanopublication structure checks, identifier checks and the report.

May import: ``ids``, ``rdf`` (graph views and writers), ``query`` (the embedded store).
"""
