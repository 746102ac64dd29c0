"""Bad curation input stops the build with ``file:line: reason`` for every problem, writing nothing."""
from __future__ import annotations

import pytest

from exomirkg.errors import CurationError

GOOD_QUOTE = "Exo-miR-451a, as a tumor suppressor, was also found to induce apoptosis"


def _statement(claim: str, quote: str = GOOD_QUOTE, refs: str = "[78]") -> str:
    return f"""
section: Test
statements:
  - quote: {quote}
    refs: {refs}
    claims:
      - {claim}
"""


def _problems(mini, text: str) -> list[str]:
    mini.write("01.yaml", text)
    with pytest.raises(CurationError) as caught:
        mini.build()
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize("claim, line, message", [
    ("{id: C001, type: process, mirna: miR-99999, effect: positive, process: GO:0006915}", 6, "miRNA 'miR-99999' is not in mirna.tsv"),
    ("{id: C001, type: process, mirna: miR-451a, effect: positive, process: GO:123}", 6, "does not match the GO pattern"),
    ("{id: C001, type: process, mirna: miR-451a, effect: positive, process: GO:0007050}", 6, "GO:0007050 is not in the project's reference tables"),
    ("{id: C001, type: target, mirna: miR-451a, gene: HGNC:999999}", 6, "hgnc:999999 is not in the project's reference tables"),
    ("{id: C001, type: target, mirna: miR-451a, gene: GO:0006915}", 6, "gene must be a hgnc identifier"),
    ("{id: C001, type: process, mirna: miR-451a, effect: positive, process: FOO:1}", 6, "unknown prefix 'FOO'"),
    ("{id: C001, type: process, mirna: miR-451a, effect: sideways, process: GO:0006915}", 6, "effect must be one of positive, negative, unspecified"),
    ("{id: C001, type: process, mirna: miR-451a, process: GO:0006915}", 6, "a process claim needs 'effect'"),
    ("{id: C001, type: biomarker, mirna: miR-451a, use: diagnostic, auc: 1.7}", 6, "auc 1.7 is outside [0, 1]"),
    ("{id: C001, type: biomarker, mirna: miR-451a, use: diagnostic, auc: high}", 6, "auc must be a number"),
    ("{id: C001, type: guess, mirna: miR-451a}", 6, "type must be one of"),
    ("{id: X1, type: role, mirna: miR-451a, role: tumour_suppressor}", 6, "claim id must look like C001"),
    ("{id: C001, type: role, mirna: miR-451a, role: tumour_suppressor, colour: red}", 6, "unknown field 'colour'"),
    ("{id: C001, type: process, mirna: miR-451a, effect: positive, process: exo:Teleportation}", 6, "exo:Teleportation is not declared"),
    ("{id: C001, type: process, mirna: miR-451a, effect: positive, process: GO:0006915, hedging: maybe}", 6,
     "hedging must be one of asserted, suggested, association"),
    ("{id: C001, type: process, mirna: miR-451a, effect: positive, process: GO:0006915, hedged: true}", 6, "unknown field 'hedged'"),
    ("{id: C001, type: process, mirna: miR-451a, effect: positive, process: GO:0006915, via: CL:0000623}", 6,
     "via must be a GO or hgnc identifier"),
    ("{id: C001, type: process, mirna: miR-451a, effect: positive, process: GO:0006915, system: zebrafish}", 6,
     "system must be one of patients, mouse, cell_lines, primary_cells"),
])
def test_bad_claim_fields(mini, claim, line, message):
    problems = _problems(mini, _statement(claim))
    assert any(p.startswith(f"kg/curation/claims/01.yaml:{line}:") and message in p for p in problems), problems


def test_quote_not_in_the_review(mini):
    problems = _problems(mini, _statement("{id: C001, type: role, mirna: miR-451a, role: tumour_suppressor}",
                                          quote="Exo-miR-451a is an oncogene"))
    assert problems == ["kg/curation/claims/01.yaml:3: quote not found in the review text: 'Exo-miR-451a is an oncogene'"]


