"""LIF refractoriness, adaptation and AdEx against analytic results and published patterns."""
import numpy as np
import pytest

import neurolab as nl
from neurolab import models, stimulus
from neurolab.analysis import classify_firing

# The course notes' SI parameter set in the book's units: C = 2 nF, R = 5 MΩ.
NOTES_LIF = models.LIF(C=2000.0, g_L=200.0, E_L=-70.0, V_th=-50.0, V_reset=-65.0, t_ref=0.0)


def analytic_rate(I, t_ref):
    # 1/f = t_ref + tau ln((I R + E_L - V_reset) / (I R + E_L - V_th)), R = 1/g_L
    V_inf = -70.0 + I / 200.0
    return 1000.0 / (t_ref + 10.0 * np.log((V_inf + 65.0) / (V_inf + 50.0)))


@pytest.mark.parametrize("t_ref", [0.0, 2.0])
def test_notes_lif_rates_at_5_8_10_nA_match_the_formula(t_ref):
    assert NOTES_LIF.I_th == 4000.0                                     # 4 nA
    currents = [5000.0, 8000.0, 10000.0]
    rates = nl.fi_curve(NOTES_LIF.replace(t_ref=t_ref), currents, t_stop=2000.0, measure="steady")
    np.testing.assert_allclose(rates, analytic_rate(np.array(currents), t_ref), rtol=0.01)


def test_voltage_clamp_holds_V_at_reset_and_allows_no_spike_during_t_ref():
    cell = models.LIF(t_ref=5.0)
    res = nl.simulate(cell, 2000.0, t_stop=100.0, dt=0.01)
    assert np.all(np.diff(res.spike_times) >= 5.0)
    first = res.spike_times[0]
    held = (res.t > first + 0.02) & (res.t < first + 4.98)
    assert np.all(res.v[held] == cell.V_reset)


def test_threshold_increase_jumps_to_V_th_max_and_relaxes_with_tau_th():
    cell = models.LIFThresholdIncrease()
    res = nl.simulate(cell, 600.0, t_stop=50.0, dt=0.01)
    t_spike = res.spike_times[0]
    k = np.searchsorted(res.t, t_spike)          # the first grid point after the spike
    after = slice(k, k + 200)
    expected = cell.V_th + (cell.V_th_max - cell.V_th) * np.exp(-(res.t[after] - t_spike) / cell.tau_th)
    np.testing.assert_allclose(res.state["th"][after], expected, rtol=1e-9)
    assert res.state["th"][k - 1] < cell.V_th + 1e-6 < cell.V_th_max      # before: at rest
    assert res.v[k] < cell.V_reset + 1.0                                  # V reset, not clamped
    assert res.v[k + 10] > res.v[k]


def test_refractory_conductance_jumps_by_Delta_G_ref_and_decays_with_tau_ref():
    cell = models.LIFRefractoryConductance()
    res = nl.simulate(cell, 600.0, t_stop=30.0, dt=0.01)
    t_spike = res.spike_times[0]
    k = np.searchsorted(res.t, t_spike)
    G = res.state["G_ref"]
    assert np.all(G[:k] == 0.0)
    after = slice(k, k + 100)
    np.testing.assert_allclose(G[after], cell.Delta_G_ref * np.exp(-(res.t[after] - t_spike) / cell.tau_ref),
                               rtol=1e-9)


def test_three_refractory_mechanisms_fire_at_the_supra_threshold_currents_shown():
    for cell in (models.LIF(t_ref=2.5), models.LIFThresholdIncrease(), models.LIFRefractoryConductance()):
        rates = nl.fi_curve(cell, [150.0, 220.0, 600.0], t_stop=1000.0)
        assert rates[0] == 0 and 0 < rates[1] < rates[2]      # I_th = 200 pA for all three


def test_adaptation_first_isi_rate_exceeds_steady_rate_above_threshold():
    cell = models.AdaptiveLIF()
    currents = np.arange(260.0, 800.0, 60.0)      # I_th = g_L (V_th - E_L) = 250 pA
    first = nl.fi_curve(cell, currents, t_stop=2000.0, measure="first")
    steady = nl.fi_curve(cell, currents, t_stop=2000.0, measure="steady")
    assert np.all(steady > 0) and np.all(first > steady)


