"""Query results as a table, CSV, TSV (SPARQL 1.1 TSV), SPARQL JSON or SPARQL XML."""
from __future__ import annotations

import csv
import io
import json
import re
from xml.sax.saxutils import escape

from ..ids.namespaces import shorten
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


def _xml(result: QueryResult) -> str:
    out = ['<?xml version="1.0"?>', '<sparql xmlns="http://www.w3.org/2005/sparql-results#">', "<head>"]
    out += [f'<variable name="{escape(v)}"/>' for v in result.variables]
    out.append("</head>")
    if result.boolean is not None:
        out.append(f"<boolean>{str(result.boolean).lower()}</boolean>")
    else:
        out.append("<results>")
        for row in result.rows:
            out.append("<result>")
            for variable, term in zip(result.variables, row, strict=True):
                if term is None:
                    continue
                if term.kind == "iri":
                    value = f"<uri>{escape(term.value)}</uri>"
                elif term.kind == "bnode":
                    value = f"<bnode>{escape(term.value)}</bnode>"
                elif term.language:
                    value = f'<literal xml:lang="{escape(term.language)}">{escape(term.value)}</literal>'
                elif term.datatype and not term.datatype.endswith("#string"):
                    value = f'<literal datatype="{escape(term.datatype)}">{escape(term.value)}</literal>'
                else:
                    value = f"<literal>{escape(term.value)}</literal>"
                out.append(f'<binding name="{escape(variable)}">{value}</binding>')
            out.append("</result>")
        out.append("</results>")
    out.append("</sparql>")
    return "\n".join(out) + "\n"


def render(result: QueryResult, fmt: str) -> str:
    """Render a result as table, csv, tsv, json or xml; ASK results as true/false or the SPARQL boolean."""
    if fmt == "xml":
        return _xml(result)
    if result.boolean is not None:
        return json.dumps({"head": {}, "boolean": result.boolean}) + "\n" if fmt == "json" else f"{str(result.boolean).lower()}\n"
    if fmt == "json":
        bindings = [{v: _json_term(t) for v, t in zip(result.variables, row, strict=True) if t is not None} for row in result.rows]
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
    rows = [tuple(shorten(v) for v in row) for row in result.values()]
    widths = [min(60, max([len(v)] + [len(r[i]) for r in rows])) for i, v in enumerate(result.variables)]
    def line(cells: tuple[str, ...]) -> str:
        return " | ".join((c if len(c) <= 60 else c[:57] + "...").ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()
    out = [line(tuple(result.variables)), "-+-".join("-" * w for w in widths)]
    out += [line(r) for r in rows]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"


def header(variable: str) -> str:
    """A column header a person reads: ``useLabel`` -> ``use``, ``upComparison`` -> ``up comparison``."""
    name = variable[:-len("Label")] if variable.endswith("Label") and len(variable) > len("Label") else variable
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r" \1", name).replace("_", " ").lower()


def grouped(result: QueryResult, key: str = "claim") -> list[tuple[list[Term], ...]]:
    """The rows of ``result`` with one row per value of column ``key`` (first appearance order): a
    column that differs between the rows of one key (a block-cited claim's references) holds each
    distinct value once. Without that column, each row stands alone (its values as one-item lists)."""
    if key not in result.variables:
        return [tuple([t] if t is not None else [] for t in row) for row in result.rows]
    index = result.variables.index(key)
    groups: dict[Term | None, list[list[Term]]] = {}
    for row in result.rows:
        cells = groups.setdefault(row[index], [[] for _ in result.variables])
        for column, term in enumerate(row):
            if term is not None and term not in cells[column]:
                cells[column].append(term)
    return [tuple(cells) for cells in groups.values()]
