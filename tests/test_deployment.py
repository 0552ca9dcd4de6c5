"""Deployment: how teachers run neurolab (graders, read-only hubs, Colab, a wheel).

* a grader that forks a ``multiprocessing`` pool after a parallel batch (it hung with
  GNU OpenMP), and two threads simulating at once (they aborted with numba's workqueue);
* concurrent first runs writing the same new kernel;
* a real package: ``python -m build`` (sdist, then the wheel from it) installed, not
  editable, into a clean venv, where unit tests pass and a first simulation writes nothing
  into site-packages; then, as a non-root user, a read-only install with and without a
  writable home, with ``NUMBA_CACHE_DIR``, and with nothing writable at all.

Every subprocess has a timeout, so a hang fails the test instead of stalling CI. The
package fixture costs about 35 s (a venv, dependencies from pip's cache); the tests here
about 90 s in all.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import threading
import zipfile
from pathlib import Path

import pytest

from neurolab import _codegen

ROOT = Path(__file__).resolve().parent.parent
USER = "neurolab-student"          # made for the read-only tests, removed afterwards


def run(code, *, python=sys.executable, env=None, timeout=180, cwd=None, user=None):
    """Run Python ``code`` in a fresh process; a hang becomes a failure, not a stalled CI."""
    cmd = [str(python), "-c", textwrap.dedent(code)]
    if user is not None:
        cmd = ["setpriv", f"--reuid={user[0]}", f"--regid={user[1]}", "--clear-groups", "--"] + cmd
    base = {k: v for k, v in os.environ.items() if not k.startswith(("NUMBA_", "NEUROLAB_"))}
    try:
        return subprocess.run(cmd, env={**base, **(env or {})}, capture_output=True, text=True,
                              timeout=timeout, cwd=cwd)
    except subprocess.TimeoutExpired:
        pytest.fail(f"the process hung (no exit within {timeout} s):\n{code}")


def ok(proc):
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


# --- 1. fork and threads --------------------------------------------------------------
FORK_AFTER_BATCH = """
    import multiprocessing, numba, numpy as np
    import neurolab as nl
    from neurolab import models
    batch = nl.fi_curve(models.LIF(), np.linspace(0.0, 500.0, 64), t_stop=200.0)  # parallel
    def one(i):
        return float(nl.fi_curve(models.LIF(), [300.0 + 50.0 * i], t_stop=200.0)[0])
    with multiprocessing.get_context("fork").Pool(2) as pool:
        forked = pool.map(one, range(4))
    serial = [one(i) for i in range(4)]
    assert forked == serial, (forked, serial)
    print(numba.threading_layer())
