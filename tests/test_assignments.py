"""The assignments grade themselves correctly (issue 7).

For every master notebook in ``assignments/`` this builds the student notebook and the
autograder zip once per session (``tools/build_assignments.py``, i.e. ``otter assign``),
grades submissions with the real ``otter run`` (no Docker), and checks that

* the master's solutions score full marks, and its public tests pass;
* the student notebook submitted untouched scores zero;
* for every autograded question, the solutions plus one deliberately wrong answer (the
  master's ``# ignore: wrong answer for <question>`` cell, which otter assign drops from
  both outputs, run just before the question's ``grader.check`` cell, where otter grades
  it) lose exactly that question's points;
* the student notebook and its public tests contain no solution code, no hidden test and
  none of the answers the master computes;
* the student notebook runs top to bottom in a fresh kernel without an error, and so does
  the single-file Colab notebook in an empty folder (no notebook file, no tests/);
* every question states its points, and they are the points otter grades.

All gradings run at the start, in parallel (``NEUROLAB_GRADING_WORKERS``, default 3); the
score of every graded submission is written to ``_build/assignment-grading.txt``.
Needs the ``teach`` extra: ``pip install -r requirements-teach.txt``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
OTTER = BIN / "otter"
MASTERS = sorted((ROOT / "assignments").glob("*.ipynb"))
NAMES = [p.stem for p in MASTERS]
WRONG = re.compile(r"#\s*ignore:\s*wrong answer for\s+(\w+)", re.IGNORECASE)
TEST_CONFIG = re.compile(r'"""\s*#\s*BEGIN TEST CONFIG\n(.*?)"""\s*#\s*END TEST CONFIG', re.DOTALL)
NOISE = "Kernel is running over TCP without encryption"

if not OTTER.exists():
    pytest.fail("otter-grader is not installed in this environment: run "
                "`.venv/bin/pip install -r requirements-teach.txt` (python3 dev.py test does).",
                pytrace=False)


# --- reading a master ----------------------------------------------------------------------
@dataclass
class Question:
    name: str
    points: float            # autograded: the sum of its test cases; manual: its config
    manual: bool
    prompt: str              # the first markdown cell of the question
    hidden_points: float = 0.0
    wrong: str | None = None  # code that breaks this question's answer
    config_points: float | None = None  # `points:` of its BEGIN QUESTION cell, if any


@dataclass
class Master:
    name: str
    path: Path
    questions: dict[str, Question] = field(default_factory=dict)
    solution_lines: set[str] = field(default_factory=set)
    mystery_kinds: set[str] = field(default_factory=set)
    student_id: str | None = None


def source(cell) -> str:
    return cell.source if isinstance(cell.source, str) else "".join(cell.source)


def read_master(path: Path) -> Master:
    nb = nbformat.read(path, as_version=4)
    master = Master(path.stem, path)
    current, in_tests, in_solution = None, False, False
    for cell in nb.cells:
        text = source(cell)
        first = text.split("\n", 1)[0].strip()
        if cell.cell_type == "raw":
            wrong = WRONG.match(first)
            if wrong:
                master.questions[wrong.group(1)].wrong = text
            elif first == "# BEGIN QUESTION":
                config = yaml.safe_load(text.split("\n", 1)[1])
                current = Question(config["name"], 0.0, bool(config.get("manual", False)), "")
                current.config_points = config.get("points")
                master.questions[current.name] = current
            elif first == "# END QUESTION":
                if current.config_points is not None:   # otter: the question's total wins
                    current.points = float(current.config_points)
                current = None
            elif first in ("# BEGIN TESTS", "# END TESTS"):
                in_tests = first == "# BEGIN TESTS"
            elif first in ("# BEGIN SOLUTION", "# END SOLUTION"):
                in_solution = first == "# BEGIN SOLUTION"
            continue
        if cell.cell_type == "markdown" and current is not None and not current.prompt:
            current.prompt = text
        if cell.cell_type != "code":
            continue
        if in_tests:
            config = yaml.safe_load(TEST_CONFIG.match(text).group(1))
            current.points += float(config.get("points", 0))
            if config.get("hidden"):
                current.hidden_points += float(config.get("points", 0))
            continue
        master.mystery_kinds |= set(re.findall(r"mystery\.(axon|adex|izhikevich)\(", text))
        match = re.search(r'# BEGIN SOLUTION NO PROMPT\nSTUDENT_ID = "([^"]+)"', text)
        if match:
            master.student_id = match.group(1)
        if in_solution:
            master.solution_lines |= solution_lines(text)
    return master


