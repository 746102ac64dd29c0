"""The RO-Crate validator (PyPI ``roc-validator``, module ``rocrate_validator``) run offline.

How the validator gets the RO-Crate JSON-LD context: every remote document it needs (the
``@context`` its file-descriptor check retrieves, and the contexts rdflib's JSON-LD parser resolves
when it loads the crate as RDF; ``rocrate_validator.utils.document_loader`` routes the latter
through the same requester) goes through one ``HttpRequester``, a ``requests_cache`` session
backed by a SQLite file. With ``offline=True`` that session answers from the cache only (a miss is
a 504 and an issue, never a network request). So a test fills a fresh cache with a local copy of
the context and validates offline against it.

The local copy: ``rocrate/data/ro-crate.jsonld`` of ro-crate-py (PyPI ``rocrate``, pinned to 0.15.1
in the test extras), the RO-Crate 1.1 JSON-LD context as published by the RO-Crate project
(ro-crate-py ships it for its own use; 0.16 replaced it with the 1.3 context). Its ``@id`` is
checked to be the URL it stands in for.
"""
from __future__ import annotations

import importlib
import io
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CONTEXT_URL = "https://w3id.org/ro/crate/1.1/context"
PROFILE = "ro-crate-1.1"


def require_validator() -> Any:
    """``rocrate_validator`` (test extras); missing: a failure under CI, a skip elsewhere."""
    try:
        return importlib.import_module("rocrate_validator.services")
    except ImportError as error:
        message = f"roc-validator is not installed ({error}); pip install -e '.[test]'"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def local_context() -> bytes:
    """The RO-Crate 1.1 context document, from ro-crate-py's package data."""
    from importlib.resources import files
    try:
        data = (files("rocrate") / "data" / "ro-crate.jsonld").read_bytes()
    except ModuleNotFoundError as error:
        message = f"ro-crate-py (PyPI rocrate==0.15.1) is not installed ({error}); pip install -e '.[test]'"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    document = json.loads(data)
    assert document["@id"] == CONTEXT_URL, f"rocrate's ro-crate.jsonld is the context of {document['@id']}, not {CONTEXT_URL}"
    assert isinstance(document["@context"], dict) and document["@context"]["Dataset"] == "http://schema.org/Dataset"
    return data


def local_documents(documents: dict[str, bytes]) -> Any:
    """A requests transport adapter that answers ``documents`` (URL -> JSON-LD) and refuses any other
    URL, recording what it was asked (``asked``) and what it refused (``refused``)."""
    import requests
    import urllib3
    from requests.adapters import HTTPAdapter

    class LocalDocuments(HTTPAdapter):
        def __init__(self) -> None:
            super().__init__()
            self.asked: list[str] = []
            self.refused: list[str] = []

        def send(self, request, **kwargs):     # type: ignore[no-untyped-def]
            self.asked.append(request.url)
            if request.url not in documents:
                self.refused.append(request.url)
                raise requests.ConnectionError(f"offline test: no network for {request.url}")
            raw = urllib3.HTTPResponse(body=io.BytesIO(documents[request.url]), status=200, preload_content=False,
                                       headers={"Content-Type": "application/ld+json"}, request_url=request.url)
            return self.build_response(request, raw)

    return LocalDocuments()


@dataclass
class CrateReport:
    """What the validator found, at RECOMMENDED severity and above."""

    passed: bool
    issues: list[tuple[str, str, str]] = field(default_factory=list)     # (severity, check, message)
    network: list[str] = field(default_factory=list)                     # URLs it tried to fetch past the cache

    def at(self, severity: str) -> list[tuple[str, str, str]]:
        return [issue for issue in self.issues if issue[0] == severity]


def validate_crate(folder: Path, cache_dir: Path) -> CrateReport:
    """Validate the RO-Crate in ``folder`` against the validator's RO-Crate 1.1 profile, offline, with
    the context from :func:`local_context` in a fresh HTTP cache under ``cache_dir``."""
    services = require_validator()
    from rocrate_validator.models import Severity, ValidationSettings
    from rocrate_validator.utils.document_loader import uninstall_document_loader
    from rocrate_validator.utils.http import HttpRequester

    cache = cache_dir / "http-cache"
    adapter = local_documents({CONTEXT_URL: local_context()})
    try:
        # 1. fill the cache: the requester, online, fetches the context through the local adapter
        requester = HttpRequester.initialize_cache(cache_path=str(cache), offline=False)
        for scheme in ("http://", "https://"):
            requester.session.mount(scheme, adapter)
        assert requester.get(CONTEXT_URL).status_code == 200
        assert requester.has_cached(CONTEXT_URL) and adapter.asked == [CONTEXT_URL]
        # 2. validate offline: the settings rebuild the requester's session over the same cache, answering
        # from it only; the refusing adapter is mounted again to catch any request past the cache
        settings = ValidationSettings(rocrate_uri=str(folder), profile_identifier=PROFILE, offline=True,
                                      cache_path=cache, requirement_severity=Severity.RECOMMENDED)
        requester = HttpRequester()
        assert requester.offline
        refusing = local_documents({})
        for scheme in ("http://", "https://"):
            requester.session.mount(scheme, refusing)
        result = services.validate(settings)
        issues = [(issue.severity.name, issue.check.name, issue.message)
                  for issue in result.get_issues(Severity.RECOMMENDED)]
        return CrateReport(result.passed(Severity.RECOMMENDED), issues, refusing.asked)
    finally:
        HttpRequester.reset()
        uninstall_document_loader()       # the validator patches rdflib's JSON-LD loader process-wide
