"""Speed of neurolab against per-step Python loops written the way the course notes write them.

Run with ``python3 dev.py bench`` (or ``make bench``). It prints, side by side in one run,
the median time of each workload and the ratio loop / neurolab, and checks them against
the targets of the project. The HH loop appears twice: as the notes write it (each rate
evaluated several times per step) and tidied (each rate once), so both ratios are honest.
Then what a student feels: explorer slider moves and import time (``interaction.py``), and
the compilation each chapter waits for on a cold cache (``cold_start.py``, which runs every
chapter: a few minutes); then the network benchmarks of ``networks.py`` (COBA against NEST,
the E-I circuit from 1k to 20k cells). Kernels are warmed up first (compilation or cache
load is measured separately as the cold start, in a fresh process).
"""
from __future__ import annotations

import statistics
import subprocess
import sys
import time

import numpy as np

import cold_start
import interaction
import neurolab as nl
from neurolab import models


def median_time(fn, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


# --- the course notes' style: one Python iteration per time step, numpy scalars ----------
# HH as the notes' build-up writes it (004, neuron_func_7): steady states and time
# constants as small functions of the depolarisation, each calling the alpha/beta rates.
def _alpha_n(u): return 0.01 * (10.0 - u) / (np.exp((10.0 - u) / 10.0) - 1.0)   # noqa: E704
def _beta_n(u): return 0.125 * np.exp(-u / 80.0)                                 # noqa: E704
def _alpha_m(u): return 0.1 * (25.0 - u) / (np.exp((25.0 - u) / 10.0) - 1.0)    # noqa: E704
def _beta_m(u): return 4.0 * np.exp(-u / 18.0)                                   # noqa: E704
def _alpha_h(u): return 0.07 * np.exp(-u / 20.0)                                 # noqa: E704
def _beta_h(u): return 1.0 / (np.exp((30.0 - u) / 10.0) + 1.0)                  # noqa: E704
def _x_inf(a, b, u): return a(u) / (a(u) + b(u))                                  # noqa: E704
def _x_tau(a, b, u): return 1.0 / (a(u) + b(u))                                   # noqa: E704


def hh_loop(I_amp=10.0, t_stop=200.0, dt=0.01):
    t = np.arange(0.0, t_stop + dt / 2, dt)
    nt = t.size
    I = np.full(nt, I_amp)
    v, n, m, h = (np.zeros(nt) for _ in range(4))
    vr = -65.0
    v[0] = vr
    n[0], m[0], h[0] = (_x_inf(a, b, 0.0) for a, b in
                        ((_alpha_n, _beta_n), (_alpha_m, _beta_m), (_alpha_h, _beta_h)))
    E_k, E_na, E_leak = -12.0 + vr, 115.0 + vr, 10.613 + vr
    for i in range(1, nt):
        step = t[i] - t[i - 1]
        u = v[i - 1] - vr
        I_k = 36.0 * n[i - 1] ** 4 * (v[i - 1] - E_k)
        I_na = 120.0 * m[i - 1] ** 3 * h[i - 1] * (v[i - 1] - E_na)
        I_leak = 0.3 * (v[i - 1] - E_leak)
        v[i] = v[i - 1] + step * (I[i - 1] - (I_k + I_na + I_leak)) / 1.0
        n[i] = n[i - 1] + step * (_x_inf(_alpha_n, _beta_n, u) - n[i - 1]) / _x_tau(_alpha_n, _beta_n, u)
        m[i] = m[i - 1] + step * (_x_inf(_alpha_m, _beta_m, u) - m[i - 1]) / _x_tau(_alpha_m, _beta_m, u)
        h[i] = h[i - 1] + step * (_x_inf(_alpha_h, _beta_h, u) - h[i - 1]) / _x_tau(_alpha_h, _beta_h, u)
    return v


def hh_loop_tidy(I_amp=10.0, t_stop=200.0, dt=0.01):
    """The same loop, in the same numpy style, but tidy: each alpha and beta is computed once
    per step (the notes' loop above evaluates each gate's alpha three times and its beta twice:
    in x_inf and in x_tau). That is the only difference, so the two ratios show what the
    recomputation costs."""
    t = np.arange(0.0, t_stop + dt / 2, dt)
    nt = t.size
    I = np.full(nt, I_amp)
    v, n, m, h = (np.zeros(nt) for _ in range(4))
    vr = -65.0
    v[0] = vr
    n[0], m[0], h[0] = (_x_inf(a, b, 0.0) for a, b in
                        ((_alpha_n, _beta_n), (_alpha_m, _beta_m), (_alpha_h, _beta_h)))
    E_k, E_na, E_leak = -12.0 + vr, 115.0 + vr, 10.613 + vr
    for i in range(1, nt):
        step = t[i] - t[i - 1]
        u = v[i - 1] - vr
        a_n, b_n = _alpha_n(u), _beta_n(u)
        a_m, b_m = _alpha_m(u), _beta_m(u)
        a_h, b_h = _alpha_h(u), _beta_h(u)
        I_k = 36.0 * n[i - 1] ** 4 * (v[i - 1] - E_k)
        I_na = 120.0 * m[i - 1] ** 3 * h[i - 1] * (v[i - 1] - E_na)
        I_leak = 0.3 * (v[i - 1] - E_leak)
        v[i] = v[i - 1] + step * (I[i - 1] - (I_k + I_na + I_leak)) / 1.0
        n[i] = n[i - 1] + step * (a_n * (1.0 - n[i - 1]) - b_n * n[i - 1])
        m[i] = m[i - 1] + step * (a_m * (1.0 - m[i - 1]) - b_m * m[i - 1])
        h[i] = h[i - 1] + step * (a_h * (1.0 - h[i - 1]) - b_h * h[i - 1])
    return v


class _LoopLIF:
    """The notes' LIF simulator (002): a dvdt method called once per step, noise added to V."""

    def __init__(self, dt, times, I, C=100.0, g_L=10.0, E_L=-70.0, V_th=-50.0, V_reset=-65.0,
                 noise_sigma=0.0):
        self.dt, self.times, self.I = dt, times, I
        self.C, self.g_L, self.E_L, self.V_th, self.V_reset = C, g_L, E_L, V_th, V_reset
        self.V = np.zeros_like(times)
        self.V[0] = E_L
        self.noises = np.random.default_rng(0).normal(size=times.shape) * noise_sigma * np.sqrt(dt)
        self.num_fire = 0

    def dvdt(self, V, I):
        return (-self.g_L * (V - self.E_L) + I) / self.C

    def simulate(self):
        for i in range(1, len(self.times)):
            V_new = self.V[i - 1] + self.dvdt(self.V[i - 1], self.I[i - 1]) * self.dt
            V_new = V_new + self.noises[i]
            if V_new > self.V_th:
                V_new = self.V_reset
                self.num_fire += 1
            self.V[i] = V_new

    @property
    def fire_rate(self):
        return self.num_fire / (self.times[-1] - self.times[0]) * 1000.0


def lif_fi_loop(currents, t_stop=200.0, dt=0.01):
    times = np.arange(0.0, t_stop + dt / 2, dt)
    rates = []
    for I in currents:
        cell = _LoopLIF(dt, times, np.ones_like(times) * I)
        cell.simulate()
        rates.append(cell.fire_rate)
    return np.array(rates)


def ei_network():
    """The circuit of the chapter "A small cortical circuit": 800 RS + 200 FS cells."""
    from neurolab import circuits

    return circuits.izhikevich_ei(1000, seed=1)


COLD_START = ("import time; t = time.perf_counter(); import neurolab as nl; "
              "nl.simulate(nl.models.HodgkinHuxley(), 10.0, t_stop=200.0, dt=0.01); "
              "print(time.perf_counter() - t)")


def main() -> int:
    hh = models.HodgkinHuxley()
    lif = models.LIF(t_ref=0.0)
    currents = np.linspace(0.0, 500.0, 80)
    nl.simulate(hh, 10.0, t_stop=200.0, dt=0.01)                        # warm up
    nl.fi_curve(lif, currents, t_stop=200.0, dt=0.01, method="euler")

    rows = []
    t_nl = median_time(lambda: nl.simulate(hh, 10.0, t_stop=200.0, dt=0.01), 50)
    t_loop = median_time(hh_loop, 3)
    loop_rate = 1000.0 / np.mean(np.diff(nl.analysis.spike_times(np.arange(hh_loop().size) * 0.01, hh_loop())[-4:]))
    fast_rate = nl.simulate(hh, 10.0, t_stop=200.0, dt=0.01).steady_rate()
    assert abs(loop_rate - fast_rate) < 1.0, (loop_rate, fast_rate)        # same model, same answer
    rows.append(("HH, 1 neuron, 200 ms, dt 0.01 ms", t_loop, t_nl, t_loop / t_nl >= 100 and t_nl <= 2e-3,
                 "≤ 2 ms and ≥ 100×"))
    t_tidy = median_time(hh_loop_tidy, 3)
    assert np.max(np.abs(hh_loop_tidy() - hh_loop())) < 1e-6                # the same loop, tidied
    rows.append(("  the same loop, each rate once per step", t_tidy, t_nl, t_tidy / t_nl >= 30,
                 "≥ 30×"))
    t_nl = median_time(lambda: nl.fi_curve(lif, currents, t_stop=200.0, dt=0.01, method="euler"), 20)
    t_loop = median_time(lambda: lif_fi_loop(currents), 1)
    same = nl.fi_curve(lif, currents, t_stop=200.0, dt=0.01, method="euler")
    assert np.max(np.abs(lif_fi_loop(currents[::8]) - same[::8])) <= 5.0    # within one spike in 200 ms
    rows.append(("LIF f–I, 80 currents × 200 ms, dt 0.01 ms", t_loop, t_nl, t_loop / t_nl >= 200,
                 "≥ 200×"))
    t_nl = median_time(lambda: nl.simulate(models.PassiveMembrane(), 100.0, t_stop=100.0, dt=0.1), 50)
    rows.append(("slider re-simulation: passive, 100 ms, dt 0.1 ms", float("nan"), t_nl, t_nl < 0.05,
                 "< 50 ms"))
    net = ei_network()
    net.run(50.0, dt=0.05)                                              # warm up
    t_net = median_time(lambda: net.run(1000.0, dt=0.05), 3)
    rows.append(("E–I network, 1000 Izhikevich cells, 1 s, dt 0.05", float("nan"), t_net,
                 t_net < 5.0, "a few s on one core (< 5 s)"))
    cold = [float(subprocess.run([sys.executable, "-c", COLD_START], capture_output=True,
                                 text=True, check=True).stdout) for _ in range(3)]
    t_cold = statistics.median(cold)

    print(f"{'workload':<50} {'loop':>10} {'neurolab':>10} {'ratio':>8}  target")
    ok = True
    for name, loop, fast, passed, target in rows:
        ratio = "" if np.isnan(loop) else f"{loop / fast:7.0f}×"
        loop_text = "" if np.isnan(loop) else f"{loop * 1e3:8.1f}ms"
        print(f"{name:<50} {loop_text:>10} {fast * 1e3:8.2f}ms {ratio:>8}  {target}: "
              f"{'met' if passed else 'NOT MET'}")
        ok &= passed
    print(f"{'cold start (fresh process: import + first HH run)':<50} {'':>10} {t_cold * 1e3:8.0f}ms "
          f"{'':>8}  < 1500 ms: {'met' if t_cold < 1.5 else 'NOT MET'}")
    ok &= t_cold < 1.5
    print()
    ok &= interaction.main()        # slider moves (simulate + redraw) and import time
    print()
    worst = max(row["compile"] for row in cold_start.main([]))
    print(f"{'worst chapter, compiling on a cold cache':<40} {worst:9.1f}s  < 10 s: "
          f"{'met' if worst < 10.0 else 'NOT MET'}")
    ok &= worst < 10.0
    print()
    # networks: COBA against NEST, the E–I circuit from 1k to 20k cells (benchmarks/networks.py)
    import networks

    ok &= networks.main() == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
