"""Phase-plane tools and the two-dimensional models against published bifurcation currents,
closed forms and scipy's root finder on equations written out independently here."""
import matplotlib
import numpy as np
import pytest
from scipy.optimize import root
from test_hodgkin_huxley import reference_rhs

import neurolab as nl
from neurolab import models
from neurolab import phase_plane as pp
from neurolab.phase_plane import figures as ppf

matplotlib.use("Agg")


def morris_lecar_rhs(y, I, C=20.0, g_L=2.0, g_Ca=4.0, g_K=8.0, E_L=-60.0, E_Ca=120.0, E_K=-84.0,
                     V1=-1.2, V2=18.0, V3=12.0, V4=17.4, phi=1 / 15):
    """Morris & Lecar (1981) with tanh and cosh, as printed in Ermentrout & Terman (2010),
    ch. 3; defaults: their SNLC set."""
    V, w = y
    m_inf = 0.5 * (1 + np.tanh((V - V1) / V2))
    w_inf = 0.5 * (1 + np.tanh((V - V3) / V4))
    dV = (I - g_L * (V - E_L) - g_Ca * m_inf * (V - E_Ca) - g_K * w * (V - E_K)) / C
    return np.array([dV, phi * np.cosh((V - V3) / (2 * V4)) * (w_inf - w)])


def hh_rhs(y, I):
    """HH written out from the paper, independently of neurolab (see test_hodgkin_huxley)."""
    return np.array(reference_rhs(0.0, y, I))


# --- published bifurcation currents --------------------------------------------------
def test_morris_lecar_snlc_set_has_its_saddle_node_at_39_96():
    # Rinzel & Ermentrout (1989); Ermentrout & Terman (2010), ch. 3: I = 39.96 µA/cm²
    d = pp.bifurcation_diagram(models.MORRIS_LECAR_SNLC, (0.0, 80.0))
    assert len(d.saddle_nodes) == 1
    assert d.saddle_nodes[0].I == pytest.approx(39.96, abs=0.01)
    # below it, the stable node, the saddle and an unstable focus; above it, one equilibrium
    kinds = [e.kind for e in nl.analysis.equilibria(models.MORRIS_LECAR_SNLC, 39.5)]
    assert kinds == ["stable node", "saddle", "unstable focus"]
    assert len(nl.analysis.equilibria(models.MORRIS_LECAR_SNLC, 40.1)) == 1


def test_morris_lecar_hopf_set_loses_rest_at_93_86():
    # Ermentrout & Terman (2010), ch. 3: subcritical Hopf bifurcation at I ≈ 93.86 µA/cm²
    d = pp.bifurcation_diagram(models.MorrisLecar(), (50.0, 150.0))
    assert not d.saddle_nodes and len(d.hopf) == 1
    assert d.hopf[0].I == pytest.approx(93.86, abs=0.02)
    assert 5.0 < d.hopf[0].frequency < 20.0       # small oscillations at Im(λ)/2π ≈ 12.7 Hz
    below, above = (nl.analysis.equilibria(models.MorrisLecar(), I)[0] for I in (93.5, 94.5))
    assert below.kind == "stable focus" and above.kind == "unstable focus"


def test_fitzhugh_nagumo_hopf_matches_the_closed_form():
    # trace J = 1 - v² - εb = 0 at v = -sqrt(1 - εb); I = v³/3 - v + (v + a)/b ≈ 0.3313
    a, b, eps = 0.7, 0.8, 0.08
    v = -np.sqrt(1 - eps * b)
    expected = v**3 / 3 - v + (v + a) / b
    d = pp.bifurcation_diagram(models.FitzHughNagumo(), (0.0, 1.0))
    assert len(d.hopf) == 1
    assert d.hopf[0].I == pytest.approx(expected, abs=1e-6)
    assert d.hopf[0].I == pytest.approx(0.331, abs=0.001)
    assert d.hopf[0].state[0] == pytest.approx(v, abs=1e-6)


def test_hodgkin_huxley_rest_loses_stability_at_9_78():
    # Rinzel & Miller (1980): Hopf bifurcations at I = 9.78 and 154.5 µA/cm²
    d = pp.bifurcation_diagram(models.HodgkinHuxley(), (0.0, 200.0))
    assert [p.I for p in d.hopf] == pytest.approx([9.78, 154.5], abs=0.03)
    before, after = (nl.analysis.equilibria(models.HodgkinHuxley(), I)[0] for I in (9.7, 9.9))
    assert before.stable and not after.stable
    assert after.kind == "saddle-focus"          # a complex pair unstable, two real ones stable


