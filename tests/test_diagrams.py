"""The book's schematics: each draws a real figure (schemdraw and matplotlib, no mocks)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from neurolab import diagrams  # noqa: E402


@pytest.mark.parametrize("name", diagrams.__all__)
def test_every_diagram_draws_something(name):
    fig = getattr(diagrams, name)()
    try:
        ax = fig.axes[-1]
        drawn = len(ax.lines) + len(ax.patches) + len(ax.texts) + len(ax.collections)
        assert drawn > 3, f"{name} drew almost nothing"
        fig.canvas.draw()                       # renders without error
        pixels = np.asarray(fig.canvas.buffer_rgba())[..., :3]
        assert (pixels < 200).any(), f"{name} rendered a blank image"
    finally:
        plt.close(fig)


def test_circuits_label_every_component():
    for draw, labels in ((diagrams.rc_circuit, ["$C$", "$g_L$", "$E_L$", "$I(t)$"]),
                         (diagrams.hh_circuit, ["$C$", "$E_{Na}$", "$E_K$", "$E_L$", "$g_L$", "$I(t)$"])):
        fig = draw()
        texts = {t.get_text() for t in fig.axes[0].texts}
        plt.close(fig)
        assert set(labels) <= texts, f"missing labels: {set(labels) - texts}"


def test_synapse_sketch_peaks_where_the_formula_says():
    fig = diagrams.synapse_time_course(tau_rise=0.5, tau_decay=5.0, g_max=2.0)
    line = fig.axes[1].lines[0]
    t, g = line.get_xdata(), line.get_ydata()
    plt.close(fig)
    t_peak = 0.5 * 5.0 / 4.5 * np.log(10.0)
    assert abs(g.max() - 2.0) < 1e-3 and abs(t[np.argmax(g)] - t_peak) < 0.05


def test_synapse_sketch_refuses_a_rise_slower_than_the_decay():
    with pytest.raises(ValueError, match="tau_rise"):
        diagrams.synapse_time_course(tau_rise=5.0, tau_decay=0.5)
