"""Identifiers: the prefix registry (one curies Converter), the upstream reference tables,
the project's namespaces, and the check that an IRI names a known identifier.

May import: ``exomirkg.errors``, ``exomirkg.project``, ``exomirkg.dataset``. Every other stage may import it.
"""
