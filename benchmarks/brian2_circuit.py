"""The book's E–I circuit in Brian2 (cython runtime), for benchmarks/networks.py.

Brian2 2.9 does not import with numpy 2.4 (neurolab's pin), so this script runs in a
separate environment that ``python3 dev.py bench`` creates as ``.venv-brian2`` from
``benchmarks/requirements-brian2.txt`` (numpy 2.2). It builds the same network as
``neurolab.circuits.izhikevich_ei(n)``: 80 % RS and 20 % FS Izhikevich (2007) cells,
AMPA (dual exponential, 0.2/2 ms, 0 mV) and GABA_A (rise 1 ms, decay 6 ms, -75 mV)
conductances normalised to peak at their weight in nS, E→E and E→I with p = 0.1 (weights 1
and 2), I→E and I→I with p = 0.2 (weights 2 and 1), 1 ms delays, no autapses, Poisson
background at 12 kHz to every E cell on AMPA; dt 0.05 ms. Each kernel is written as a
chain (the kick goes to a rise variable that feeds the conductance), which has exactly
the kernel's shape. It is the same model, not the same random numbers: the rates agree,
the spikes do not.

The step is neurolab's: exponential Euler, with the quadratic term taken at the start of
the step (``v_prev``), so that V relaxes exactly towards the synaptic reversal potentials
over the step. Forward Euler (``method="euler"``) diverges from 16 000 cells on: the FS
cells' conductance times dt / C exceeds 2, they overshoot and fire every step, and the run
takes minutes instead of seconds. Brian2's exponential Euler divides by the
conductance, so a fixed 1e-6 nS (0.06 fA at -60 mV) keeps it from being zero.

    python benchmarks/brian2_circuit.py N      # prints one JSON line: build, run, rates

The run is timed after a 10 ms run that compiles (or loads) the cython code.
"""
import json
import math
import resource
import sys
import time

import brian2 as b2


def kick(tau_rise, tau_decay):
    """Kick to the rise variable h of dg/dt = (h - g)/tau_decay, dh/dt = -h/tau_rise that
    gives g a peak of 1 (the same shape as exp(-t/tau_decay) - exp(-t/tau_rise))."""
    t_peak = tau_rise * tau_decay / (tau_decay - tau_rise) * math.log(tau_decay / tau_rise)
    peak = math.exp(-t_peak / tau_decay) - math.exp(-t_peak / tau_rise)
    return (tau_decay - tau_rise) / tau_rise / peak


# GABA_A with a = 1: (1 - e^{-t/1}) e^{-t/6} = e^{-t/6} - e^{-t/(6/7)}
TAU_GABA_RISE = 1.0 / (1.0 / 1.0 + 1.0 / 6.0)
K_AMPA, K_GABA = kick(0.2, 2.0), kick(TAU_GABA_RISE, 6.0)

EQS = """
dv/dt = (k * (v_prev - v_r) * (v_prev - v_t) - u + I_syn) / C : volt   # v_prev < v_peak (reset)
du/dt = a * (b_lin * (v - v_r) + b_cub * clip(v - v_b, 0*mV, inf*mV)**3 / mV**2 - u) : amp
I_syn = -(g_ampa + 1e-6*nS) * v - g_gaba * (v - E_gaba) : amp   # 1e-6 nS: see the top
dg_ampa/dt = (h_ampa - g_ampa) / (2.0*ms) : siemens
dh_ampa/dt = -h_ampa / (0.2*ms) : siemens
dg_gaba/dt = (h_gaba - g_gaba) / (6.0*ms) : siemens
dh_gaba/dt = -h_gaba / tau_gaba_rise : siemens
v_prev : volt
C : farad (constant)
k : siemens / volt (constant)
v_r : volt (constant)
v_t : volt (constant)
v_peak : volt (constant)
v_b : volt (constant)
a : 1 / second (constant)
b_lin : siemens (constant)
b_cub : siemens (constant)
c : volt (constant)
d : amp (constant)
"""


def build(n, seed=1):
    b2.seed(seed)
    b2.defaultclock.dt = 0.05 * b2.ms
    n_exc = int(round(0.8 * n))
    ns = {"E_gaba": -75 * b2.mV, "tau_gaba_rise": TAU_GABA_RISE * b2.ms}
    cells = b2.NeuronGroup(n, EQS, threshold="v >= v_peak", reset="v = c; u += d",
                           method="exponential_euler", namespace=ns)
    cells.run_regularly("v_prev = v", when="start")   # the quadratic term at the step's start
    E, I = cells[:n_exc], cells[n_exc:]
    # RS and FS of Izhikevich (2007): pF, nS/mV, mV, 1/ms, nS, pA
    for group, (C, k, v_r, v_t, v_peak, a, b, c, d, v_b, cubic, v0) in (
            (E, (100, 0.7, -60, -40, 35, 0.03, -2.0, -50, 100, -60, False, -60)),
            (I, (20, 1.0, -55, -40, 25, 0.2, 0.025, -45, 0, -55, True, -55))):
        group.C, group.k = C * b2.pF, k * b2.nS / b2.mV
        group.v_r, group.v_t, group.v_peak, group.v_b = v_r * b2.mV, v_t * b2.mV, v_peak * b2.mV, v_b * b2.mV
        group.a = a / b2.ms
        group.b_lin = (0.0 if cubic else b) * b2.nS        # u' = a (b (v - v_r) - u), RS
        group.b_cub = (b if cubic else 0.0) * b2.nS        # u' = a (b [v - v_b]_+^3 - u), FS
        group.c, group.d = c * b2.mV, d * b2.pA
        group.v = group.v_prev = v0 * b2.mV
    projections = []
    for pre, post, var, weight, p, K in ((E, E, "h_ampa", 1.0, 0.1, K_AMPA),
                                         (E, I, "h_ampa", 2.0, 0.1, K_AMPA),
                                         (I, E, "h_gaba", 2.0, 0.2, K_GABA),
                                         (I, I, "h_gaba", 1.0, 0.2, K_GABA)):
        syn = b2.Synapses(pre, post, on_pre=f"{var}_post += {weight * K} * nS", delay=1 * b2.ms)
        syn.connect(condition="i != j" if pre is post else None, p=p)
        projections.append(syn)
    background = b2.PoissonInput(E, "h_ampa", N=1, rate=12000 * b2.Hz, weight=f"{K_AMPA} * nS")
    spikes_E, spikes_I = b2.SpikeMonitor(E), b2.SpikeMonitor(I)
    net = b2.Network(cells, *projections, background, spikes_E, spikes_I)
    return net, spikes_E, spikes_I, n_exc


def main(n):
    b2.prefs.codegen.target = "cython"
    t0 = time.perf_counter()
    net, spikes_E, spikes_I, n_exc = build(n)
    net.run(10 * b2.ms)                                  # compiles (or loads) the code
    built = time.perf_counter() - t0
    before_E, before_I = spikes_E.num_spikes, spikes_I.num_spikes
    t0 = time.perf_counter()
    net.run(1000 * b2.ms)
    seconds = time.perf_counter() - t0
    print(json.dumps(dict(
        n=n, build=built, run=seconds,
        rate=(spikes_E.num_spikes - before_E) / n_exc,
        rate_I=(spikes_I.num_spikes - before_I) / (n - n_exc),
        synapses=int(sum(len(s) for s in net.objects if isinstance(s, b2.Synapses))),
        peak_MiB=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)))


if __name__ == "__main__":
    main(int(sys.argv[1]))