# --- against scipy and closed forms ----------------------------------------------------
def test_equilibria_agree_with_scipy_root_on_independent_equations():
    found = nl.analysis.equilibria(models.MORRIS_LECAR_SNLC, 30.0)
    assert len(found) == 3 and [e.V for e in found] == sorted(e.V for e in found)
    for eq in found:
        sol = root(morris_lecar_rhs, eq.state + [0.5, 0.01], args=(30.0,), tol=1e-13)
        assert sol.success and np.allclose(sol.x, eq.state, atol=1e-7)
        h = 1e-6
        J = np.column_stack([(morris_lecar_rhs(sol.x + dy, 30.0) - morris_lecar_rhs(sol.x - dy, 30.0)) / (2 * h)
                             for dy in np.eye(2) * h])
        expected = np.sort_complex(np.linalg.eigvals(J))
        assert np.allclose(np.sort_complex(eq.eigenvalues), expected, atol=1e-7)
    hh = nl.analysis.equilibria(models.HodgkinHuxley(), 5.0)
    assert len(hh) == 1
    sol = root(hh_rhs, hh[0].state * 1.01, args=(5.0,), tol=1e-13)
    assert sol.success and np.allclose(sol.x, hh[0].state, atol=1e-7)


def test_jacobian_of_fitzhugh_nagumo_is_exact():
    fhn = models.FitzHughNagumo()
    J = pp.jacobian(fhn, [-1.1, -0.5], I=0.2)
    assert np.allclose(J, [[1 - 1.1**2, -1.0], [0.08, -0.08 * 0.8]], atol=1e-8)


def test_every_stable_branch_is_what_equilibria_finds():
    d = pp.bifurcation_diagram(models.MORRIS_LECAR_SNLC, (0.0, 80.0))
    for I in (10.0, 30.0, 60.0):
        found = [e.V for e in nl.analysis.equilibria(models.MORRIS_LECAR_SNLC, I)]
        on_curve = [np.interp(I, *(b.I, b.V) if b.I[-1] > b.I[0] else (b.I[::-1], b.V[::-1]))
                    for b in d.branches if min(b.I) <= I <= max(b.I)]
        assert np.allclose(sorted(on_curve), found, atol=0.02)


def test_classify():
    assert pp.classify([-1.0, -2.0]) == "stable node"
    assert pp.classify([-1 + 2j, -1 - 2j]) == "stable focus"
    assert pp.classify([1.0, 2.0]) == "unstable node"
    assert pp.classify([1 + 2j, 1 - 2j]) == "unstable focus"
    assert pp.classify([1.0, -2.0]) == "saddle"


# --- type I and type II -----------------------------------------------------------------
def test_type_one_fires_arbitrarily_slowly_and_type_two_jumps():
    snlc = models.MORRIS_LECAR_SNLC
    rates = nl.fi_curve(snlc, [39.8, 40.1, 41.0, 45.0], t_stop=4000.0, measure="steady")
    assert rates[0] == 0.0 and 0.0 < rates[1] < 3.0 < rates[2] < rates[3]
    # near the SNLC the rate grows like sqrt(I - I_c): a ninefold distance, a threefold rate
    I_c = pp.bifurcation_diagram(snlc, (30.0, 50.0)).saddle_nodes[0].I
    r1, r9 = nl.fi_curve(snlc, [I_c + 0.1, I_c + 0.9], t_stop=6000.0, measure="steady")
    assert r9 / r1 == pytest.approx(3.0, rel=0.1)
    cycles = pp.limit_cycles(models.MorrisLecar(V_init=0.0, w_init=0.3), np.arange(85.0, 100.0, 1.0))
    firing = cycles.rate[cycles.rate > 0]
    assert firing.size and firing.min() > 8.0      # type II: onset at ~9 Hz, never slower


def test_hopf_set_is_bistable_below_its_hopf_point():
    currents = np.array([90.0, 92.0])
    at_rest = pp.limit_cycles(models.MorrisLecar(), currents, start="rest")
    kicked = pp.limit_cycles(models.MorrisLecar(V_init=0.0, w_init=0.3), currents)
    assert np.all(at_rest.rate == 0.0) and np.all(np.isnan(at_rest.V_max))
    assert np.all(kicked.rate > 9.0) and np.all(kicked.V_max > 20.0)


# --- the models ------------------------------------------------------------------------
@pytest.mark.parametrize("model", [models.MorrisLecar(), models.MORRIS_LECAR_SNLC,
                                   models.FitzHughNagumo(), models.ReducedHodgkinHuxley()])
def test_planar_models_start_at_rest(model):
    y = model.initial_state()
    assert np.allclose(model.derivative(y, 0.0), 0.0, atol=1e-9)
    rest = nl.analysis.equilibria(model, 0.0)[0]
    assert rest.stable and np.allclose(y, rest.state, atol=1e-6)
    assert len(nl.simulate(model, 0.0, t_stop=100.0).spike_times) == 0


