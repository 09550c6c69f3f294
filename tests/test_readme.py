"""The README's commands, run as a user runs them: `make run`, `qa chat`, `qa eval`, `qa index build`."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import urllib.request
from pathlib import Path

import pytest

from qa.evaluation import default_questions_path
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


@pytest.mark.slow
def test_qa_eval_finds_its_questions_from_any_directory(seed_index: Path, tmp_path: Path) -> None:
    """The evaluation set ships as package data: `qa eval` with no file works outside the checkout."""
    out = subprocess.run([QA, "eval", "--json"], capture_output=True, text=True, timeout=600,
                         env=_env(tmp_path, seed_index), cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    cases = [line for line in default_questions_path().read_text(encoding="utf-8").splitlines() if line.strip()]
    assert json.loads(out.stdout)["n"] == len(cases) > 100
