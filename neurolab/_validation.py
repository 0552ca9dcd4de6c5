"""Input checks shared by every model and by :func:`neurolab.simulate`.

All checks live here so that every error message has the same shape: it names the
parameter, the value, what is wrong, and how to fix it. neurolab's units are ms, mV, pA,
nS, pF and Hz for point neurons, and µF/cm², mS/cm², µA/cm² for conductance-based
models per unit area; several checks recognise values that look like SI units
(farads, siemens, volts, seconds) and suggest the converted value.
"""
from __future__ import annotations

import math
import numbers
import os

import numpy as np

# How to convert an SI value to each of neurolab's units, and what the SI unit is called.
_SI = {
    "pF": (1e12, "farads"),
    "nS": (1e9, "siemens"),
    "mV": (1e3, "volts"),
    "ms": (1e3, "seconds"),
    "pA": (1e12, "amperes"),
    "µF/cm²": (1e6, "F/cm²"),
    "mS/cm²": (1e3, "S/cm²"),
}
# Below these magnitudes a positive value is taken to be in SI units by mistake.
_TOO_SMALL = {"pF": 1e-3, "nS": 1e-4, "µF/cm²": 1e-3, "mS/cm²": 1e-4, "ms": 1e-3}


def _number(name: str, value, unit: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number in {unit}, not {type(value).__name__} ({value!r}).")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name}={value} {unit} is not a finite number; give a finite value in {unit}.")
    return value


def _si_hint(name: str, value: float, unit: str) -> str:
    factor, si_name = _SI[unit]
    return (f"{name}={value:g} is far too small: neurolab uses {unit}, and {value:g} looks like "
            f"{si_name}. Did you mean {name}={value * factor:g} ({unit})?")


def finite(name: str, value, unit: str) -> float:
    """Return ``value`` as a float, or raise if it is not a finite real number."""
    return _number(name, value, unit)


def positive(name: str, value, unit: str) -> float:
    """A strictly positive quantity (capacitance, time constant, time step ...)."""
    value = _number(name, value, unit)
    if value <= 0:
        raise ValueError(f"{name}={value:g} {unit}: it must be positive.")
    if unit in _TOO_SMALL and value < _TOO_SMALL[unit]:
        raise ValueError(_si_hint(name, value, unit))
    return value


def nonnegative(name: str, value, unit: str) -> float:
    """A quantity that may be zero but not negative (conductance, refractory period ...)."""
    value = _number(name, value, unit)
    if value < 0:
        raise ValueError(f"{name}={value:g} {unit}: it cannot be negative (use 0 to switch it off).")
    if value > 0 and unit in _TOO_SMALL and value < _TOO_SMALL[unit]:
        raise ValueError(_si_hint(name, value, unit))
    return value


def potential(name: str, value) -> float:
    """A membrane or reversal potential in mV; rejects values that look like volts."""
    value = _number(name, value, "mV")
    if 0 < abs(value) < 0.5:
        raise ValueError(_si_hint(name, value, "mV"))
    if abs(value) > 1000:
        raise ValueError(f"{name}={value:g} mV is outside any physiological range (|V| < 1000 mV).")
    return value


def ordered(low_name: str, low: float, high_name: str, high: float, unit: str) -> None:
    """Require ``low < high`` (e.g. a reset potential below the threshold)."""
    if not low < high:
        raise ValueError(f"{low_name}={low:g} {unit} must be below {high_name}={high:g} {unit}.")



def fields(model, *, strictly_positive=None, at_least_zero=None, in_mV=(), any_real=None) -> None:
    """Check and coerce a frozen dataclass's fields in place.

    ``strictly_positive``, ``at_least_zero`` and ``any_real`` map field names to their
    units; ``in_mV`` lists the fields that are potentials.
    """
    for rule, names in ((positive, strictly_positive), (nonnegative, at_least_zero),
                        (finite, any_real)):
        for name, unit in (names or {}).items():
            object.__setattr__(model, name, rule(name, getattr(model, name), unit))
    for name in in_mV:
        object.__setattr__(model, name, potential(name, getattr(model, name)))


def flag(name: str, value, *, optional: bool = False):
    """A real boolean (``True``/``False``; also ``None`` when ``optional``).

    Strings such as ``"no"`` are truthy in Python, so they are refused, not guessed."""
    if value is None and optional:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    allowed = "True, False or None" if optional else "True or False"
    raise TypeError(f"{name}={value!r} must be {allowed}, not {type(value).__name__}.")


def integer(name: str, value, *, minimum: int | None = None) -> int:
    """A whole number (a Python or NumPy integer; not a bool, not 2.7)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name}={value!r} must be a whole number, not {type(value).__name__}.")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name}={value} must be at least {minimum}.")
    return value


def check_seed(seed, name: str = "seed"):
    """Check a seed for NumPy's random generators and return it unchanged.

    Accepted: ``None`` (fresh entropy), a non-negative integer, a
    ``numpy.random.SeedSequence`` or a ``numpy.random.Generator``. Everything else (``-1``,
    ``1.5``, ``"abc"``, ``True``) raises a ``TypeError``/``ValueError`` naming ``name``.
    Shared by :func:`neurolab.simulate`, the noise stimuli and :class:`neurolab.Network`.
    """
    if seed is None or isinstance(seed, (np.random.SeedSequence, np.random.Generator)):
        return seed
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"{name}={seed!r} must be a non-negative whole number (such as 42), a "
                        f"numpy SeedSequence or Generator, or None; not {type(seed).__name__}.")
    if seed < 0:
        raise ValueError(f"{name}={seed} must be a non-negative whole number (such as 42) or None.")
    return int(seed)


def spawn_seeds(seed, count: int) -> list:
    """``count`` independent seeds (SeedSequences or Generators) derived from ``seed``."""
    seed = check_seed(seed)
    if isinstance(seed, np.random.Generator):
        return seed.spawn(count)
    if not isinstance(seed, np.random.SeedSequence):
        seed = np.random.SeedSequence(seed)
    return seed.spawn(count)


def memory(nbytes: float, what: str, advice: str) -> None:
    """Refuse an allocation of ``nbytes`` that cannot fit, before numpy tries it."""
    try:
        limit = 0.5 * os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        limit = 4 * 2 ** 30
    if nbytes > limit:
        raise ValueError(f"{what} would need {nbytes / 2 ** 30:.3g} GiB of memory, more than half "
                         f"of this machine's {2 * limit / 2 ** 30:.3g} GiB; {advice}")
