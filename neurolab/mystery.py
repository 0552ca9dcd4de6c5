"""Mystery neurons: an individual problem for every student, made from the student id.

Each generator turns a student id into a neuron with hidden parameters: a published model
(Hodgkin–Huxley, one of the AdEx firing patterns of Naud et al. 2008, one of the cortical
classes of Izhikevich 2003) whose parameters are perturbed by a few to fifteen per cent.
The student measures it (its rheobase, its resting potential, its firing rate) and
identifies its class; an autograder calls :func:`answers` with the same id and gets the
same numbers, *measured* on the same neuron by the library's own tools.

>>> from neurolab import mystery
>>> neuron = mystery.adex("s1234567")
>>> result = neuron.simulate()          # its step response: which pattern is it?
>>> mystery.answers("s1234567", "adex")["pattern"]   # what the autograder checks

Properties:

* **Deterministic.** The id (stripped of surrounding spaces, case-folded, in Unicode
  normal form NFC, so that an accented letter typed either way is the same id) is hashed with
  SHA-256 together with the problem's name and an optional ``salt``; the hash seeds a NumPy
  ``Generator``. The same id gives the same neuron on every machine and in every session
  (Python's own ``hash()`` is salted per process and is not used).
* **Individual.** Two ids give different neurons: different parameters always, and a
  different class for about 1 − 1/n of the pairs (n classes). Change ``salt`` (for
  example to the term, ``salt="2026-spring"``) to give every student a new neuron.
* **Checked.** A perturbed neuron is kept only if it still behaves like its class (the
  firing pattern is the intended one, the axon is silent at rest and has a rheobase);
  otherwise the next draw of the same random stream is tried.
* **Not secret.** The parameters are attributes of ``neuron.model``, and this module's
  source is public: a student who reads them off, or calls :func:`answers`, gets the
  answer without measuring. Mystery neurons stop students from copying each other's
  numbers; they do not stop a student from reading the source. Grade the reasoning (the
  plots and the explanation) as well as the numbers.

The protocols (step onset, duration, the current grid of the f–I curve) are module
constants, so that a question, a student's measurement and the autograder use the same
definitions.
"""
from __future__ import annotations

import functools
import hashlib
import unicodedata
import warnings
from dataclasses import dataclass

import numpy as np

from . import analysis, models, stimulus
from .models._base import Model
from .result import Result
from .simulate import fi_curve, rheobase, simulate

__all__ = ["MysteryNeuron", "axon", "adex", "izhikevich", "answers", "KINDS", "PLACEHOLDER_ID",
           "AXON_ONSET_CURRENTS", "IZHIKEVICH_CLASSES", "ADEX_PATTERNS"]

#: The example id in the student notebooks; generators warn when they are given it.
PLACEHOLDER_ID = "your-student-id"

#: The three problems.
KINDS = ("axon", "adex", "izhikevich")

#: The currents of the axon's f–I curve, 0 to 30 µA/cm² in steps of 0.25.
AXON_ONSET_CURRENTS = np.round(np.arange(0.0, 30.0 + 1e-9, 0.25), 2)

#: The eight firing patterns of Naud et al. (2008) that :func:`adex` draws from.
ADEX_PATTERNS = tuple(models.NAUD_2008)

#: The cortical classes of Izhikevich (2003) that :func:`izhikevich` draws from.
IZHIKEVICH_CLASSES = ("RS", "IB", "CH", "FS")

_RHEOBASE_DURATION = 500.0   # ms, the step length of every rheobase here


