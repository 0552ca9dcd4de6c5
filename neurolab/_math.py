"""Small compiled functions that the generated kernels and the model classes share.

They take and return plain floats and never allocate, so LLVM inlines them into the
kernels' inner loops. The generated kernel modules import them by name; the kernels'
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
    y + (a y + b) * exp_factor(a, h)."""
    if abs(a * h) < 1e-10:
        return h * (1.0 + 0.5 * a * h)
    return math.expm1(a * h) / a


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
