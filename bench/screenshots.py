"""Screenshots of the chat page for the docs: `.venv/bin/python -m bench.screenshots [--out docs/screenshots]`.

Builds an index of the seed corpus in a temporary folder, serves it with `qa serve` on 127.0.0.1, and drives
Debian's chromium (`make browser`; never a downloaded browser) through Playwright at desktop (1280 px) and
phone (390 px) width. Each shot is one exchange of a fresh conversation, cropped to the page's content.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.http import HOST, start_server, stop_server

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the qa serve it starts inherits it
CHROMIUM = Path("/usr/bin/chromium")
QA = Path(sys.executable).parent / "qa"
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
MAX_HEIGHT = 2200  # px of page kept in a shot: the question, the answer and the first sources

# name -> the questions asked in one conversation; the last answer is the one shown.
SCENES: dict[str, list[str]] = {
    "comparison": ["Compare Flask and FastAPI on async support and performance"],
    "disagreement": ["How many GitHub stars does FastAPI have?"],
    "code": ["Show me how FastAPI validates a request body with a Pydantic model"],
    "follow-up": ["Does FastAPI support WebSockets?", "And Flask?"],
    "language": ["¿Debo usar Flask o FastAPI para una API nueva?"],
}


def _ask(page: Any, question: str) -> None:
    answers = page.locator("article.turn.answer, article.turn.error")
    before = answers.count()
    page.locator("#question").fill(question)
    page.locator("#question").press("Enter")
    answers.nth(before).wait_for()


def shoot(base: str, out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    made = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                    args=["--no-sandbox", "--disable-gpu", "--hide-scrollbars"])
        for width_name, (width, height) in WIDTHS.items():
            for scene, questions in SCENES.items():
                context = browser.new_context(viewport={"width": width, "height": height}, color_scheme="light")
                page = context.new_page()
                page.set_default_timeout(60_000)
                page.goto(base + "/")
                for question in questions:
                    _ask(page, question)
                # Shown from the last question down, without the fixed composer over the content.
                page.evaluate("document.querySelector('.composer').remove();"
                              "document.getElementById('log').style.paddingBottom = '0.75rem'")
                cards = page.locator("article.turn")
                first = cards.nth(cards.count() - 2 * min(len(questions), 2))
                top = first.bounding_box()["y"] + page.evaluate("window.scrollY") - 8
                full = page.evaluate("document.scrollingElement.scrollHeight")
                clip = {"x": 0, "y": top, "width": width, "height": min(full - top, MAX_HEIGHT)}
                path = out / f"{scene}-{width_name}.png"
                page.screenshot(path=str(path), full_page=True, clip=clip)
                made.append(path)
                context.close()
        browser.close()
    return made


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots", help="folder for the PNG files")
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        raise SystemExit("error: /usr/bin/chromium missing: run `make browser`")
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="qa-shots-") as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("QA_", "SLACK_"))}
        env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", TOKENIZERS_PARALLELISM="false",
                   QA_CORPUS_DIR=str(ROOT / "corpus"), QA_INDEX_DIR=f"{tmp}/index", QA_DATA_DIR=f"{tmp}/var")
        subprocess.run([str(QA), "index", "build"], env=env, check=True, stdout=subprocess.DEVNULL)
        (Path(tmp) / "var").mkdir(exist_ok=True)
        proc, port = start_server(1, Path(tmp) / "index", Path(tmp) / "var", Path(tmp) / "serve.log")
        try:
            for path in shoot(f"http://{HOST}:{port}", args.out):
                print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: {path.stat().st_size // 1024} KiB")
        finally:
            stop_server(proc)

if __name__ == "__main__":
    main()