def solution_lines(text: str) -> set[str]:
    """The distinctive lines of a solution cell: inside SOLUTION blocks or marked # SOLUTION."""
    found, inside = set(), False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("# BEGIN SOLUTION"):
            inside = True
        elif stripped.startswith("# END SOLUTION"):
            inside = False
        elif inside or re.search(r"#\s*SOLUTION\s*$", stripped):
            code = re.sub(r"#\s*SOLUTION\s*$", "", stripped).strip()
            if len(code) >= 16 and not code.startswith("#"):
                found.add(code)
    return found


MASTER_INFO = {p.stem: read_master(p) for p in MASTERS}


def wrong_cases():
    return [pytest.param(name, q, id=f"{name}-{q}") for name, m in MASTER_INFO.items()
            for q, question in m.questions.items() if not question.manual]


# --- building and grading --------------------------------------------------------------------
@dataclass
class Grade:
    scores: dict[str, float]      # question -> score
    possible: dict[str, float]    # question -> max score
    public_status: str | None     # "passed" / "failed" for the public tests
    seconds: float
    log: str

    @property
    def total(self) -> float:
        return sum(self.scores.values())


@dataclass
class Run:
    notebook: dict                # the executed student notebook
    seconds: float


@dataclass
class Session:
    out: Path
    grades: dict = field(default_factory=dict)      # (assignment, variant) -> Grade
    runs: dict = field(default_factory=dict)        # assignment -> Run (student notebook)
    colab_runs: dict = field(default_factory=dict)  # assignment -> Run (Colab notebook)
    answers: dict = field(default_factory=dict)     # assignment -> {name: value} of the master
    seconds: dict = field(default_factory=dict)


def built_paths(out: Path, name: str):
    folder = out / name
    return (folder / "student" / f"{name}.ipynb", folder / "student" / "tests",
            folder / "autograder" / f"{name}.ipynb", folder / f"{name}-autograder.zip",
            folder / f"{name}-colab.ipynb")


def add_cell(notebook: Path, code: str, target: Path, before_check: str | None = None) -> Path:
    """A copy of ``notebook`` with a code cell added at the end, or just before the cell
    ``grader.check("<before_check>")``: otter grades a question where its check runs."""
    nb = nbformat.read(notebook, as_version=4)
    at = len(nb.cells)
    if before_check is not None:
        at = next(i for i, c in enumerate(nb.cells)
                  if source(c).strip() == f'grader.check("{before_check}")')
    nb.cells.insert(at, nbformat.v4.new_code_cell(code))
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, target)
    return target


def hidden_test_parameters(tests: Path) -> set[str]:
    """The names the hidden test cases read from the submission's global environment."""
    names = set()
    for path in tests.glob("*.py"):
        text = path.read_text()
        for match in re.finditer(r"@test_case\((.*?)\)\s*\ndef \w+\(([^)]*)\)", text, re.DOTALL):
            if "hidden=True" in match.group(1):
                names |= {p.strip() for p in match.group(2).split(",") if p.strip() not in ("", "env")}
    return names


