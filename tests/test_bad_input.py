"""Bad and unusual input at the public boundary: one case per line, by kind.

Every case expects one of three outcomes:

* ``error``: a ``ValueError``/``TypeError`` (or ``KeyError`` for a dict lookup) whose
  message names the argument or value (``match``) and so says what to fix;
* ``answer``: the call succeeds and its result passes a check (the right answer);
* ``documented``: the call succeeds with the behaviour the docstrings promise (a
  warning, NaN for an undefined CV ...), checked.

Anything else (a different exception, a message without the name, a wrong result, a
hang) is "still bad". ``python tests/test_bad_input.py`` prints the counts by outcome.
"""
from __future__ import annotations

import math
import unicodedata
import warnings
from collections import Counter
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pytest

import neurolab as nl
from neurolab import analysis, models, mystery, stimulus
from neurolab._validation import check_seed


@dataclass
class Case:
    kind: str
    label: str
    call: Callable
    expect: str                       # "error", "answer" or "documented"
    match: str = ""                   # for errors: a word the message must contain
    check: Callable = lambda out: True

    def outcome(self):
        """(outcome, detail): "clear error", "right answer", "documented behaviour" or "still bad"."""
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                out = self.call()
        except (ValueError, TypeError, KeyError) as exc:
            message = str(exc)
            if self.expect == "error" and self.match.lower() in message.lower():
                return "clear error", message
            return "still bad", f"{type(exc).__name__}: {message}"
        except Exception as exc:      # noqa: BLE001 - any other exception is a finding
            return "still bad", f"{type(exc).__name__}: {exc}"
        if self.expect == "error":
            return "still bad", f"no error; returned {out!r:.100}"
        try:
            passed = self.check((out, caught) if self.expect == "documented" else out)
        except Exception as exc:      # noqa: BLE001
            return "still bad", f"check failed: {exc!r}"
        if not passed:
            return "still bad", f"wrong result {out!r:.100}"
        return ("right answer" if self.expect == "answer" else "documented behaviour"), ""


LIF = models.LIF()
HH = models.HodgkinHuxley()
CASES: list[Case] = []


def error(kind, label, call, match):
    CASES.append(Case(kind, label, call, "error", match))


def answer(kind, label, call, check):
    CASES.append(Case(kind, label, call, "answer", check=check))


def documented(kind, label, call, check):
    CASES.append(Case(kind, label, call, "documented", check=check))


def warned(word):
    return lambda pair: any(word in str(w.message) for w in pair[1])


def same_spikes(a, b):
    return len(a.spike_times) == len(b.spike_times) and all(
        np.array_equal(x, y) for x, y in zip(a.spike_times, b.spike_times))


# --- never loop forever ------------------------------------------------------------------
for rtol in (0.0, -1e-3, float("nan"), 1.0):
    error("rheobase", f"rtol={rtol}", lambda r=rtol: nl.rheobase(LIF, rtol=r), "rtol")
error("rheobase", "per_round=0", lambda: nl.rheobase(LIF, per_round=0), "per_round")
error("rheobase", "per_round=2.5", lambda: nl.rheobase(LIF, per_round=2.5), "per_round")
error("rheobase", "a stimulus as model", lambda: nl.rheobase(stimulus.step(1, 0)), "model")
answer("rheobase", "rtol=1e-12 stops when the bracket stops shrinking",
       lambda: nl.rheobase(LIF, duration=100.0, rtol=1e-12),
       lambda r: abs(r - LIF.g_L * (LIF.V_th - LIF.E_L)) < 1.0)

# --- the time grid -----------------------------------------------------------------------
error("time grid", "time_grid(100, 0)", lambda: nl.time_grid(100, 0), "dt")
error("time grid", "time_grid(nan, 0.1)", lambda: nl.time_grid(float("nan"), 0.1), "t_stop")
error("time grid", "time_grid(100, -0.1)", lambda: nl.time_grid(100, -0.1), "dt")
error("time grid", "time_grid('100', 0.1)", lambda: nl.time_grid("100", 0.1), "t_stop")
documented("time grid", "dt=0.4 does not divide t_stop=1: ends before, says so",
           lambda: nl.time_grid(1.0, 0.4),
           lambda pair: np.allclose(pair[0], [0.0, 0.4, 0.8]) and warned("does not divide")(pair))
documented("time grid", "dt=0.3 does not divide t_stop=100: ends at 99.9, says so once",
           lambda: nl.simulate(LIF, 0.0, t_stop=100.0, dt=0.3),
           lambda pair: abs(pair[0].t_stop - 99.9) < 1e-9 and len(pair[1]) == 1
           and warned("does not divide")(pair))
