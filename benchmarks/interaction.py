"""What a student feels: the explorer's slider moves, and the time ``import neurolab`` takes.

* Explorer: in a real Jupyter kernel (the widget messages are built, serialised and sent
  as in a notebook; no browser draws them), the median time of one slider move of the HH
  and AdEx explorers of the book, simulation and figure update together, beside the
  simulation alone (the warm re-simulation).
* Import: ``import neurolab`` after numpy, numba, matplotlib and plotly (median of fresh
  processes), and the largest parts of ``python -X importtime -c "import neurolab"``.

    python benchmarks/interaction.py
"""
from __future__ import annotations

import json
import re
import statistics
import subprocess
import sys

MOVES = 40

# Runs in the kernel: the chapters' explorers, each moved back and forth MOVES times.
EXPLORER_CELL = '''\
import json, statistics, time
import neurolab as nl
from neurolab import models, stimulus

cases = {{
    "HH, 150 ms (g_Na slider)": (nl.interactive.explore(
        models.HodgkinHuxley(), lambda amplitude=10.0: stimulus.step(amplitude, 10.0, 110.0),
        t_stop=150.0, g_Na=(0.0, 240.0, 5.0), amplitude=(-20.0, 60.0, 0.5)), (115.0, 125.0)),
    "AdEx, 500 ms (b slider)": (nl.interactive.explore(
        models.AdEx(), lambda amplitude=800.0: stimulus.step(amplitude, 50.0, 450.0),
        t_stop=500.0, b=(0.0, 200.0, 5.0), amplitude=(0.0, 1500.0, 10.0)), (60.0, 70.0)),
}}
out = {{}}
for name, (explorer, values) in cases.items():
    explorer.go_live()                  # as when JupyterLab shows it
    slider = explorer.kwargs_widgets[0]
    move, simulate = [], []
    for i in range({moves}):
        start = time.perf_counter()
        slider.value = values[i % 2]
        move.append(time.perf_counter() - start)
        assert explorer.message.value == "", explorer.message.value
        start = time.perf_counter()
        explorer._simulate_at(explorer.values())
        simulate.append(time.perf_counter() - start)
    out[name] = (statistics.median(move[2:]), statistics.median(simulate[2:]))
print(json.dumps(out))
'''


def explorer_times() -> dict:
    """{case: (slider move incl. redraw, simulation alone)} in seconds, from a real kernel."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell(EXPLORER_CELL.format(moves=MOVES)))
    NotebookClient(nb, timeout=600, kernel_name="python3").execute()
    return json.loads(nb.cells[0].outputs[-1]["text"])


IMPORT = ("import time; import numpy, numba, matplotlib, plotly; t = time.perf_counter(); "
          "import neurolab; print(time.perf_counter() - t)")


def import_time(repeats: int = 5) -> float:
    runs = [float(subprocess.run([sys.executable, "-c", IMPORT], capture_output=True, text=True,
                                 check=True).stdout) for _ in range(repeats)]
    return statistics.median(runs)


def import_parts(top: int = 8) -> list[tuple[str, float]]:
    """The modules that ``import neurolab`` itself spends the most time in (own time, s),
    with numpy, numba, matplotlib and plotly imported before."""
    err = subprocess.run([sys.executable, "-X", "importtime", "-c",
                          "import numpy, numba, matplotlib, plotly; import neurolab"],
                         capture_output=True, text=True, check=True).stderr
    lines = err.splitlines()
    start = max(i for i, line in enumerate(lines) if re.search(r"\|\s*plotly$", line)) + 1
    parts = []
    for line in lines[start:]:
        match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)", line)
        if match:
            parts.append((match.group(4), int(match.group(1)) * 1e-6, int(match.group(2)) * 1e-6))
    total = next(cum for name, _, cum in reversed(parts) if name == "neurolab")
    own = sorted(((name, t) for name, t, _ in parts), key=lambda p: -p[1])[:top]
    return [("import neurolab, total", total)] + own


def main() -> bool:
    ok = True
    print(f"{'explorer: one slider move, in a kernel':<50} {'simulate':>10} {'+ redraw':>10} "
          f"{'redraw share':>13}  target")
    for name, (move, sim) in explorer_times().items():
        passed = move < 0.020
        ok &= passed
        print(f"{name:<50} {sim * 1e3:8.2f}ms {move * 1e3:8.2f}ms {1 - sim / move:12.0%}  "
              f"< 20 ms per move: {'met' if passed else 'NOT MET'}")
    t_import = import_time()
    passed = t_import < 0.1
    ok &= passed
    print(f"{'import neurolab (after numpy, numba, mpl, plotly)':<50} {'':>10} "
          f"{t_import * 1e3:8.0f}ms {'':>13}  well under 200 ms (< 100 ms): "
          f"{'met' if passed else 'NOT MET'}")
    print("  largest parts (python -X importtime, own time):")
    for name, seconds in import_parts():
        print(f"    {name:<46} {seconds * 1e3:8.1f}ms")
    return ok


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
