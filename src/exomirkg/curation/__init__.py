"""Curation sources: the strict YAML reader, the curation schema, claim and review-issue
files checked against the review text and the reference tables.

May import: ``ids`` and the top-level ``errors``, ``project``, ``dataset``.
"""
