"""Hodgkin–Huxley against the 1952 values and an independent tight-tolerance reference."""
import numpy as np
import pytest
from scipy.integrate import solve_ivp

import neurolab as nl
from neurolab import models, stimulus
from neurolab.models import hodgkin_huxley as hhm


def reference_rhs(t, y, I):
    """HH written out from the paper (modern convention), independently of neurolab."""
    V, m, h, n = y
    am = 0.1 * (V + 40) / (1 - np.exp(-(V + 40) / 10))
    bm = 4 * np.exp(-(V + 65) / 18)
    ah = 0.07 * np.exp(-(V + 65) / 20)
    bh = 1 / (1 + np.exp(-(V + 35) / 10))
    an = 0.01 * (V + 55) / (1 - np.exp(-(V + 55) / 10))
    bn = 0.125 * np.exp(-(V + 65) / 80)
    dV = I - 120 * m**3 * h * (V - 50) - 36 * n**4 * (V + 77) - 0.3 * (V + 54.387)
    return [dV, am * (1 - m) - bm * m, ah * (1 - h) - bh * h, an * (1 - n) - bn * n]


def reference_rate(I, t_stop=1000.0):
    crossing = lambda t, y, I: y[0]          # noqa: E731
    crossing.direction = 1
    sol = solve_ivp(reference_rhs, (0, t_stop), models.HodgkinHuxley().initial_state(),
                    args=(I,), method="DOP853", rtol=1e-10, atol=1e-10, events=crossing)
    late = sol.t_events[0][sol.t_events[0] >= t_stop / 2]
    return 1000.0 / np.mean(np.diff(late))


def test_rest_is_minus_65_mV():
    hh = models.HodgkinHuxley()
    assert hh.resting_potential() == pytest.approx(-65.0, abs=0.1)
    res = nl.simulate(hh, 0.0, t_stop=100.0)
    assert np.ptp(res.v) < 1e-6
    assert res.v[-1] == pytest.approx(-65.0, abs=0.1)


def test_gating_steady_states_at_rest():
    # the textbook values at rest (e.g. Dayan & Abbott 2001, ch. 5): 0.0529, 0.5961, 0.3177
    assert hhm.m_inf(-65.0) == pytest.approx(0.05293, abs=1e-4)
    assert hhm.h_inf(-65.0) == pytest.approx(0.59612, abs=1e-4)
    assert hhm.n_inf(-65.0) == pytest.approx(0.31768, abs=1e-4)


def test_removable_singularities_are_exact():
    assert hhm.alpha_m(-40.0) == 1.0
    assert hhm.alpha_n(-55.0) == 0.1
    V = np.array([-40.0 - 1e-7, -40.0 + 1e-7])
    assert np.allclose(hhm.alpha_m(V), 1.0, atol=1e-7)
    V = np.linspace(-41, -39, 2001)
    assert np.all(np.isfinite(hhm.alpha_m(V))) and np.all(np.diff(hhm.alpha_m(V)) > 0)


def test_rates_match_the_formulas_away_from_singularities():
    V = np.linspace(-100, 50, 301) + 0.123
    assert np.allclose(hhm.alpha_m(V), 0.1 * (V + 40) / (1 - np.exp(-(V + 40) / 10)))
    assert np.allclose(hhm.beta_h(V), 1 / (1 + np.exp(-(V + 35) / 10)))
    assert np.allclose(hhm.tau_n(V), 1 / (hhm.alpha_n(V) + hhm.beta_n(V)))


def test_brief_strong_pulse_gives_one_spike_weak_pulse_none():
    hh = models.HodgkinHuxley()
    strong = nl.simulate(hh, stimulus.pulse(20.0, start=5.0, duration=1.0), t_stop=50.0)
    weak = nl.simulate(hh, stimulus.pulse(2.0, start=5.0, duration=1.0), t_stop=50.0)
    assert len(strong.spike_times) == 1
    assert len(weak.spike_times) == 0
    assert strong.v.max() > 30 and weak.v.max() < -55


def test_default_reproduces_the_reference_fi_curve_within_1_Hz():
    currents = [7.0, 10.0, 20.0, 50.0]
    rates = nl.fi_curve(models.HodgkinHuxley(), currents, t_stop=1000.0, measure="steady")
    reference = [reference_rate(I) for I in currents]
    assert reference[1] == pytest.approx(68.3, abs=0.1)        # 68 Hz at 10 µA/cm²
    assert np.all(np.abs(rates - reference) < 1.0)


