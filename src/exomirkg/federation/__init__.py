"""Federation: the SERVICE allowlist, the SSSOM mappings and the miRBase-HGNC slice served
for federated queries.

May import: ``ids``, ``query``.
"""
