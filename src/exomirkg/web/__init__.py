"""The HTTP server: a route table of small handlers, content negotiation, query workers with
their limits, page queries with bound terms, and the HTML pages.

May import: ``ids``, ``query``, ``federation``, ``nanopub`` (to verify the nanopublications it serves),
``rdf`` (to draw the network figure).
"""