def test_reference_solution_matches_the_independent_one():
    # a step from 10 to 60 ms: neurolab's reference restarts solve_ivp at the jumps
    I = stimulus.step(10.0, 10.0, 60.0)
    ref = nl.reference_solution(models.HodgkinHuxley(), I, t_stop=80.0)
    crossing = lambda t, y, I: y[0]          # noqa: E731
    crossing.direction = 1
    y, spikes = models.HodgkinHuxley().initial_state(), []
    for a, b, amp in ((0.0, 10.0, 0.0), (10.0, 60.0, 10.0), (60.0, 80.0, 0.0)):
        sol = solve_ivp(reference_rhs, (a, b), y, args=(amp,), method="DOP853", rtol=1e-10,
                        atol=1e-10, events=crossing)
        spikes += list(sol.t_events[0])
        y = sol.y[:, -1]
    assert len(spikes) == 4
    np.testing.assert_allclose(ref.spike_times, spikes, atol=1e-6)
    np.testing.assert_allclose(ref.v[-1], y[0], atol=1e-6)
    with pytest.raises(ValueError, match="resets after each spike"):
        nl.reference_solution(models.LIF(), 300.0, t_stop=10.0)


def test_exponential_euler_at_coarse_dt_misses_by_more_than_1_Hz():
    # why the default dt is 0.01 ms and not 0.05 ms
    rate = nl.simulate(models.HodgkinHuxley(), 50.0, t_stop=1000.0, dt=0.05,
                       method="exp_euler", record=False).steady_rate()
    assert abs(rate - reference_rate(50.0)) > 1.0


def test_conductance_based_neuron_with_hh_channels_is_hh():
    hh = models.HodgkinHuxley()
    generic = models.ConductanceBasedNeuron(C=1.0, channels=hh.channels)
    I = stimulus.step(10.0, 10.0, 110.0)
    a = nl.simulate(hh, I, t_stop=150.0)
    b = nl.simulate(generic, I, t_stop=150.0)
    assert len(a.spike_times) == 7
    np.testing.assert_array_equal(a.spike_times, b.spike_times)


def test_channel_currents_sum_to_the_membrane_equation():
    hh = models.HodgkinHuxley()
    res = nl.simulate(hh, stimulus.step(10.0, 5.0, 30.0), t_stop=30.0, dt=0.01)
    currents = res.currents()
    dVdt = np.gradient(res.v, res.t)
    total = currents["Na"] + currents["K"] + currents["L"]
    # C dV/dt = I - sum(I_ion), away from the step edges
    k = (res.t > 6) & (res.t < 29)
    assert np.allclose(dVdt[k], (res.I - total)[k], atol=0.05 * np.abs(dVdt).max())
    assert currents["Na"].min() < -100 and currents["K"].max() > 100   # inward Na, outward K


def test_rheobase_for_a_500_ms_step_is_about_2_2():
    assert nl.rheobase(models.HodgkinHuxley(), duration=500.0) == pytest.approx(2.2, abs=0.1)


def test_onset_of_repetitive_firing_is_rinzel_and_millers_6_26():
    # Rinzel & Miller (1980): from rest, sustained firing needs I > I_nu ~ 6.26 µA/cm²
    # (the fold of periodic orbits); just below it, a few spikes and then silence.
    hh = models.HodgkinHuxley()

    def sustained(amplitudes):
        runs = nl.simulate(hh, [stimulus.step(a, 10.0, 1010.0) for a in amplitudes],
                           t_stop=1010.0, record=False)
        return np.array([np.any(s > 810.0) for s in runs.spike_times]), runs.spike_times

    lo, hi = 5.0, 8.0
    while hi - lo > 0.005:
        grid = np.linspace(lo, hi, 10)
        fires, _ = sustained(grid)
        k = int(np.argmax(fires))
        lo, hi = grid[k - 1], grid[k]
    onset = 0.5 * (lo + hi)
    assert onset == pytest.approx(6.26, abs=0.1)
    fires, spikes = sustained([onset - 0.05, onset + 0.05])
    assert not fires[0] and 1 <= len(spikes[0]) <= 10          # a few spikes, then silence
    assert fires[1] and len(spikes[1]) > 40                     # ~50 Hz for a second


def test_build_up_from_parts_adds_one_channel():
    leak = models.Channel("L", 0.3, -65.0)
    passive = models.ConductanceBasedNeuron(C=1.0, channels=(leak,))
    assert passive.resting_potential() == pytest.approx(-65.0)
    more = passive.add(models.Channel("Na", 1.0, 50.0))
    # two conductances: the conductance-weighted mean of the reversal potentials
    assert more.resting_potential() == pytest.approx((0.3 * -65 + 1.0 * 50) / 1.3, abs=1e-6)
    assert more.state_names == ("V",)
