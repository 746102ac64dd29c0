"""Ill-typed literals: a lexical form outside its XSD datatype's lexical space (``"two"^^xsd:integer``,
``"1757-02-31"^^xsd:date``).

nanopub-java refuses to sign a nanopublication with one and reports a plain one as invalid
(``NanopubUtils.getIllTypedLiteralStatements``, with RDF4J's ``XMLDatatypeUtil``); this module checks
the same built-in datatypes: the numbers, booleans, dates, times and durations, binary encodings
and language tags. A datatype it does not know is never ill-typed.
"""
from __future__ import annotations

import base64
import binascii
import functools
import re
from collections.abc import Callable

from pyoxigraph import Literal

from .model import Finding, Nanopub

XSD = "http://www.w3.org/2001/XMLSchema#"

_INTEGER = re.compile(r"[+-]?\d+")
_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_FLOAT = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|[+-]?INF|NaN")
_YEAR = r"-?([1-9]\d{3,}|0\d{3})"
_TZ = r"(Z|[+-](\d\d):(\d\d))?"
_DATE = re.compile(_YEAR + r"-(\d\d)-(\d\d)" + _TZ)
_TIME = re.compile(r"(\d\d):(\d\d):(\d\d)(\.\d+)?" + _TZ)
_DATETIME = re.compile(_YEAR + r"-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(\.\d+)?" + _TZ)
_DURATION = re.compile(r"-?P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?")
_LANGUAGE = re.compile(r"[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*")
_G_FORMS = {
    "gYear": re.compile(_YEAR + _TZ), "gYearMonth": re.compile(_YEAR + r"-(\d\d)" + _TZ),
    "gMonth": re.compile(r"--(\d\d)" + _TZ), "gMonthDay": re.compile(r"--(\d\d)-(\d\d)" + _TZ),
    "gDay": re.compile(r"---(\d\d)" + _TZ),
}
_RANGES: dict[str, tuple[int | None, int | None]] = {
    "integer": (None, None), "nonNegativeInteger": (0, None), "positiveInteger": (1, None),
    "nonPositiveInteger": (None, 0), "negativeInteger": (None, -1),
    "long": (-2**63, 2**63 - 1), "int": (-2**31, 2**31 - 1), "short": (-2**15, 2**15 - 1), "byte": (-128, 127),
    "unsignedLong": (0, 2**64 - 1), "unsignedInt": (0, 2**32 - 1), "unsignedShort": (0, 2**16 - 1), "unsignedByte": (0, 255),
}


def _days_in(year: int, month: int) -> int:
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _timezone_ok(hours: str | None, minutes: str | None) -> bool:
    if hours is None or minutes is None:
        return True
    return int(minutes) <= 59 and (int(hours) < 14 or (int(hours) == 14 and int(minutes) == 0))


def _time_ok(hour: str, minute: str, second: str, fraction: str | None) -> bool:
    if hour == "24":
        return minute == "00" and second == "00" and not (fraction or "").strip(".0")
    return int(hour) <= 23 and int(minute) <= 59 and int(second) <= 59


def _date(value: str) -> bool:
    m = _DATE.fullmatch(value)
    return m is not None and 1 <= int(m[2]) <= 12 and 1 <= int(m[3]) <= _days_in(int(m[1]), int(m[2])) and _timezone_ok(m[5], m[6])


def _time(value: str) -> bool:
    m = _TIME.fullmatch(value)
    return m is not None and _time_ok(m[1], m[2], m[3], m[4]) and _timezone_ok(m[6], m[7])


def _datetime(value: str, stamp: bool = False) -> bool:
    m = _DATETIME.fullmatch(value)
    if not m or (stamp and not m[8]):
        return False
    year, month, day = int(m[1]), int(m[2]), int(m[3])
    return (1 <= month <= 12 and 1 <= day <= _days_in(year, month) and _time_ok(m[4], m[5], m[6], m[7])
            and _timezone_ok(m[9], m[10]))


def _g_form(kind: str, value: str) -> bool:
    m = _G_FORMS[kind].fullmatch(value)
    if not m:
        return False
    groups = [g for g in m.groups()]
    month = {"gYearMonth": groups[1], "gMonth": groups[0], "gMonthDay": groups[0]}.get(kind)
    day = {"gMonthDay": groups[1], "gDay": groups[0]}.get(kind)
    if month is not None and not 1 <= int(month) <= 12:
        return False
    return day is None or 1 <= int(day) <= (_days_in(2000, int(month)) if month else 31)


def _base64(value: str) -> bool:
    try:
        base64.b64decode(re.sub(r"\s", "", value), validate=True)
    except binascii.Error:
        return False
    return True


def _integer(kind: str, value: str) -> bool:
    if not _INTEGER.fullmatch(value):
        return False
    low, high = _RANGES[kind]
    number = int(value)
    return (low is None or number >= low) and (high is None or number <= high)


_CHECKS: dict[str, Callable[[str], bool]] = {
    "decimal": lambda v: bool(_DECIMAL.fullmatch(v)),
    "float": lambda v: bool(_FLOAT.fullmatch(v)),
    "double": lambda v: bool(_FLOAT.fullmatch(v)),
    "boolean": lambda v: v in ("true", "false", "1", "0"),
    "date": _date, "time": _time, "dateTime": _datetime,
    "dateTimeStamp": lambda v: _datetime(v, stamp=True),
    "duration": lambda v: bool(_DURATION.fullmatch(v)),
    "dayTimeDuration": lambda v: bool(_DURATION.fullmatch(v)) and "Y" not in v and "M" not in v.split("T")[0],
    "yearMonthDuration": lambda v: bool(_DURATION.fullmatch(v)) and "D" not in v and "T" not in v,
    "hexBinary": lambda v: bool(re.fullmatch(r"([0-9a-fA-F]{2})*", v)),
    "base64Binary": _base64,
    "language": lambda v: bool(_LANGUAGE.fullmatch(v)),
}
_CHECKS.update({kind: functools.partial(_g_form, kind) for kind in _G_FORMS})
_CHECKS.update({kind: functools.partial(_integer, kind) for kind in _RANGES})


def is_well_typed(lexical: str, datatype: str) -> bool:
    """False when ``lexical`` is not in the lexical space of the XSD ``datatype`` (an IRI); True
    for any other datatype. Surrounding whitespace is allowed, as XSD collapses it for these types."""
    if not datatype.startswith(XSD):
        return True
    check = _CHECKS.get(datatype[len(XSD):])
    return check is None or check(lexical.strip(" \t\r\n"))


def ill_typed_findings(np: Nanopub, trusty: bool) -> list[Finding]:
    """One finding per ill-typed literal: an error in a plain nanopublication, a warning in a trusty
    one (whose content can no longer change), as nanopub-java's ``CheckNanopub`` reports them."""
    findings = []
    for q in np.statements():
        if isinstance(q.object, Literal) and not q.object.language and not is_well_typed(q.object.value, q.object.datatype.value):
            findings.append(Finding("ill-typed-literal", f'"{q.object.value}" is not a valid {q.object.datatype.value} '
                                    f"(object of <{q.predicate.value}>)", "warning" if trusty else "error"))
    return findings
