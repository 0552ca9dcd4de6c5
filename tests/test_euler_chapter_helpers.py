"""Facts the Euler chapter (book/euler_method.ipynb) relies on, checked from outside the code.

The chapter compares ``nl.simulate(..., method="euler")`` with a hand-written loop; these tests
compare it with the closed form of the Euler recursion instead, and check that the chapter
notebook is committed the way every chapter should be (the template the others copy).
"""

from pathlib import Path

import nbformat
import numpy as np
import pytest

import neurolab as nl
from neurolab import models, stimulus

NOTEBOOK = Path(__file__).resolve().parent.parent / "book" / "euler_method.ipynb"

INSTALL_CELL = '''# Installs neurolab when the notebook runs on its own (Colab, a fresh kernel); does nothing otherwise.
try:
    import neurolab
except ImportError:
    %pip install --quiet "neurolab-course @ git+https://github.com/neurolab-course/neurolab.git"'''


@pytest.mark.parametrize("dt", [0.1, 1.0, 5.0, 18.0])
def test_euler_matches_the_closed_form_of_the_recursion(dt):
    # With a constant current I switched on at t = 0, each Euler step multiplies the distance
    # from V_inf = E_L + I/g_L by (1 - dt/tau), so V_k = V_inf + (E_L - V_inf) (1 - dt/tau)^k.
    cell = models.PassiveMembrane(C=100.0, g_L=10.0, E_L=-70.0)
    res = nl.simulate(cell, stimulus.step(amplitude=100.0, start=0.0, stop=1e9),
                      t_stop=180.0, dt=dt, method="euler")
    k = np.arange(len(res.t))
    assert np.allclose(res.v, -60.0 + (-70.0 + 60.0) * (1 - dt / 10.0) ** k, rtol=0, atol=1e-9)


def test_euler_refuses_steps_beyond_twice_tau():
    cell = models.PassiveMembrane(C=100.0, g_L=10.0, E_L=-70.0)    # tau = 10 ms
    with pytest.raises(ValueError):
        nl.simulate(cell, stimulus.step(amplitude=100.0, start=10.0, stop=60.0),
                    t_stop=100.0, dt=25.0, method="euler")


def test_chapter_notebook_is_committed_as_a_template():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    first = nb.cells[0]
    assert first.cell_type == "code" and first.source == INSTALL_CELL
    assert "remove-cell" in first.metadata.get("tags", [])
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, "commit without outputs"
    titles = [c.source for c in nb.cells if c.cell_type == "markdown" and c.source.startswith("# ")]
    assert len(titles) == 1
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    labels = [line.split(":label:")[1].strip() for line in text.splitlines() if ":label:" in line]
    assert len(labels) >= 3 and all(label.startswith("euler-") for label in labels)
