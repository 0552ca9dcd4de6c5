"""Render plotly figures in the static book.

plotly >= 6 displays a figure in Jupyter as one ``application/vnd.plotly.v1+json`` output,
which myst-nb does not know. This plugin, registered in ``pyproject.toml`` under the
entry-point group ``myst_nb.mime_renderers``, turns that JSON into an HTML ``<div>`` plus the
inline ``Plotly.newPlot`` call, and asks for the locally served ``plotly.min.js`` once on
every page that has a figure. Notebooks keep plotly's defaults, so they still work live in
JupyterLab and Colab.

It is used only by the book build (myst-nb imports it); nothing in ``neurolab`` imports it.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

PLOTLY_MIME = "application/vnd.plotly.v1+json"

#: Where the book serves plotly.js, relative to the HTML ``_static`` folder
#: (``tools/vendor_js.py`` copies it to ``book/_vendor/plotly/``, which ``_config.yml``
#: lists in ``html_static_path``).
PLOTLY_JS = "plotly/plotly.min.js"

#: Height of a figure whose layout does not set one (plotly's own default).
DEFAULT_HEIGHT = 450


def figure_html(fig: dict[str, Any], div_id: str | None = None) -> str:
    """Return a responsive ``<div>`` + ``<script>`` for a plotly figure given as a dict.

    The width always follows the text column (a fixed ``layout.width`` is dropped);
    the height is the figure's own ``layout.height``, or 450 px.
    """
    import plotly.io as pio

    fig = dict(fig)
    layout = dict(fig.get("layout") or {})
    layout.pop("width", None)
    layout["autosize"] = True
    height = layout.get("height") or DEFAULT_HEIGHT
    fig["layout"] = layout
    config = dict(fig.pop("config", None) or {})
    config["responsive"] = True
    return pio.to_html(
        fig,
        config=config,
        include_plotlyjs=False,
        full_html=False,
        default_width="100%",
        default_height=f"{int(height)}px",
        validate=False,
        div_id=div_id,
    )


class PlotlyRenderer:
    """myst-nb mime-renderer plugin (see ``myst_nb.core.render.MimeRenderPlugin``)."""

    # Prefer the plotly JSON over any text/html or text/plain fallback in the same bundle.
    mime_priority_overrides = [("*", PLOTLY_MIME, 5)]

    @staticmethod
    def handle_mime(renderer, data, inline):
        if data.mime_type != PLOTLY_MIME:
            return None
        from docutils import nodes

        fig = data.content
        if isinstance(fig, (str, bytes)):
            fig = json.loads(fig)
        # a stable id keeps rebuilds byte-identical
        digest = hashlib.sha1(json.dumps(fig, sort_keys=True, default=str).encode()).hexdigest()
        div_id = f"plotly-{data.cell_index}-{data.output_index}-{digest[:8]}"
        # before require.js (ipywidgets pages): plotly.js must define window.Plotly, not an AMD module
        renderer.add_js_file("plotly", PLOTLY_JS, {"priority": 400})
        html = figure_html(fig, div_id=div_id)
        return [nodes.raw(text=html, format="html", classes=["output", "text_html", "plotly"])]
