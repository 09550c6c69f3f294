"""integrations/cli.py: ``main([...])`` called directly (capsys), plus one real ``qa`` process end to end."""

from __future__ import annotations

import io
import json
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from integrations.cli import main
from qa.answer import Answer
from qa.documents import load_corpus
from tests.conftest import CORPUS
from tests.servers import QA, child_env


@pytest.fixture(autouse=True)
def _elsewhere(_scrub_env: None, onnx_cache_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from an empty directory (no ./corpus, ./index or .env of the checkout is picked up), with the
    session's exported model (not exported again)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("QA_MODEL_CACHE_DIR", str(onnx_cache_dir))


@pytest.fixture
def dirs(seed_index: Path, tmp_path: Path) -> list[str]:
    return ["--corpus-dir", str(CORPUS), "--index-dir", str(seed_index), "--data-dir", str(tmp_path / "var")]


@pytest.fixture(scope="module")
def docs() -> dict[str, str]:
    loaded, _ = load_corpus(CORPUS)
    return {d.doc_id: d.text for d in loaded}


def one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ")
    return lines[0]


@pytest.mark.parametrize(("argv", "says"), [
    (["serve", "--port", "70000"], "argument --port: 70000 is not between 1 and 65535"),
    (["serve", "--workers", "0"], "argument --workers: 0 is not between 1 and 64"),
    (["eval", "--k", "x"], "argument --k: 'x' is not a whole number"),
    (["index", "watch", "--interval", "0"], "argument --interval: 0 is not between 0.05 and 3600"),
    (["index", "watch", "--quiet", "nan"], "argument --quiet: nan is not between 0 and 3600"),
    (["index", "build", "--wait", "-1"], "argument --wait: -1 is not between 0 and 86400"),
])
def test_an_out_of_range_number_is_a_usage_error(argv: list[str], says: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Before anything runs: a zero interval would spin the watcher, a zero worker count hang the server."""
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    assert says in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv",
    [["--help"], ["ask", "--help"], ["chat", "--help"], ["index", "--help"], ["index", "build", "--help"],
     ["index", "status", "--help"], ["eval", "--help"], ["serve", "--help"]],
)
def test_help_exits_zero(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: qa")
    if argv == ["--help"]:
        for command in ("ask", "chat", "index", "eval", "serve", "slack"):
            assert command in out


def test_ask_text(dirs: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*dirs, "ask", "Who", "created", "Flask?"]) == 0
    out = capsys.readouterr().out
    assert "Armin Ronacher" in out
    assert "Sources:" in out and "[1]" in out
    assert "(confidence " in out


def test_ask_says_when_the_corpus_changed_since_the_build(seed_index: Path, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str],
                                                          caplog: pytest.LogCaptureFixture) -> None:
    """An article added or edited after the build is not in the answers: `qa ask` says so on stderr, and
    answers from the index all the same."""
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    dirs = ["--corpus-dir", str(corpus), "--index-dir", str(seed_index), "--data-dir", str(tmp_path / "var")]
    assert main([*dirs, "ask", "Who created Flask?"]) == 0
    assert "corpus changed" not in capsys.readouterr().err
    (corpus / "new-article.md").write_text("---\ntitle: New\n---\nFlask has a new logo.\n", encoding="utf-8")
    assert main([*dirs, "ask", "Who created Flask?"]) == 0
    out, err = capsys.readouterr()
    assert "Armin Ronacher" in out
    assert "the corpus changed since the index was built (added: new-article)" in err and "qa index build" in err
    # A file the build cannot use is the build's to report: asking does not repeat it.
    (corpus / "broken.md").write_text("---\ntitle: [unclosed\n---\nbody\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        assert main([*dirs, "ask", "Who created Flask?"]) == 0
    err = capsys.readouterr().err
    assert "(added: new-article)" in err
    assert not [r for r in caplog.records if "broken" in r.getMessage()], caplog.text


def test_ask_json(dirs: list[str], docs: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*dirs, "ask", "--json", "Compare Flask and FastAPI"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1  # one line
    answer = json.loads(out)
    assert answer["question"] == "Compare Flask and FastAPI"
    assert answer["abstained"] is False
    assert answer["comparison"] and set(answer["comparison"]["subjects"]) == {"Flask", "FastAPI"}
    for c in answer["citations"]:
        assert docs[c["doc_id"]][c["start"] : c["end"]] == c["quote"]


def test_ask_shows_comparison_cells_with_values_and_citations(dirs: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*dirs, "ask", "--json", "Compare Flask and FastAPI"]) == 0
    comparison = Answer.from_dict(json.loads(capsys.readouterr().out)).comparison
    assert comparison is not None
    assert main([*dirs, "ask", "Compare Flask and FastAPI"]) == 0
    table = capsys.readouterr().out.split("\nAspect ", 1)[1].split("\n\n", 1)[0]  # after the answer text
    for row in comparison.rows:
        line = next(x for x in table.splitlines() if x.startswith(row.aspect + " "))
        for subject in comparison.subjects:
            assert row.cell(subject) in line  # each value in display form with its citation
            assert len(row.display[subject]) == len(row.values[subject]) == len(row.cells[subject])


def test_ask_json_lines_from_stdin(
    dirs: list[str], docs: dict[str, str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = [
        json.dumps({"question": "Does FastAPI support WebSockets?", "conversation_id": "c-cli"}),
        "{not json",
        "",  # blank lines are skipped
        json.dumps({"question": "And Flask?", "conversation_id": "c-cli"}),
        json.dumps({"q": "missing the question key"}),
        json.dumps({"question": "   "}),
        json.dumps(["a list"]),
        json.dumps({"question": "What is the capital of Australia?"}),
    ]
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(lines) + "\n"))
    assert main([*dirs, "ask", "--json", "-"]) == 1  # some lines were bad
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(out) == 7
    errors = {o["line"]: o["error"] for o in out if "error" in o}
    assert sorted(errors) == [2, 5, 6, 7]
    assert "empty" in errors[6]
    answers = [o for o in out if "error" not in o]
    assert [a["question"] for a in answers] == ["Does FastAPI support WebSockets?", "And Flask?",
                                               "What is the capital of Australia?"]
    assert answers[1]["resolved_question"] == "Does Flask support WebSockets?"
    assert answers[1]["conversation_id"] == "c-cli"
    assert answers[2]["abstained"] is True
    for a in answers:
        for c in a["citations"]:
            assert docs[c["doc_id"]][c["start"] : c["end"]] == c["quote"]


def test_ask_json_lines_all_good_exit_zero(dirs: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps({"question": "What template engine does Flask use?"}) + "\n"))
    assert main([*dirs, "ask", "--json", "-"]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    assert "Jinja" in json.loads(line)["answer"]


def test_index_status(dirs: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*dirs, "index", "status"]) == 0
    out = capsys.readouterr().out
    n = len(load_corpus(CORPUS)[0])
    assert f"{n} documents" in out
    assert "(384 dimensions, int8 vectors)" in out  # the seed index: the default backend's
    assert "corpus unchanged" in out
    assert main([*dirs, "index", "status", "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["stale"] is False
    assert status["manifest"]["counts"]["documents"] == n


@pytest.mark.parametrize("command", [["ask", "Who created Flask?"], ["ask", "--json", "Who created Flask?"],
                                     ["index", "status"]])
def test_no_index_is_one_line_and_exit_1(tmp_path: Path, command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--corpus-dir", str(CORPUS), "--index-dir", str(tmp_path / "no-index"), "--data-dir", str(tmp_path / "v")]
    assert main([*argv, *command]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "qa index build" in one_error_line(captured.err)


@pytest.mark.parametrize(("variable", "value", "says"), [
    ("QA_EMBEDDING_THREADS", "abc", "QA_EMBEDDING_THREADS: Input should be a valid integer"),
    ("QA_ASK_CONCURRENCY", "0", "QA_ASK_CONCURRENCY: Input should be greater than or equal to 1"),
    ("QA_EMBEDDING_BACKEND", "onnx-fp16", "QA_EMBEDDING_BACKEND: Input should be 'onnx-int8', 'onnx' or 'torch'"),
])
def test_a_bad_setting_is_one_line_naming_the_variable(
    dirs: list[str], variable: str, value: str, says: str, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv(variable, value)
    assert main([*dirs, "index", "status"]) == 1
    assert says in one_error_line(capsys.readouterr().err)


@pytest.mark.parametrize("question", ["", "   ", "x" * 2001])
def test_bad_question_is_one_line_and_exit_1(dirs: list[str], question: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*dirs, "ask", question]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    line = one_error_line(captured.err)
    assert "empty" in line or "2000" in line


def test_stdin_without_json_is_refused(dirs: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*dirs, "ask", "-"]) == 1
    assert "--json" in one_error_line(capsys.readouterr().err)


# -- the installed command, for real --------------------------------------------------------------

def run_qa(args: list[str], cwd: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = child_env(QA_MODEL_CACHE_DIR=os.environ["QA_MODEL_CACHE_DIR"])
    return subprocess.run([str(QA), *args], cwd=cwd, input=stdin, capture_output=True, text=True, env=env, timeout=300)


def test_installed_qa_help(tmp_path: Path) -> None:
    out = run_qa(["--help"], tmp_path)
    assert out.returncode == 0, out.stderr
    assert "usage: qa" in out.stdout and "ask" in out.stdout


@pytest.mark.slow
def test_installed_qa_ask_json_lines_end_to_end(seed_index: Path, tmp_path: Path, docs: dict[str, str]) -> None:
    batch = "\n".join(
        json.dumps(x)
        for x in (
            {"question": "Who created FastAPI?", "conversation_id": "c-e2e"},
            {"question": "When was it released?", "conversation_id": "c-e2e"},
            {"question": "How many calories are in an avocado?"},
        )
    )
    out = run_qa(["--corpus-dir", str(CORPUS), "--index-dir", str(seed_index), "--data-dir", str(tmp_path / "var"),
                  "ask", "--json", "-"], tmp_path, batch + "\n")
    assert out.returncode == 0, out.stderr
    answers = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(answers) == 3
    assert "FastAPI" in answers[1]["resolved_question"]
    assert answers[0]["abstained"] is False and answers[2]["abstained"] is True
    for a in answers:
        for c in a["citations"]:
            assert docs[c["doc_id"]][c["start"] : c["end"]] == c["quote"]
    assert (tmp_path / "var").is_dir()  # conversations were kept where --data-dir says


def test_ask_text_shows_excerpts_as_people_read_them(readable_settings: Any, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """Over a documentation corpus of raw Markdown: a table row with its header, links as 'text <url>', code
    spans in backticks, no HTML or heading ids, a code block whole and fenced with its indentation, and a
    notice for a question in another language."""
    dirs = ["--corpus-dir", str(readable_settings.corpus_dir), "--index-dir", str(readable_settings.index_dir),
            "--data-dir", str(tmp_path / "var")]
    assert main([*dirs, "ask", "Does Hornet have asynchronous support?"]) == 0
    out = capsys.readouterr().out
    assert "Asynchronous support: Mosquito Yes · Hornet No [1]" in out
    assert '"Asynchronous support: Mosquito Yes · Hornet No"' in out  # the source, read the same way
    assert "| Yes |" not in out

    assert main([*dirs, "ask", "How do I add a background task?"]) == 0
    out = capsys.readouterr().out
    assert "the Signals page <https://docs.example.org/reference/signals/> lists" in out
    assert "`tasks.add_task()`" in out and "the ASGI server" in out
    assert "<abbr" not in out and "{ #" not in out and "](" not in out
    assert "§ Background Tasks\n" in out

    assert main([*dirs, "ask", "How does the welcome email example notify a user?"]) == 0
    out = capsys.readouterr().out
    assert "```python\ndef notify(user):\n    if user.email:\n        send_mail(user.email, \"Welcome\")\n" in out
    assert out.count("def notify(user):") == 1  # the source refers to the block above, not a second copy
    assert "(the code block above, lines" in out

    assert main([*dirs, "ask", "¿Cómo agrego una tarea en segundo plano?"]) == 0
    assert capsys.readouterr().out.startswith("Note: This question does not seem to be written in the language")


def test_ask_text_shows_disagreements_and_cells_as_people_read_them(markup_settings: Any, tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """Over documentation Markdown: what sources disagree on and comparison cells with links as 'text <url>',
    code spans in backticks, HTML reduced to its text, aspects without heading ids; a bracketed number of the
    corpus printed as written, not as a citation."""
    dirs = ["--corpus-dir", str(markup_settings.corpus_dir), "--index-dir", str(markup_settings.index_dir),
            "--data-dir", str(tmp_path / "var")]
    assert main([*dirs, "ask", "How many reads per second does Ibex KV serve?"]) == 0
    out = capsys.readouterr().out
    disagree = out[out.index("Sources disagree:"):out.index("\nSources:")]
    assert "served 80,000 reads per second on a single node, measured with the `kvbench` tool " \
           "<https://ibex.example.org/tools/kvbench/>." in disagree
    assert "Throughput (reads per second): ~55k with `mmap`" in disagree
    assert "<abbr" not in out and "](" not in out

    assert main([*dirs, "ask", "Compare Ibex KV and Marten Store replication"]) == 0
    out = capsys.readouterr().out
    table = out[out.index("Aspect "):out.index("\nSources:")]
    assert "Built in <https://ibex.example.org/replication/>, to followers [1]" in table
    assert "None [1]" in table and "<abbr" not in out

    assert main([*dirs, "ask", "Compare Ibex KV and Marten Store"]) == 0
    assert "{ #" not in capsys.readouterr().out

    assert main([*dirs, "ask", "How does Ibex KV answer a batch read?"]) == 0
    out = capsys.readouterr().out
    assert "the first key as keys[0] and the sixth key as keys[5]" in out and "\\[" not in out
