"""``qa add`` / ``POST /sources`` against a real HTTP server on 127.0.0.1 serving pages these tests write."""

from __future__ import annotations

import datetime as dt
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient
from fpdf import FPDF

from integrations.cli import main
from integrations.http import create_app
from qa.documents import load_corpus, parse_document
from qa.embedding import OnnxEmbedder
from qa.engine import Engine
from qa.extract import canonical_url, subjects_from_title
from tests.conftest import CORPUS, make_settings

STALL_SECONDS = 3.0  # how long the stalling routes hold a connection: bounded, so no server thread outlives a test

BLOG = """<!doctype html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Litestar vs Sanic: which async framework in 2026? | Async Weekly</title>
<link rel="canonical" href="{base}/blog/litestar-vs-sanic?utm_source=feed&amp;utm_medium=rss&amp;fbclid=abc123">
<meta property="og:title" content="Litestar vs Sanic: which async framework in 2026?">
<meta property="og:site_name" content="Async Weekly">
<meta property="og:url" content="{base}/blog/litestar-vs-sanic?utm_campaign=spring&amp;gclid=xyz">
<meta property="article:published_time" content="2026-03-02T09:00:00Z">
<meta property="article:modified_time" content="2026-03-09T17:30:00Z">
<script type="application/ld+json">
{{"@context": "https://schema.org", "@type": "BlogPosting", "headline": "Litestar vs Sanic: which async framework in 2026?",
 "author": {{"@type": "Person", "name": "Dana Okafor"}}, "publisher": {{"@type": "Organization", "name": "Async Weekly"}},
 "datePublished": "2026-03-02T09:00:00Z", "dateModified": "2026-03-09T17:30:00Z"}}
</script>
</head><body>
<div id="cookie-banner" class="cookie-consent">We use cookies to improve your experience. Accept all cookies or manage preferences.</div>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/topics">Topics</a></li>
<li><a href="/newsletter">Subscribe to the newsletter</a></li></ul></nav></header>
<main><article>
<h1>Litestar vs Sanic: which async framework in 2026?</h1>
<p class="byline">By <span class="author">Dana Okafor</span> · <time datetime="2026-03-02">March 2, 2026</time></p>
<p>Litestar and Sanic are both asynchronous Python web frameworks, but they make different trade-offs.
Litestar ships a built-in dependency injection system that resolves providers per request, while Sanic leaves
dependency injection to the <a href="https://example.org/sanic-ext">Sanic Extensions</a> package.</p>
<div class="ad advertisement">Sponsored: Try CloudHost Pro free for 30 days! Limited offer.</div>
<h2>Performance</h2>
<p>In our benchmark on a four-core machine, Sanic served <strong>plain text responses</strong> slightly faster than
Litestar, and Litestar was faster once request bodies were validated with msgspec.</p>
<table>
<thead><tr><th>Aspect</th><th>Litestar</th><th>Sanic</th></tr></thead>
<tbody>
<tr><td>Dependency injection</td><td>Built in</td><td>Via Sanic Extensions</td></tr>
<tr><td>Validation</td><td>msgspec, pydantic, attrs</td><td>Via extensions</td></tr>
<tr><td>First release</td><td>2021</td><td>2016</td></tr>
</tbody></table>
<h2>Getting started</h2>
<p>A minimal Litestar application declares route handlers with decorators and passes them to the application object.</p>
<pre><code>from litestar import Litestar, get

@get("/")
async def index() -&gt; str:
    return "Hello"

app = Litestar(route_handlers=[index])
</code></pre>
<ul><li>Litestar has a plugin for SQLAlchemy.</li><li>Sanic has its own production server with worker management.</li></ul>
<p>Our verdict: pick Litestar when you want batteries included, and Sanic when you want a small core and its own server.</p>
</article></main>
<aside class="related"><h3>Related posts</h3><ul><li><a href="/x">Ten tips for asyncio</a></li></ul></aside>
<footer><p>© 2026 Async Weekly. All rights reserved. Privacy policy · Terms of use</p></footer>
</body></html>
"""

FURNITURE = ["cookies", "Sponsored", "CloudHost", "Subscribe to the newsletter", "All rights reserved", "Related posts",
             "Ten tips for asyncio", "Privacy policy"]

