"""The benchmark: synthetic claims at a given scale and timed runs of build, validation,
load, queries and the endpoint (:mod:`.runs`, :mod:`.synthetic`, :mod:`.endpoints`, :mod:`.virtuoso`,
:mod:`.memory`, :mod:`.said`).

May import: every other stage (it measures them all); nothing imports it.
"""