@dataclass(frozen=True)
class MysteryNeuron:
    """A neuron made from a student id, with the step protocol of its problem.

    Attributes
    ----------
    student_id : str
        The normalised id (surrounding spaces removed, case-folded).
    kind : str
        The problem: ``"axon"``, ``"adex"`` or ``"izhikevich"``.
    model : Model
        The neuron itself, a neurolab model: simulate it like any other.
    current : float
        The step amplitude that shows its firing pattern (µA/cm² for the axon, pA for the
        AdEx, the paper's mV/ms for the Izhikevich neuron).
    start : float
        Onset of the protocol's steps (ms): 10 ms, or 200 ms for the Izhikevich (2003)
        neuron (its assignment's protocol).
    duration : float
        Length of the protocol's steps (ms).
    """

    student_id: str
    kind: str
    model: Model
    current: float
    start: float
    duration: float

    def step(self, amplitude: float | None = None) -> stimulus.Stimulus:
        """The protocol's current step (``current`` unless ``amplitude`` is given)."""
        amplitude = self.current if amplitude is None else amplitude
        return stimulus.step(amplitude, self.start, self.start + self.duration)

    def simulate(self, amplitude: float | None = None, **kwargs) -> Result:
        """Simulate the protocol: the step, then 10 ms without current.

        Keyword arguments go to :func:`neurolab.simulate` (``dt``, ``method`` ...).
        """
        return simulate(self.model, self.step(amplitude),
                        t_stop=self.start + self.duration + 10.0, **kwargs)


# --- seeding ----------------------------------------------------------------------------
def _normalise(student_id) -> str:
    if not isinstance(student_id, str):
        raise TypeError(f"the student id must be a string, such as \"s1234567\", not "
                        f"{type(student_id).__name__}; set STUDENT_ID = \"...\" to your id.")
    # the same id typed on two keyboards may differ in Unicode form (é as one character or
    # as e + accent): compare the NFC forms, before and after case-folding
    normalised = unicodedata.normalize("NFC", unicodedata.normalize("NFC", student_id).strip().casefold())
    if not normalised:
        raise ValueError("the student id is empty; set it to your id, such as \"s1234567\".")
    if normalised == PLACEHOLDER_ID:
        warnings.warn(f"{PLACEHOLDER_ID!r} is the example id of the notebook: replace it with "
                      "your own student id, or your answers will be graded as wrong.",
                      UserWarning, stacklevel=4)
    return normalised


def _rng(student_id: str, kind: str, salt: str) -> np.random.Generator:
    """A generator seeded by SHA-256 of (problem, salt, id): the same on every machine."""
    text = f"neurolab.mystery|{kind}|{salt}|{student_id}"
    seed = int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:16], "big")
    return np.random.default_rng(seed)


def _spread(rng, fraction):
    """A factor uniform in [1 - fraction, 1 + fraction]."""
    return float(rng.uniform(1.0 - fraction, 1.0 + fraction))


# --- the three problems -------------------------------------------------------------------
def _make_axon(rng):
    hh = models.HodgkinHuxley()
    for _ in range(100):
        model = hh.replace(g_Na=round(hh.g_Na * _spread(rng, 0.15), 2),
                           g_K=round(hh.g_K * _spread(rng, 0.15), 2),
                           g_L=round(hh.g_L * _spread(rng, 0.15), 4),
                           E_L=round(hh.E_L + float(rng.uniform(-1.0, 1.0)), 3))
        silent = simulate(model, 0.0, t_stop=300.0, record=False).spike_times.size == 0
        if silent and 1.0 < rheobase(model, duration=_RHEOBASE_DURATION) < 6.0:
            return model, "HH"
    return hh, "HH"


def _make_adex(rng):
    name = ADEX_PATTERNS[int(rng.integers(len(ADEX_PATTERNS)))]
    preset, current = models.NAUD_2008[name]
    for _ in range(100):
        model = preset.replace(C=round(preset.C * _spread(rng, 0.1), 1),
                               g_L=round(preset.g_L * _spread(rng, 0.1), 2),
                               tau_w=round(preset.tau_w * _spread(rng, 0.1), 1),
                               b=round(preset.b * _spread(rng, 0.1), 1))
        if _adex_pattern(model, current) == name:
            return model, name, current
    return preset, name, current


def _adex_pattern(model, current, start=10.0, duration=_RHEOBASE_DURATION):
    res = simulate(model, stimulus.step(current, start, start + duration), t_stop=start + duration + 10.0)
    return analysis.classify_firing(res).label


_IZH_2003 = {"RS": (0.02, -65.0, 8.0), "IB": (0.02, -55.0, 4.0),
             "CH": (0.02, -50.0, 2.0), "FS": (0.1, -65.0, 2.0)}   # a, c, d; b = 0.2 in all four
_IZH_START = 200.0      # ms of settling before every step
_IZH_CURRENT = 10.0     # mV/ms, the paper's step


