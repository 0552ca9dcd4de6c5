"""Figures that move: plotly sliders for the static book, ipywidgets for live notebooks.

* :func:`slider_figure` precomputes one set of traces per slider value; the slider only
  switches which set is visible, so it works in a static HTML page with no kernel.
* :func:`trace_figure` is the plotly counterpart of :meth:`~neurolab.Result.plot`.
* :func:`explore` re-simulates while a slider moves and updates one figure in place
  (needs a running kernel; the design is explained in ``neurolab/_explorer.py``).
"""
from __future__ import annotations

import dataclasses
import inspect

import numpy as np
import plotly.graph_objects as go
from plotly.basedatatypes import BaseTraceType

from .models._base import Model


def _layout(fig, xaxis_title, yaxis_title, title):
    fig.update_layout(title=title, xaxis_title=xaxis_title, yaxis_title=yaxis_title,
                      autosize=True, height=450, margin=dict(l=60, r=20, t=50 if title else 20, b=50),
                      template="plotly_white",
                      legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0))


def slider_figure(values, make_traces, *, label, xaxis_title, yaxis_title, title=None,
                  static_traces=None, active=0, value_format="{:g}") -> go.Figure:
    """A plotly figure with a slider over precomputed traces.

    Parameters
    ----------
    values : sequence of float
        The slider positions.
    make_traces : callable
        ``make_traces(value)`` returns a plotly trace or a list of traces for that value.
    label : str
        Slider label, with units (e.g. ``"dt (ms)"``).
    xaxis_title, yaxis_title : str
        Axis titles, with units.
    static_traces : list of go.Scatter, optional
        Traces shown at every slider position (e.g. an exact solution).
    active : int
        Index of the value shown first.

    Notes
    -----
    Every trace is saved in the page, so the data of array-valued traces are stored as
    float32: half the weight of float64, and far more precision than a plot can show.
    """
    values = list(values)
    if not values:
        raise ValueError("slider_figure needs at least one value.")
    if not 0 <= active < len(values):
        raise ValueError(f"active={active} is not an index into the {len(values)} values.")
    fig = go.Figure()
    static = list(static_traces or [])
    for trace in static:
        fig.add_trace(trace)
    owner = []
    for i, value in enumerate(values):
        traces = make_traces(value)
        traces = list(traces) if isinstance(traces, (list, tuple)) else [traces]
        if not traces or not all(isinstance(trace, BaseTraceType) for trace in traces):
            raise TypeError(f"make_traces({value!r}) returned {traces!r}; it must return a plotly "
                            "trace (e.g. go.Scatter(x=t, y=v)) or a non-empty list of traces "
                            "(did it forget `return`?).")
        for trace in traces:
            trace.visible = i == active
            fig.add_trace(trace)
            owner.append(i)
    steps = []
    for i, value in enumerate(values):
        visible = [True] * len(static) + [o == i for o in owner]
        steps.append(dict(method="update", args=[{"visible": visible}],
                          label=value_format.format(value)))
    fig.update_layout(sliders=[dict(active=active, steps=steps, pad=dict(t=50),
                                    currentvalue=dict(prefix=f"{label} = "))])
    _layout(fig, xaxis_title, yaxis_title, title)
    for trace in fig.data:
        for axis in ("x", "y"):
            data = getattr(trace, axis, None)
            if isinstance(data, np.ndarray) and data.dtype == np.float64:
                trace[axis] = data.astype(np.float32)
    return fig


def trace_figure(result, *, title=None) -> go.Figure:
    """Membrane potential (top) and injected current (bottom) of a Result, in plotly."""
    from plotly.subplots import make_subplots

    model = result.model[0] if result.batched else result.model
    units = model.units
    runs = [result[i] for i in range(len(result))] if result.batched else [result]
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.75, 0.25],
                        vertical_spacing=0.05)
    for k, run in enumerate(runs):
        fig.add_trace(go.Scatter(x=run.t, y=run.v, mode="lines", name=f"V, run {k}" if result.batched else "V",
                                 line=dict(width=1.2)), row=1, col=1)
        fig.add_trace(go.Scatter(x=run.t, y=run.I, mode="lines", showlegend=False,
                                 line=dict(width=1, color="gray")), row=2, col=1)
    _layout(fig, None, None, title)
    fig.update_yaxes(title_text=f"V ({units.voltage})", row=1, col=1)
    fig.update_yaxes(title_text=f"I ({units.current})", row=2, col=1)
    fig.update_xaxes(title_text=f"time ({units.time})", row=2, col=1)
    return fig


def explore(model, stimulus=None, *, t_stop, dt=None, method=None, title=None, **sliders):
    """A live explorer: sliders that re-simulate ``model`` and update one figure in place.

    The figure shows V, the other state variables (the gates of a conductance-based
    model) and the stimulus. A slider move re-simulates (the kernel is compiled once) and
    sends only the new traces to the figure, which stays where it is. A setting that cannot
    be simulated (e.g. too coarse a step for a fast model) shows its reason above the figure.

    Parameters
    ----------
    model : Model or callable
        The starting model, or a function whose keyword arguments are sliders and that
        returns a model (e.g. ``lambda g_A=20.0: build_neuron(g_A)`` for a model made
        of channels).
    stimulus : Stimulus, number or callable, optional
        Either a fixed stimulus, or a function whose keyword arguments are sliders
        (e.g. ``lambda amplitude: stimulus.step(amplitude, 10, 60)``).
    t_stop, dt, method
        As in :func:`neurolab.simulate`.
    title : str, optional
        Figure title.
    **sliders
        ``name=(min, max, step)``. Names that are fields of the model (or arguments of
        the model function) vary the model and start at the model's value (the
        function's default); the others are passed to ``stimulus`` and start at that
        function's default for them (or mid-range if it has none).

    Returns
    -------
    ipywidgets.VBox
        The explorer (``kwargs_widgets`` holds its sliders); display it (make it the last
        expression of a cell). In the static book it shows its first figure.
    """
    from ._explorer import Explorer, checked_model, slider
    from .simulate import simulate

    def arguments(fn):
        return {name: p.default for name, p in inspect.signature(fn).parameters.items()}

    if isinstance(model, Model):
        fields = {f.name: getattr(model, f.name) for f in dataclasses.fields(model)}

        def make_model(**values):
            return dataclasses.replace(model, **values)
    elif callable(model):
        fields = arguments(model)

        def make_model(**values):
            return checked_model(model(**values), "the model function")
    else:
        raise TypeError(f"model must be a neurolab model or a function returning one, "
                        f"not {type(model).__name__}.")
    stim_params = {}
    if callable(stimulus) and not hasattr(stimulus, "sample"):
        stim_params = arguments(stimulus)
    controls = []
    for name, spec in sliders.items():
        if name not in fields and name not in stim_params:
            raise ValueError(f"slider {name!r} is neither a parameter of the model "
                             f"({', '.join(sorted(fields))}) nor an argument of the stimulus function.")
        controls.append(slider(name, spec, fields.get(name, stim_params.get(name))))

    def simulate_at(values):
        cell = make_model(**{k: v for k, v in values.items() if k in fields})
        if stim_params:
            current = stimulus(**{k: v for k, v in values.items() if k in stim_params})
        else:
            current = 0.0 if stimulus is None else stimulus
        return simulate(cell, current, t_stop, dt, method)

    return Explorer(simulate_at, controls, title=title)
