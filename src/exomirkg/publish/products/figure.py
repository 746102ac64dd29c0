"""``figure/network.{dot,svg,png}``: the review's Fig. 1 regenerated from the KG (:mod:`exomirkg.rdf.figure`)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ...rdf.figure import FigureUnavailable, network_dot, render_dot
from .context import ProductError

if TYPE_CHECKING:
    from .context import Files, ReleaseContext


def network_figure(ctx: ReleaseContext) -> Files:
    """The network as Graphviz source, SVG (shown on the landing page) and PNG."""
    dot = network_dot(ctx.union)
    try:
        return {"figure/network.dot": dot, "figure/network.svg": render_dot(dot, "svg"),
                "figure/network.png": render_dot(dot, "png")}
    except FigureUnavailable as error:
        raise ProductError(str(error)) from error
