"""The benchmark: synthetic claims at a given scale and timed runs of build, validation,
load, queries, the endpoint and the full release (:mod:`.runs`, :mod:`.synthetic`, :mod:`.endpoints`,
:mod:`.virtuoso`, :mod:`.release`, :mod:`.memory`, :mod:`.said`).

May import: every other stage (it measures them all); nothing imports it.
"""
