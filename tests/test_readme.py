"""The README's commands, run as a user runs them (`make run`, `qa chat`, `qa eval`, `qa index build`), and
every command shown in README.md and docs/*.md checked against what it calls: each `qa ...` parses with the
CLI's own parser, each `python -m bench...` names a benchmark whose parser takes its options, each `make ...`
names a Makefile target, and each `QA_*` variable is a setting (docs/operations.md's table lists them all)."""

from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import urllib.request
from pathlib import Path

import pytest

from integrations.cli import build_parser
from qa.evaluation import default_questions_path
from qa.settings import Settings
from tests.conftest import ROOT
from tests.servers import QA, child_env, free_port, wait_until_ready


def _env(tmp_path: Path, index_dir: Path) -> dict[str, str]:
    # The exported model is cached under <index_dir>/models: the seed index (or its copy) has it already,
    # and a fresh index (`make run`) exports it, as on a new machine.
    return child_env(QA_INDEX_DIR=str(index_dir), QA_DATA_DIR=str(tmp_path / "var"), QA_CORPUS_DIR=str(ROOT / "corpus"))


def test_readme_shows_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make run" in readme and "make test" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_make_run_builds_a_missing_index_and_serves_answers(tmp_path: Path) -> None:
    """`make run` on a machine with no index: it builds one, serves, and answers over HTTP."""
    index_dir = tmp_path / "index"
    port = free_port()
    log = tmp_path / "make-run.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            ["make", "-s", "run", f"SERVE_ARGS=--port {port} --workers 1"],
            cwd=ROOT, env=_env(tmp_path, index_dir), stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )
    try:
        wait_until_ready(f"http://127.0.0.1:{port}", proc, log, timeout=240)
        assert (index_dir / "CURRENT").is_file()
        req = urllib.request.Request(
            f"http://127.0.0.1:{port}/ask", data=json.dumps({"question": "Who created Flask?"}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=30) as r:
            answer = json.loads(r.read())
        assert not answer["abstained"] and "Armin Ronacher" in answer["answer"]
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def test_qa_chat_follows_up_in_the_terminal(seed_index: Path, tmp_path: Path) -> None:
    out = subprocess.run(
        [QA, "chat"], input="Who created Flask?\nAnd FastAPI?\n\n", capture_output=True, text=True, timeout=180,
        env=_env(tmp_path, seed_index), cwd=tmp_path,
    )
    assert out.returncode == 0, out.stderr
    assert "Armin Ronacher" in out.stdout
    assert "understood as: Who created FastAPI?" in out.stdout
    assert "Ramírez" in out.stdout or "Ramirez" in out.stdout


def test_qa_index_build_full_and_status(seed_index: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    shutil.copytree(seed_index, index_dir)
    env = _env(tmp_path, index_dir)
    built = subprocess.run([QA, "index", "build", "--full", "--json"], capture_output=True, text=True, timeout=300,
                           env=env, cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    report = json.loads(built.stdout)
    assert report["full"] and report["chunks_embedded"] == report["chunks_total"] > 0
    status = subprocess.run([QA, "index", "status"], capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path)
    assert status.returncode == 0 and "corpus unchanged" in status.stdout


@pytest.mark.slow
def test_qa_eval_prints_the_metrics(seed_index: Path, tmp_path: Path) -> None:
    eval_file = tmp_path / "few.jsonl"
    lines = default_questions_path().read_text(encoding="utf-8").splitlines()
    eval_file.write_text("\n".join(lines[:5] + lines[-3:]) + "\n", encoding="utf-8")
    out = subprocess.run([QA, "eval", str(eval_file), "--json"], capture_output=True, text=True, timeout=300,
                         env=_env(tmp_path, seed_index), cwd=ROOT)
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["n"] == 8 and report["grounded_quote_rate"] == 1.0
    assert report["abstention_recall"] == 1.0


# Every command shown in README.md and docs/*.md, checked against what it calls (cheap: nothing runs).

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```[^\n]*\n(.*?)^```", re.S | re.M)
SPAN = re.compile(r"(`+)(.+?)\1", re.S)  # a code span: text between equal runs of backticks
# Placeholders in a synopsis (`qa serve [--port PORT] [--workers N]`) and a value each accepts.
PLACEHOLDERS = {"N": "2", "K": "5", "SECONDS": "1", "PORT": "8000", "HOST": "127.0.0.1", "DIR": "corpus", "MB": "20", "FILES": "2"}


def shown_commands(markdown: str) -> list[str]:
    """The shell lines of fenced blocks and the code spans of the prose, continuations joined."""
    blocks = FENCE.findall(markdown)
    prose = FENCE.sub("", markdown)
    lines = [line for block in blocks for line in block.replace("\\\n", " ").splitlines()]
    return lines + [" ".join(m.group(2).split()) for m in SPAN.finditer(prose)]


def _segments(line: str) -> list[list[str]]:
    """The simple commands of a shell line (split at pipes, ``;``, ``&&``, ``&``), synopsis marks removed."""
    line = re.sub(r"([\w.-]+)(?:\|[\w.-]+)+", r"\1", line)  # `dev|test|all` in a synopsis: the first choice
    lex = shlex.shlex(line, posix=True, punctuation_chars=True)
    lex.whitespace_split = True
    try:
        tokens = list(lex)
    except ValueError:  # unbalanced quotes: prose, not a command
        return []
    segments: list[list[str]] = [[]]
    for token in tokens:
        if token in ("|", "||", "&&", ";", "&"):
            segments.append([])
        elif token != "...":
            segments[-1].append(token)
    return [seg for seg in segments if seg]


def _ours(tokens: list[str]) -> tuple[str, list[str]] | None:
    """("qa" | "bench" | "make", the arguments) for a command of ours, ``VAR=value`` prefixes dropped; else None."""
    while tokens and re.fullmatch(r"[A-Z_][A-Z0-9_]*=.*", tokens[0]):
        tokens = tokens[1:]
    if not tokens:
        return None
    program, args = tokens[0], [PLACEHOLDERS.get(a.strip("[]"), a.strip("[]")) for a in tokens[1:]]
    args = [a for a in args if a]
    if program in ("qa", ".venv/bin/qa"):
        return "qa", args
    if program in ("python", "python3", ".venv/bin/python") and args[:1] == ["-m"] and args[1:2]:
        if args[1].split(".")[0] == "bench":
            return "bench", args[1:]
    if program == "make":
        return "make", args
    return None


def command_problem(tokens: list[str]) -> str | None:
    """Why a shown command of ours would not run as written; None when it would (or is not ours)."""
    ours = _ours(tokens)
    if ours is None:
        return None
    kind, args = ours
    if kind == "qa":
        return _qa_problem(args)
    if kind == "bench":
        return _bench_problem(args[0], args[1:])
    targets = set(re.findall(r"^([\w.-]+):", (ROOT / "Makefile").read_text(encoding="utf-8"), re.M))
    missing = [a for a in args if not a.startswith("-") and "=" not in a and a not in targets]
    return f"no Makefile target {', '.join(missing)}" if missing else None


def _parse(parser: argparse.ArgumentParser, args: list[str]) -> tuple[int, str]:
    """Parse ``args`` as the program would: (0, what it printed) when they parse or ask for --help, else
    argparse's exit code and its error line."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        try:
            parser.parse_args(args)
        except SystemExit as exc:
            if exc.code:
                return int(exc.code), (err.getvalue().strip().splitlines() or [""])[-1]
    return 0, out.getvalue()


def _qa_problem(args: list[str]) -> str | None:
    for _ in range(3):
        code, message = _parse(build_parser(), args)
        if code == 0:
            return None
        if re.search(r"required: (command|index_command)", message):
            # A command group named in prose (`qa`, `qa index`, `qa --index-dir DIR`): its --help works and
            # lists the options named.
            code, usage = _parse(build_parser(), [*args, "--help"])
            unknown = [a for a in args if a.startswith("-") and a not in usage.split()]
            return None if code == 0 and not unknown else f"{message}; not in its help: {unknown}"
        if "arguments are required" not in message:
            return message or f"exit {code}"
        args = [*args, "x"]  # a command named without its question (`qa ask --json`): the rest must parse
    return message


class _Parsed(Exception):
    pass


def _bench_problem(module: str, args: list[str]) -> str | None:
    if module == "bench":  # `python -m bench [NAME ...]` runs the named bench/NAME.py modules
        missing = [a for a in args if not (ROOT / "bench" / f"{a}.py").is_file()]
        return f"no benchmark bench/{missing[0]}.py" if missing else None
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError:
        return f"no module {module}"
    main = getattr(mod, "main", None)
    if not callable(main):
        return f"{module} has no main()"
    if "ArgumentParser(" not in Path(mod.__file__ or "").read_text(encoding="utf-8"):
        return f"{module} takes no options, got {args}" if args else None
    # Its main() parses first; stop it right after parsing, so nothing is measured.
    parse_args = argparse.ArgumentParser.parse_args

    def parse_then_stop(self: argparse.ArgumentParser, *a: object, **k: object) -> argparse.Namespace:
        parse_args(self, *a, **k)  # type: ignore[arg-type]
        raise _Parsed

    err = io.StringIO()
    with pytest.MonkeyPatch.context() as mp, contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        mp.setattr(argparse.ArgumentParser, "parse_args", parse_then_stop)
        try:
            main(args)
        except _Parsed:
            return None
        except SystemExit as exc:
            return f"{module}: {err.getvalue().strip() or f'exit {exc.code}'}"
    return f"{module}.main() ran without parsing its options"


def page_problems(page: Path) -> tuple[int, list[str]]:
    """(how many commands of ours the page shows, what is wrong with them)."""
    checked, problems = 0, []
    for line in shown_commands(page.read_text(encoding="utf-8")):
        for tokens in _segments(line):
            if _ours(tokens) is None:
                continue
            checked += 1
            if (problem := command_problem(tokens)) is not None:
                problems.append(f"{page.name}: `{' '.join(tokens)}`: {problem}")
    return checked, problems


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_command_shown_parses(page: Path) -> None:
    checked, problems = page_problems(page)
    assert checked > 0, f"no qa, bench or make command found in {page.name}"
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("bad", [
    "qa index bulid", ".venv/bin/qa serve --workers 0", "qa ask --jsn 'Who created Flask?'",
    "python -m bench.nope", ".venv/bin/python -m bench.http --backend tensorflow", "python -m bench nope",
    "make deploy",
])
def test_a_wrong_command_is_caught(bad: str) -> None:
    assert command_problem(_segments(bad)[0]) is not None


def test_docs_name_only_real_settings_and_the_configuration_table_lists_them_all() -> None:
    fields = Settings.model_fields
    for page in PAGES:
        named = set(re.findall(r"\bQA_([A-Z][A-Z0-9_]*)", page.read_text(encoding="utf-8")))
        assert not {n for n in named if n.lower() not in fields}, f"{page.name} names unknown settings"
    # The table moved from the README (kept for users) to docs/operations.md, which the README links.
    table = dict(re.findall(r"^\| `QA_([A-Z0-9_]+)` \| ([^|]+) \|", (ROOT / "docs" / "operations.md").read_text(encoding="utf-8"), re.M))
    assert set(table) == {name.upper() for name in fields}, "docs/operations.md's configuration table and Settings differ"
    for name, info in fields.items():
        default = info.default
        if default is None:
            continue
        shown = str(default).lower() if isinstance(default, bool) else str(default)
        shown = shown.removesuffix(".0") if isinstance(default, float) else shown
        assert table[name.upper()].strip() == f"`{shown}`", f"QA_{name.upper()}: the table says {table[name.upper()]}"


def _anchors(page: Path) -> set[str]:
    """GitHub's anchors for a page's headings: lower case, punctuation dropped, spaces as hyphens."""
    text = FENCE.sub("", page.read_text(encoding="utf-8"))
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in re.findall(r"^#+ (.+)$", text, re.M)}


def test_links_between_the_pages_reach_a_file_and_heading() -> None:
    for page in PAGES:
        for target, anchor in re.findall(r"\]\(([^)#:]*)(?:#([^)]*))?\)", page.read_text(encoding="utf-8")):
            path = page.parent / target if target else page
            assert path.exists(), f"{page.name} links to missing {target}"
            if anchor and path.suffix == ".md":
                assert anchor in _anchors(path), f"{page.name} links to {target}#{anchor}: no such heading"
@pytest.mark.slow
def test_qa_eval_finds_its_questions_from_any_directory(seed_index: Path, tmp_path: Path) -> None:
    """The evaluation set ships as package data: `qa eval` with no file works outside the checkout."""
    out = subprocess.run([QA, "eval", "--json"], capture_output=True, text=True, timeout=600,
                         env=_env(tmp_path, seed_index), cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    cases = [line for line in default_questions_path().read_text(encoding="utf-8").splitlines() if line.strip()]
    assert json.loads(out.stdout)["n"] == len(cases) > 100
