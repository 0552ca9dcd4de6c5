"""Random connectivity drawn in memory proportional to the number of synapses.

Each presynaptic neuron j draws how many targets it has, ``k_j ~ Binomial(m, p)`` (m
possible targets), then which ones: a uniform k_j-subset of the m, by Floyd's algorithm
(Bentley & Floyd 1987). This is exactly the distribution of connecting every pair
independently with probability p, without ever holding the n_post × n_pre matrix. The
result is compressed sparse rows (CSR) over the presynaptic index: the targets of
neuron j are ``targets[indptr[j]:indptr[j + 1]]`` (sorted, int32).
"""
from __future__ import annotations

import numpy as np

from ._jit import jit
from ._math import uniform


@jit
def _shell_sort(a):
    """Sort ``a`` in place (Shell's method with Ciura's gaps): fast enough for sparse rows,
    and it compiles in a fraction of np.sort's time (which every fresh session pays)."""
    n = a.size
    gaps = (701, 301, 132, 57, 23, 10, 4, 1)
    for gap in gaps:
        for i in range(gap, n):
            value = a[i]
            j = i
            while j >= gap and a[j - gap] > value:
                a[j] = a[j - gap]
                j -= gap
            a[j] = value


@jit
def _floyd_rows(counts, m, skip_self, seed, indptr, targets):
    """Fill each row j with counts[j] distinct targets in 0..m-1 (skipping j if skip_self)."""
    state = np.full(1, seed, dtype=np.uint64)
    taken = np.zeros(m, dtype=np.bool_)
    for j in range(counts.size):
        start = indptr[j]
        k = counts[j]
        for slot, top in enumerate(range(m - k, m)):
            pick = min(int(uniform(state, 0) * (top + 1)), top)     # uniform in 0..top
            if taken[pick]:
                pick = top
            taken[pick] = True
            targets[start + slot] = pick
        row = targets[start:start + k]
        if 16 * k >= m:     # a dense row: read it off the marks, in order
            e = 0
            for v in range(m):
                if taken[v]:
                    row[e] = v
                    e += 1
        else:
            _shell_sort(row)
        for e in range(k):
            taken[row[e]] = False
            if skip_self and row[e] >= j:        # m = n_post - 1: shift past the neuron itself
                row[e] += 1


def draw(rng: np.random.Generator, n_pre: int, n_post: int, p: float, skip_self: bool):
    """Connect each (pre, post) pair with probability ``p``; returns (indptr, targets).

    ``skip_self``: pre and post are the same population and neuron j never targets itself.
    """
    m = n_post - 1 if skip_self else n_post
    counts = rng.binomial(m, p, size=n_pre).astype(np.int64)
    indptr = np.zeros(n_pre + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    targets = np.empty(int(indptr[-1]), dtype=np.int32)
    seed = np.uint64(rng.integers(2**63))
    if np.all(counts == m):     # p = 1 (a spike train into a cell): every target, no draw
        rows = np.broadcast_to(np.arange(m, dtype=np.int32), (n_pre, m))
        if skip_self:           # row j skips j: targets >= j shift up by one
            rows = rows + (rows >= np.arange(n_pre)[:, None])
        targets[:] = rows.ravel()
    else:
        _floyd_rows(counts, m, skip_self, seed, indptr, targets)
    return indptr, targets


def one_to_one(n: int):
    """Neuron i to neuron i, as CSR."""
    return np.arange(n + 1, dtype=np.int64), np.arange(n, dtype=np.int32)