answer("time grid", "time_grid(100, 0.025) ends at t_stop", lambda: nl.time_grid(100, 0.025),
       lambda t: t.size == 4001 and abs(t[-1] - 100.0) < 1e-9)
answer("time grid", "dt=0.0005 ms for HH is legitimate",
       lambda: nl.simulate(HH, 10.0, t_stop=20.0, dt=0.0005),
       lambda r: r.t.size == 40001 and np.allclose(
           r.spike_times, nl.simulate(HH, 10.0, t_stop=20.0).spike_times, atol=0.05))
error("time grid", "dt in seconds for HH suggests a usable step",
      lambda: nl.simulate(HH, 10.0, t_stop=20.0, dt=5e-5), "dt=0.05 ms")
error("time grid", "dt=0.5 ms too coarse for HH", lambda: nl.simulate(HH, 10.0, t_stop=20.0, dt=0.5),
      "too coarse")
error("time grid", "method='Euler'", lambda: nl.simulate(LIF, method="Euler"), "method")

error("time grid", "reference_solution with dt=0", lambda: nl.reference_solution(HH, t_stop=40.0, dt=0.0),
      "dt")
error("seed", "reference_solution(seed=-1)", lambda: nl.reference_solution(HH, t_stop=1.0, seed=-1), "seed")
error("reference", "rtol=0", lambda: nl.reference_solution(HH, t_stop=1.0, rtol=0.0), "rtol")

# --- memory --------------------------------------------------------------------------------
error("memory", "t_stop=1e9", lambda: nl.simulate(LIF, 300.0, t_stop=1e9), "GiB")
error("memory", "a long batch of stimulus objects",
      lambda: nl.simulate(LIF, [stimulus.step(300.0, 10.0)] * 5000, t_stop=1e6, dt=0.1),
      "record=False")
error("memory", "time_grid(1e12, 0.01)", lambda: nl.time_grid(1e12, 0.01), "GiB")

# --- a list that is not a batch -------------------------------------------------------------
error("batch", "a list of n samples", lambda: nl.simulate(LIF, [300.0] * 1001, t_stop=100.0, dt=0.1),
      "np.asarray")
error("batch", "a 1-D array of the wrong length",
      lambda: nl.simulate(LIF, np.full(50, 300.0), t_stop=100.0, dt=0.1), "batch")
error("batch", "a transposed (n, batch) array",
      lambda: nl.simulate(LIF, np.full((1001, 3), 300.0), t_stop=100.0, dt=0.1), "transpose")
error("batch", "a 3-D array", lambda: nl.simulate(LIF, np.zeros((2, 2, 2)), t_stop=10.0), "2-D")
error("batch", "an empty list", lambda: nl.simulate(LIF, []), "empty")
error("batch", "3 models and 2 stimuli", lambda: nl.simulate([LIF] * 3, [1.0, 2.0]), "equal")
answer("batch", "a (batch, 1) array is a batch of constants",
       lambda: nl.simulate(LIF, np.array([[300.0], [500.0]]), t_stop=100.0),
       lambda r: same_spikes(r, nl.simulate(LIF, [300.0, 500.0], t_stop=100.0)))
error("batch", "a string stimulus", lambda: nl.simulate(LIF, "300"), "stimulus")

# --- implausible magnitudes -------------------------------------------------------------------
documented("magnitude", "1e6 pA warns", lambda: nl.simulate(LIF, 1e6, t_stop=10.0), warned("far beyond"))
documented("magnitude", "500 µA/cm² into HH warns",
           lambda: nl.simulate(HH, 500.0, t_stop=5.0),
           warned("µA/cm²"))
error("magnitude", "divergence under a huge current blames the current",
      lambda: nl.simulate(HH, 1e7, t_stop=5.0), "current")
error("magnitude", "conductances in S/cm²", lambda: models.HodgkinHuxley(g_Na=0.12, g_K=0.036), "S/cm²")
error("magnitude", "E_Na < E_K", lambda: models.HodgkinHuxley(E_Na=-77.0, E_K=50.0), "E_K")
documented("magnitude", "spike threshold above the spike's peak warns (no spike can be counted)",
           lambda: models.HodgkinHuxley(spike_threshold=60.0), warned("spike_threshold"))
error("magnitude", "a current in amperes", lambda: nl.simulate(LIF, 3e-10, t_stop=10.0), "amperes")