def test_morris_lecar_matches_the_written_out_equations_and_spikes_at_zero():
    y = np.array([-20.0, 0.1])
    assert np.allclose(models.MORRIS_LECAR_SNLC.derivative(y, 50.0), morris_lecar_rhs(y, 50.0), rtol=1e-12)
    res = nl.simulate(models.MORRIS_LECAR_SNLC, 60.0, t_stop=500.0)
    assert len(res.spike_times) > 2
    crossings = nl.analysis.spike_times(res.t, res.v, 0.0)
    assert np.allclose(res.spike_times, crossings, atol=0.05)
    start = models.MorrisLecar(V_init=-30.0).initial_state()
    assert start[1] == pytest.approx(models.MorrisLecar().w_inf(-30.0))


def test_reduced_hodgkin_huxley_uses_hh_rates():
    from neurolab.models import hodgkin_huxley as hhm

    red = models.ReducedHodgkinHuxley()
    V, n = -50.0, 0.4
    h = 0.89 - 1.1 * n
    dV = -(120 * hhm.m_inf(V) ** 3 * h * (V - 50) + 36 * n**4 * (V + 77) + 0.3 * (V + 54.387)) + 3.0
    dn = hhm.alpha_n(V) * (1 - n) - hhm.beta_n(V) * n
    assert np.allclose(red.derivative([V, n], 3.0), [dV, dn], rtol=1e-12)


# --- errors ------------------------------------------------------------------------------
def test_clear_errors():
    with pytest.raises(ValueError, match="resets"):
        nl.analysis.equilibria(models.LIF(), 100.0)
    with pytest.raises(ValueError, match="single variable"):
        nl.analysis.equilibria(models.PassiveMembrane(), 10.0)
    with pytest.raises(ValueError, match="no equilibrium"):
        pp.bifurcation_diagram(models.HodgkinHuxley(), (1e5, 2e5))
    with pytest.raises(ValueError, match="no equilibrium"):
        nl.analysis.equilibria(models.MorrisLecar(), 1e5)
    with pytest.raises(TypeError, match="neurolab model"):
        nl.analysis.equilibria("Morris-Lecar", 10.0)
    with pytest.raises(ValueError, match="I_range"):
        pp.bifurcation_diagram(models.MorrisLecar(), (50.0, 50.0))
    with pytest.raises(ValueError, match="w_init"):
        models.MorrisLecar(w_init=1.5)
    with pytest.raises(ValueError, match="exactly two"):
        ppf.plot_phase_plane(models.HodgkinHuxley(), 0.0, (-80, 40), (0, 1))
    with pytest.raises(ValueError, match="start"):
        pp.limit_cycles(models.MorrisLecar(), [90.0], start="firing")


# --- figures -----------------------------------------------------------------------------
def test_figures_label_their_axes_with_units():
    fig = ppf.plot_phase_plane(models.MORRIS_LECAR_SNLC, 30.0, (-70, 40), (-0.05, 0.5),
                               starts=[(-20.0, 0.0)], t_stop=100.0)
    ax = fig.axes[0]
    assert ax.get_xlabel() == "V (mV)" and ax.get_ylabel() == "w"
    assert sum(t.get_text() in ("stable node", "saddle", "unstable focus") for t in ax.texts) == 3
    d = pp.bifurcation_diagram(models.MorrisLecar(), (50.0, 150.0))
    cycles = pp.limit_cycles(models.MorrisLecar(V_init=0.0, w_init=0.3), [95.0, 120.0], t_stop=1000.0)
    ax = ppf.plot_bifurcation(d, cycles=cycles).axes[0]
    assert ax.get_xlabel() == "I (µA/cm²)" and ax.get_ylabel() == "V (mV)"
    fig = ppf.phase_plane_slider(models.FitzHughNagumo(), [0.0, 0.5], (-2.5, 2.5), (-1.0, 2.0),
                                 starts=[(-1.5, -0.5)], t_stop=50.0)
    assert len(fig.layout.sliders[0].steps) == 2
    V_null, w_null = ppf.nullclines(models.FitzHughNagumo(), 0.0, (-2.5, 2.5), (-1.0, 2.0))
    assert np.allclose(V_null[:, 1], V_null[:, 0] - V_null[:, 0] ** 3 / 3, atol=0.03)
    assert np.allclose(w_null[:, 1], (w_null[:, 0] + 0.7) / 0.8, atol=0.03)


def test_limit_cycles_measure_oscillations_that_never_reach_the_spike_threshold():
    # HH oscillates between its two Hopf points (9.78 and 154.5 µA/cm², Rinzel & Miller
    # 1980); near the upper one the swing is small and stays below 0 mV
    cycles = pp.limit_cycles(models.HodgkinHuxley(), [150.0, 160.0], t_stop=300.0)
    assert cycles.rate[0] > 100.0 and cycles.V_max[0] < 0.0 and cycles.V_max[0] - cycles.V_min[0] > 2.0
    assert cycles.rate[1] == 0.0 and np.isnan(cycles.V_max[1])