def test_missing_quote(mini):
    problems = _problems(mini, """
section: Test
statements:
  - refs: [78]
    claims:
      - {id: C001, type: role, mirna: miR-451a, role: tumour_suppressor}
""")
    assert "kg/curation/claims/01.yaml:3: statement has no quote (the review's words are required)" in problems


def test_missing_and_unknown_references(mini):
    problems = _problems(mini, f"""
section: Test
statements:
  - quote: {GOOD_QUOTE}
    claims:
      - {{id: C001, type: role, mirna: miR-451a, role: tumour_suppressor}}
  - quote: {GOOD_QUOTE}
    refs: [999]
    claims:
      - {{id: C002, type: role, mirna: miR-451a, role: tumour_suppressor}}
""")
    assert any("01.yaml:5: C001: no reference number" in p for p in problems), problems
    assert any("01.yaml:7: C002: reference [999] is not in references.tsv" in p for p in problems), problems


def test_duplicate_ids_and_all_problems_at_once(mini):
    problems = _problems(mini, f"""
section: Test
statements:
  - quote: {GOOD_QUOTE}
    refs: [78]
    claims:
      - {{id: C001, type: role, mirna: miR-451a, role: tumour_suppressor}}
      - {{id: C001, type: role, mirna: miR-451a, role: tumour_suppressor}}
      - {{id: C003, type: process, mirna: miR-451a, effect: positive, process: GO:0000000}}
""")
    assert len(problems) == 2, problems
    assert "duplicate claim id" in problems[0] and "01.yaml:7" in problems[0]
    assert "01.yaml:8" in problems[1]


def test_broken_yaml_points_at_the_line(mini):
    problems = _problems(mini, "section: Test\nstatements:\n  - quote: [unclosed\n")
    assert len(problems) == 1 and problems[0].startswith("kg/curation/claims/01.yaml:") and "not valid YAML" in problems[0]


def test_supports_an_unknown_claim(mini):
    problems = _problems(mini, f"""
section: Test
statements:
  - quote: {GOOD_QUOTE}
    refs: [78]
    supports: [C404]
""")
    assert problems == ["kg/curation/claims/01.yaml:5: supports unknown claim 'C404'"]


def test_a_failed_build_writes_nothing(mini):
    kg = mini.root / "kg"
    mini.write("01.yaml", _statement("{id: C001, type: role, mirna: miR-451a, role: tumour_suppressor}"))
    mini.build()
    before = {p.name: p.read_bytes() for p in kg.glob("exomir-kg.*")}
    assert set(before) == {"exomir-kg.ttl", "exomir-kg.nt", "exomir-kg.trig", "exomir-kg.nq", "exomir-kg.sssom.tsv"}
    mini.write("01.yaml", _statement("{id: C001, type: role, mirna: miR-0, role: tumour_suppressor}"))
    with pytest.raises(CurationError):
        mini.build()
    assert {p.name: p.read_bytes() for p in kg.glob("exomir-kg.*")} == before
    assert not list(kg.glob("*.tmp"))


def test_review_issue_with_unknown_claim_and_bad_quote(mini):
    mini.write("01.yaml", _statement("{id: C001, type: role, mirna: miR-451a, role: tumour_suppressor}"))
    mini.write_issues("""
issues:
  - id: I01
    kind: text_slip
    section: Test
    description: test
    quotes: [this sentence is not in the review]
    claims: [C999]
""")
    with pytest.raises(CurationError) as caught:
        mini.build()
    text = str(caught.value)
    assert "review-issues.yaml:6: quote not found" in text and "unknown claim C999" in text


