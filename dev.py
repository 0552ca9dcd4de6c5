#!/usr/bin/env python3
"""NeuroLab developer commands; needs only Python 3.10+ (and git to clone).

    python3 dev.py book         # set up .venv, fetch the vendored JavaScript, build _build/html
    python3 dev.py test         # the same setup (plus Chromium and the grading tools), then
                                # every test with pytest
    python3 dev.py bench        # the same setup (plus Brian2 in .venv-brian2, for comparison),
                                # then benchmarks/bench.py
    python3 dev.py assignments  # set up .venv with the grading tools (otter-grader), then build
                                # the student notebooks and autograder zips into _build/assignments

Setup is idempotent: `.venv` is created if missing, and `pip install` runs again only when
requirements.txt or pyproject.toml changed (a hash of both is kept in .venv). The grading
tools (requirements-teach.txt, the `teach` extra) are installed only by `test` and
`assignments`, with their own hash, so readers of the book never install them.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"
STAMP = VENV / "neurolab-setup.sha256"
TEACH_STAMP = VENV / "neurolab-teach.sha256"
CHROMIUM = Path("/usr/bin/chromium")


def run(*cmd, **kwargs) -> int:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    return subprocess.run([str(c) for c in cmd], cwd=ROOT, **kwargs).returncode


def check(*cmd) -> None:
    if run(*cmd) != 0:
        sys.exit(f"dev.py: command failed: {' '.join(str(c) for c in cmd)}")


def digest_of(*files: str) -> str:
    return hashlib.sha256(b"".join((ROOT / f).read_bytes() for f in files)).hexdigest()


def setup(teach: bool = False, vendor: bool = True) -> None:
    """Create and fill .venv; ``teach`` adds the grading tools, ``vendor`` the book's JavaScript."""
    if sys.version_info < (3, 10):
        sys.exit("dev.py: NeuroLab needs Python 3.10 or newer.")
    if not PY.exists():
        if run(sys.executable, "-m", "venv", VENV) != 0:
            sys.exit("dev.py: could not create .venv (on Debian/Ubuntu: apt-get install python3-venv)")
    digest = digest_of("requirements.txt", "pyproject.toml")
    if not STAMP.exists() or STAMP.read_text().strip() != digest:
        check(PY, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
        check(PY, "-m", "pip", "install", "--quiet", "-r", "requirements.txt")
        check(PY, "-m", "pip", "install", "--quiet", "--no-deps", "-e", ".")
        STAMP.write_text(digest + "\n")
    if teach:
        # otter-grader, pinned in requirements-teach.txt (the `teach` extra of pyproject.toml)
        digest = digest_of("requirements-teach.txt", "requirements.txt", "pyproject.toml")
        if not TEACH_STAMP.exists() or TEACH_STAMP.read_text().strip() != digest:
            check(PY, "-m", "pip", "install", "--quiet", "-r", "requirements-teach.txt")
            TEACH_STAMP.write_text(digest + "\n")
    if vendor:
        check(PY, "tools/vendor_js.py")


def ensure_chromium() -> None:
    if CHROMIUM.exists():
        return
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        check("apt-get", "update", "-qq")
        if run("apt-get", "install", "-y", "-qq", "chromium", env=env) == 0:
            return
    print(f"dev.py: the browser tests need Debian's Chromium at {CHROMIUM}; install it with\n"
          "    sudo apt-get install chromium\n"
          "(they will fail until then; the other tests run anyway).", file=sys.stderr)


def book() -> int:
    setup()
    code = run(BIN / "jupyter-book", "build", ".", "-W", "-n", "--keep-going")
    if code == 0:
        print(f"\nThe book is at {ROOT / '_build' / 'html' / 'index.html'}")
    return code


def test() -> int:
    setup(teach=True)
    ensure_chromium()
    # one pytest run: unit tests, the book build + browser tests (tests/), and every notebook
    return run(PY, "-m", "pytest", "tests", "book", "--nbval-lax", "--nbval-current-env",
               "--ignore=book/_vendor", "-p", "no:cacheprovider", "-rfE")


BRIAN2 = ROOT / ".venv-brian2"


def setup_brian2() -> None:
    """Brian2 in its own environment (it does not import with numpy 2.4), for the network
    benchmark's side-by-side column; best effort: without it that column says why."""
    python = BRIAN2 / ("Scripts" if os.name == "nt" else "bin") / "python"
    wanted = digest_of("benchmarks/requirements-brian2.txt")
    stamp = BRIAN2 / "neurolab-setup.sha256"
    if python.exists() and stamp.exists() and stamp.read_text().strip() == wanted:
        return
    if (run(sys.executable, "-m", "venv", BRIAN2) != 0 or run(
            python, "-m", "pip", "install", "--quiet", "-r", "benchmarks/requirements-brian2.txt") != 0):
        print("dev.py: could not install Brian2 into .venv-brian2; the benchmark runs without it.")
        return
    stamp.write_text(wanted + "\n")


def bench() -> int:
    setup()
    setup_brian2()
    return run(PY, "benchmarks/bench.py")


def assignments() -> int:
    setup(teach=True, vendor=False)
    code = run(PY, "tools/build_assignments.py")
    if code == 0:
        print(f"\nThe assignments are in {ROOT / '_build' / 'assignments'}; see book/instructors.md")
    return code


COMMANDS = {"book": book, "test": test, "bench": bench, "assignments": assignments}

if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in COMMANDS:
        sys.exit(__doc__)
    sys.exit(COMMANDS[sys.argv[1]]())
