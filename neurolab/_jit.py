"""The two ways neurolab compiles code with numba.

Both use ``error_model="numpy"``: a division by zero gives inf or NaN instead of raising
(and costing a branch per division); the kernel turns any non-finite state into a clear
``ValueError``.

* :func:`jit`: an ordinary disk-cached function (it may allocate arrays).
* :func:`hot`: a disk-cached helper called once or more per time step. It must not
  allocate; it is compiled without numba's reference counting (``_nrt=False``), because
  the increments and decrements of its array arguments otherwise cost ~45 ns per call
  when calls are nested (measured: LIF 160 ns/step with them, 5 ns/step without).
"""
from numba import njit

jit = njit(cache=True, error_model="numpy")
hot = njit(cache=True, _nrt=False, error_model="numpy")