# --- callables and sweeps --------------------------------------------------------------------
error("callable", "returns None", lambda: nl.simulate(LIF, lambda t: None, t_stop=10.0), "None")
error("callable", "returns the wrong shape",
      lambda: nl.simulate(LIF, lambda t: np.ones(3), t_stop=10.0), "shape")
error("callable", "takes two arguments", lambda: nl.simulate(LIF, lambda t, x: t, t_stop=10.0),
      "one argument")
error("callable", "returns a string", lambda: nl.simulate(LIF, lambda t: "a", t_stop=10.0), "str")
answer("callable", "a scalar-only function (an if on t)",
       lambda: nl.simulate(LIF, lambda t: 300.0 if t >= 5.0 else 0.0, t_stop=10.0, dt=0.1),
       lambda r: r.I[49] == 0.0 and r.I[50] == 300.0)
answer("callable", "a constant function", lambda: nl.simulate(LIF, lambda t: 300.0, t_stop=10.0),
       lambda r: np.all(r.I == 300.0))
error("fi_curve", "stimulus objects", lambda: nl.fi_curve(LIF, [stimulus.step(1.0, 0.0)]), "simulate")
error("fi_curve", "strings", lambda: nl.fi_curve(LIF, ["100", "200"]), "numbers")
error("fi_curve", "a string", lambda: nl.fi_curve(LIF, "100"), "currents")
error("fi_curve", "an empty list", lambda: nl.fi_curve(LIF, []), "non-empty")
error("fi_curve", "a 2-D array", lambda: nl.fi_curve(LIF, np.ones((2, 2))), "1-D")
error("fi_curve", "an unknown measure", lambda: nl.fi_curve(LIF, [1.0], measure="max"), "measure")

# --- seeds --------------------------------------------------------------------------------------
NOISE = stimulus.white_noise(300.0, 50.0)
for bad, word in ((-1, "seed=-1"), (1.5, "seed=1.5"), ("abc", "seed='abc'"), (True, "seed=True")):
    error("seed", f"simulate(seed={bad!r})",
          lambda b=bad: nl.simulate(LIF, NOISE, t_stop=10.0, seed=b), word)
    error("seed", f"white_noise(seed={bad!r})", lambda b=bad: stimulus.white_noise(seed=b), word)
    error("seed", f"check_seed({bad!r})", lambda b=bad: check_seed(b), word)
answer("seed", "a Generator is accepted and reproducible",
       lambda: [nl.simulate(LIF, NOISE, t_stop=50.0, seed=np.random.default_rng(3)).v for _ in range(2)],
       lambda vs: np.array_equal(*vs))
answer("seed", "a SeedSequence is accepted",
       lambda: nl.simulate(LIF, NOISE, t_stop=50.0, seed=np.random.SeedSequence(3)),
       lambda r: np.all(np.isfinite(r.v)))
answer("seed", "numpy integers are accepted",
       lambda: nl.simulate(LIF, NOISE, t_stop=50.0, seed=np.int64(3)).v,
       lambda v: np.array_equal(v, nl.simulate(LIF, NOISE, t_stop=50.0, seed=3).v))

# --- analysis of spike trains ---------------------------------------------------------------------
error("analysis", "unsorted spike times", lambda: analysis.cv([10.0, 5.0, 20.0]), "np.sort")
error("analysis", "NaN spike time", lambda: analysis.isi([1.0, float("nan")]), "finite")
error("analysis", "infinite spike time", lambda: analysis.firing_rate([1.0, np.inf], 0, 10), "finite")
error("analysis", "a repeated spike time", lambda: analysis.first_isi_rate([1.0, 1.0]), "np.unique")
error("analysis", "a 2-D array", lambda: analysis.isi(np.ones((2, 3))), "1-D")
error("analysis", "stop before start", lambda: analysis.firing_rate([1.0], 10.0, 5.0), "stop")
error("analysis", "a Result instead of its spike times",
      lambda: analysis.cv(nl.simulate(LIF, 300.0, t_stop=50.0)), "spike_times")
documented("analysis", "0 spikes: empty ISIs, rate 0, CV NaN",
           lambda: (analysis.isi([]), analysis.firing_rate([], 0, 100), analysis.cv([]),
                    analysis.first_isi_rate([]), analysis.steady_rate([], 0, 100)),
           lambda pair: pair[0][0].size == 0 and pair[0][1] == 0 and math.isnan(pair[0][2])
           and pair[0][3] == 0 and pair[0][4] == 0 and not pair[1])