def test_a_statement_gives_its_system_to_its_claims_and_a_claim_may_say_otherwise(mini):
    mini.write("01.yaml", f"""
section: Test
statements:
  - quote: {GOOD_QUOTE}
    refs: [78]
    system: cell_lines
    claims:
      - {{id: C001, type: role, mirna: miR-451a, role: tumour_suppressor}}
      - {{id: C002, type: process, mirna: miR-451a, effect: positive, process: GO:0006915, system: mouse}}
""")
    claims = {c.id: c for c in mini.build().curation.claims}
    assert claims["C001"].values["system"] == "cell_lines" and claims["C002"].values["system"] == "mouse"
    assert claims["C001"].values["hedging"] == "asserted"                 # the default


def test_a_bad_system_on_a_statement_is_reported_at_its_line(mini):
    problems = _problems(mini, f"""
section: Test
statements:
  - quote: {GOOD_QUOTE}
    refs: [78]
    system: zebrafish
    claims:
      - {{id: C001, type: role, mirna: miR-451a, role: tumour_suppressor}}
""")
    assert any(p.startswith("kg/curation/claims/01.yaml:5:") and "system must be one of" in p for p in problems), problems


def test_an_issue_quote_split_by_an_unquoted_comma_is_refused(mini):
    """YAML reads {quote: a, b c, location: ...} as a mapping with a key 'b c': refused, not shortened to 'a'."""
    mini.write("01.yaml", _statement("{id: C001, type: role, mirna: miR-451a, role: tumour_suppressor}"))
    mini.write_issues("""
issues:
  - id: I01
    kind: table_text_conflict
    section: Test
    description: test
    quotes:
      - {quote: miR-122, miR-148a and AFP Serum Distinguish early HCC from liver cirrhosis, location: Table 2 row 4}
    claims: [C001]
""")
    with pytest.raises(CurationError) as caught:
        mini.build()
    assert "review-issues.yaml:7: issue I01: a quote has quote, location and section only, not " \
           "'miR-148a and AFP Serum Distinguish early HCC from liver cirrhosis'" in str(caught.value)


ROW = "miR-451a Downregulated LPIN1 Promote apoptosis in HCC and endothelial cells"


def _table_row(cells: str, location: str = "Table 1 row 5") -> str:
    return f"""
section: Test
statements:
  - quote: {ROW}
    location: {location}
    refs: [78]
    cells: {cells}
    claims:
      - {{id: C001, type: target, mirna: miR-451a, gene: HGNC:13345}}
"""


def test_a_table_rows_cells_are_kept_in_column_order(mini):
    mini.write("01.yaml", _table_row('[miR-451a, "", "", Downregulated, LPIN1, Promote apoptosis in HCC and endothelial cells, "[78]"]'))
    (quote,) = mini.build().curation.claims[0].quotes
    assert quote.cells[0] == ("Exosomal MicroRNA", "miR-451a") and quote.cells[1] == ("Parental cells", "")
    assert quote.cells[-1] == ("References", "[78]")


@pytest.mark.parametrize("cells, location, message", [
    ('[miR-451a, Downregulated, LPIN1, "[78]"]', "Table 1 row 5", "cells must be a list of 7 texts, one per column of Table 1"),
    ('[miR-451a, "", "", Upregulated, LPIN1, Promote apoptosis in HCC and endothelial cells, "[78]"]', "Table 1 row 5",
     "the cells, joined, are not the row's quote"),
    ('[miR-451a, "", "", Downregulated, LPIN1, Promote apoptosis in HCC and endothelial cells, "[77]"]', "Table 1 row 5",
     "must be the row's references as printed, '[78]'"),
    ('[miR-451a, "", "", Downregulated, LPIN1, Promote apoptosis in HCC and endothelial cells, "[78]"]', "text",
     "cells belong to a table row"),
])
def test_bad_table_cells(mini, cells, location, message):
    problems = _problems(mini, _table_row(cells, location))
    assert any(p.startswith("kg/curation/claims/01.yaml:6:") and message in p for p in problems), problems