BYLINE_ONLY = """<!doctype html><html><head><title>Notes on running Starlette behind a proxy</title></head><body>
<article><h1>Notes on running Starlette behind a proxy</h1>
<p class="byline">Posted on 14 January 2026</p>
<p>Running a Starlette application behind a reverse proxy needs the proxy headers middleware, so that the
application sees the client's address and scheme instead of the proxy's. Without it, redirects point at http
even when the site is served over https, and rate limits count every client as the proxy.</p>
<p>Uvicorn accepts the forwarded-allow-ips option to say which proxies are trusted. Set it to the proxy's
address rather than a wildcard, because a wildcard lets any client forge its address.</p>
</article></body></html>
"""

FURNITURE_ONLY = """<!doctype html><html><head><title>Home</title></head><body>
<nav><a href="/">Home</a> <a href="/about">About</a></nav>
<div class="cookie-consent">We use cookies. Accept all cookies.</div>
<footer>© 2026 Example. All rights reserved.</footer></body></html>
"""

PDF_PARAGRAPHS = [
    "Quart and Falcon are two Python web frameworks with different goals.",
    "Quart is an asynchronous reimplementation of the Flask API, so Flask extensions often work with small changes. "
    "Quart supports WebSockets natively and runs on any ASGI server such as Hypercorn.",
    "Falcon is a minimalist framework for REST APIs and microservices. Falcon favours reliability, correctness and "
    "performance at scale, and it supports both WSGI and ASGI applications.",
]


def make_pdf() -> bytes:
    pdf = FPDF()
    pdf.set_title("Quart vs Falcon: a short comparison")
    pdf.set_author("Rui Tanaka")
    pdf.set_creation_date(dt.datetime(2025, 11, 20, tzinfo=dt.UTC))
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 10, "Quart vs Falcon: a short comparison", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=11)
    for paragraph in PDF_PARAGRAPHS:
        pdf.multi_cell(0, 6, paragraph)
        pdf.ln(4)
    return bytes(pdf.output())


# -- the server -------------------------------------------------------------------------------------------------


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    handler: Callable[[BaseHTTPRequestHandler], None] | None = None


@dataclass
class Site:
    base: str
    routes: dict[str, Route]
    requests: list[tuple[str, dict[str, str]]]

    def page(self, path: str, html: str, **headers: str) -> str:
        self.routes[path] = Route(body=html.replace("{base}", self.base).encode(),
                                  headers={"Content-Type": "text/html; charset=utf-8", **headers})
        return self.base + path


class _Handler(BaseHTTPRequestHandler):
    site: Site

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        path = self.path.split("?", 1)[0]
        self.site.requests.append((self.path, dict(self.headers)))
        route = self.site.routes.get(path)
        if route is None:
            self.send_error(404, "Not Found")
            return
        if route.handler is not None:
            route.handler(self)
            return
        etag = route.headers.get("ETag")
        if etag and self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.send_response(route.status)
        for k, v in route.headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(route.body)))
        self.end_headers()
        self.wfile.write(route.body)

    def log_message(self, *args: object) -> None:
        pass


def stall(h: BaseHTTPRequestHandler) -> None:
    """Accept the request, then say nothing for a while."""
    time.sleep(STALL_SECONDS)


def drip(h: BaseHTTPRequestHandler) -> None:
    """Headers at once, then a byte every 0.1 s: each read is quick, the whole download never ends in time."""
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.end_headers()
    end = time.monotonic() + STALL_SECONDS
    try:
        while time.monotonic() < end:
            h.wfile.write(b"<p>")
            h.wfile.flush()
            time.sleep(0.1)
    except OSError:
        pass  # the client gave up


def huge_unannounced(h: BaseHTTPRequestHandler) -> None:
    """3 MB of HTML without a Content-Length: only counting while reading finds it too large."""
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.end_headers()
    try:
        for _ in range(3 * 64):
            h.wfile.write(b"<p>" + b"x" * 16_381)
    except OSError:
        pass


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    s = Site(f"http://127.0.0.1:{server.server_address[1]}", {}, [])
    _Handler.site = s
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield s
    server.shutdown()
    server.server_close()


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    d = tmp_path / "corpus"
    d.mkdir()
    return d


def add(corpus: Path, *argv: str) -> int:
    return main(["--corpus-dir", str(corpus), "--index-dir", str(corpus.parent / "index"), "add", "--no-build", *argv])


def front(path: Path) -> dict[str, object]:
    """The front matter, dates as ISO text."""
    raw = path.read_text(encoding="utf-8")
    meta = yaml.safe_load(raw[4:raw.index("\n---", 3)])
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in meta.items()}


