"""Synapses: kernels against their formulas, ODE form against kernel, sign convention,
and a synaptic potential against an independent solve_ivp reference."""
import math

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from neurolab import models, synapses as S
from neurolab.network import synaptic_drive

ALL = [S.Exponential(tau=4.0), S.Alpha(tau=3.0), S.DualExponential(tau_rise=0.7, tau_decay=9.0),
       S.RiseDecay(a=1.0, tau_rise=1.0, tau_fast=6.0),
       S.RiseDecay(a=0.4, tau_rise=2.0, tau_fast=10.0, tau_slow=80.0),
       S.AMPA, S.NMDA, S.GABA_A, S.GABA_B]


def peak_formula(syn):
    """t_peak written out from the formulas (independent of the classes' code)."""
    if isinstance(syn, S.Exponential):
        return 0.0
    if isinstance(syn, S.Alpha):
        return syn.tau
    if isinstance(syn, S.DualExponential):
        r, d = syn.tau_rise, syn.tau_decay
        return r * d / (d - r) * math.log(d / r)
    if syn.a == 1.0:
        return syn.tau_rise * math.log(1 + syn.tau_fast / syn.tau_rise)
    t = np.linspace(0, 10 * syn.tau_slow, 2_000_001)      # brute force on a fine grid
    g = (1 - np.exp(-t / syn.tau_rise)) * (syn.a * np.exp(-t / syn.tau_fast)
                                           + (1 - syn.a) * np.exp(-t / syn.tau_slow))
    return t[np.argmax(g)]


@pytest.mark.parametrize("syn", ALL, ids=lambda s: f"{type(s).__name__}")
def test_peak_time_and_value_match_the_formulas(syn):
    expected = peak_formula(syn)
    assert syn.peak_time == pytest.approx(expected, rel=1e-3, abs=1e-9)
    assert syn.conductance(syn.peak_time) == pytest.approx(syn.g_max, rel=1e-12)
    t = np.linspace(0, 20 * max(syn.peak_time, 1.0), 400_001)
    assert syn.conductance(t).max() <= syn.g_max * (1 + 1e-12)


@pytest.mark.parametrize("syn", ALL, ids=lambda s: f"{type(s).__name__}")
def test_simulated_peak_matches_the_formula(syn):
    """The ODE form on the engine peaks where and as high as the formula says."""
    dt = 0.001
    t_stop = np.ceil((1.0 + 3 * max(syn.peak_time, 0.5)) / dt) * dt     # a whole number of steps
    res = synaptic_drive(models.PassiveMembrane(), [(syn, [1.0])], t_stop=t_stop, dt=dt)
    g = list(res.g.values())[0]
    k = int(np.argmax(g))
    if syn.peak_time > 0:         # parabola through the three samples around the maximum
        a, b, c = g[k - 1], g[k], g[k + 1]
        shift = 0.5 * (a - c) / (a - 2 * b + c)
        t_peak, g_peak = res.t[k] + shift * dt, b - 0.25 * (a - c) * shift
    else:
        t_peak, g_peak = res.t[k], g[k]
    assert t_peak - 1.0 == pytest.approx(peak_formula(syn), rel=1e-3, abs=1e-9)
    assert g_peak == pytest.approx(syn.g_max, rel=1e-3)


@pytest.mark.parametrize("syn", ALL, ids=lambda s: f"{type(s).__name__}")
def test_ode_form_agrees_with_the_kernel(syn):
    A, jump, readout = syn.ode()
    from scipy.linalg import expm
    t = np.linspace(0.0, 300.0, 301)
    ode = np.array([readout @ expm(A * ti) @ jump for ti in t])
    np.testing.assert_allclose(ode, syn.conductance(t), rtol=0, atol=1e-6 * syn.g_max)


@pytest.mark.parametrize("syn", ALL, ids=lambda s: f"{type(s).__name__}")
def test_engine_conductance_is_the_superposed_kernel(syn):
    dt = 0.1
    spikes = np.array([2.0, 7.3, 7.3, 30.0, 31.0])        # on the grid, one double spike
    weights = 0.5
    res = synaptic_drive(models.PassiveMembrane(), [(syn, spikes, weights)], t_stop=150.0, dt=dt)
    g = list(res.g.values())[0]
    expected = S.conductance(syn, spikes, res.t, weights=weights)
    np.testing.assert_allclose(g, expected, rtol=1e-6, atol=1e-9)


