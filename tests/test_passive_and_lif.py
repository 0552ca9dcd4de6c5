"""Passive membrane and LIF against their exact solutions and analytic rates."""
import numpy as np
import pytest

import neurolab as nl
from neurolab import models, stimulus


def exact_passive(cell, I, t):
    """V(t) from rest under a constant current I: E_L + I/g_L (1 - exp(-t/tau))."""
    return cell.E_L + I / cell.g_L * (1 - np.exp(-t / cell.tau))


@pytest.mark.parametrize("method", ["euler", "exp_euler", "rk4"])
def test_passive_membrane_settles_at_E_L_plus_I_over_g_L(method):
    cell = models.PassiveMembrane(C=100.0, g_L=10.0, E_L=-70.0)
    res = nl.simulate(cell, 100.0, t_stop=200.0, dt=0.05, method=method)
    assert res.v[-1] == pytest.approx(-60.0, abs=1e-6)


def test_passive_rk4_matches_exact_solution_to_1e_6():
    cell = models.PassiveMembrane()
    res = nl.simulate(cell, 150.0, t_stop=50.0, dt=0.1, method="rk4")
    exact = exact_passive(cell, 150.0, res.t)
    assert np.max(np.abs(res.v - exact) / np.abs(exact)) < 1e-6


def test_passive_exp_euler_is_exact_for_a_step():
    cell = models.PassiveMembrane()
    res = nl.simulate(cell, 150.0, t_stop=50.0, dt=2.0, method="exp_euler")
    assert np.allclose(res.v, exact_passive(cell, 150.0, res.t), rtol=0, atol=1e-10)


@pytest.mark.parametrize("method, order", [("euler", 1), ("rk4", 4)])
def test_convergence_order(method, order):
    cell = models.PassiveMembrane()
    dts = np.array([0.25, 0.5, 1.0, 2.0])
    errors = []
    for dt in dts:
        res = nl.simulate(cell, 100.0, t_stop=20.0, dt=dt, method=method)
        errors.append(np.max(np.abs(res.v - exact_passive(cell, 100.0, res.t))))
    slope = np.polyfit(np.log(dts), np.log(errors), 1)[0]
    assert slope == pytest.approx(order, abs=0.15)


def test_passive_response_to_a_negative_step_has_time_constant_tau():
    cell = models.PassiveMembrane(C=200.0, g_L=10.0)            # tau = 20 ms
    res = nl.simulate(cell, stimulus.step(-50.0, 0.0, 200.0), t_stop=100.0, dt=0.01)
    k = np.searchsorted(res.t, cell.tau)
    assert (res.v[k] - cell.E_L) / (-5.0) == pytest.approx(1 - np.exp(-1), rel=1e-4)


def test_lif_threshold_current():
    lif = models.LIF()
    below = nl.simulate(lif, 0.99 * lif.I_th, t_stop=1000.0, dt=0.01)
    above = nl.simulate(lif, 1.01 * lif.I_th, t_stop=1000.0, dt=0.01)
    assert lif.I_th == pytest.approx(200.0)
    assert len(below.spike_times) == 0
    assert len(above.spike_times) > 0


def test_lif_rate_matches_the_style_guide_number():
    cell = models.LIF(C=2000.0, g_L=200.0, E_L=-70.0, V_th=-50.0, V_reset=-65.0, t_ref=0.0)
    rate = nl.simulate(cell, 5000.0, t_stop=1000.0, dt=0.01).steady_rate()
    assert rate == pytest.approx(72.13, rel=0.01)   # 1 / (tau ln 4), tau = 10 ms


@pytest.mark.parametrize("t_ref", [0.0, 2.0, 5.0])
@pytest.mark.parametrize("dt", [0.01, 0.005])
def test_lif_fi_curve_matches_analytic_formula_within_1_percent(t_ref, dt):
    lif = models.LIF(t_ref=t_ref)
    currents = np.array([210.0, 250.0, 300.0, 400.0, 600.0, 1000.0])
    # the formula, written out here independently of LIF.rate
    V_inf = lif.E_L + currents / lif.g_L
    analytic = 1000.0 / (t_ref + lif.tau * np.log((V_inf - lif.V_reset) / (V_inf - lif.V_th)))
    simulated = nl.fi_curve(lif, currents, t_stop=2000.0, dt=dt, measure="steady")
    assert np.allclose(simulated, analytic, rtol=0.01)
    assert np.allclose(lif.rate(currents), analytic)


def test_lif_first_spike_time_is_interpolated():
    lif = models.LIF()
    I = 300.0
    V_inf = lif.E_L + I / lif.g_L
    t1 = lif.tau * np.log((V_inf - lif.E_L) / (V_inf - lif.V_th))
    res = nl.simulate(lif, I, t_stop=30.0, dt=0.1)          # default exp_euler
    assert res.spike_times[0] == pytest.approx(t1, abs=1e-3)


def test_lif_is_clamped_at_reset_during_refractory_period():
    lif = models.LIF(t_ref=5.0)
    res = nl.simulate(lif, 400.0, t_stop=50.0, dt=0.01)
    t_s = res.spike_times[0]
    inside = (res.t > t_s + 0.02) & (res.t < t_s + 5.0 - 0.02)
    assert np.all(res.v[inside] == lif.V_reset)
    assert res.v[np.searchsorted(res.t, t_s + 5.5)] > lif.V_reset


def test_rheobase_of_lif_is_its_threshold_current():
    assert nl.rheobase(models.LIF(), duration=500.0) == pytest.approx(200.0, abs=0.1)


@pytest.mark.parametrize("I", [0.0, 30.0, -30.0])
def test_two_conductances_rest_at_their_weighted_mean(I):
    # C dV/dt = -g_a (V - E_a) - g_b (V - E_b) + I  =>  V* = (g_a E_a + g_b E_b + I)/(g_a + g_b)
    g_a, E_a, g_b, E_b = 1.0, -65.0, 0.5, 65.0
    cell = models.ConductanceBasedNeuron(C=1.0, channels=(models.Channel("a", g_a, E_a),
                                                          models.Channel("b", g_b, E_b)),
                                         V_init=-80.0)
    res = nl.simulate(cell, I, t_stop=50.0, method="exp_euler")      # 75 time constants
    assert res.v[-1] == pytest.approx((g_a * E_a + g_b * E_b + I) / (g_a + g_b), abs=1e-6)
    # and it got there with tau = C / (g_a + g_b)
    tau = 1.0 / (g_a + g_b)
    fraction = (res.v - res.v[0]) / (res.v[-1] - res.v[0])
    np.testing.assert_allclose(fraction, 1 - np.exp(-res.t / tau), atol=1e-9)
