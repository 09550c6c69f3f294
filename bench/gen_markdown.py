"""A generated Markdown corpus of about N MB a file (headings, paragraphs, lists, tables), for build-memory figures.

``python -m bench.gen_markdown DIR MB [FILES]`` (docs/benchmarks.md, "Build memory")."""

from __future__ import annotations

import argparse
import random
from pathlib import Path


def make(path: Path, mb: float, seed: int) -> None:
    rnd = random.Random(seed)
    words = ("flask fastapi django request response async await router middleware template database query "
             "session cookie header latency throughput worker process thread deploy container schema "
             "validation pydantic typing endpoint documentation openapi swagger extension blueprint "
             "dependency injection testing client server performance benchmark memory cache").split()
    def sentence():
        n = rnd.randint(8, 24)
        s = " ".join(rnd.choice(words) for _ in range(n))
        return s[0].upper() + s[1:] + "."

    out = [f"---\ntitle: Generated {seed}\npublished: 2026-01-01\nsubjects: [FastAPI, Flask]\n---\n"]
    size, sec = 0, 0
    target = int(mb * 1024 * 1024)
    while size < target:
        sec += 1
        block = [f"\n## Section {sec}\n"]
        for sub in range(rnd.randint(1, 3)):
            block.append(f"\n### Part {sec}.{sub}\n")
            for _ in range(rnd.randint(2, 5)):
                block.append("\n" + " ".join(sentence() for _ in range(rnd.randint(2, 7))) + "\n")
            if rnd.random() < 0.3:
                block.append("\n" + "\n".join(f"- {sentence()}" for _ in range(rnd.randint(2, 5))) + "\n")
            if rnd.random() < 0.15:
                block.append("\n| Aspect | Flask | FastAPI |\n|---|---|---|\n" + "\n".join(
                    f"| {rnd.choice(words)} | {rnd.choice(words)} | {rnd.choice(words)} |" for _ in range(rnd.randint(2, 6))) + "\n")
        text = "".join(block)
        out.append(text)
        size += len(text)
    path.write_text("".join(out), encoding="utf-8")



def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir", type=Path, help="where to write gen-0.md, gen-1.md, ...")
    ap.add_argument("mb", type=float, help="about this many MB a file")
    ap.add_argument("files", type=int, nargs="?", default=1, help="how many files (default 1)")
    args = ap.parse_args(argv)
    args.dir.mkdir(parents=True, exist_ok=True)
    for i in range(args.files):
        make(args.dir / f"gen-{i}.md", args.mb, seed=i)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
