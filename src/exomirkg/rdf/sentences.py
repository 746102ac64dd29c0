"""One plain-English sentence per claim, generated from its curated fields (never from the review's
free-text verb): what the claim says, in its context, with its figures and the review's reference
numbers. The build stores it as the claim's ``rdfs:label`` and in its nanopublication's label, so
pages, query results and the nanopub network all show it.

One small function per claim type (:data:`WRITERS`); each reads the fields ``kg/curation/schema.yaml``
gives that type. ``name`` turns an identifier into its label (upstream tables, or the ontology for
``exo:`` terms).
"""
from __future__ import annotations

import re
from collections.abc import Callable

from ..curation.sources import Claim
from ..ids.prefixes import Curie

Namer = Callable[[Curie], str]


def _who(claim: Claim, exosomal: bool = True) -> str:
    """The subject: the miRNA(s) as exosomal miRNAs, else the exosomes or the agent the review names."""
    names = [m.text_name for m in claim.mirnas]
    kind = "exosomal " if exosomal else ""
    if len(names) == 1:
        return kind + names[0]
    if names:
        panel = ", ".join(names[:-1]) + " and " + names[-1]
        markers = claim.values.get("panel_markers") or []
        return f"the panel of {kind}{panel}" + (" with other markers" if markers else "")
    return str(claim.values.get("agent_as_written") or claim.values.get("exosome_source") or "exosomes")


def _refs(claim: Claim) -> str:
    numbers = sorted({r.number for r in claim.references})
    return " [" + ", ".join(str(n) for n in numbers) + "]" if numbers else ""


def _context(claim: Claim, name: Namer, *fields: str) -> str:
    """`` in <cell>``, `` in <biofluid>``... for the fields the claim has."""
    words = {"cell": "in", "biofluid": "in", "site": "in", "via": "through", "exposure": "under", "comparison": "compared with"}
    parts = []
    for field in fields:
        value = claim.values.get(field)
        if isinstance(value, Curie):
            parts.append(f" {words[field]} {name(value)}")
    return "".join(parts)


def _effect_verb(claim: Claim, positive: str, negative: str, unspecified: str) -> str:
    effect = claim.values.get("effect", "unspecified")
    verb = {"positive": positive, "negative": negative}.get(effect, unspecified)
    hedging = claim.values.get("hedging", "asserted")
    if hedging == "suggested" and effect in ("positive", "negative"):
        return "may " + _base(verb)
    if hedging == "association":
        verb = unspecified
    if _plural(claim):                       # "exosomes from cancer stem cells ... raise"
        verb = _base(verb).replace("be ", "are ", 1)
    return verb


def _plural(claim: Claim) -> bool:
    """A subject that is exosomes, not a miRNA or a named agent."""
    return not claim.mirnas and not claim.values.get("agent_as_written")


def _base(verb: str) -> str:
    """``promotes`` -> ``promote`` (the verbs used here only)."""
    first, _, rest = verb.partition(" ")
    if first == "is":
        first = "be"
    elif re.search(r"(ss|sh|ch|x)es$", first):
        first = first[:-2]
    elif first.endswith("s"):
        first = first[:-1]
    return first + (" " + rest if rest else "")


def _loss(claim: Claim, subject: str) -> str:
    return f"loss of {subject}" if claim.values.get("framing") == "loss_of_function" else subject


def _figures(claim: Claim) -> str:
    shown = [(label, claim.values[key]) for key, label in (("sensitivity", "sensitivity"), ("specificity", "specificity"),
                                                            ("auc", "AUC")) if key in claim.values]
    if not shown:
        return ""
    prefix = "at best " if claim.values.get("up_to") else ""
    return " (" + prefix + ", ".join(f"{label} {value:g}" for label, value in shown) + ")"


def expression(claim: Claim, name: Namer) -> str:
    where = _context(claim, name, "biofluid", "cell")
    condition = name(claim.values["condition"]) if isinstance(claim.values.get("condition"), Curie) else "HCC"
    level = "higher" if claim.values.get("direction") == "up" else "lower"
    if claim.values.get("trend") == "increases_with_stage":
        return f"{_who(claim)}{where} increases with the stage of {condition}"
    than = f" than in {name(claim.values['comparison'])}" if isinstance(claim.values.get("comparison"), Curie) else ""
    return f"{_who(claim)}{where} is {level} in {condition}{than}"


def target(claim: Claim, name: Namer) -> str:
    return f"{_who(claim)} targets {name(claim.values['gene'])}{_context(claim, name, 'cell')}"


def gene_regulation(claim: Claim, name: Namer) -> str:
    verb = _effect_verb(claim, "raises", "lowers", "is associated with")
    object_ = f"the expression of {name(claim.values['gene'])}" if verb != "is associated with" else name(claim.values["gene"])
    return f"{_loss(claim, _who(claim))} {verb} {object_}{_context(claim, name, 'cell', 'via')}"


