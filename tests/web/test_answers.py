"""The server keeps the answers of repeated queries (its store is read-only): within a byte budget,
least recently used first out, never an error, an oversized answer or a federated one."""
from __future__ import annotations

import urllib.parse

import pytest

from exomirkg.errors import ExomirError
from exomirkg.web.answers import LARGEST_SHARE, AnswerCache, answer_size
from exomirkg.web.jobs import Answer, Job
from exomirkg.web.server import KnowledgeGraphServer, ServerConfig
from servers import fetch

OK = Answer(200, "application/sparql-results+json", b'{"results": {"bindings": []}}')


def test_a_repeated_job_gets_the_kept_answer_and_errors_are_never_kept():
    cache = AnswerCache(1 << 20)
    job = Job(text="SELECT * WHERE { ?s ?p ?o } LIMIT 1")
    assert cache.get(job) is None
    cache.put(job, OK)
    assert cache.get(Job(text="SELECT * WHERE { ?s ?p ?o } LIMIT 1")) is OK and cache.hits == 1
    cache.put(Job(text="bad"), Answer.text(400, "query error"))
    cache.put(Job(text="slow"), Answer.text(503, "timeout"))
    federated = Job(text="SELECT * { SERVICE <https://sparql.uniprot.org/sparql> { ?s ?p ?o } }",
                    services=("https://sparql.uniprot.org/sparql",))
    cache.put(federated, OK)
    assert len(cache) == 1 and cache.get(federated) is None


def test_the_least_recently_used_answers_go_first_within_the_budget():
    size = answer_size(OK)
    cache = AnswerCache(size * 3, largest=size)     # room for three
    jobs = [Job(text=f"ASK {{ <urn:{i}> ?p ?o }}") for i in range(4)]
    for job in jobs[:3]:
        cache.put(job, OK)
    cache.get(jobs[0])                            # the first is used again: the second is now the oldest
    cache.put(jobs[3], OK)
    assert cache.get(jobs[1]) is None and all(cache.get(j) is OK for j in (jobs[0], jobs[2], jobs[3]))
    assert cache.used <= cache.budget


def test_an_answer_larger_than_its_share_is_not_kept_and_zero_keeps_nothing():
    cache = AnswerCache(LARGEST_SHARE * 1000)
    big = Answer(200, "text/csv", b"x" * 2000)
    cache.put(Job(text="big"), big)
    assert cache.get(Job(text="big")) is None
    none = AnswerCache(0)
    none.put(Job(text="q"), OK)
    assert none.get(Job(text="q")) is None


def _ask(server, query):
    return fetch(f"{server.base_url}/sparql?{urllib.parse.urlencode({'query': query})}", "text/csv")


def test_the_endpoint_answers_a_repeated_query_without_a_worker_and_alike(project, tmp_path):
    query = "SELECT ?claim WHERE { ?claim a <https://w3id.org/exomir-kg/ontology/TargetClaim> } ORDER BY ?claim"
    for cache_mb, hits in ((64, 2), (0, 0)):
        kg = KnowledgeGraphServer(project, tmp_path / f"store-{cache_mb}", ServerConfig(port=0, workers=1, cache_mb=cache_mb))
        kg.start_in_thread()
        try:
            answers = [_ask(kg, query) for _ in range(3)]
            assert all(a == answers[0] for a in answers) and answers[0][0] == 200
            assert answers[0][2].count(b"\n") == 11            # the header and the review's 10 target claims
            assert kg.workers.answers.hits == hits
            assert _ask(kg, "SELECT * WHERE { ?s ?p }")[0] == 400 and _ask(kg, "SELECT * WHERE { ?s ?p }")[0] == 400
        finally:
            kg.close()


def test_a_negative_cache_size_is_refused():
    with pytest.raises(ExomirError, match="cache-mb 0 or more"):
        ServerConfig(cache_mb=-1).limits()
