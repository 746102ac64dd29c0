"""Content negotiation (RFC 9110 section 12.5.1): which offered media type an Accept header prefers.

Each offer takes the quality of the *most specific* media range that matches it (``text/html``
before ``text/*`` before ``*/*``), so ``text/*, text/html;q=0`` accepts Turtle but not HTML. Among
offers of equal quality, one the client named more specifically wins, then the one it named first,
then the server's default, then the server's order.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MediaRange:
    """One entry of an Accept header."""

    type: str
    subtype: str
    quality: float
    position: int

    def specificity(self, offer: str) -> int:
        """How specifically this range names ``offer``: 2 exactly, 1 by type, 0 by ``*/*``; -1 not at all."""
        offer_type, _, offer_subtype = offer.partition("/")
        if self.type == "*":
            return 0
        if self.type != offer_type:
            return -1
        if self.subtype == "*":
            return 1
        return 2 if self.subtype == offer_subtype else -1


def parse_accept(accept: str) -> list[MediaRange]:
    """The media ranges of an Accept header; malformed entries are skipped, a bad q-value is 0."""
    ranges = []
    for position, part in enumerate(accept.split(",")):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        if "/" not in media:
            continue
        media_type, _, subtype = media.partition("/")
        quality = 1.0
        for parameter in pieces[1:]:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    quality = 0.0
        ranges.append(MediaRange(media_type.strip(), subtype.strip(), quality, position))
    return ranges


def negotiate(accept: str | None, offers: list[str], default: str) -> str | None:
    """The offered media type the Accept header prefers, or None if it accepts none of them.

    Without an Accept header (or with an empty one) the answer is ``default``.
    """
    if not accept or not accept.strip():
        return default
    ranges = parse_accept(accept)
    best: tuple | None = None
    best_offer = None
    for order, offer in enumerate(offers):
        matches = [(r.specificity(offer), r) for r in ranges]
        matches = [(s, r) for s, r in matches if s >= 0]
        if not matches:
            continue
        specificity, chosen = max(matches, key=lambda m: (m[0], -m[1].position))
        if chosen.quality <= 0:
            continue
        key = (chosen.quality, specificity, -chosen.position, offer == default, -order)
        if best is None or key > best:
            best, best_offer = key, offer
    return best_offer


__all__ = ["MediaRange", "negotiate", "parse_accept"]