def pathway(claim: Claim, name: Namer) -> str:
    verb = _effect_verb(claim, "activates", "inhibits", "acts through")
    return f"{_loss(claim, _who(claim))} {verb} {name(claim.values['process'])}{_context(claim, name, 'cell', 'via')}"


def process(claim: Claim, name: Namer) -> str:
    verb = _effect_verb(claim, "promotes", "inhibits", "is associated with")
    return f"{_loss(claim, _who(claim))} {verb} {name(claim.values['process'])}{_context(claim, name, 'cell', 'via')}"


def immune(claim: Claim, name: Namer) -> str:
    if isinstance(claim.values.get("process"), Curie):
        return process(claim, name)
    return gene_regulation(claim, name)


def transfer(claim: Claim, name: Namer) -> str:
    donor, recipient = claim.values.get("donor"), claim.values.get("recipient")
    sentence = f"{_who(claim, exosomal=False)} is carried by exosomes"
    if isinstance(donor, Curie):
        sentence += f" from {name(donor)}" + _context(claim, name, "exposure")
    if isinstance(recipient, Curie):
        sentence += f" to {name(recipient)}"
    return sentence


def drug_response(claim: Claim, name: Namer) -> str:
    verb = _effect_verb(claim, "raises", "lowers", "is associated with")
    response = "sensitivity" if claim.values.get("response") == "sensitivity" else "resistance"
    return f"{_loss(claim, _who(claim))} {verb} {response} to {name(claim.values['drug'])}{_context(claim, name, 'cell')}"


USES = {"diagnostic": "diagnoses", "early_detection": "detects early", "prognostic": "predicts the prognosis of",
        "therapeutic_target": "is a therapeutic target in", "recurrence": "predicts the recurrence of"}


def biomarker(claim: Claim, name: Namer) -> str:
    condition = name(claim.values["condition"]) if isinstance(claim.values.get("condition"), Curie) else "HCC"
    verb = USES.get(str(claim.values.get("use")), "is a biomarker of")
    if claim.values.get("hedging") == "suggested":
        verb = "may " + _base(verb)
    against = f" against {name(claim.values['comparison'])}" if isinstance(claim.values.get("comparison"), Curie) else ""
    return f"{_who(claim)}{_context(claim, name, 'biofluid')} {verb} {condition}{against}{_figures(claim)}"


def prognosis(claim: Claim, name: Namer) -> str:
    outcome = name(claim.values["outcome"]) if isinstance(claim.values.get("outcome"), Curie) else "the outcome"
    more = "more" if claim.values.get("effect") == "positive" else "less"
    where = _context(claim, name, "biofluid")
    verb = "is associated with" if claim.values.get("hedging") == "association" else "predicts"
    return f"a higher level of {_who(claim)}{where} {verb} {more} {outcome}"


def therapeutic(claim: Claim, name: Namer) -> str:
    condition = name(claim.values["condition"]) if isinstance(claim.values.get("condition"), Curie) else "HCC"
    donor = f" (from {name(claim.values['donor'])})" if isinstance(claim.values.get("donor"), Curie) else ""
    verb = "may be" if claim.values.get("hedging") == "suggested" else "is"
    return f"{_who(claim)}{donor} {verb} a therapeutic target or agent in {condition}"


def role(claim: Claim, name: Namer) -> str:
    kind = "a tumour suppressor" if claim.values.get("role") == "tumour_suppressor" else "oncogenic"
    return f"the review calls {_who(claim)} {kind}"


WRITERS: dict[str, Callable[[Claim, Namer], str]] = {
    "expression": expression, "target": target, "gene_regulation": gene_regulation, "pathway": pathway,
    "process": process, "immune": immune, "transfer": transfer, "drug_response": drug_response,
    "biomarker": biomarker, "prognosis": prognosis, "therapeutic": therapeutic, "role": role,
}
"""Claim type (schema.yaml's name) -> its sentence writer."""


def sentence(claim: Claim, name: Namer) -> str:
    """The claim's sentence: capitalised, with its reference numbers, ending with a full stop."""
    writer = WRITERS.get(claim.type.name)
    text = writer(claim, name) if writer else f"{_who(claim)}: a {claim.type.name.replace('_', ' ')} claim"
    if claim.values.get("derived"):
        text += " (derived by the curator)"
    text += _refs(claim)
    return text[0].upper() + text[1:] + "."


def camel_words(local: str) -> str:
    """``TumourGrowth`` -> ``tumour growth``: a readable name for an ``exo:`` term without a label."""
    return re.sub(r"(?<!^)([A-Z])", r" \1", local).lower()


__all__ = ["WRITERS", "Namer", "camel_words", "sentence"]