def otter_run(zip_path: Path, submission: Path) -> Grade:
    results = submission.parent / "results"
    results.mkdir(exist_ok=True)
    start = time.perf_counter()
    proc = subprocess.run([str(OTTER), "run", "--no-logo", "-a", str(zip_path), "-o", str(results),
                           str(submission)], cwd=submission.parent, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    log = "\n".join(l for l in (proc.stdout + proc.stderr).splitlines() if NOISE not in l)
    path = results / "results.json"
    if proc.returncode != 0 or not path.exists():
        raise AssertionError(f"otter run failed on {submission}:\n{log}")
    tests = json.loads(path.read_text())["tests"]
    scores = {t["name"]: float(t["score"]) for t in tests if "score" in t}
    possible = {t["name"]: float(t["max_score"]) for t in tests if "max_score" in t}
    public = next((t.get("status") for t in tests if t["name"] == "Public Tests"), None)
    return Grade(scores, possible, public, seconds, log)


def execute_fresh(student_dir: Path, name: str) -> Run:
    """Run the untouched student notebook top to bottom in a fresh kernel (errors recorded)."""
    start = time.perf_counter()
    proc = subprocess.run([str(BIN / "jupyter"), "nbconvert", "--to", "notebook", "--execute",
                           "--allow-errors", "--ExecutePreprocessor.timeout=600",
                           "--output", "executed.ipynb", f"{name}.ipynb"],
                          cwd=student_dir, capture_output=True, text=True)
    if proc.returncode != 0:
        raise AssertionError(f"nbconvert could not run {name}.ipynb:\n{proc.stderr[-3000:]}")
    notebook = json.loads((student_dir / "executed.ipynb").read_text())
    return Run(notebook, time.perf_counter() - start)


COLAB_RUNNER = """
import json, sys, nbformat
from nbclient import NotebookClient
nb = nbformat.read(sys.argv[1], as_version=4)
NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=True,
               resources={"metadata": {"path": sys.argv[2]}}).execute()
nbformat.write(nb, sys.argv[3])
"""


def execute_colab(colab: Path, workdir: Path) -> Run:
    """Run the Colab notebook in an empty folder, as Colab does: no notebook file, no tests/."""
    workdir.mkdir(parents=True)
    executed = workdir.parent / f"{colab.stem}-executed.ipynb"
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", COLAB_RUNNER, str(colab), str(workdir), str(executed)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise AssertionError(f"could not run {colab.name}:\n{proc.stderr[-3000:]}")
    return Run(json.loads(executed.read_text()), time.perf_counter() - start)


@pytest.fixture(scope="session")
def session(tmp_path_factory) -> Session:
    out = tmp_path_factory.mktemp("assignments")
    state = Session(out)
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, str(ROOT / "tools" / "build_assignments.py"),
                           "--out", str(out), "--no-run-tests"],
                          cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, f"building the assignments failed:\n{proc.stdout}\n{proc.stderr}"
    state.seconds["build"] = time.perf_counter() - start

    jobs = {}
    for name, master in MASTER_INFO.items():
        student, tests, solutions, zip_path, _ = built_paths(out, name)
        work = out / "submissions" / name
        names = sorted(hidden_test_parameters(tests.parent.parent / "autograder" / "tests"))
        dump = work / "answers.json"
        dump_code = (
            "import json as _json, numbers as _numbers\n"
            f"_values = {{_n: globals().get(_n) for _n in {names!r}}}\n"
            "_json.dump({_n: float(_v) for _n, _v in _values.items()\n"
            "            if isinstance(_v, _numbers.Real) and not isinstance(_v, bool)},\n"
            f"           open({str(dump)!r}, 'w'))\n")
        jobs[(name, "master")] = (zip_path, add_cell(solutions, dump_code, work / "master" / f"{name}.ipynb"))
        untouched = work / "untouched" / f"{name}.ipynb"
        untouched.parent.mkdir(parents=True)
        shutil.copyfile(student, untouched)
        jobs[(name, "untouched")] = (zip_path, untouched)
        for q, question in master.questions.items():
            if question.wrong:
                jobs[(name, f"wrong:{q}")] = (zip_path, add_cell(
                    solutions, question.wrong, work / f"wrong_{q}" / f"{name}.ipynb", before_check=q))

    workers = int(os.environ.get("NEUROLAB_GRADING_WORKERS", "3"))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        fresh = {}
        for name in MASTER_INFO:
            fresh_dir = out / "fresh" / name
            shutil.copytree(out / name / "student", fresh_dir)
            fresh[name] = pool.submit(execute_fresh, fresh_dir, name)
        colab = {name: pool.submit(execute_colab, built_paths(out, name)[4], out / "colab" / name)
                 for name in MASTER_INFO}
        futures = {key: pool.submit(otter_run, *job) for key, job in jobs.items()}
        state.grades = {key: f.result() for key, f in futures.items()}
        state.runs = {name: f.result() for name, f in fresh.items()}
        state.colab_runs = {name: f.result() for name, f in colab.items()}
    for name in MASTER_INFO:
        dump = out / "submissions" / name / "answers.json"
        state.answers[name] = json.loads(dump.read_text()) if dump.exists() else {}
    state.seconds["total"] = time.perf_counter() - start
    report = [f"assignments: built in {state.seconds['build']:.1f} s; {len(jobs)} gradings, "
              f"{len(fresh)} student and {len(colab)} Colab runs ({workers} at a time) "
              f"in {state.seconds['total']:.1f} s"]
    for (name, variant), grade in state.grades.items():
        report.append(f"{name:28s} {variant:22s} {grade.total:5g} / {sum(grade.possible.values()):g}"
                      f"   ({score_table(grade)}; {grade.seconds:.1f} s)")
    (ROOT / "_build").mkdir(exist_ok=True)
    (ROOT / "_build" / "assignment-grading.txt").write_text("\n".join(report) + "\n")
    print("\n" + "\n".join(report))
    return state


