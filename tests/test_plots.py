"""Figures are drawn with labelled axes and units; sliders switch precomputed traces."""
import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import plotly.graph_objects as go  # noqa: E402
import pytest  # noqa: E402

import neurolab as nl  # noqa: E402
from neurolab import models, stimulus  # noqa: E402


def test_trace_plot_has_units_on_every_axis():
    res = nl.simulate(models.HodgkinHuxley(), stimulus.step(10.0, 5.0, 40.0), t_stop=50.0)
    fig = res.plot(state=["m", "h", "n"])
    labels = [ax.get_ylabel() for ax in fig.axes]
    assert labels == ["V (mV)", "gating / state", "I (µA/cm²)"]
    assert fig.axes[-1].get_xlabel() == "time (ms)"
    point = nl.simulate(models.LIF(), 300.0, t_stop=50.0).plot()
    assert point.axes[-1].get_ylabel() == "I (pA)"


def test_fi_and_phase_plane_plots():
    fig = nl.plotting.plot_fi([0, 1, 2], [0, 5, 9])
    assert fig.axes[0].get_ylabel() == "firing rate (Hz)"
    fig = nl.plotting.plot_phase_plane(lambda x, y: (-x + y, -y), (-1, 1), (-1, 1))
    assert fig.axes[0].get_xlabel() == "V (mV)"


def test_slider_figure_shows_one_set_of_traces_per_step():
    fig = nl.interactive.slider_figure(
        [1, 2, 3], lambda a: [go.Scatter(x=[0, 1], y=[0, a]), go.Scatter(x=[0, 1], y=[a, 0])],
        label="a (pA)", xaxis_title="t (ms)", yaxis_title="V (mV)",
        static_traces=[go.Scatter(x=[0, 1], y=[0, 0])], active=1)
    steps = fig.layout.sliders[0].steps
    assert len(steps) == 3 and len(fig.data) == 7
    assert [t.visible for t in fig.data] == [None, False, False, True, True, False, False]
    assert steps[2].args[0]["visible"] == [True, False, False, False, False, True, True]
    assert fig.layout.xaxis.title.text == "t (ms)"
    with pytest.raises(ValueError, match="active"):
        nl.interactive.slider_figure([1], lambda a: go.Scatter(), label="", xaxis_title="",
                                     yaxis_title="", active=3)


def test_explore_builds_sliders_for_model_and_stimulus_parameters():
    w = nl.interactive.explore(models.PassiveMembrane(), lambda amplitude=50.0: stimulus.step(amplitude, 10.0, 60.0),
                               t_stop=100.0, g_L=(2.0, 50.0, 1.0), amplitude=(-200.0, 200.0, 10.0))
    names = [c.description for c in w.children if hasattr(c, "min")]
    assert names == ["g_L", "amplitude"]
    with pytest.raises(ValueError, match="neither a parameter"):
        nl.interactive.explore(models.LIF(), t_stop=10.0, tau_x=(0, 1, 0.1))


def test_explore_accepts_a_function_that_builds_the_model():
    def neuron(g_A=2.0):
        return models.ConductanceBasedNeuron(channels=(models.Channel("A", g_A, 50.0),
                                                       models.Channel("L", 0.3, -65.0)))
    w = nl.interactive.explore(neuron, 1.0, t_stop=20.0, g_A=(0.0, 5.0, 0.5))
    slider = [c for c in w.children if hasattr(c, "min")][0]
    assert slider.description == "g_A" and slider.value == 2.0


def test_trace_figure_labels():
    res = nl.simulate(models.LIF(), 300.0, t_stop=50.0)
    fig = nl.interactive.trace_figure(res)
    assert fig.layout.yaxis.title.text == "V (mV)" and fig.layout.yaxis2.title.text == "I (pA)"


def test_slider_figure_stores_traces_as_float32():
    t = np.linspace(0.0, 100.0, 1001)
    fig = nl.interactive.slider_figure([1.0, 2.0], lambda a: go.Scatter(x=t, y=a * t), label="a",
                                       xaxis_title="t (ms)", yaxis_title="V (mV)")
    assert all(trace.y.dtype == np.float32 and trace.x.dtype == np.float32 for trace in fig.data)
    assert '"dtype":"f4"' in fig.to_json()