"""


@pytest.mark.parametrize("layer", [None, "workqueue"], ids=["neurolab's choice", "workqueue"])
def test_a_fork_pool_after_a_parallel_batch_does_not_hang(layer):
    env = {"NUMBA_NUM_THREADS": "2"} | ({"NUMBA_THREADING_LAYER": layer} if layer else {})
    used = ok(run(FORK_AFTER_BATCH, env=env, timeout=240)).strip()
    if layer is None:
        from neurolab import _jit
        assert used == _jit.THREADING_LAYER
        assert used in ("tbb", "workqueue")      # never GNU OpenMP, which hangs a fork
    else:
        assert used == layer


TWO_THREADS = """
    import threading, numpy as np
    import neurolab as nl
    from neurolab import models, _jit
    currents = [np.linspace(100.0, 600.0, 32) + k for k in range(6)]
    def batch(c):
        res = nl.simulate(models.LIF(), list(c), t_stop=200.0, record=False)
        return [s.tolist() for s in res.spike_times]
    serial = [batch(c) for c in currents]
    out = {}
    def work(name):
        out[name] = [batch(c) for c in currents for _ in range(3)]
    threads = [threading.Thread(target=work, args=(k,)) for k in range(2)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    expected = [s for s in serial for _ in range(3)]
    assert out[0] == expected and out[1] == expected
    print(_jit.THREADING_LAYER)
"""


@pytest.mark.parametrize("layer", [None, "workqueue"], ids=["neurolab's choice", "workqueue"])
def test_two_threads_at_once_give_the_serial_results(layer):
    env = {"NUMBA_NUM_THREADS": "2"} | ({"NUMBA_THREADING_LAYER": layer} if layer else {})
    ok(run(TWO_THREADS, env=env, timeout=240))


NETWORK_FORK_AND_THREADS = """
    import multiprocessing, threading
    from neurolab import circuits
    def spikes(seed, threads=1):
        res = circuits.coba(400, seed=seed).run(100.0, dt=0.1, threads=threads)
        return [sorted(map(float, s)) for s in res["E"].spike_times[:50]]
    parallel = spikes(1, threads=2)               # a parallel network run (numba prange)
    with multiprocessing.get_context("fork").Pool(2) as pool:
        forked = pool.map(spikes, [1, 2])
    assert forked == [parallel, spikes(2)]        # a forked child neither hangs nor differs
    out = {}
    def work(name):
        out[name] = spikes(1, threads=2)
    threads = [threading.Thread(target=work, args=(k,)) for k in range(2)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert out[0] == parallel and out[1] == parallel
"""


@pytest.mark.parametrize("layer", [None, "workqueue"], ids=["neurolab's choice", "workqueue"])
def test_network_runs_in_threads_and_in_a_forked_child(layer):
    """Network.run: two threads at once give the serial spikes, and a fork pool after a
    parallel network run neither hangs nor changes the result."""
    env = {"NUMBA_NUM_THREADS": "2"} | ({"NUMBA_THREADING_LAYER": layer} if layer else {})
    ok(run(NETWORK_FORK_AND_THREADS, env=env, timeout=300))


NETWORK_ON_ONE_THREAD = """
    import numba
    from neurolab import _network_run, circuits
    assert numba.config.NUMBA_NUM_THREADS == 1
    _network_run._CHUNKS_PER_THREAD = 3         # three chunks, so the parallel driver runs
    net = circuits.coba(400, seed=3)
    one, three = net.run(100.0, dt=0.1), net.run(100.0, dt=0.1, threads=3)
    assert [s.tolist() for s in one["E"].spike_times] == [s.tolist() for s in three["E"].spike_times]
"""


def test_a_parallel_network_run_finishes_when_its_tasks_run_one_after_another():
    """The parallel driver hands windows between its tasks: with one thread (a threading
    layer may run the tasks in turn) the first task does every chunk's windows."""
    ok(run(NETWORK_ON_ONE_THREAD, env={"NUMBA_NUM_THREADS": "1"}, timeout=240))


# --- 2. concurrent first runs -----------------------------------------------------------
def test_atomic_writes_from_many_threads(tmp_path):
    path = tmp_path / "kernel.py"
    errors = []

    def write(k):
        try:
            for _ in range(50):
                _codegen.write_atomically(path, "x = 1\n" * 100)
        except Exception as exc:          # noqa: BLE001 - any failure is the finding
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(k,)) for k in range(8)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert not errors
    assert path.read_text() == "x = 1\n" * 100
    assert [p.name for p in tmp_path.iterdir()] == ["kernel.py"]     # no temporary left


NEW_KERNEL = """
    import threading
    import neurolab as nl
    from neurolab import models
    from neurolab.models.hodgkin_huxley import GATE_M, GATE_H, GATE_N
    cell = models.ConductanceBasedNeuron(channels=(
        models.Channel("Na", 120.0, 50.0, (GATE_M, GATE_H)),
        models.Channel("K", 36.0, -77.0, (GATE_N,)), models.Channel("L", 0.3, -54.4)))
    counts = []
    def go():
        counts.append(nl.simulate(cell, 10.0, t_stop=50.0).spike_times.size)
    threads = [threading.Thread(target=go) for _ in range(3)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert len(counts) == 3 and len(set(counts)) == 1 and counts[0] > 0, counts
"""


def test_concurrent_first_runs_of_a_new_kernel(tmp_path):
    """Three processes of three threads each compile and write the same new kernel."""
    env = {"NUMBA_CACHE_DIR": str(tmp_path)}
    procs = [subprocess.Popen([sys.executable, "-c", textwrap.dedent(NEW_KERNEL)], text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              env={**os.environ, **env}) for _ in range(3)]
    for p in procs:
        out, _ = p.communicate(timeout=240)
        assert p.returncode == 0, out
    kernels = list((tmp_path / "neurolab" / "kernels").glob("*.py"))
    assert len(kernels) == 1 and not list(kernels[0].parent.glob("*.tmp"))


# --- 3. a real package, installed -------------------------------------------------------
def _runnable_by_others(python: str) -> bool:
    path = Path(python).resolve()
    return all(os.stat(p).st_mode & 0o001 for p in [path, *path.parents])


@pytest.fixture(scope="session")
def installed():
    """``python -m build`` of a copy of the repository (with the shipped kernels), and a
    clean venv with the wheel installed (not editable) and pytest; made once."""
    work = Path(tempfile.mkdtemp(prefix="neurolab-install-", dir="/tmp"))
    try:
        os.chmod(work, 0o755)
        files = subprocess.run(["git", "ls-files", "pyproject.toml", "README.md", "neurolab",
                                "tools/ship_kernels.py"], cwd=ROOT, capture_output=True,
                               text=True, check=True).stdout.split()
        source = work / "source"
        for name in files:
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
        ok(run("import runpy; runpy.run_path('tools/ship_kernels.py', run_name='__main__')",
               cwd=source, env={"PYTHONPATH": ""}))
        build = subprocess.run([sys.executable, "-m", "build", str(source), "-o", str(work / "dist")],
                               capture_output=True, text=True, timeout=600)
        assert build.returncode == 0, build.stdout + build.stderr
        # a Python every user may run (the read-only tests switch to a non-root user)
        candidates = [os.path.realpath(getattr(sys, "_base_executable", sys.executable)),
                      "/usr/bin/python3"]
        python = next((c for c in candidates if os.path.exists(c) and _runnable_by_others(c)),
                      candidates[0])
        venv = work / "venv"
        subprocess.run([python, "-m", "venv", str(venv)], check=True, timeout=300)
        wheel = next((work / "dist").glob("*.whl"))
        pins = [line for line in (ROOT / "requirements.txt").read_text().splitlines()
                if line.startswith(("pytest==", "hypothesis=="))]
        pip = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
                              str(wheel), *pins], capture_output=True, text=True, timeout=900)
        assert pip.returncode == 0, pip.stdout + pip.stderr
        subprocess.run(["chmod", "-R", "a+rX", str(work)], check=True)
        yield work, venv / "bin" / "python"
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _site_packages(python):
    return Path(ok(run("import sysconfig; print(sysconfig.get_paths()['purelib'])",
                       python=python)).strip())