def score_table(grade: Grade) -> str:
    return ", ".join(f"{q} {grade.scores[q]:g}/{grade.possible[q]:g}" for q in grade.scores)


# --- the tests ---------------------------------------------------------------------------------
def test_masters_exist():
    assert NAMES, "no master notebooks in assignments/"


@pytest.mark.parametrize("name", NAMES)
def test_master_is_committed_clean(name):
    nb = json.loads((ROOT / "assignments" / f"{name}.ipynb").read_text(encoding="utf-8"))
    dirty = [i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code"
             and (c.get("outputs") or c.get("execution_count") is not None)]
    assert not dirty, f"{name}: code cells {dirty} have outputs; clear them before committing"


@pytest.mark.parametrize("name", NAMES)
def test_points_are_stated(name):
    """Every question says how many points it is worth, and otter grades that many."""
    for question in MASTER_INFO[name].questions.values():
        stated = re.search(r"\((\d+(?:\.\d+)?) points?\)", question.prompt.split("\n", 1)[0])
        assert stated, f"{name}/{question.name}: the heading must state its points, e.g. '(3 points)'"
        assert float(stated.group(1)) == question.points, \
            f"{name}/{question.name}: the heading says {stated.group(1)} points, the tests give {question.points:g}"
        if not question.manual:
            assert question.hidden_points == question.points, \
                f"{name}/{question.name}: public tests must carry no points (only hidden tests grade)"
    autograded = sum(q.points for q in MASTER_INFO[name].questions.values() if not q.manual)
    written = sum(q.points for q in MASTER_INFO[name].questions.values() if q.manual)
    assert written <= 0.25 * (autograded + written), "written questions: at most a quarter of the points"
    intro = next(source(c) for c in nbformat.read(MASTER_INFO[name].path, 4).cells
                 if c.cell_type == "markdown" and c.source.startswith("# "))
    assert f"Points: {autograded:g} autograded, {written:g} written." in intro


@pytest.mark.parametrize("name", NAMES)
def test_master_scores_full_marks(session, name):
    grade = session.grades[(name, "master")]
    expected = {q.name: q.points for q in MASTER_INFO[name].questions.values() if not q.manual}
    assert grade.possible == expected, f"otter's points differ from the master's: {grade.possible}"
    assert grade.scores == expected, f"{name}: the solutions score {score_table(grade)}\n{grade.log}"
    assert grade.public_status == "passed", f"{name}: the public tests fail on the solutions"


@pytest.mark.parametrize("name", NAMES)
def test_untouched_student_notebook_scores_zero(session, name):
    grade = session.grades[(name, "untouched")]
    assert grade.total == 0, f"{name}: the untouched notebook scores {score_table(grade)}"
    assert grade.public_status == "failed", f"{name}: the public tests pass on an empty notebook"


@pytest.mark.parametrize(("name", "question"), wrong_cases())
def test_one_wrong_answer_loses_exactly_its_points(session, name, question):
    info = MASTER_INFO[name].questions[question]
    assert info.wrong, (f"{name}/{question}: add a raw cell '# ignore: wrong answer for {question}' "
                        "to the master, with code that breaks this question's answer")
    grade = session.grades[(name, f"wrong:{question}")]
    full = session.grades[(name, "master")]
    assert grade.scores[question] == 0, f"{name}/{question}: the wrong answer keeps {grade.scores[question]:g} points"
    others = {q: s for q, s in grade.scores.items() if q != question}
    assert others == {q: s for q, s in full.scores.items() if q != question}, \
        f"{name}/{question}: breaking it changed other questions: {score_table(grade)}"
    assert full.total - grade.total == info.points


