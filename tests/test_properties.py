"""Property-based tests at the API boundary (hypothesis).

Random bad and edge values must give a ``ValueError``/``TypeError`` that names the
argument, or a finite result as documented; never a hang, a crash, an error from inside
numpy or numba, or a silent NaN. (The documented NaN: the CV and adaptation index of a
train with fewer than two ISIs.)
"""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import neurolab as nl
from neurolab import analysis, models, stimulus
from neurolab._validation import check_seed

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# anything a student might type where a number belongs
junk = st.one_of(st.none(), st.booleans(), st.text(max_size=5), st.lists(st.integers(), max_size=3),
                 st.just(float("nan")), st.just(float("inf")), st.just(-float("inf")))
numbers = st.one_of(st.floats(allow_nan=True, allow_infinity=True, width=64),
                    st.integers(-10**6, 10**6))


def refused(exc, *names):
    """A clear refusal: our own ValueError/TypeError naming one of ``names``."""
    assert isinstance(exc, (ValueError, TypeError)), repr(exc)
    assert any(name in str(exc) for name in names), str(exc)


@FAST
@given(t_stop=st.one_of(st.floats(-1e3, 1e3), junk), dt=st.one_of(st.floats(-1.0, 1.0), junk))
def test_time_grid_refuses_clearly_or_ends_within_a_step_of_t_stop(t_stop, dt):
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            t = nl.time_grid(t_stop, dt)
    except Exception as exc:  # noqa: BLE001
        refused(exc, "t_stop", "dt")
        return
    assert np.all(np.isfinite(t)) and t[0] == 0.0
    assert np.allclose(np.diff(t), dt)
    slack = 1e-6 * dt + 1e-9 * abs(t_stop)
    assert t[-1] <= t_stop + slack and t_stop - t[-1] < dt      # never after t_stop
    if t_stop - t[-1] > slack:                                    # ends early: and says so
        assert any("does not divide" in str(w.message) for w in caught)


@SLOW
@given(current=st.one_of(numbers, junk), t_stop=st.one_of(st.floats(0.0, 50.0), junk))
def test_simulate_a_constant_current(current, t_stop):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)      # the implausible-current warning
            res = nl.simulate(models.LIF(), current, t_stop=t_stop, dt=0.1)
    except Exception as exc:  # noqa: BLE001
        refused(exc, "stimulus", "stimuli", "t_stop", "dt", "diverged")
        return
    assert np.all(np.isfinite(res.v)) and np.all(np.isfinite(res.spike_times))


@FAST
@given(seed=st.one_of(st.integers(-5, 2**70), numbers, junk))
def test_seeds_are_checked_once_for_everyone(seed):
    try:
        checked = check_seed(seed)
    except Exception as exc:  # noqa: BLE001
        refused(exc, "seed")
        for make in (lambda: stimulus.white_noise(seed=seed),
                     lambda: nl.simulate(models.LIF(), stimulus.white_noise(), t_stop=1.0, seed=seed)):
            with pytest.raises((ValueError, TypeError), match="seed"):
                make()
        return
    assert checked is None or checked >= 0
    noise = stimulus.white_noise(100.0, 10.0, seed=checked)
    assert np.all(np.isfinite(nl.simulate(models.LIF(), noise, t_stop=1.0).v))


# times on a 1 µs grid (closer spikes are not data), with NaN and inf mixed in
times = st.integers(-10**7, 10**7).map(lambda k: k * 1e-3)
spike_lists = st.lists(st.one_of(times, st.just(float("nan")), st.just(float("inf"))), max_size=12)


@FAST
@given(spikes=spike_lists, start=st.floats(-1e4, 1e4), length=st.floats(-10.0, 1e4))
def test_spike_train_measures(spikes, start, length):
    stop = start + length
    measures = {"isi": analysis.isi, "cv": analysis.cv, "adaptation": analysis.adaptation_index,
                "first": analysis.first_isi_rate,
                "rate": lambda s: analysis.firing_rate(s, start, stop),
                "steady": lambda s: analysis.steady_rate(s, start, stop)}
    with warnings.catch_warnings():
        warnings.simplefilter("error")                # a numpy warning is a finding
        for name, measure in measures.items():
            try:
                out = np.asarray(measure(spikes))
            except Exception as exc:  # noqa: BLE001
                refused(exc, "spikes", "stop", "start")
                continue
            fewer_than_two_isis = len(spikes) < 3
            if name in ("cv", "adaptation") and fewer_than_two_isis:
                assert np.all(np.isnan(out))          # documented: undefined
            else:
                assert np.all(np.isfinite(out)), (name, spikes, out)


@settings(max_examples=12, deadline=None)
@given(rtol=st.one_of(st.floats(allow_nan=True), junk), per_round=st.one_of(st.integers(-2, 3), junk))
def test_rheobase_never_loops_forever(rtol, per_round):
    try:
        value = nl.rheobase(models.LIF(), duration=50.0, rtol=rtol, per_round=per_round)
    except Exception as exc:  # noqa: BLE001
        refused(exc, "rtol", "per_round")
        return
    assert math.isfinite(value) and value > 0
