"""Shared fixtures. The book fixtures build the book once per pytest session."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "_build"


@dataclass
class BookBuild:
    returncode: int
    log: str
    seconds: float
    html: Path


@pytest.fixture(scope="session")
def book() -> BookBuild:
    """Build the whole book from scratch, strictly, once per session.

    The log is also written to ``_build/build.log``.
    """
    if not (ROOT / "book" / "_vendor" / "versions.json").exists():
        subprocess.run([sys.executable, str(ROOT / "tools" / "vendor_js.py")], check=True)
    jb = shutil.which("jupyter-book", path=str(Path(sys.executable).parent)) or "jupyter-book"
    start = time.perf_counter()
    proc = subprocess.run(
        [jb, "build", ".", "--all", "-W", "-n", "--keep-going"],
        cwd=ROOT, capture_output=True, text=True,
        env={**os.environ, "PYDEVD_DISABLE_FILE_VALIDATION": "1"},
    )
    seconds = time.perf_counter() - start
    log = re.sub(r"\x1b\[[0-9;]*m", "", proc.stdout + proc.stderr)  # drop colours
    BUILD.mkdir(exist_ok=True)
    (BUILD / "build.log").write_text(log)
    return BookBuild(proc.returncode, log, seconds, BUILD / "html")
