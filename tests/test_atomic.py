"""The atomic operations the parallel network driver hands work over with."""
import threading

import numpy as np
from numba import njit

from neurolab._atomic import compare_exchange, load_acquire, store_release, yield_core


@njit(cache=False)
def _swap_twice(a):
    return compare_exchange(a, 1, 0, 5), compare_exchange(a, 1, 0, 7), load_acquire(a, 1)


def test_compare_exchange_sets_only_when_the_value_is_the_expected_one():
    a = np.zeros(3, np.int64)
    assert _swap_twice(a) == (True, False, 5)
    assert a.tolist() == [0, 5, 0]


@njit(nogil=True, cache=False)
def _take_turns(me, rounds, turn, seen):
    """Wait (reading the counter) for this thread's turn, count it, pass the turn on."""
    for _ in range(rounds):
        while load_acquire(turn, 0) % 2 != me:
            yield_core()
        seen[me] += 1
        store_release(turn, 0, load_acquire(turn, 0) + 1)


def test_two_threads_taking_turns_neither_lose_nor_repeat_a_turn():
    # two OS threads (the compiled function releases the GIL), so both surely run at once
    turn, seen = np.zeros(8, np.int64), np.zeros(2, np.int64)
    _take_turns(0, 0, turn, seen)                                       # compile first
    threads = [threading.Thread(target=_take_turns, args=(me, 2000, turn, seen))
               for me in (0, 1)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert turn[0] == 4000 and seen.tolist() == [2000, 2000]