def test_mg_block_is_jahr_stevens():
    assert S.mg_block(0.0) == pytest.approx(1 / (1 + 1 / 3.57))
    assert S.mg_block(-80.0, Mg=2.0) == pytest.approx(1 / (1 + 2 / 3.57 * math.exp(0.062 * 80)))
    assert S.mg_block(-100.0) < 0.01 < 0.9 < S.mg_block(40.0)
    assert S.NMDA.block(-70.0) == pytest.approx(S.mg_block(-70.0, 1.0))
    assert S.AMPA.block(-70.0) == 1.0


def test_sign_convention():
    """I_syn = g (V - E_rev) is outward positive; a synapse pulls V towards E_rev."""
    assert S.AMPA.current(2.0, -70.0) == pytest.approx(2.0 * -70.0)     # inward: depolarises
    assert S.GABA_A.current(2.0, -60.0) == pytest.approx(2.0 * (-60.0 + 75.0))
    cell = models.PassiveMembrane()                                     # rests at -70 mV
    for syn, direction in ((S.AMPA, +1), (S.GABA_A, -1), (S.GABA_A.replace(E_rev=-55.0), +1),
                           (S.GABA_A.replace(E_rev=-70.0), 0)):
        res = synaptic_drive(cell, [(syn.replace(g_max=5.0), [5.0])], t_stop=60.0)
        change = res.v - cell.E_L
        if direction == 0:                 # shunting: no change at rest
            assert np.max(np.abs(change)) < 1e-9
        else:
            assert direction * change[np.argmax(np.abs(change))] > 0.5
        np.testing.assert_allclose(res.I_syn, res.g[list(res.g)[0]] * (res.v - syn.E_rev), atol=1e-9)


def test_psp_matches_an_independent_reference():
    """A conductance EPSP on a passive membrane against solve_ivp with the analytic g(t)."""
    cell, syn, t_spike = models.PassiveMembrane(), S.AMPA.replace(g_max=3.0), 5.0
    res = synaptic_drive(cell, [(syn, [t_spike])], t_stop=60.0, dt=0.01, method="exp_euler")

    def rhs(t, V):
        return [(-cell.g_L * (V[0] - cell.E_L) - syn.conductance(t - t_spike) * (V[0] - syn.E_rev)) / cell.C]
    ref = solve_ivp(rhs, (0, 60.0), [cell.E_L], t_eval=res.t, rtol=1e-10, atol=1e-12, max_step=0.01)
    peak = np.max(ref.y[0] - cell.E_L)
    assert 0.5 < peak < 5.0
    assert np.max(np.abs(res.v - ref.y[0])) < 0.01 * peak


def test_current_based_sums_linearly_conductance_based_does_not():
    cell = models.PassiveMembrane()
    cond = S.AMPA.replace(g_max=20.0)
    curr = cond.current_based(cell.E_L)
    for syn, linear in ((curr, True), (cond, False)):
        one = synaptic_drive(cell, [(syn, [5.0])], t_stop=50.0).v - cell.E_L
        two = synaptic_drive(cell, [(syn, [5.0], 4.0)], t_stop=50.0).v - cell.E_L
        ratio = two.max() / one.max()
        if linear:
            assert ratio == pytest.approx(4.0, rel=1e-9)
        else:
            assert ratio < 3.8


def test_spike_trains():
    np.testing.assert_allclose(S.regular_train(50.0, 100.0, start=10.0), [10, 30, 50, 70, 90])
    a = S.poisson_train(20.0, 50_000.0, seed=3)
    assert np.array_equal(a, S.poisson_train(20.0, 50_000.0, seed=3))
    assert a.size == pytest.approx(1000, abs=5 * math.sqrt(1000))
    assert np.all(np.diff(a) >= 0)
    trains = S.poisson_train(20.0, 1000.0, seed=3, n=4)
    assert len(trains) == 4 and not np.array_equal(trains[0], trains[1])


@pytest.mark.parametrize("make, message", [
    (lambda: S.Exponential(tau=-1.0), "tau"),
    (lambda: S.DualExponential(tau_rise=5.0, tau_decay=2.0), "tau_rise"),
    (lambda: S.RiseDecay(a=1.5), "fraction"),
    (lambda: S.AMPA.replace(g_max=1e-9), "siemens"),
    (lambda: S.AMPA.replace(E_rev=0.07), "volts"),
    (lambda: S.NMDA.replace(Mg=-1.0), "magnesium"),
    (lambda: S.poisson_train(10.0, 100.0, seed=None), "seed"),
])
def test_bad_input_is_explained(make, message):
    with pytest.raises(ValueError, match=message):
        make()