def _snapshot(folder: Path) -> dict:
    return {str(p.relative_to(folder)): p.stat().st_mtime_ns for p in folder.rglob("*")}


def test_build_makes_an_sdist_and_a_wheel_of_our_own_name(installed):
    work, _ = installed
    sdist = next((work / "dist").glob("*.tar.gz"))
    wheel = next((work / "dist").glob("*.whl"))
    assert sdist.name.startswith("neurolab_course-") and wheel.name.startswith("neurolab_course-")
    names = zipfile.ZipFile(wheel).namelist()
    assert "neurolab/_codegen.py" in names and "neurolab/models/_base.py" in names
    assert sum(n.startswith("neurolab/_generated/") for n in names) >= 20   # shipped kernels
    metadata = next(n for n in names if n.endswith("METADATA"))
    text = zipfile.ZipFile(wheel).read(metadata).decode()
    assert "Name: neurolab-course" in text and "Requires-Dist: tbb" in text


def test_installed_package_passes_the_unit_tests(installed, tmp_path):
    work, python = installed
    for name in ("conftest.py", "test_engine.py", "test_validation.py", "test_bad_input.py"):
        shutil.copy2(ROOT / "tests" / name, tmp_path / name)
    home = tmp_path / "home"
    home.mkdir()
    proc = run("import sys, pytest; sys.exit(pytest.main(['-q', '-p', 'no:cacheprovider', '.']))",
               python=python, cwd=tmp_path, env={"HOME": str(home), "PYTHONPATH": ""}, timeout=900)
    ok(proc)
    where = ok(run("import neurolab; print(neurolab.__file__)", python=python, cwd=tmp_path,
                   env={"PYTHONPATH": ""}))
    assert str(work / "venv") in where       # the installed copy, not the repository


