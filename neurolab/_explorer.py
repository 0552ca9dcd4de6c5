"""The live explorer behind :func:`neurolab.interactive.explore`: one figure, updated in place.

Why plotly's ``FigureWidget`` (and not matplotlib with ipympl): a slider move re-simulates
(about a millisecond) and then only ships the new y values, as binary buffers, to a plotly
figure that already lives in the browser, which redraws it there. ipympl would redraw the
whole figure with Agg in the kernel and send a PNG on every move, and it needs
``%matplotlib widget``, which turns every later matplotlib figure of the notebook (the
chapters' static figures with their alt text) into a widget too. plotly is already the
book's interactive layer; ``FigureWidget`` needs only ``anywidget``, which JupyterLab,
Jupyter Notebook 7, VS Code and Colab load from the kernel.

The static book has no kernel, and a ``FigureWidget`` cannot be drawn from saved widget
state offline (its JavaScript would come from a CDN, and weighs 5 MB). So the explorer
starts as a static plotly figure inside an ``Output`` widget, and becomes live (the ``Output`` is swapped for a
``FigureWidget`` holding the same traces) as soon as a frontend shows it: the frontend
counts its views of the explorer (ipywidgets' ``_view_count``). Until then a slider move
redraws the static figure, so a frontend that does not count views still works, only
slower. A book build executes the notebook without a frontend (even when a cell moves a
slider), so it saves only ordinary widgets: the book shows the sliders (inert) above the
static figure.
"""
from __future__ import annotations

import hashlib
import html
import json
import sys

import ipywidgets as widgets
import numpy as np
import plotly.graph_objects as go

from .models._base import PER_AREA, Model

PLOTLY_MIME = "application/vnd.plotly.v1+json"
# units of the state variables beyond V, as the field of the model's Units that holds them
STATE_UNITS = {"w": "current", "u": "current", "G_sra": "conductance", "G_ref": "conductance",
               "th": "voltage", "e": "voltage", "q": "voltage", "r": "time"}
BUCKETS = 1000       # a drawn trace has at most 2 * BUCKETS points: one min and one max each


