"""The README's benchmark commands run, bounded, and report sane figures (speed itself is never asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from qa.embedding import OnnxEmbedder, threads_per_worker
from tests.conftest import ROOT
from tests.servers import child_env

pytestmark = pytest.mark.slow


def run_bench(*args: str, timeout: float = 300, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, env=child_env(**(env or {})), capture_output=True,
                          text=True, timeout=timeout)


def test_http_load_test_runs_without_errors(embedder: OnnxEmbedder, onnx_cache_dir: Path) -> None:
    """`python -m bench.http`, shortened: a real 2-worker `qa serve` on the default backend, both kinds of
    questions, no failed request."""
    out = run_bench("bench.http", "--workers", "2", "--connections", "1", "16", "--seconds", "0.5", "--pairs", "5",
                    "--repeat", "2", "--backend", "onnx-int8", "--json", env={"QA_MODEL_CACHE_DIR": str(onnx_cache_dir)})
    assert out.returncode == 0, out.stderr[-3000:]
    report = json.loads(out.stdout)
    runs = report["runs"]
    assert {(r["questions"], r["connections"]) for r in runs} == {("distinct", 1), ("distinct", 16), ("faq", 1), ("faq", 16)}
    assert all(r["errors"] == 0 and r["requests"] > 0 and r["p99_ms"] >= r["p50_ms"] > 0 for r in runs)
    assert all(len(r["rps_each"]) == 2 and r["rps"] in r["rps_each"] for r in runs)  # the median (lower) repeat
    assert [p["encoder_threads"] for p in report["paired"]] == [threads_per_worker(2)] * 2  # as a serve worker
    assert all(p["errors"] == 0 and p["http_p50_ms"] > 0 and p["inproc_p50_ms"] > 0 for p in report["paired"])


def test_ask_benchmark_prints_its_table_with_the_baseline(embedder: OnnxEmbedder, onnx_cache_dir: Path) -> None:
    """`python -m bench ask`, one round: the hybrid pipeline, the encoder alone and the BM25-only baseline, with
    ratios (the export the session cached is reused, as a second `qa` process would)."""
    out = run_bench("bench.ask", "--rounds", "1", env={"QA_MODEL_CACHE_DIR": str(onnx_cache_dir)})
    assert out.returncode == 0, out.stderr[-3000:]
    rows = {line.split("|")[1].strip(): line for line in out.stdout.splitlines() if line.startswith("| ")}
    assert "BM25-only retrieval baseline (no encoder)" in rows
    base = rows["BM25-only retrieval baseline (no encoder)"]
    assert base.split("|")[4].strip() == "1.00"  # the baseline's ratio to itself
    ours = rows["`Engine.ask`, hybrid, full answer (ours)"]
    assert float(ours.split("|")[2]) > 0 and float(ours.split("|")[4]) > 0
    assert "chunks/s" in out.stdout and "x 1 rounds" in out.stdout


def test_ask_benchmark_refuses_no_rounds_in_one_line() -> None:
    out = run_bench("bench.ask", "--rounds", "0")
    assert out.returncode == 2 and "--rounds must be 1 or more, not 0" in out.stderr
    assert "Traceback" not in out.stderr


def test_ratio_table_pairs_each_run_with_the_torch_run_of_its_shape() -> None:
    from bench.http import Run, ratio_table

    runs = [Run("onnx", 2, "distinct", 16, 900, 0, 4.0, 225.0, 70.0, 104.0, [225.0]),
            Run("torch", 2, "distinct", 16, 580, 0, 4.0, 145.0, 109.0, 139.0, [145.0]),
            Run("onnx", 2, "faq", 16, 4700, 0, 4.0, 1186.0, 13.4, 17.0, [1186.0])]  # no torch run to compare with
    lines = ratio_table(runs).splitlines()
    assert lines[2:] == ["| onnx | 2 | distinct | 16 | 225 | 145 | 1.55x | 104.00 | 139.00 |"]


def test_load_table_shows_every_repeat_only_when_repeated() -> None:
    from bench.http import Run, table

    once = Run("onnx-int8", 2, "distinct", 16, 1700, 0, 4.0, 425.0, 35.0, 60.0, [425.0])
    assert "each repeat" not in table([once])
    thrice = Run("onnx-int8", 2, "distinct", 16, 5100, 0, 4.0, 425.0, 35.0, 60.0, [398.0, 425.0, 470.0])
    lines = table([thrice]).splitlines()
    assert lines[0] == ("| backend | workers | questions | connections | requests (all repeats) | req/s | p50 ms | p99 ms "
                        "| errors (all repeats) | req/s of each repeat |")
    assert lines[2] == "| onnx-int8 | 2 | distinct | 16 | 5100 | 425 | 35.00 | 60.00 | 0 | 398, 425, 470 |"


def test_rebuild_benchmark_embeds_only_what_changed(embedder: OnnxEmbedder, onnx_cache_dir: Path) -> None:
    """`python -m bench.rebuild --corpus seed`: a full build, one article edited, an incremental build (on the
    default backend, whose export the session already cached)."""
    out = run_bench("bench.rebuild", "--corpus", "seed", "--json", env={"QA_MODEL_CACHE_DIR": str(onnx_cache_dir)})
    assert out.returncode == 0, out.stderr[-3000:]
    (seed,) = json.loads(out.stdout)
    assert seed["chunks"] > 50 and seed["full"]["chunks_embedded"] == seed["chunks"]
    assert 1 <= seed["incremental"]["chunks_embedded"] <= 2 and seed["incremental"]["units_embedded"] <= 2



@pytest.mark.parametrize("bad", [["--workers", "0"], ["--connections", "0"], ["--seconds", "nan"], ["--threads", "-1"],
                                 ["--repeat", "0"]])
def test_http_load_test_refuses_bad_options_before_starting_anything(bad: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    from bench.http import main

    with pytest.raises(SystemExit) as exit_:
        main(bad)
    assert exit_.value.code == 2 and "must be at least 1" in capsys.readouterr().err


@pytest.mark.parametrize("bad", [["--repeat", "0"], ["--seconds", "0"], ["--connections", "1"]])
def test_replicas_benchmark_refuses_bad_options_before_starting_anything(
        bad: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    from bench.replicas import main

    with pytest.raises(SystemExit) as exc:
        main(bad)
    assert exc.value.code == 2 and "--repeat at least 1" in capsys.readouterr().err
