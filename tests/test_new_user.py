"""The rough edges a new user hit (issue 17), each for real: a file with bad YAML and one with a
``javascript:`` url built by the ``qa`` command, citations placed by file line, a closed pipe, the server's
address options, and a JSON body sent without its Content-Type."""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from integrations.cli import main
from integrations.http import create_app
from qa.engine import Engine
from qa.settings import Settings
from tests.conftest import CORPUS
from tests.servers import QA, child_env

ARTICLE = "flask-vs-fastapi-2026"  # a seed article (given a url below)
BAD_YAML = '---\ntitle: "Flask notes\nsubjects: [Flask]\n---\nFlask is a microframework.\n'  # quote never closed


def run_qa(args: list[str], cwd: Path, onnx_cache_dir: Path, **kwargs: object) -> subprocess.CompletedProcess[str]:
    env = child_env(QA_MODEL_CACHE_DIR=str(onnx_cache_dir))
    return subprocess.run([str(QA), *args], cwd=cwd, text=True, env=env, timeout=300, **kwargs)  # type: ignore[call-overload]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, onnx_cache_dir: Path) -> tuple[list[str], str]:
    """A corpus of one seed article whose url is ``javascript:`` and one file with bad YAML, built by
    ``qa index build``; returns the directory options and the build's stderr."""
    root = tmp_path_factory.mktemp("new-user")
    corpus = root / "corpus"
    corpus.mkdir()
    text = (CORPUS / f"{ARTICLE}.md").read_text(encoding="utf-8")
    assert text.startswith("---\n") and "\nurl:" not in text
    (corpus / f"{ARTICLE}.md").write_text('---\nurl: "javascript:alert(1)"\n' + text[4:], encoding="utf-8")
    (corpus / "bad-yaml.md").write_text(BAD_YAML, encoding="utf-8")
    dirs = ["--corpus-dir", str(corpus), "--index-dir", str(root / "index"), "--data-dir", str(root / "var")]
    out = run_qa([*dirs, "index", "build"], root, onnx_cache_dir, capture_output=True)
    assert out.returncode == 0, out.stderr
    return dirs, out.stderr + out.stdout


def test_a_build_prints_no_library_debug_lines(built: tuple[list[str], str]) -> None:
    assert "DEBUG" not in built[1], built[1]


def test_bad_yaml_is_skipped_naming_the_file_and_line(built: tuple[list[str], str], capsys: pytest.CaptureFixture[str]) -> None:
    dirs, log = built
    said = [line for line in log.splitlines() if "bad-yaml.md" in line]
    assert said and all("line 3" in line for line in said), log  # where the file ends inside the open quote
    assert "starts at line 2" in said[0]
    assert main([*dirs, "index", "status"]) == 0
    status = capsys.readouterr().out
    assert re.search(r"warning: skipped \S*bad-yaml\.md: front matter is not valid YAML at line 3", status), status
    assert main([*dirs, "index", "status", "--json"]) == 0
    warnings = json.loads(capsys.readouterr().out)["manifest"]["warnings"]
    assert [w for w in warnings if "bad-yaml.md" in w and w.startswith("skipped ")], warnings


def test_a_url_that_is_not_http_is_dropped_with_a_warning(built: tuple[list[str], str], onnx_cache_dir: Path,
                                                          tmp_path: Path) -> None:
    dirs, log = built
    assert any(f"{ARTICLE}.md" in line and "javascript:alert(1)" in line for line in log.splitlines()), log
    out = run_qa([*dirs, "ask", "--json", "Who created Flask?"], tmp_path, onnx_cache_dir, capture_output=True)
    assert out.returncode == 0, out.stderr
    citations = json.loads(out.stdout)["citations"]
    assert citations and {c["doc_id"] for c in citations} == {ARTICLE}
    assert all(c["url"] is None and c["link"] is None for c in citations), citations


def test_cli_citations_name_the_lines_of_the_file(seed_settings: Settings, capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch, onnx_cache_dir: Path) -> None:
    """The JSON keeps offsets into the text after the front matter; the terminal shows lines of the file, and
    those lines hold the quote."""
    monkeypatch.setenv("QA_MODEL_CACHE_DIR", str(onnx_cache_dir))
    dirs = ["--corpus-dir", str(seed_settings.corpus_dir), "--index-dir", str(seed_settings.index_dir),
            "--data-dir", str(seed_settings.data_dir)]
    question = "Compare Flask and FastAPI"
    assert main([*dirs, "ask", "--json", question]) == 0
    citations = json.loads(capsys.readouterr().out)["citations"]
    assert main([*dirs, "ask", question]) == 0
    text = capsys.readouterr().out
    places = re.findall(r'"  \((?:line (\d+)|lines (\d+)-(\d+))\)$', text, flags=re.M)
    assert len(places) == len(citations) > 1, text
    for c, (one, first, last) in zip(citations, places, strict=True):
        lines = (CORPUS / f"{c['doc_id']}.md").read_text(encoding="utf-8").splitlines()
        span = lines[int(one or first) - 1 : int(one or last)]
        assert " ".join(" ".join(span).split()).find(" ".join(c["quote"].split())) >= 0, (c, span)
        assert int(one or first) > 1  # counted from the file's start: the front matter is above every quote


def test_a_closed_pipe_ends_quietly(seed_index: Path, tmp_path: Path, onnx_cache_dir: Path) -> None:
    """``qa ask ... | head -5``: the reader has gone before the answer is written (deterministically here: the
    pipe's read end is closed before ``qa`` starts)."""
    read, write = os.pipe()
    os.close(read)
    try:
        out = run_qa(["--corpus-dir", str(CORPUS), "--index-dir", str(seed_index), "--data-dir", str(tmp_path / "var"),
                      "ask", "Should my team use Flask or FastAPI for new work?"], tmp_path, onnx_cache_dir,
                     stdout=write, stderr=subprocess.PIPE)
    finally:
        os.close(write)
    assert out.stderr == "", out.stderr
    assert out.returncode == 141


@pytest.mark.parametrize("command", ["serve", "slack"])
def test_the_server_address_options_are_documented(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main([command, "--help"])
    out = capsys.readouterr().out
    for option in ("--host HOST", "--port PORT", "--workers WORKERS"):
        assert re.search(rf"^  {option} +\S", out, flags=re.M), out  # the option, then its help text


def test_slack_socket_mode_refuses_an_address(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["slack", "--socket", "--port", "9000"]) == 1
    assert "Socket Mode" in capsys.readouterr().err


@pytest.fixture(scope="module")
def client(seed_settings: Settings, engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(seed_settings, engine), raise_server_exceptions=False) as c:
        yield c


@pytest.mark.parametrize(("headers", "got"), [({}, "no Content-Type"),
                                              ({"Content-Type": "text/plain"}, "text/plain"),
                                              ({"Content-Type": "application/x-www-form-urlencoded"},
                                               "application/x-www-form-urlencoded")])
def test_a_json_body_without_its_content_type_says_so(client: TestClient, headers: dict[str, str], got: str) -> None:
    r = client.post("/ask", content=b'{"question": "Who created Flask?"}', headers=headers)
    assert r.status_code == 422
    assert r.json()["detail"] == f"send the body as JSON with Content-Type: application/json (got {got})"


def test_a_json_body_that_is_not_an_object_still_says_what_to_send(client: TestClient) -> None:
    r = client.post("/ask", content=b'["Who created Flask?"]', headers={"Content-Type": "application/json"})
    assert r.status_code == 422
    assert r.json()["detail"].startswith('the body must be a JSON object like {"question": "..."}')