def decimate(n: int):
    """``(buckets, k)``: split ``n`` samples into buckets of ``k`` (None: keep every sample)."""
    if n <= 2 * BUCKETS:
        return None
    k = -(-n // BUCKETS)
    return -(-n // k), k


def min_max(y: np.ndarray, shape) -> np.ndarray:
    """Each bucket of ``y`` as its minimum and maximum, in the order they occur (spikes keep
    their full height however coarsely the trace is drawn)."""
    if shape is None:
        return y
    buckets, k = shape
    padded = np.empty(buckets * k)
    padded[:y.size] = y
    padded[y.size:] = y[-1]
    block = padded.reshape(buckets, k)
    lo_at, hi_at = block.argmin(axis=1), block.argmax(axis=1)
    rows = np.arange(buckets)
    lo, hi = block[rows, lo_at], block[rows, hi_at]
    first = lo_at <= hi_at
    out = np.empty((buckets, 2))
    out[:, 0] = np.where(first, lo, hi)
    out[:, 1] = np.where(first, hi, lo)
    return out.ravel()


def axis_range(lo: float, hi: float, current):
    """A padded ``[lo, hi]`` range that stays put while the data fit in it comfortably."""
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return current
    span = max(hi - lo, 1e-9 + 1e-3 * max(abs(lo), abs(hi)))
    if current is not None:
        c_lo, c_hi = current
        if c_lo <= lo and hi <= c_hi and span >= 0.3 * (c_hi - c_lo):
            return current
    return (lo - 0.08 * span, hi + 0.08 * span)


class Explorer(widgets.VBox):
    """Sliders, a message line and one figure; every slider move re-simulates and redraws.

    Built by :func:`neurolab.interactive.explore`. Attributes: ``kwargs_widgets`` (the
    sliders), ``message`` (an HTML widget that shows why a setting cannot be simulated),
    ``figure`` (the plotly figure: a ``FigureWidget`` once live), ``result`` (the last
    :class:`~neurolab.Result` drawn).
    """

    def __init__(self, simulate_at, sliders, title=None):
        self._simulate_at = simulate_at
        self.kwargs_widgets = list(sliders)
        self.message = widgets.HTML(layout=widgets.Layout(min_height="1.5em"))
        self.result = None
        self._ranges = {}
        self.figure = None
        first = simulate_at(self.values())      # a bad default raises here, for the author
        self.figure = self._new_figure(first, title)
        self._draw(first)
        self._static = widgets.Output()
        self._show_static()
        super().__init__(children=[*self.kwargs_widgets, self.message, self._static])
        for slider in self.kwargs_widgets:
            slider.observe(self._on_slide, names="value")
        self._view_count = 0                     # the frontend counts its views of us
        self.observe(self._on_view, names="_view_count")

    # --- state ----------------------------------------------------------------------
    @property
    def live(self) -> bool:
        return isinstance(self.figure, go.FigureWidget)

    def values(self) -> dict:
        return {slider.description: slider.value for slider in self.kwargs_widgets}

    def update(self) -> bool:
        """Re-simulate at the sliders' values and redraw; False (and a message) if it failed."""
        try:
            result = self._simulate_at(self.values())
            drawn = self.result.model.state_names
            if result.model.state_names != drawn:
                raise ValueError(f"the model's state variables changed from {drawn} to "
                                 f"{result.model.state_names}; one explorer draws one structure.")
        except Exception as err:  # noqa: BLE001  (a callback's traceback would be invisible)
            self.message.value = ('<span style="color:#b00020">Cannot simulate these values: '
                                  f'{html.escape(f"{type(err).__name__}: {err}")}</span>')
            with self.figure.batch_update():
                for trace in self.figure.data:
                    trace.opacity = 0.3
            return False
        self.message.value = ""
        self._draw(result)
        if not self.live:
            self._show_static()
        return True

    # --- drawing --------------------------------------------------------------------
    def _panels(self, result):
        model = result.model
        extra = list(model.state_names[1:])
        panels = [(f"V ({model.units.voltage})", ["V"])]
        if extra:
            label = "gating variables" if model.units is PER_AREA else ", ".join(
                f"{name} ({getattr(model.units, STATE_UNITS[name])})" if name in STATE_UNITS
                else name for name in extra)
            panels.append((label, extra))
        panels.append((f"I ({model.units.current})", ["I"]))
        return panels

    def _new_figure(self, result, title):
        from plotly.subplots import make_subplots

        panels = self._panels(result)
        heights = [0.55, 0.25, 0.2] if len(panels) == 3 else [0.75, 0.25]
        fig = make_subplots(rows=len(panels), cols=1, shared_xaxes=True, row_heights=heights,
                            vertical_spacing=0.04)
        self._shape = decimate(result.t.size)
        # a bucket's min and max are drawn at its start time
        x = result.t if self._shape is None else np.repeat(result.t[::self._shape[1]], 2)
        self._rows = []
        for row, (label, names) in enumerate(panels, start=1):
            for name in names:
                fig.add_trace(go.Scatter(x=x, y=np.zeros(x.size), mode="lines", name=name,
                                           showlegend=len(names) > 1, line=dict(width=1.3)),
                              row=row, col=1)
                self._rows.append((row, name))
            fig.update_yaxes(title_text=label, row=row, col=1)
        fig.update_xaxes(title_text=f"time ({result.model.units.time})", range=[0.0, result.t[-1]],
                         row=len(panels), col=1)
        fig.update_layout(title=title, height=520, template="plotly_white",
                          margin=dict(l=70, r=20, t=40 if title else 20, b=50), uirevision="keep",
                          legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0))
        return fig

    def _draw(self, result):
        """Put ``result``'s traces into the figure (one message to the browser when live)."""
        self.result = result
        ys = {name: min_max(result.state[name], self._shape) for name in result.model.state_names}
        current = np.asarray(result.I, dtype=float).ravel()
        ys["I"] = min_max(np.broadcast_to(current, result.t.shape) if current.size == 1 else current,
                          self._shape)
        extent = {}
        for row, name in self._rows:
            lo, hi = extent.get(row, (np.inf, -np.inf))
            extent[row] = (min(lo, np.nanmin(ys[name])), max(hi, np.nanmax(ys[name])))
        with self.figure.batch_update():
            for trace, (row, name) in zip(self.figure.data, self._rows):
                trace.y = ys[name]
                trace.opacity = 1.0
            for row, (lo, hi) in extent.items():
                new = axis_range(lo, hi, self._ranges.get(row))
                if new != self._ranges.get(row):
                    self._ranges[row] = new
                    self.figure.update_yaxes(range=list(new), row=row, col=1)

    def _show_static(self):
        """The current figure as a plain plotly output in the ``Output`` widget.

        JupyterLab draws the plotly JSON; the static book's widget manager draws the HTML
        with the page's plotly.js (see :mod:`neurolab._mime`); Colab draws HTML only."""
        from ._mime import figure_html

        snapshot = self.snapshot()
        if "google.colab" in sys.modules:
            import plotly.io as pio

            page = pio.to_html(snapshot, include_plotlyjs="cdn", full_html=False)
        else:   # offline: draw only if the page has plotly.js (a book page with a figure)
            digest = hashlib.sha1(json.dumps(snapshot, sort_keys=True).encode()).hexdigest()
            page = figure_html(snapshot, div_id=f"explorer-{digest[:12]}").replace("if (document.getElementById(",
                                                 "if (window.Plotly && document.getElementById(")
        self._static.outputs = ({"output_type": "display_data", "metadata": {},
                                 "data": {PLOTLY_MIME: snapshot, "text/html": page}},)

    def snapshot(self) -> dict:
        """The figure as plotly JSON (what the static book draws)."""
        return json.loads(go.Figure(self.figure).to_json())

    def go_live(self):
        """Swap the static figure for a ``FigureWidget`` (done once, when a frontend shows us)."""
        if not self.live:
            self.figure = go.FigureWidget(self.figure)
            self.children = [*self.kwargs_widgets, self.message, self.figure]

    def _on_view(self, change):
        if change["new"]:
            self.go_live()

    def _on_slide(self, _change):
        self.update()


def slider(name, spec, start) -> widgets.FloatSlider:
    """A float slider ``name=(min, max, step)``, starting at ``start`` (or mid-range)."""
    if not isinstance(spec, (tuple, list)) or len(spec) != 3:
        raise ValueError(f"slider {name}={spec!r} must be a tuple (min, max, step).")
    try:
        lo, hi, step = map(float, spec)
    except (TypeError, ValueError):
        raise ValueError(f"slider {name}={spec!r}: min, max and step must be numbers.") from None
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        raise ValueError(f"slider {name}=({lo:g}, {hi:g}, {step:g}) has min >= max; give "
                         f"(min, max, step) with min < max, e.g. ({min(lo, hi):g}, "
                         f"{max(lo, hi):g}, {step:g}).")
    if not (np.isfinite(step) and 0 < step <= hi - lo):
        raise ValueError(f"slider {name}=({lo:g}, {hi:g}, {step:g}) needs a step between 0 "
                         f"and max - min = {hi - lo:g}.")
    start = float(start) if isinstance(start, (int, float)) and not isinstance(start, bool) \
        else 0.5 * (lo + hi)
    return widgets.FloatSlider(value=float(np.clip(start, lo, hi)), min=lo, max=hi, step=step,
                               description=name, continuous_update=True)


def checked_model(model, where):
    """``model`` if it is a neurolab model, else a TypeError naming the function at fault."""
    if not isinstance(model, Model):
        raise TypeError(f"{where} returned {type(model).__name__}, not a neurolab model; it must "
                        "return one, e.g. models.HodgkinHuxley(g_Na=g_Na) (did it forget "
                        "`return`?).")
    return model
