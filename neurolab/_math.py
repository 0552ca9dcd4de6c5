"""Small compiled functions that the generated kernels and the model classes share.

They never allocate and (but :func:`add_poisson`, a whole loop) take and return plain
numbers, so LLVM inlines them into the kernels' inner loops. The generated kernel modules import them by name; the kernels'
file names include a hash of this file, so editing it recompiles every kernel.
"""
import math

import numpy as np

from ._jit import hot


@hot
def linoid(x):
    """x / (1 - e^{-x}), with its removable 0/0 at x = 0 (value 1) evaluated exactly.

    For |x| >= 1e-2 the closed form loses at most ~1e-14 (relative) to cancellation; below
    that the series 1 + x/2 + x²/12 - x⁴/720 is exact to double precision.
    """
    if abs(x) < 1e-2:
        x2 = x * x
        return 1.0 + 0.5 * x + x2 * (1.0 / 12.0 - x2 * (1.0 / 720.0))
    return x / (1.0 - math.exp(-x))


@hot
def sigmoid(x):
    """1 / (1 + e^{-x})."""
    return 1.0 / (1.0 + math.exp(-x))


@hot
def exp_factor(a, h):
    """(e^{a h} - 1) / a, with its limit h as a -> 0: the exact step of dy/dt = a y + b is
    y + (a y + b) * exp_factor(a, h).

    For |a h| < 1e-2 (every cell at a usual step) its Taylor series to (a h)^5, exact to
    ~2e-16 (relative), is about 10 ns faster per call than expm1."""
    x = a * h
    if abs(x) < 1e-2:
        return h * (1.0 + x * (0.5 + x * (1.0 / 6.0 + x * (1.0 / 24.0 + x * (1.0 / 120.0 + x * (1.0 / 720.0))))))
    return math.expm1(x) / a


SHAPES = {"exp": 0, "sigmoid": 1, "linoid": 2, "bell": 3}


def shape_values(shape: str, x) -> np.ndarray:
    """A rate shape evaluated on an array (what a plot of α_m(V) calls).

    Plain NumPy, the same formulas as the compiled functions above: a plot needs no
    compilation (compiling an array version cost ~0.4 s in every fresh session)."""
    x = np.asarray(x, dtype=float)
    if shape == "exp":
        return np.exp(x)
    if shape == "sigmoid":
        return 1.0 / (1.0 + np.exp(-x))
    if shape == "linoid":
        x2 = x * x
        series = 1.0 + 0.5 * x + x2 * (1.0 / 12.0 - x2 * (1.0 / 720.0))
        with np.errstate(divide="ignore", invalid="ignore"):
            closed = x / (1.0 - np.exp(-x))
        return np.where(np.abs(x) < 1e-2, series, closed)
    if shape == "bell":
        return np.exp(-x * x)
    raise ValueError(f"shape={shape!r} is unknown; use one of {', '.join(map(repr, SHAPES))}.")


# --- random numbers for the network kernel: one splitmix64 stream per neuron ------------
# A stream per neuron (not numba's per-thread generator) keeps a network's spikes the
# same whatever the number of threads. Steele, Lea & Flood (2014), "Fast splittable
# pseudorandom number generators".
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_S11, _S27, _S30, _S31 = np.uint64(11), np.uint64(27), np.uint64(30), np.uint64(31)


@hot
def mixed(z):
    """The number in [0, 1) that stream state ``z`` (just advanced) stands for."""
    z = (z ^ (z >> _S30)) * _MIX1
    z = (z ^ (z >> _S27)) * _MIX2
    z = z ^ (z >> _S31)
    return float(z >> _S11) * (1.0 / 9007199254740992.0)


@hot
def uniform(state, i):
    """The next number in [0, 1) of stream ``state[i]`` (a uint64 array), advancing it."""
    z = state[i] + _GOLDEN
    state[i] = z
    return mixed(z)


# A draw compares its uniform u with a table of the Poisson CDF, built once per background
# (its mean per piece is the same for every neuron and step) by the very sums that
# inversion computes as it goes (p_0 = e^-lam, p_k = p_{k-1} * (lam / k), c_k = c_{k-1} + p_k):
# the count is the first k with u <= c_k (at most 200), identical to inverting term by term,
# with no division and no data-dependent branch in the common case.
_LARGEST_U = 1.0 - 2.0 ** -53       # uniform() never exceeds it
_FIRST = 8                          # table entries compared without a branch


def poisson_cdf(lam: float) -> np.ndarray:
    """The table :func:`poisson` takes for mean ``lam`` per piece: c_0, c_1, ... up to the
    first c_k >= the largest uniform (or 200 of them), then +inf (at least one, and up to
    ``_FIRST + 1`` entries in all)."""
    p = cumulative = float(np.exp(-lam))
    table = [cumulative]
    k = 0
    while cumulative < _LARGEST_U and k < 199:
        k += 1
        p *= lam / k
        cumulative += p
        table.append(cumulative)
    table += [np.inf] * max(1, _FIRST + 1 - len(table))
    return np.array(table)


@hot
def count_below(u, cdf, k):
    """The number of entries of ``cdf`` below ``u``, knowing the first ``k`` are."""
    while u > cdf[k]:
        k += 1
    return k


@hot
def poisson(cdf, pieces, state, i):
    """A Poisson count of mean ``pieces * lam`` from stream ``state[i]``, by inversion
    against ``cdf`` = :func:`poisson_cdf` (lam), one uniform per piece.

    Each of ``pieces`` draws has mean ``lam`` (kept below ~10 by the caller); their sum is
    Poisson of the total mean.
    """
    total = 0
    for _ in range(pieces):
        total += count_below(uniform(state, i), cdf, 0)
    return total


@hot
def add_poisson(row, weight, pieces, cdf, state, lo, hi, offset):
    """Add ``weight`` times a :func:`poisson` count to ``row[offset + i]`` for i in lo..hi-1
    (uint64), each from its own stream ``state[offset + i]``.

    With one piece (the usual case) the loop has no branch, so it vectorises: it counts the
    table's first ``_FIRST`` entries below u, and a second pass finishes the rare larger
    counts (recomputing u from the advanced stream), so every sum is as :func:`poisson`'s.
    """
    if pieces != 1:
        for i in range(lo, hi):
            row[offset + i] += weight * poisson(cdf, pieces, state, offset + i)
        return
    top = cdf[_FIRST - 1]
    rare = 0
    for i in range(lo, hi):
        u = uniform(state, offset + i)
        k = 0
        for j in range(_FIRST):
            k += u > cdf[j]
        if k < _FIRST:
            row[offset + i] += weight * k
        rare += u > top
    if rare:
        for i in range(lo, hi):
            u = mixed(state[offset + i])
            if u > top:
                row[offset + i] += weight * count_below(u, cdf, _FIRST)
