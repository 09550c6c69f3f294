"""Real servers and other child processes in tests: the `qa` command and a clean environment for it, a free
port on 127.0.0.1, waiting for `/readyz` (bounded), a clean stop; and waiting (bounded) for any condition."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

QA = Path(sys.executable).parent / "qa"  # the installed command, beside this interpreter


def child_env(**settings: str) -> dict[str, str]:
    """The environment for a child process: this one's without any QA_ or SLACK_ variable, so the child reads
    only ``settings``; offline."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QA_", "SLACK_"))}
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", TOKENIZERS_PARALLELISM="false", **settings)
    return env


def wait_until(predicate: Callable[[], bool], limit: float = 60.0) -> bool:
    """Poll ``predicate`` until it holds or ``limit`` seconds pass (a bound, not a timing assertion)."""
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_ready(base: str, proc: subprocess.Popen[bytes], log: Path, timeout: float = 120.0) -> None:
    """Poll /readyz until 200; fail early if the server exits, and after ``timeout`` seconds at most."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"server exited with {proc.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.25)
    pytest.fail(f"server not ready after {timeout} s:\n{log.read_text(errors='replace')[-3000:]}")


def stop(proc: subprocess.Popen[bytes]) -> int:
    """SIGINT, as Ctrl-C would; the exit code, or a failure if it does not stop within 30 s."""
    proc.send_signal(signal.SIGINT)
    try:
        return proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)
        pytest.fail("server did not stop within 30 s of SIGINT")
