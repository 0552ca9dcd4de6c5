"""Bad input gets a ValueError or TypeError that names the problem and the fix."""
import numpy as np
import pytest

import neurolab as nl
from neurolab import models, stimulus


@pytest.mark.parametrize("dt", [-0.1, 0.0, float("nan"), float("inf")])
def test_bad_dt(dt):
    with pytest.raises(ValueError, match="dt"):
        nl.simulate(models.LIF(), 0.0, t_stop=10.0, dt=dt)


@pytest.mark.parametrize("t_stop", [0.0, -5.0, float("nan")])
def test_bad_t_stop(t_stop):
    with pytest.raises(ValueError, match="t_stop"):
        nl.simulate(models.LIF(), 0.0, t_stop=t_stop)


def test_dt_longer_than_the_run():
    with pytest.raises(ValueError, match="longer than t_stop"):
        nl.simulate(models.PassiveMembrane(), 0.0, t_stop=1.0, dt=1.5, method="exp_euler")


def test_capacitance_in_farads_is_caught_with_the_conversion():
    with pytest.raises(ValueError, match=r"farads.*C=2000"):
        models.LIF(C=2e-9)


def test_conductance_in_siemens_and_potential_in_volts():
    with pytest.raises(ValueError, match=r"siemens.*g_L=200"):
        models.PassiveMembrane(g_L=2e-7)
    with pytest.raises(ValueError, match=r"volts.*E_L=-70"):
        models.PassiveMembrane(E_L=-0.07)


@pytest.mark.parametrize("kwargs, name", [({"C": -1.0}, "C"), ({"g_L": -1.0}, "g_L"),
                                          ({"t_ref": -2.0}, "t_ref"), ({"C": 0.0}, "C"),
                                          ({"C": float("nan")}, "C")])
def test_non_positive_or_negative_parameters(kwargs, name):
    with pytest.raises(ValueError, match=name):
        models.LIF(**kwargs)


def test_negative_hh_conductance_and_reset_above_threshold():
    with pytest.raises(ValueError, match="g_Na"):
        models.HodgkinHuxley(g_Na=-120.0)
    with pytest.raises(ValueError, match="V_reset"):
        models.LIF(V_reset=-40.0)


def test_parameter_of_the_wrong_type():
    with pytest.raises(TypeError, match="C must be a number"):
        models.LIF(C="100")


def test_dt_too_coarse_for_euler_names_the_limit_and_a_fix():
    cell = models.PassiveMembrane()                 # tau = 10 ms: Euler needs dt < 20 ms
    with pytest.raises(ValueError, match=r"dt < 20 ms.*exp_euler"):
        nl.simulate(cell, 0.0, t_stop=100.0, dt=25.0, method="euler")
    with pytest.raises(ValueError, match=r"too coarse.*dt=0.05"):
        nl.simulate(models.HodgkinHuxley(), 0.0, t_stop=100.0, dt=0.1, method="euler")


def test_unknown_method():
    with pytest.raises(ValueError, match="method='leapfrog' is unknown"):
        nl.simulate(models.LIF(), 0.0, t_stop=10.0, method="leapfrog")


def test_stimulus_array_of_the_wrong_length_says_the_grid_size():
    with pytest.raises(ValueError, match=r"n = t_stop / dt \+ 1 = 101"):
        nl.simulate(models.LIF(), np.zeros(100), t_stop=10.0, dt=0.1)


def test_stimulus_in_amperes_and_non_finite_stimulus():
    with pytest.raises(ValueError, match=r"amperes.*4000 pA"):
        nl.simulate(models.LIF(), 4e-9, t_stop=10.0)
    with pytest.raises(ValueError, match="not finite"):
        nl.simulate(models.LIF(), lambda t: np.nan, t_stop=10.0)


def test_divergence_names_time_and_variable():
    with pytest.raises(ValueError, match=r"diverged at t = .* ms: V "), \
            pytest.warns(UserWarning, match="far beyond"):
        nl.simulate(models.PassiveMembrane(), 1e12, t_stop=100.0, dt=0.1)


def test_bad_model_and_stimulus_types():
    with pytest.raises(TypeError, match="neurolab model"):
        nl.simulate("LIF", 0.0, t_stop=10.0)
    with pytest.raises(TypeError, match="stimulus must be"):
        nl.simulate(models.LIF(), {"I": 1}, t_stop=10.0)


def test_mismatched_batches():
    with pytest.raises(ValueError, match="2 models and 3 stimuli"):
        nl.simulate([models.LIF(), models.LIF()], [1.0, 2.0, 3.0], t_stop=10.0)


def test_bad_stimulus_parameters():
    with pytest.raises(ValueError, match="stop"):
        stimulus.step(1.0, start=10.0, stop=5.0)
    with pytest.raises(ValueError, match="duration"):
        stimulus.pulse(1.0, start=0.0, duration=-1.0)
    with pytest.raises(ValueError, match="sigma"):
        stimulus.white_noise(sigma=-1.0)
    with pytest.raises(TypeError, match="seed"):
        stimulus.white_noise(seed=1.5)


def test_bad_gates():
    with pytest.raises(ValueError, match="exactly one pair"):
        models.Gate("x", alpha=models.Rate("exp", 1.0, 0.0, 10.0))
    with pytest.raises(ValueError, match="shape"):
        models.Rate("cubic", 1.0, 0.0, 10.0)


def test_equations_reject_names_the_engine_cannot_use():
    from neurolab.models import Equations

    leak = ("V", "-g_L / C", "(g_L * E_L + I) / C")
    with pytest.raises(ValueError, match="'_C' cannot name"):
        Equations(name="x", parameters=("_C",), state=("V",), rhs=(leak,))
    with pytest.raises(ValueError, match="unique"):
        Equations(name="x", parameters=("C", "C"), state=("V",), rhs=(leak,))
    with pytest.raises(ValueError, match="first state variable must be 'V'"):
        Equations(name="x", parameters=("C",), state=("U",), rhs=(("U", "0.0", "0.0"),))
    with pytest.raises(ValueError, match="every state variable"):
        Equations(name="x", parameters=("C", "g_L", "E_L"), state=("V", "w"), rhs=(leak,))


def test_gate_names_must_be_identifiers():
    rate = models.Rate("exp", 1.0, 0.0, 10.0)
    with pytest.raises(ValueError, match="identifier"):
        models.Gate("m 2", alpha=rate, beta=rate)
    with pytest.raises(ValueError, match="identifier"):
        models.Gate("V", alpha=rate, beta=rate)


def test_leak_only_membrane_has_passive_limits_and_an_exact_rest():
    membrane = models.ConductanceBasedNeuron(channels=(models.Channel("a", 1.0, -65.0),
                                                       models.Channel("b", 30.0, 65.0)))
    assert membrane.resting_potential() == pytest.approx((-65.0 + 30 * 65.0) / 31.0, abs=1e-12)
    assert membrane.max_dt("euler") == pytest.approx(2.0 / 31.0)
    with pytest.raises(ValueError, match=r"needs dt < 0.0645 ms.*or method='exp_euler'"):
        nl.simulate(membrane, 0.0, t_stop=10.0, dt=0.1)
    # the suggestion is only made when exponential Euler would accept the step
    with pytest.raises(ValueError) as info:
        nl.simulate(models.HodgkinHuxley(), 0.0, t_stop=10.0, dt=0.5)
    assert "exp_euler" not in str(info.value)
