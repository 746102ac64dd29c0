"""Publishing: pushing the KG into an external SPARQL store, releases (one module per product in
``products/``, walked from one table; HTML and text formats from the Jinja2 ``templates/``), the
FAIR check, and atomic writes with a version lock.

May import: ``ids``, ``curation``, ``rdf``, ``query``, ``validate``, ``federation``, ``nanopub`` and ``exomirkg.build``.
"""
