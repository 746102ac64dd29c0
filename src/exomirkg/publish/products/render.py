"""The release's Jinja2 templates, ``exomirkg/publish/templates/`` (shipped as package data).

HTML templates (``*.html``) are autoescaped; the text formats (``CITATION.cff``, ``LICENSE.txt``,
``CHANGELOG.md``) are not, and quote their YAML strings with the ``quoted`` filter. A value a
template does not get is an error, not an empty string.
"""
from __future__ import annotations

import json
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape


def quoted(value: object) -> str:
    """``value`` as a double-quoted string, valid in YAML and JSON (quotes and backslashes escaped)."""
    return json.dumps(str(value), ensure_ascii=False)


@cache
def environment() -> Environment:
    """The one template environment (block tags take their own line; files keep their last newline)."""
    env = Environment(loader=PackageLoader("exomirkg.publish", "templates"), autoescape=select_autoescape(["html"]),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["quoted"] = quoted
    return env


def render(name: str, **values: Any) -> str:
    """The template ``name`` filled with ``values``."""
    return environment().get_template(name).render(**values)