@pytest.mark.parametrize("pattern", sorted(models.NAUD_2008))
def test_adex_reproduces_the_naud_2008_patterns(pattern):
    cell, I = models.NAUD_2008[pattern]
    res = nl.simulate(cell, stimulus.step(I, 50.0, 850.0), t_stop=900.0)
    assert classify_firing(res).label == pattern


def test_adex_with_sharp_initiation_is_a_lif_with_adaptation():
    # Delta_T -> 0: the exponential becomes a hard threshold at V_T
    sharp = models.AdEx(Delta_T=0.01, V_peak=-49.9, a=0.0, b=50.0)
    res = nl.simulate(sharp, 1000.0, t_stop=300.0, dt=0.005)
    # the same neuron written as a LIF with threshold V_T and a current adaptation w
    C, g_L, E_L, V_T, tau_w, b, V_r = 281.0, 30.0, -70.6, -50.4, 144.0, 50.0, -70.6
    V, w, dt, spikes = E_L, 0.0, 0.005, []
    for k in range(60000):
        V += dt * (-g_L * (V - E_L) - w + 1000.0) / C
        w += dt * (-w / tau_w)
        if V >= V_T:
            spikes.append((k + 1) * dt)
            V, w = V_r, w + b
    assert len(res.spike_times) == len(spikes) > 5
    np.testing.assert_allclose(np.diff(res.spike_times), np.diff(spikes), rtol=0.01)


def test_classify_firing_on_plain_trains():
    assert classify_firing([], 0, 100).label == "silent"
    assert classify_firing([5.0, 12.0], 0, 100).label == "transient"
    assert classify_firing(np.arange(10.0, 1000.0, 10.0), 0, 1000).label == "tonic"
    with pytest.raises(ValueError, match="one run"):
        classify_firing(nl.simulate(models.LIF(), [300.0, 400.0], t_stop=50.0))


@pytest.mark.parametrize("dt", [0.1, 0.01])
def test_srm_with_lif_kernels_fires_like_the_lif(dt):
    # eta_0 = V_reset - V_th and tau_eta = tau_m: the kernel view of the same neuron
    stim = stimulus.step(250.0, 10.0, 190.0) + stimulus.sine(80.0, 20.0)
    srm = nl.simulate(models.SRM(), stim, t_stop=200.0, dt=dt)
    lif = nl.simulate(models.LIF(t_ref=0.0), stim, t_stop=200.0, dt=dt)
    assert len(srm.spike_times) == len(lif.spike_times) >= 8
    np.testing.assert_allclose(srm.spike_times, lif.spike_times, atol=dt)


def test_srm_dynamic_threshold_and_absolute_refractoriness():
    cell = models.SRM(theta_1=5.0, tau_theta=50.0, Delta_abs=3.0)
    strong, moderate = nl.simulate(cell, [5000.0, 400.0], t_stop=300.0, dt=0.01)
    assert np.diff(strong.spike_times).min() >= 3.0 - 0.01     # never within Delta_abs
    isi = np.diff(moderate.spike_times)
    assert isi[-1] > 1.5 * isi[0]                    # the threshold builds up: adaptation
    t = np.array([-1.0, 0.0, 10.0])
    np.testing.assert_allclose(cell.eta(t), [0.0, -15.0, -15.0 * np.exp(-1.0)])
    np.testing.assert_allclose(cell.kappa(t), [0.0, 0.01, 0.01 * np.exp(-1.0)])
    np.testing.assert_allclose(cell.threshold_kernel([50.0]), [5.0 * np.exp(-1.0)])


def test_new_models_reject_bad_parameters_clearly():
    with pytest.raises(ValueError, match="looks like farads"):
        models.AdEx(C=2.81e-10)
    with pytest.raises(ValueError, match="V_r=30 mV must be below V_peak=20 mV"):
        models.AdEx(V_r=30.0)
    with pytest.raises(ValueError, match="V_th=-50 mV must be below V_th_max=-60 mV"):
        models.LIFThresholdIncrease(V_th_max=-60.0)
    with pytest.raises(ValueError, match="Delta_abs=-1 ms: it cannot be negative"):
        models.SRM(Delta_abs=-1.0)
    with pytest.raises(ValueError, match="tau_sra=0 ms: it must be positive"):
        models.AdaptiveLIF(tau_sra=0.0)
