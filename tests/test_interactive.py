"""The live explorer: updates in place, never recompiles, shows errors instead of raising."""
import matplotlib.pyplot as plt
import numpy as np
import plotly.graph_objects as go
import pytest
from numba.core import event

import neurolab as nl
from neurolab import models, stimulus
from neurolab._explorer import PLOTLY_MIME, min_max


class CompileCounter(event.Listener):
    def __init__(self):
        self.count = 0

    def on_start(self, ev):
        self.count += 1

    def on_end(self, ev):
        pass


def hh_explorer():
    return nl.interactive.explore(
        models.HodgkinHuxley(), lambda amplitude=10.0: stimulus.step(amplitude, 10.0, 110.0),
        t_stop=150.0, g_Na=(0.0, 240.0, 5.0), amplitude=(-20.0, 60.0, 0.5))


def test_a_slider_move_updates_the_same_figure_without_compiling():
    explorer = hh_explorer()
    explorer.go_live()
    figure = explorer.figure
    assert isinstance(figure, go.FigureWidget) and figure in explorer.children
    before = np.array(figure.data[0].y)
    figures = plt.get_fignums()
    counter = CompileCounter()
    with event.install_listener("numba:compile", counter):
        explorer.kwargs_widgets[1].value = 30.0          # amplitude: fires faster
    assert counter.count == 0, "a slider move must reuse the compiled kernel"
    assert explorer.figure is figure and figure in explorer.children
    assert len(figure.data) == 5                       # V, n, m, h and the stimulus
    assert not np.allclose(figure.data[0].y, before)
    assert plt.get_fignums() == figures
    assert explorer.message.value == ""
    assert explorer.result.spike_times.size > 0


def test_the_explorer_goes_live_when_a_frontend_shows_it():
    explorer = hh_explorer()
    explorer.kwargs_widgets[1].value = 30.0            # a cell moves a slider in a book build
    assert not explorer.live                           # ... which then saves no FigureWidget
    static = explorer._static.outputs[0]["data"]       # what the static book draws
    assert static[PLOTLY_MIME] == explorer.snapshot() and static[PLOTLY_MIME]["data"][0]["name"] == "V"
    assert "Plotly.newPlot" in static["text/html"] and "<script src" not in static["text/html"]
    assert "application/vnd.jupyter.widget-view+json" in explorer._repr_mimebundle_()
    explorer._view_count = 1                           # what JupyterLab does when it draws it
    assert explorer.live and explorer.figure in explorer.children


def test_axes_are_labelled_with_units():
    explorer = nl.interactive.explore(models.AdEx(), 500.0, t_stop=200.0, b=(0.0, 200.0, 5.0))
    layout = explorer.figure.layout
    assert layout.yaxis.title.text == "V (mV)"
    assert layout.yaxis2.title.text == "w (pA)"
    assert layout.yaxis3.title.text == "I (pA)"
    assert layout.xaxis3.title.text == "time (ms)"
    assert layout.yaxis.range[0] < -60.0 < layout.yaxis.range[1]


def test_a_setting_that_cannot_be_simulated_shows_its_message():
    def neuron(g_L=10.0):
        if g_L > 50.0:
            raise ValueError(f"g_L={g_L} is too large for this demo")
        return models.LIF(g_L=g_L)

    explorer = nl.interactive.explore(neuron, 300.0, t_stop=50.0, g_L=(5.0, 100.0, 5.0))
    slider = explorer.kwargs_widgets[0]
    slider.value = 80.0
    assert "too large" in explorer.message.value and "ValueError" in explorer.message.value
    assert explorer.figure.data[0].opacity < 1.0
    slider.value = 20.0
    assert explorer.message.value == "" and explorer.figure.data[0].opacity == 1.0
    assert explorer.result.model.g_L == 20.0


def test_a_model_function_that_returns_nothing_is_named():
    def forgot_return(g_L=10.0):
        models.LIF(g_L=g_L)

    with pytest.raises(TypeError, match="model function returned NoneType"):
        nl.interactive.explore(forgot_return, 300.0, t_stop=50.0, g_L=(5.0, 100.0, 5.0))

    def sometimes(g_L=10.0):
        return models.LIF(g_L=g_L) if g_L < 50.0 else None

    explorer = nl.interactive.explore(sometimes, 300.0, t_stop=50.0, g_L=(5.0, 100.0, 5.0))
    explorer.kwargs_widgets[0].value = 60.0           # caught, shown in the widget
    assert "returned NoneType" in explorer.message.value


@pytest.mark.parametrize("spec, match", [((5.0, 1.0, 0.5), "min >= max"),
                                         ((1.0, 5.0, 0.0), "step"),
                                         ((1.0, 5.0), "must be a tuple"),
                                         (("a", 5.0, 1.0), "must be numbers")])
def test_bad_slider_specs_are_refused(spec, match):
    with pytest.raises(ValueError, match=match):
        nl.interactive.explore(models.LIF(), 300.0, t_stop=50.0, g_L=spec)


def test_slider_figure_refuses_make_traces_returning_none():
    with pytest.raises(TypeError, match=r"make_traces\(2\) returned \[None\]"):
        nl.interactive.slider_figure([1, 2], lambda a: go.Scatter(y=[a]) if a == 1 else None,
                                     label="a", xaxis_title="t (ms)", yaxis_title="V (mV)")


def test_decimation_keeps_every_spike_at_full_height():
    t = np.arange(15001) * 0.01
    v = np.where(np.abs((t % 10.0) - 5.0) < 0.02, 40.0, -65.0)    # 1-2 sample spikes
    drawn = min_max(v, (1000, 16))
    assert drawn.size == 2000 and drawn.max() == 40.0 and drawn.min() == -65.0
    assert np.sum(drawn == 40.0) >= 15


def test_import_leaves_heavy_modules_for_later():
    """`import neurolab` must stay fast (issue 16): scipy's optimize and integrate and tqdm
    are imported where they are used, not at import time (a phase-plane module and the
    progress bar once pulled them in again, 0.5 s)."""
    import subprocess
    import sys

    code = ("import sys, neurolab; heavy = [m for m in ('scipy.optimize', 'scipy.integrate', "
            "'scipy.linalg', 'tqdm') if m in sys.modules]; print(heavy); assert not heavy")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
