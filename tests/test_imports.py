"""Cold start: importing ``qa``, ``qa --help`` and ``qa index status`` load no model or index library, and
answering with the default (ONNX) backend never imports torch. Each check runs in a fresh interpreter."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from qa.settings import Settings
from tests.conftest import ROOT
from tests.servers import child_env

MODEL_LIBS = ("torch", "sentence_transformers", "transformers", "onnxruntime", "onnx")
INDEX_LIBS = ("faiss", "bm25s")
ADAPTER_LIBS = ("fastapi", "uvicorn", "slack_bolt")


def loaded_after(code: str, **env: str) -> list[str]:
    """Which heavy top-level packages are in ``sys.modules`` after ``code`` runs in a fresh interpreter."""
    watch = MODEL_LIBS + INDEX_LIBS + ADAPTER_LIBS
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(m for m in {watch!r} if m in sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=child_env(**env), capture_output=True,
                         text=True, check=True)
    return list(json.loads(out.stdout.strip().splitlines()[-1]))


def test_import_qa_loads_no_heavy_library() -> None:
    assert loaded_after("import qa; import qa.engine, qa.embedding, qa.settings") == []


def test_qa_help_loads_no_heavy_library() -> None:
    code = ("from integrations.cli import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit as exc:\n    assert exc.code == 0")
    assert loaded_after(code) == []


def test_qa_index_status_loads_no_model_or_index_library(seed_settings: Settings) -> None:
    code = "from integrations.cli import main\nassert main(['index', 'status']) == 0"
    assert loaded_after(code, QA_INDEX_DIR=str(seed_settings.index_dir), QA_CORPUS_DIR=str(seed_settings.corpus_dir)) == []


@pytest.mark.slow
def test_qa_ask_with_the_default_backend_never_imports_torch(
    seed_settings: Settings, onnx_cache_dir: Path, tmp_path: Path
) -> None:
    code = "from integrations.cli import main\nassert main(['ask', 'Does Flask support WebSockets?']) == 0"
    loaded = loaded_after(code, QA_INDEX_DIR=str(seed_settings.index_dir), QA_CORPUS_DIR=str(seed_settings.corpus_dir),
                          QA_DATA_DIR=str(tmp_path / "var"), QA_MODEL_CACHE_DIR=str(onnx_cache_dir))
    assert "onnxruntime" in loaded and "faiss" in loaded
    assert not {"torch", "sentence_transformers", "transformers", "onnx"} & set(loaded)


def _qa_imports(path: Path) -> set[str]:
    """The ``qa`` modules a module imports when it runs (at the top or inside functions, not under
    ``if TYPE_CHECKING``), as dotted names."""
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
            for n in ast.walk(node)}
    out: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("qa"):
            out.add(node.module)
        elif isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.startswith("qa")}
    return out


def test_no_import_cycle_in_qa() -> None:
    modules = {".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"): p
               for p in (ROOT / "qa").rglob("*.py")}
    graph = {m: {i for i in _qa_imports(p) if i in modules and i != m and not m.startswith(i + ".")}
             for m, p in modules.items()}
    state: dict[str, int] = {}

    def visit(m: str, trail: list[str]) -> None:
        state[m] = 1
        for n in sorted(graph[m]):
            assert state.get(n) != 1, "import cycle: " + " -> ".join([*trail, m, n])
            if n not in state:
                visit(n, [*trail, m])
        state[m] = 2

    for m in sorted(modules):
        if m not in state:
            visit(m, [])
    assert len(modules) > 20  # the walk saw the package