documented("analysis", "1 spike: rate counts it, CV and adaptation NaN",
           lambda: (analysis.firing_rate([5.0], 0, 100), analysis.cv([5.0]),
                    analysis.adaptation_index([5.0]), analysis.first_isi_rate([5.0])),
           lambda pair: pair[0][0] == 10.0 and math.isnan(pair[0][1]) and math.isnan(pair[0][2])
           and pair[0][3] == 0 and not pair[1])

# --- plots and flags -------------------------------------------------------------------------------
RUN = nl.simulate(HH, 10.0, t_stop=20.0)
error("plot", "an unknown state name lists the known ones",
      lambda: nl.plotting.plot_trace(RUN, state=["x"]), "'m'")
error("plot", "a non-Result", lambda: nl.plotting.plot_trace(RUN.v), "Result")
error("plot", "plot_fi with mismatched lengths", lambda: nl.plotting.plot_fi([1, 2, 3], [1, 2]), "match")
error("plot", "plot_fi with nothing", lambda: nl.plotting.plot_fi([], []), "non-empty")
error("plot", "plot_fi with too few labels",
      lambda: nl.plotting.plot_fi([1, 2], [[1, 2], [3, 4]], labels=["a"]), "labels")
error("plot", "a record=False run", lambda: nl.plotting.plot_trace(
    nl.simulate(LIF, 300.0, t_stop=10.0, record=False)), "record")
error("result", "result.state['x']", lambda: RUN.state["x"], "'h'")
error("flags", "record='no'", lambda: nl.simulate(LIF, record="no"), "record")
error("flags", "progress='yes'", lambda: nl.simulate(LIF, progress="yes"), "progress")
error("flags", "record=1", lambda: nl.simulate(LIF, record=1), "record")
answer("flags", "record=np.False_ is a real boolean",
       lambda: nl.simulate(LIF, 300.0, t_stop=10.0, record=np.False_), lambda r: r.state == {})

# --- student ids ---------------------------------------------------------------------------------
NFC = unicodedata.normalize("NFC", "  José-Müller ")
NFD = unicodedata.normalize("NFD", "JOSÉ-MÜLLER")
answer("student id", "NFC and NFD forms are the same student",
       lambda: (mystery.izhikevich(NFC), mystery.izhikevich(NFD)),
       lambda pair: NFC != NFD and pair[0] == pair[1])
error("student id", "an unknown problem", lambda: mystery.answers("s1", "bogus"), "kind")
error("student id", "a number as salt", lambda: mystery.adex("s1", salt=2026), "salt")
error("model", "a class instead of an instance", lambda: nl.simulate(models.LIF), "model")
error("model", "a model name", lambda: nl.simulate("LIF"), "model")
error("stimulus", "a step amplitude as text", lambda: stimulus.step("1", 0.0), "amplitude")
error("stimulus", "pulse_train count=2.5", lambda: stimulus.pulse_train(1.0, 0.0, 1.0, 5.0, count=2.5),
      "count")
error("result", "indexing a single run", lambda: RUN[0], "batched")
error("analysis", "classify_firing of a batch",
      lambda: analysis.classify_firing(nl.simulate(LIF, [300.0, 400.0], t_stop=50.0)), "index")
error("student id", "a number as id", lambda: mystery.adex(1234567), "string")
error("student id", "an empty id", lambda: mystery.adex("   "), "empty")


@pytest.mark.parametrize("case", CASES, ids=[f"{c.kind}: {c.label}" for c in CASES])
def test_bad_input(case):
    outcome, detail = case.outcome()
    expected = {"error": "clear error", "answer": "right answer",
                "documented": "documented behaviour"}[case.expect]
    assert outcome == expected, detail


def counts() -> Counter:
    """Run every case and count the outcomes (the numbers the issue asks for)."""
    tally = Counter()
    for case in CASES:
        outcome, detail = case.outcome()
        tally[outcome] += 1
        if outcome == "still bad":
            print(f"still bad: {case.kind}: {case.label}: {detail}")
    return tally


if __name__ == "__main__":
    tally = counts()
    print(f"{len(CASES)} cases: " + ", ".join(f"{tally[k]} {k}" for k in
          ("clear error", "right answer", "documented behaviour", "still bad")))


def test_progress_is_a_tqdm_bar(capsys):
    nl.simulate(LIF, [300.0, 400.0], t_stop=50.0, progress=True)
    err = capsys.readouterr().err
    assert "simulating LIF" in err and "/2" in err
    nl.simulate(LIF, [300.0, 400.0], t_stop=50.0, progress=False)
    assert capsys.readouterr().err == ""
