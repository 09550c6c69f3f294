"""Every answer the engine gives, as JSON lines, for before/after comparisons of a change that must not
change behaviour: ``python -m bench.answers OUT.jsonl`` then ``diff`` two runs.

It asks the evaluation set (follow-ups after their history) over the seed corpus and, when
``../shared/data`` is there, a fixed sample of each labelled set's test split over its own corpus.
Timings, conversation ids and index versions are dropped; everything else of ``Answer.to_dict()`` is kept.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from bench._common import ROOT
from bench.datasets import load_dataset
from bench.datasets.runner import write_corpus
from qa.build import build_index
from qa.engine import Engine
from qa.evaluation import default_questions_path
from qa.settings import load_settings

SETS = {  # set -> (questions, documents): small enough for a minute, large enough to touch every stage
    "squad2-dev-cs224n": (60, 50),
    "covid-qa": (30, 3),
    "django-faq": (30, 10),
    "github-questions-fastapi-flask": (20, 8),
}


def _dump(answer, tag: str) -> str:
    d = answer.to_dict()
    d.pop("timings_ms", None)
    d.pop("conversation_id", None)
    d.pop("index_version", None)  # names the build time
    return json.dumps({"set": tag, **d}, ensure_ascii=False, sort_keys=True)


def _engine(corpus: Path, work: Path, embedder=None) -> Engine:
    settings = load_settings().model_copy(update={
        "corpus_dir": corpus, "index_dir": work / "index", "data_dir": work / "var", "query_cache_size": 0,
    })
    engine = Engine(settings, embedder)
    build_index(corpus, settings.index_dir, engine.embedder, max_tokens=settings.chunk_max_tokens, lock_wait=0)
    engine.warm_up()
    return engine


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    args = ap.parse_args(argv)
    lines: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        engine = _engine(ROOT / "corpus", Path(tmp) / "seed")
        for n, raw in enumerate(default_questions_path().read_text(encoding="utf-8").splitlines()):
            if not raw.strip():
                continue
            case = json.loads(raw)
            conv = f"golden-{n}" if case.get("history") else None
            for earlier in case.get("history", []):
                engine.ask(earlier, conv)
            lines.append(_dump(engine.ask(case["question"], conv), "eval"))
        if args.data.is_dir():
            for name, (n_q, n_docs) in SETS.items():
                ds = load_dataset(name, args.data).split("test").sample(n_q, n_docs)
                work = Path(tmp) / name
                write_corpus(ds, work / "corpus")
                eng = _engine(work / "corpus", work, engine.embedder)
                lines.extend(_dump(eng.ask(q.text), name) for q in ds.questions)
        else:
            print(f"no labelled sets at {args.data}: the evaluation set only", file=sys.stderr)
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} answers -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
