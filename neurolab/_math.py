"""Small compiled functions that the generated kernels and the model classes share.

They take and return plain floats and never allocate, so LLVM inlines them into the
kernels' inner loops. The generated kernel modules import them by name; the kernels'
file names include a hash of this file, so editing it recompiles every kernel.
"""
import math

import numpy as np

from ._jit import hot, jit


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


@hot
def shape_value(shape, x):
    """The standard rate shapes of :class:`neurolab.models.Rate`, by number."""
    if shape == 0:
        return math.exp(x)
    if shape == 1:
        return sigmoid(x)
    if shape == 2:
        return linoid(x)
    return math.exp(-x * x)


@jit
def _shape_array(shape, x):
    out = np.empty(x.size)
    for i in range(x.size):
        out[i] = shape_value(shape, x[i])
    return out


def shape_values(shape: str, x) -> np.ndarray:
    """A rate shape evaluated on an array (what a plot of α_m(V) calls)."""
    x = np.asarray(x, dtype=float)
    return _shape_array(SHAPES[shape], x.ravel()).reshape(x.shape)