def _saddle(b):
    """The unstable fixed point of the 2003 model (mV): 0.04 v² + (5 - b) v + 140 = 0."""
    return ((b - 5.0) + np.sqrt((5.0 - b) ** 2 - 22.4)) / 0.08


def _izhikevich_signature(model):
    """The class a step of 10 mV/ms suggests: CH bursts, IB bursts once, FS is fast."""
    res = simulate(model, stimulus.step(_IZH_CURRENT, _IZH_START, _IZH_START + _RHEOBASE_DURATION),
                   t_stop=_IZH_START + _RHEOBASE_DURATION)
    label = analysis.classify_firing(res).label
    rate = res.rate(_IZH_START, _IZH_START + _RHEOBASE_DURATION)
    if label == "regular bursting":
        return "CH"
    if label == "initial burst":
        return "IB"
    if label in ("adapting", "tonic"):
        return "FS" if rate > 100.0 else ("RS" if rate < 60.0 else None)
    return None


def _make_izhikevich(rng):
    name = IZHIKEVICH_CLASSES[int(rng.integers(len(IZHIKEVICH_CLASSES)))]
    a, c, d = _IZH_2003[name]
    for _ in range(100):
        b = round(float(rng.uniform(0.19, 0.21)), 4)
        reset = c + float(rng.uniform(-1.0, 1.0))
        # keep the reset below the saddle (the threshold point)
        reset = round(min(reset, float(_saddle(b)) - 0.3), 2)
        model = models.Izhikevich2003(a=round(a * _spread(rng, 0.15), 4), b=b, c=reset,
                                      d=round(d * _spread(rng, 0.15), 3))
        if _izhikevich_signature(model) == name:
            return model, name
    return models.IZHIKEVICH_2003[name], name


def _generate(student_id, kind, salt):
    if kind not in KINDS:
        raise ValueError(f"kind={kind!r} is unknown; use one of {', '.join(map(repr, KINDS))}.")
    if not isinstance(salt, str):
        raise TypeError(f"salt must be a string, not {type(salt).__name__}.")
    return _draw(_normalise(student_id), kind, salt)


@functools.lru_cache(maxsize=64)
def _draw(sid, kind, salt):
    """The neuron of a normalised id and its class label (cached: drawing simulates)."""
    rng = _rng(sid, kind, salt)
    if kind == "axon":
        model, label = _make_axon(rng)
        return MysteryNeuron(sid, kind, model, 10.0, 10.0, _RHEOBASE_DURATION), label
    if kind == "adex":
        model, label, current = _make_adex(rng)
        return MysteryNeuron(sid, kind, model, current, 10.0, _RHEOBASE_DURATION), label
    model, label = _make_izhikevich(rng)
    return MysteryNeuron(sid, kind, model, _IZH_CURRENT, _IZH_START, _RHEOBASE_DURATION), label


def axon(student_id: str, *, salt: str = "") -> MysteryNeuron:
    """A Hodgkin–Huxley axon with hidden conductances (Part I).

    ``g_Na``, ``g_K`` and ``g_L`` are the 1952 values (mS/cm²) times factors within ±15 %,
    and ``E_L`` is shifted by up to ±1 mV; the axon is silent without input and has a
    rheobase between 1 and 6 µA/cm². Units: mV, ms, µA/cm².

    Parameters
    ----------
    student_id : str
        The student's id; surrounding spaces and case are ignored.
    salt : str, optional
        Any text that changes every neuron (for example the term).

    Returns
    -------
    MysteryNeuron
        ``model`` is a :class:`~neurolab.models.HodgkinHuxley`; steps start at 10 ms and
        last 500 ms; ``current`` is 10 µA/cm².
    """
    return _generate(student_id, "axon", salt)[0]


