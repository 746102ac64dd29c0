"""Querying: the stored-query catalogue (``queries/*.rq`` with their metadata), the embedded
pyoxigraph store and remote stores, result formats, and the SPARQL lexing the server needs.

May import: ``ids``.
"""
