"""Fetch one web page or PDF for ``qa add``: bounded in time, size and redirects, typed, politely named.

Every way a fetch can fail is a :class:`SourceError` whose message is one line naming the address.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version

import httpx

from qa.errors import SourceError

HTML_TYPES = ("text/html", "application/xhtml+xml")
PDF_TYPES = ("application/pdf",)


def user_agent() -> str:
    try:
        v = version("compare-qa")
    except PackageNotFoundError:  # running from a checkout that is not installed
        v = "dev"
    return f"compare-qa/{v} (+qa add: imports one article into a question-answering corpus)"


@dataclass(frozen=True, slots=True)
class FetchOptions:
    timeout: float = 15.0  # seconds: each of connect and read, and the whole download
    max_bytes: int = 20 * 1024 * 1024
    max_redirects: int = 5


DEFAULT_FETCH = FetchOptions()


@dataclass(frozen=True, slots=True)
class Fetched:
    url: str  # after redirects
    kind: str  # "html" | "pdf"
    body: bytes
    encoding: str | None  # the charset the server declared, if any
    etag: str | None
    last_modified: str | None


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:g} MB"


def fetch(url: str, options: FetchOptions = DEFAULT_FETCH, *, etag: str | None = None,
          last_modified: str | None = None) -> Fetched | None:
    """GET ``url``; None when the validators show it unchanged (304). Raises :class:`SourceError`."""
    if not url.lower().startswith(("http://", "https://")):
        raise SourceError(f"{url}: only http:// and https:// addresses can be fetched")
    headers = {"User-Agent": user_agent(), "Accept": "text/html,application/xhtml+xml,application/pdf;q=0.9"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    deadline = time.monotonic() + options.timeout
    try:
        with httpx.Client(follow_redirects=True, max_redirects=options.max_redirects,
                          timeout=httpx.Timeout(options.timeout), headers=headers) as client:
            with client.stream("GET", url) as resp:
                if resp.status_code == 304:
                    return None
                if resp.status_code >= 400:
                    raise SourceError(f"{url}: the server answered HTTP {resp.status_code} {resp.reason_phrase}")
                if resp.status_code != 200:
                    raise SourceError(f"{url}: the server answered HTTP {resp.status_code}, not a page")
                ctype = resp.headers.get("content-type", "").split(";")[0].strip().lower()
                if ctype in HTML_TYPES:
                    kind = "html"
                elif ctype in PDF_TYPES:
                    kind = "pdf"
                else:
                    raise SourceError(f"{url}: the server sent {ctype or 'no content type'}, not an HTML page or a PDF")
                declared = resp.headers.get("content-length")
                if declared and declared.isdigit() and int(declared) > options.max_bytes:
                    raise SourceError(f"{url}: the body is {_mb(int(declared))}, over the {_mb(options.max_bytes)} limit")
                body = bytearray()
                for piece in resp.iter_bytes():
                    body += piece
                    if len(body) > options.max_bytes:
                        raise SourceError(f"{url}: the body is over the {_mb(options.max_bytes)} limit")
                    if time.monotonic() > deadline:  # a server dripping bytes never trips the read timeout
                        raise SourceError(f"{url}: the download took over {options.timeout:g} s")
                final = str(resp.url)
                encoding = resp.charset_encoding
                new_etag, new_modified = resp.headers.get("etag"), resp.headers.get("last-modified")
    except httpx.TooManyRedirects:
        raise SourceError(f"{url}: more than {options.max_redirects} redirects (a redirect loop?)") from None
    except httpx.TimeoutException:
        raise SourceError(f"{url}: no answer within {options.timeout:g} s") from None
    except httpx.HTTPError as exc:
        raise SourceError(f"{url}: cannot fetch it ({type(exc).__name__}: {exc})") from None
    body = bytes(body)
    if kind == "pdf" and not body.startswith(b"%PDF-"):
        raise SourceError(f"{url}: the server said PDF but the body is not one")
    if kind == "html" and b"\x00" in body[:4096]:
        raise SourceError(f"{url}: the server said HTML but the body is binary")
    return Fetched(final, kind, body, encoding, new_etag, new_modified)