FIRST_RUN = """
    import sys
    import neurolab as nl
    from neurolab import models, _jit
    from neurolab.models.hodgkin_huxley import GATE_M, GATE_H, GATE_N
    res = nl.simulate(models.HodgkinHuxley(), 10.0, t_stop=50.0)      # a shipped kernel
    assert res.spike_times.size > 0
    cell = models.ConductanceBasedNeuron(channels=(                    # a new kernel
        models.Channel("Na", 120.0, 50.0, (GATE_M, GATE_H)),
        models.Channel("K", 36.0, -77.0, (GATE_N,)), models.Channel("L", 0.3, -54.4),
        models.Channel("shunt", 0.05, -70.0)))
    assert nl.simulate(cell, 10.0, t_stop=50.0).spike_times.size > 0
    print(_jit.cache_root())
"""


def _first_run(python, env, user=None):
    site = _site_packages(python)
    before = _snapshot(site)
    proc = run(FIRST_RUN, python=python, env={"PYTHONPATH": "", **env}, user=user, cwd="/")
    root = Path(ok(proc).strip())
    assert _snapshot(site) == before, "the first run wrote into site-packages"
    if str(root) == "None":                  # nothing writable: compiled in memory, and said so
        assert "no writable cache folder" in proc.stderr
        return root
    kernels = sorted(p.name for p in (root / "kernels").glob("*.py"))
    # HH came from the package (read-only); only the new structure was written
    assert kernels and not any(k.startswith("hodgkin_huxley") for k in kernels), kernels
    return root


def test_a_first_simulation_writes_nothing_into_site_packages(installed, tmp_path):
    _, python = installed
    root = _first_run(python, {"HOME": str(tmp_path)})
    assert root == tmp_path / ".cache" / "neurolab"


@pytest.fixture(scope="module")
def student():
    """A non-root user (uid, gid), for a read-only install; skipped when not root."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        pytest.skip("the read-only install tests switch to a non-root user, which needs root "
                    "(CI runs as root)")
    if not (shutil.which("useradd") and shutil.which("setpriv")):
        pytest.skip("the read-only install tests need useradd and setpriv (util-linux)")
    made = subprocess.run(["id", "-u", USER], capture_output=True).returncode != 0
    if made:
        subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
                        USER], check=True)
    ids = tuple(int(subprocess.run(["id", flag, USER], capture_output=True, text=True,
                                   check=True).stdout) for flag in ("-u", "-g"))
    yield ids
    if made:
        subprocess.run(["userdel", USER], check=False)


@pytest.mark.parametrize("home", ["unwritable", "writable", "NUMBA_CACHE_DIR", "nothing writable"])
def test_read_only_install_as_a_student(installed, student, home):
    work, python = installed
    if not _runnable_by_others(str(python)):
        pytest.skip(f"no Python here that a non-root user may run ({python})")
    site = _site_packages(python)
    assert not os.access(site, os.W_OK) or os.geteuid() == 0   # root-owned: read-only to them
    folder = Path(tempfile.mkdtemp(prefix="neurolab-student-", dir="/tmp"))
    try:
        os.chown(folder, *student)
        env = {"HOME": "/nonexistent", "TMPDIR": str(folder)}
        if home == "writable":
            env["HOME"] = str(folder)
        if home == "NUMBA_CACHE_DIR":
            env["NUMBA_CACHE_DIR"] = str(folder / "numba")
        if home == "nothing writable":       # the temp folder's neurolab-<user> is not theirs
            env["TMPDIR"] = str(folder / "shared")
            (folder / "shared" / f"neurolab-{USER}").mkdir(parents=True)
            os.chmod(folder / "shared", 0o1777)
        root = _first_run(python, env, user=student)
        expected = {"unwritable": folder / f"neurolab-{USER}",
                    "writable": folder / ".cache" / "neurolab",
                    "NUMBA_CACHE_DIR": folder / "numba" / "neurolab",
                    "nothing writable": Path("None")}[home]
        assert root == expected
    finally:
        shutil.rmtree(folder, ignore_errors=True)