@pytest.mark.parametrize("name", NAMES)
def test_public_tests_reveal_no_hidden_answer(session, name):
    student, tests, solutions, _, colab = built_paths(session.out, name)
    texts = {"student notebook": student.read_text(encoding="utf-8"),
             "Colab notebook": colab.read_text(encoding="utf-8")}
    texts.update({f"public test {p.name}": p.read_text(encoding="utf-8") for p in tests.glob("*.py")})
    hidden_sources = [p.read_text() for p in (tests.parent.parent / "autograder" / "tests").glob("*.py")]
    bodies = {True: set(), False: set()}
    for text in hidden_sources:
        for match in re.finditer(r"@test_case\((.*?)\)\s*\n(def .*?)(?=\n@test_case|\Z)",
                                 text, re.DOTALL):
            bodies["hidden=True" in match.group(1)] |= {
                line.strip() for line in match.group(2).splitlines() if len(line.strip()) >= 24
                and not line.strip().startswith(("import ", "from "))}
    hidden_bodies = bodies[True] - bodies[False]   # lines only hidden tests have
    assert hidden_bodies, "no hidden tests found in the autograder"
    markers = ["BEGIN SOLUTION", "END SOLUTION", "# SOLUTION", "# BEGIN TESTS", "# BEGIN QUESTION",
               "hidden=True", "hidden: true", "ignore: wrong answer"]
    answers = session.answers[name]
    mystery_values = {}
    if MASTER_INFO[name].mystery_kinds:
        from neurolab import mystery
        for kind in MASTER_INFO[name].mystery_kinds:
            mystery_values.update({f"{kind}.{k}": v for k, v in
                                   mystery.answers(MASTER_INFO[name].student_id, kind).items()})
    literals = {}
    for label, value in {**answers, **mystery_values}.items():
        if isinstance(value, float) and value == value and abs(value) >= 0.01:
            for text in {f"{value:.3g}", f"{value:.4g}", f"{value:.3f}"}:
                if len(text.lstrip("-").replace(".", "").lstrip("0")) >= 3:   # 3+ significant digits
                    literals[text] = label
    assert answers, f"{name}: no answers recorded from the master"
    assert literals, f"{name}: no distinctive answer values to look for"
    for where, text in texts.items():
        for marker in markers:
            assert marker not in text, f"{name}: {where} contains the marker {marker!r}"
        for line in MASTER_INFO[name].solution_lines:
            assert line not in text, f"{name}: {where} contains solution code: {line!r}"
        for line in hidden_bodies:
            assert line not in text, f"{name}: {where} contains a hidden test line: {line!r}"
        for literal, label in literals.items():
            assert not re.search(rf"(?<![\d.]){re.escape(literal)}(?!\d)", text), \
                f"{name}: {where} contains {literal}, the answer {label}"


def check_untouched_run(name: str, run: Run, what: str) -> None:
    errors = [(i, o.get("ename"), o.get("evalue")) for i, c in enumerate(run.notebook["cells"])
              if c["cell_type"] == "code" for o in c.get("outputs", []) if o["output_type"] == "error"]
    assert not errors, f"{name}: the untouched {what} raised {errors}"
    checks = [c for c in run.notebook["cells"] if c["cell_type"] == "code"
              and "".join(c["source"]).startswith("grader.check(")]
    assert checks, f"{name}: no grader.check cells"
    for cell in checks:   # every check ran and reports the unanswered question as failing
        shown = json.dumps(cell.get("outputs", []))
        assert "fail" in shown.lower(), f"{name}: {''.join(cell['source'])} did not report a failure"


@pytest.mark.parametrize("name", NAMES)
def test_student_notebook_runs_in_a_fresh_kernel(session, name):
    check_untouched_run(name, session.runs[name], "student notebook")


@pytest.mark.parametrize("name", NAMES)
def test_colab_notebook_runs_on_its_own(session, name):
    """In an empty folder (as in Colab: no notebook file, no tests/) it runs without an error."""
    check_untouched_run(name, session.colab_runs[name], "Colab notebook")
    assert sorted(p.name for p in (session.out / "colab" / name / "tests").glob("*.py")) == \
        sorted(p.name for p in built_paths(session.out, name)[1].glob("*.py"))


@pytest.mark.parametrize("name", NAMES)
def test_colab_notebook_writes_the_public_tests(session, name, tmp_path):
    _, tests, _, _, colab = built_paths(session.out, name)
    nb = json.loads(colab.read_text(encoding="utf-8"))
    writer = [c for c in nb["cells"] if "colab_tests" in c["metadata"].get("tags", [])]
    assert len(writer) == 1 and nb["cells"].index(writer[0]) == 1, "the tests cell follows the setup cell"
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        exec("".join(writer[0]["source"]), {})
    finally:
        os.chdir(cwd)
    written = {p.name: p.read_text() for p in (tmp_path / "tests").glob("*.py")}
    assert written == {p.name: p.read_text() for p in tests.glob("*.py")}
    assert not any("grader.export(" in "".join(c["source"]) for c in nb["cells"])