def adex(student_id: str, *, salt: str = "") -> MysteryNeuron:
    """An AdEx neuron showing one of the eight firing patterns of Naud et al. (2008) (Part II).

    The pattern is drawn from :data:`ADEX_PATTERNS`; ``C``, ``g_L``, ``tau_w`` and ``b`` of
    its Table 1 parameters (pF, nS, ms, pA) are perturbed by up to ±10 %, and the neuron is
    kept only if :func:`neurolab.analysis.classify_firing` still finds the pattern in its
    response to the table's step current, 500 ms from t = 10 ms.

    Parameters
    ----------
    student_id : str
        The student's id; surrounding spaces and case are ignored.
    salt : str, optional
        Any text that changes every neuron.

    Returns
    -------
    MysteryNeuron
        ``model`` is an :class:`~neurolab.models.AdEx`; ``current`` (pA) is the table's
        step that shows the pattern; steps start at 10 ms and last 500 ms.
    """
    return _generate(student_id, "adex", salt)[0]


def izhikevich(student_id: str, *, salt: str = "") -> MysteryNeuron:
    """An Izhikevich (2003) neuron of one of the classes RS, IB, CH, FS (Part III).

    ``a`` and ``d`` are the paper's values times factors within ±15 %, ``b`` is drawn from
    0.19–0.21 and ``c`` is shifted by up to ±1 mV (kept 0.3 mV below the unstable fixed
    point, the threshold). The neuron is kept only if its response to
    a step of 10 mV/ms shows its class: repeated bursts (CH), one initial burst then single
    spikes (IB), regular spikes below 60 Hz (RS) or above 100 Hz (FS). Units: mV, ms, and the
    paper's mV/ms for currents.

    Parameters
    ----------
    student_id : str
        The student's id; surrounding spaces and case are ignored.
    salt : str, optional
        Any text that changes every neuron.

    Returns
    -------
    MysteryNeuron
        ``model`` is an :class:`~neurolab.models.Izhikevich2003` (it starts at rest);
        steps start at 200 ms and last 500 ms;
        ``current`` is 10 mV/ms.
    """
    return _generate(student_id, "izhikevich", salt)[0]


def answers(student_id: str, kind: str, *, salt: str = "") -> dict:
    """What a student should find for the mystery neuron of ``student_id``, measured afresh.

    For the autograder: it regenerates the neuron from the id and measures it with the
    protocol of :class:`MysteryNeuron` (steps of ``duration`` ms from ``start``; a
    rheobase is the smallest such step that fires at least once, found by
    :func:`neurolab.rheobase` to a relative 1e-4).

    Parameters
    ----------
    student_id : str
        The student's id.
    kind : {"axon", "adex", "izhikevich"}
        The problem.
    salt : str, optional
        As given to the generator.

    Returns
    -------
    dict
        ``"axon"``: ``resting_potential`` (mV), ``rheobase`` (µA/cm²), ``onset_current`` (the
        smallest current of :data:`AXON_ONSET_CURRENTS` with sustained firing, µA/cm²) and
        ``onset_rate`` (its steady rate over 1000 ms, Hz).
        ``"adex"``: ``pattern`` (a name of :data:`ADEX_PATTERNS`) and ``rheobase`` (pA).
        ``"izhikevich"``: ``class`` (a name of :data:`IZHIKEVICH_CLASSES`), ``rate`` (the
        mean rate during the 10 mV/ms step, Hz) and ``rheobase`` (mV/ms).
    """
    neuron, label = _generate(student_id, kind, salt)
    return dict(_measure(neuron, label))


@functools.lru_cache(maxsize=32)
def _measure(neuron: MysteryNeuron, label: str) -> tuple:
    """The measured answers as (key, value) pairs; cached, since graders ask repeatedly."""
    kind, model = neuron.kind, neuron.model
    base = float(rheobase(model, duration=neuron.duration, start=neuron.start))
    if kind == "axon":
        rates = fi_curve(model, AXON_ONSET_CURRENTS, t_stop=1000.0, measure="steady")
        firing = np.flatnonzero(rates > 0)
        onset = int(firing[0]) if firing.size else None
        return (("resting_potential", float(model.resting_potential())), ("rheobase", base),
                ("onset_current", float(AXON_ONSET_CURRENTS[onset]) if onset is not None else float("nan")),
                ("onset_rate", float(rates[onset]) if onset is not None else float("nan")))
    if kind == "adex":
        return (("pattern", label), ("rheobase", base))
    res = neuron.simulate()
    return (("class", label), ("rate", float(res.rate(neuron.start, neuron.start + neuron.duration))),
            ("rheobase", base))
