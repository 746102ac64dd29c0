"""Query results as a table, CSV, TSV (SPARQL 1.1 TSV) or SPARQL JSON."""
from __future__ import annotations

import csv
import io
import json

from .store import QueryResult, Term


def _tsv_term(term: Term | None) -> str:
    if term is None:
        return ""
    if term.kind == "iri":
        return f"<{term.value}>"
    if term.kind == "bnode":
        return f"_:{term.value}"
    text = '"' + term.value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t") + '"'
    if term.language:
        return f"{text}@{term.language}"
    if term.datatype and not term.datatype.endswith("#string"):
        return f"{text}^^<{term.datatype}>"
    return text


def _json_term(term: Term) -> dict[str, str]:
    if term.kind == "iri":
        return {"type": "uri", "value": term.value}
    if term.kind == "bnode":
        return {"type": "bnode", "value": term.value}
    value = {"type": "literal", "value": term.value}
    if term.language:
        value["xml:lang"] = term.language
    elif term.datatype and not term.datatype.endswith("#string"):
        value["datatype"] = term.datatype
    return value


def render(result: QueryResult, fmt: str) -> str:
    """Render a result; ASK results print true/false (or the SPARQL JSON boolean)."""
    if result.boolean is not None:
        return json.dumps({"head": {}, "boolean": result.boolean}) + "\n" if fmt == "json" else f"{str(result.boolean).lower()}\n"
    if fmt == "json":
        bindings = [{v: _json_term(t) for v, t in zip(result.variables, row) if t is not None} for row in result.rows]
        return json.dumps({"head": {"vars": result.variables}, "results": {"bindings": bindings}}, indent=1) + "\n"
    if fmt == "tsv":
        lines = ["\t".join(f"?{v}" for v in result.variables)]
        lines += ["\t".join(_tsv_term(t) for t in row) for row in result.rows]
        return "\n".join(lines) + "\n"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(result.variables)
        writer.writerows(result.values())
        return buffer.getvalue()
    rows = [tuple(_short(v) for v in row) for row in result.values()]
    widths = [min(60, max([len(v)] + [len(r[i]) for r in rows])) for i, v in enumerate(result.variables)]
    def line(cells: tuple[str, ...]) -> str:
        return " | ".join((c if len(c) <= 60 else c[:57] + "...").ljust(w) for c, w in zip(cells, widths)).rstrip()
    out = [line(tuple(result.variables)), "-+-".join("-" * w for w in widths)]
    out += [line(r) for r in rows]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"


def _short(value: str) -> str:
    for base, prefix in (("https://w3id.org/exomir-kg/claim/", "claim:"), ("https://w3id.org/exomir-kg/ontology/", "exo:"),
                         ("http://purl.obolibrary.org/obo/", "obo:"), ("https://identifiers.org/", "")):
        if value.startswith(base):
            return prefix + value[len(base):]
    return value