def state(*dirs: Path) -> dict[str, bytes]:
    """Every file under ``dirs`` with its bytes: 'nothing written' is this, unchanged."""
    return {str(p): p.read_bytes() for d in dirs if d.exists() for p in sorted(d.rglob("*")) if p.is_file()}


# -- pages into corpus files ------------------------------------------------------------------------------------


def test_a_blog_page_becomes_a_corpus_file_with_its_metadata_and_none_of_the_furniture(
        site: Site, corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = site.page("/blog/litestar-vs-sanic", BLOG)
    assert add(corpus, url + "?utm_source=newsletter") == 0
    path = corpus / "async-weekly-litestar-vs-sanic-which-async-framework-in-2026.md"
    out = capsys.readouterr().out
    assert out.startswith(f"added {path}: 'Litestar vs Sanic: which async framework in 2026?'")
    assert "Dana Okafor; Async Weekly; published 2026-03-02, modified 2026-03-09" in out
    meta = front(path)
    assert meta["title"] == "Litestar vs Sanic: which async framework in 2026?"
    assert meta["author"] == "Dana Okafor" and meta["publisher"] == "Async Weekly"
    assert (meta["published"], meta["modified"]) == ("2026-03-02", "2026-03-09")
    assert meta["url"] == url  # the canonical address, its tracking parameters gone
    assert meta["subjects"] == ["Litestar", "Sanic"]
    doc = parse_document("x", path.read_text(encoding="utf-8"))
    assert doc.url == url and doc.author == "Dana Okafor" and doc.published == "2026-03-02"
    body = doc.text
    assert "## Performance" in body and "## Getting started" in body
    assert "| Dependency injection | Built in | Via Sanic Extensions |" in body
    assert "```" in body and 'async def index() -> str:\n    return "Hello"' in body
    assert "- Sanic has its own production server with worker management." in body
    assert "Litestar ships a built-in dependency injection system" in body
    for furniture in FURNITURE:
        assert furniture not in body, furniture
    assert site.requests[-1][1]["User-Agent"].startswith("compare-qa/")


def test_a_page_with_only_a_date_in_the_byline_gets_that_date_and_a_note_on_subjects(
        site: Site, corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = site.page("/notes/starlette-proxy", BYLINE_ONLY)
    assert add(corpus, url) == 0
    out = capsys.readouterr().out
    (path,) = corpus.glob("*.md")
    meta = front(path)
    assert meta["published"] == "2026-01-14" and "modified" not in meta
    assert meta["url"] == url and meta["title"] == "Notes on running Starlette behind a proxy"
    assert "subjects" not in meta
    assert "note: no 'X vs Y' in the title" in out and "--subjects A,B" in out


def test_subjects_given_are_used_and_known_subjects_are_inferred(
        site: Site, corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = site.page("/notes/starlette-proxy", BYLINE_ONLY)
    assert add(corpus, url, "--subjects", "Starlette, Uvicorn", "--slug", "proxy-notes") == 0
    assert front(corpus / "proxy-notes.md")["subjects"] == ["Starlette", "Uvicorn"]
    (corpus / "proxy-notes.md").unlink()
    (corpus / "known.md").write_text("---\ntitle: K\nsubjects: [Uvicorn, Starlette]\n---\nKnown.\n", encoding="utf-8")
    assert add(corpus, url) == 0
    out = capsys.readouterr().out
    (path,) = [p for p in corpus.glob("*.md") if p.name != "known.md"]
    assert front(path)["subjects"] == ["Starlette"]  # the one the title names
    assert "subjects Starlette inferred from the corpus's subjects it mentions" in out


def test_a_pdf_over_http_and_a_local_pdf_give_their_text_and_metadata(site: Site, corpus: Path, tmp_path: Path) -> None:
    data = make_pdf()
    site.routes["/papers/quart-falcon.pdf"] = Route(body=data, headers={"Content-Type": "application/pdf"})
    assert add(corpus, site.base + "/papers/quart-falcon.pdf") == 0
    (path,) = corpus.glob("*.md")
    meta = front(path)
    assert meta["title"] == "Quart vs Falcon: a short comparison" and meta["author"] == "Rui Tanaka"
    assert meta["published"] == "2025-11-20" and meta["subjects"] == ["Quart", "Falcon"]
    assert meta["url"] == site.base + "/papers/quart-falcon.pdf"
    text = " ".join(parse_document("x", path.read_text(encoding="utf-8")).text.split())
    for paragraph in PDF_PARAGRAPHS:
        assert paragraph in text
    local = tmp_path / "paper.pdf"
    local.write_bytes(data)
    other = tmp_path / "other"
    other.mkdir()
    assert add(other, str(local)) == 0
    (path2,) = other.glob("*.md")
    assert path2.name == path.name and "url" not in front(path2)


@pytest.mark.parametrize("suffix", [".html", ".md", ".txt"])
def test_local_files_are_added_the_same_way(suffix: str, corpus: Path, tmp_path: Path) -> None:
    text = {".html": BYLINE_ONLY,
            ".md": "---\ntitle: Notes on running Starlette behind a proxy\nsubjects: [Starlette]\n---\n\n"
                   + " ".join(BYLINE_ONLY.split("<p>")[2:]).replace("</p>", "\n"),
            ".txt": "Notes on running Starlette behind a proxy\n\n" + " ".join(BYLINE_ONLY.split("<p>")[2:]).replace("</p>", "\n")}
    source = tmp_path / f"notes{suffix}"
    source.write_text(text[suffix], encoding="utf-8")
    assert add(corpus, str(source)) == 0
    path = corpus / "notes-on-running-starlette-behind-a-proxy.md"
    doc = parse_document("x", path.read_text(encoding="utf-8"))
    assert doc.title == "Notes on running Starlette behind a proxy"
    assert "forwarded-allow-ips" in doc.text


def test_redirects_are_followed_and_the_final_address_is_kept(site: Site, corpus: Path) -> None:
    site.page("/notes/final", BYLINE_ONLY)
    site.routes["/old"] = Route(status=301, headers={"Location": "/notes/final?utm_source=x"})
    assert add(corpus, site.base + "/old") == 0
    (path,) = corpus.glob("*.md")
    assert front(path)["url"] == site.base + "/notes/final"


def test_adding_the_same_page_again_updates_its_file_and_a_different_source_is_not_overwritten(
        site: Site, corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = site.page("/notes/starlette-proxy", BYLINE_ONLY)
    assert add(corpus, url) == 0
    (path,) = corpus.glob("*.md")
    capsys.readouterr()
    assert add(corpus, url) == 0
    assert capsys.readouterr().out.startswith(f"unchanged {path}")
    assert list(corpus.glob("*.md")) == [path]

    site.page("/elsewhere/same-title", BYLINE_ONLY)  # another address, the same title: the same slug
    before = state(corpus)
    assert add(corpus, site.base + "/elsewhere/same-title") == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "already holds another source" in err and "--slug" in err
    assert state(corpus) == before
    assert add(corpus, site.base + "/elsewhere/same-title", "--slug", "same-title-elsewhere") == 0
    assert front(corpus / "same-title-elsewhere.md")["url"] == site.base + "/elsewhere/same-title"


def test_a_hand_written_article_with_the_same_url_is_not_replaced(
        site: Site, corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = site.page("/notes/starlette-proxy", BYLINE_ONLY)
    hand = corpus / "my-notes.md"
    hand.write_text(f"---\ntitle: My notes\nurl: {url}\n---\nWritten by hand, with care.\n", encoding="utf-8")
    before = state(corpus)
    assert add(corpus, url) == 1
    assert "has this url but was not fetched by qa add" in capsys.readouterr().err
    assert state(corpus) == before


@pytest.mark.parametrize(("argv", "says"), [
    ([], "error: give a web address or a file to add (or --refresh)"),
    (["--refresh", "http://127.0.0.1:9/x"], "error: --refresh fetches every source"),
    (["a.pdf", "b.pdf", "--slug", "x"], "error: --slug and --subjects apply to one source"),
    (["notes.docx"], "error: notes.docx: no such file"),
    (["ftp://127.0.0.1/x"], "error: ftp://127.0.0.1/x: only http:// and https:// addresses can be fetched"),
])
def test_usage_mistakes_are_one_line(argv: list[str], says: str, corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert add(corpus, *argv) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and err.startswith(says), err
    assert list(corpus.iterdir()) == []


# -- bad input: one line, nothing written, the index untouched ---------------------------------------------------


BAD = {
    "missing": ("/nowhere", None, "HTTP 404 Not Found"),
    "binary": ("/file.bin", Route(body=bytes(range(256)) * 40, headers={"Content-Type": "application/octet-stream"}),
               "application/octet-stream, not an HTML page or a PDF"),
    "binary-said-html": ("/fake.html", Route(body=b"\x00\x01\x02" * 3000, headers={"Content-Type": "text/html"}),
                         "the server said HTML but the body is binary"),
    "huge": ("/huge", Route(body=b"<p>" + b"x" * (2 * 1024 * 1024), headers={"Content-Type": "text/html"}),
             "over the 1 MB limit"),
    "huge-unannounced": ("/huge-stream", Route(handler=huge_unannounced), "the body is over the 1 MB limit"),
    "stalls": ("/stall", Route(handler=stall), "no answer within 0.5 s"),
    "drips": ("/drip", Route(handler=drip), "the download took over 0.5 s"),
    "no-article": ("/home", Route(body=FURNITURE_ONLY.encode(), headers={"Content-Type": "text/html"}),
                   "no article text found"),
    "redirect-loop": ("/loop", Route(status=302, headers={"Location": "/loop"}), "more than 5 redirects"),
}


@pytest.fixture
def indexed(tmp_path: Path, seed_index: Path) -> tuple[Path, Path]:
    """A copy of the seed corpus and its index."""
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(CORPUS, corpus)
    shutil.copytree(seed_index, index, ignore=shutil.ignore_patterns("LOCK"))
    return corpus, index


@pytest.mark.parametrize("case", BAD)
def test_bad_input_is_one_clear_line_and_changes_nothing(
        case: str, site: Site, indexed: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    path, route, says = BAD[case]
    if route is not None:
        site.routes[path] = route
    corpus, index = indexed
    before = state(corpus, index)
    t0 = time.monotonic()
    code = main(["--corpus-dir", str(corpus), "--index-dir", str(index), "add", "--timeout", "0.5", "--max-mb", "1",
                 site.base + path])
    assert time.monotonic() - t0 < STALL_SECONDS  # it gave up; it did not wait for the server
    assert code == 1
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {site.base}{path}: "), captured.err
    assert says in lines[0]
    assert captured.out == ""
    assert state(corpus, index) == before


def test_several_sources_with_bad_ones_write_nothing_and_name_each_failure(
        site: Site, corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = site.page("/notes/starlette-proxy", BYLINE_ONLY)
    assert add(corpus, good, site.base + "/nowhere", str(tmp_path / "missing.pdf")) == 1
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines == [f"error: {site.base}/nowhere: the server answered HTTP 404 Not Found",
                     f"error: {tmp_path / 'missing.pdf'}: no such file"]
    assert list(corpus.iterdir()) == []


# -- refresh ------------------------------------------------------------------------------------------------------


def test_refresh_asks_conditionally_and_rewrites_only_what_changed(
        site: Site, corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = site.page("/notes/refresh", BYLINE_ONLY, ETag='"v1"')
    assert add(corpus, url) == 0
    (path,) = corpus.glob("*.md")
    assert front(path)["etag"] == '"v1"'
    (corpus / "hand.md").write_text("---\ntitle: Hand\nurl: http://127.0.0.1:9/x\n---\nWritten by hand.\n", encoding="utf-8")
    capsys.readouterr()
    before = path.read_bytes()
    assert add(corpus, "--refresh") == 0
    out = capsys.readouterr().out
    assert site.requests[-1][1].get("If-None-Match") == '"v1"'
    assert f"unchanged {path.stem} (not modified)" in out and "skipped   hand" in out
    assert path.read_bytes() == before

    site.page("/notes/refresh", BYLINE_ONLY.replace("a wildcard lets any client", "a wildcard lets every client"),
              ETag='"v2"')
    assert add(corpus, "--refresh") == 0
    out = capsys.readouterr().out
    assert f"updated   {path.stem}" in out and "not built (--no-build)" in out
    assert "a wildcard lets every client" in path.read_text(encoding="utf-8")
    assert front(path)["etag"] == '"v2"'

    del site.routes["/notes/refresh"]
    assert add(corpus, "--refresh") == 1
    assert f"failed    {path.stem}: {url}: the server answered HTTP 404" in capsys.readouterr().out
    assert "a wildcard lets every client" in path.read_text(encoding="utf-8")


# -- unit pieces ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("title", "subjects"), [
    ("Litestar vs Sanic: which async framework in 2026?", ["Litestar", "Sanic"]),
    ("FastAPI vs. Flask vs Django", ["FastAPI", "Flask", "Django"]),
    ("Why we moved: Node.js versus Deno", ["Node.js", "Deno"]),
    ("Quart vs Falcon - a short comparison", ["Quart", "Falcon"]),
    ("Notes on running Starlette behind a proxy", []),
    ("What I learned comparing many frameworks vs writing my own tiny one", []),
])
def test_subjects_come_from_an_x_vs_y_title(title: str, subjects: list[str]) -> None:
    assert subjects_from_title(title) == subjects


def test_canonical_url_drops_tracking_parameters_and_the_fragment() -> None:
    assert canonical_url("HTTPS://Example.com/a/b?utm_source=x&id=7&fbclid=1&gclid=2&utm_campaign=y#top") == \
        "https://example.com/a/b?id=7"
    assert canonical_url("ftp://example.com/x") is None and canonical_url(None) is None


# -- end to end: the build, a cited answer with a link, and POST /sources -----------------------------------------


QUESTION = "Does Litestar have built-in dependency injection?"


def test_an_added_page_is_built_and_cited_with_a_link_to_the_quote(
        site: Site, indexed: tuple[Path, Path], embedder: OnnxEmbedder, onnx_cache_dir: Path,
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("QA_MODEL_CACHE_DIR", str(onnx_cache_dir))
    corpus, index = indexed
    url = site.page("/blog/litestar-vs-sanic", BLOG)
    assert main(["--corpus-dir", str(corpus), "--index-dir", str(index), "add", url]) == 0
    out = capsys.readouterr().out
    assert "incremental build" in out
    slug = "async-weekly-litestar-vs-sanic-which-async-framework-in-2026"
    engine = Engine(make_settings(corpus_dir=corpus, index_dir=index, data_dir=tmp_path / "var"), embedder)
    assert slug in engine.status().manifest["documents"]
    answer = engine.ask(QUESTION)
    cited = [c for c in answer.citations if c.doc_id == slug]
    assert cited and not answer.abstained
    assert {c.doc_id for c in answer.citations} == {slug}  # only that page says it
    for c in cited:
        assert c.link is not None and c.link.startswith(url + "#:~:text=")
    assert any("dependency" in c.quote for c in cited)


@pytest.fixture
def admin(indexed: tuple[Path, Path], embedder: OnnxEmbedder, tmp_path: Path) -> Iterator[tuple[TestClient, Path]]:
    corpus, index = indexed
    settings = make_settings(corpus_dir=corpus, index_dir=index, data_dir=tmp_path / "var", admin_token="s3cret")
    with TestClient(create_app(settings, Engine(settings, embedder)), raise_server_exceptions=False) as c:
        yield c, corpus


def test_post_sources_needs_the_admin_token_adds_the_page_and_rebuilds(
        site: Site, admin: tuple[TestClient, Path]) -> None:
    c, corpus = admin
    url = site.page("/blog/litestar-vs-sanic", BLOG)
    before = state(corpus)
    assert c.post("/sources", json={"url": url}).status_code == 401
    assert c.post("/sources", json={"url": url}, headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert state(corpus) == before
    auth = {"Authorization": "Bearer s3cret"}
    r = c.post("/sources", json={"url": site.base + "/nowhere"}, headers=auth)
    assert r.status_code == 422 and r.json()["detail"] == f"{site.base}/nowhere: the server answered HTTP 404 Not Found"
    assert state(corpus) == before

    r = c.post("/sources", json={"url": url}, headers=auth)
    assert r.status_code == 200, r.text
    body = r.json()
    slug = "async-weekly-litestar-vs-sanic-which-async-framework-in-2026"
    assert body["doc_id"] == slug and body["status"] == "added" and body["url"] == url
    assert body["author"] == "Dana Okafor" and body["subjects"] == ["Litestar", "Sanic"]
    assert body["build"]["documents_added"] == [slug]
    answer = c.post("/ask", json={"question": QUESTION}).json()
    assert answer["index_version"] == body["build"]["version"]
    assert any(cit["doc_id"] == slug and cit["link"].startswith(url + "#:~:text=") for cit in answer["citations"])
    docs, _ = load_corpus(corpus)
    assert slug in {d.doc_id for d in docs}

    site.page("/elsewhere", BLOG.replace("/blog/litestar-vs-sanic", "/mirror/litestar-vs-sanic"))  # same title
    r = c.post("/sources", json={"url": site.base + "/elsewhere"}, headers=auth)
    assert r.status_code == 409 and "already holds another source" in r.json()["detail"]
