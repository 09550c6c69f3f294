"""The ``qa`` command. Thin: parses arguments, calls ``Engine``, prints; errors are one line, exit 1.

Heavy imports (torch, FAISS, FastAPI) happen inside the commands that need them, so ``qa --help`` is quick.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

from qa.querylog import Origin

if TYPE_CHECKING:
    from qa import Answer, BuildReport, Engine, Settings
    from qa.answer import Citation
    from qa.documents import Document

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


_CLI = Origin("cli")  # what the query log records of the CLI's questions


class CLIError(Exception):
    """A usage error the CLI reports in one line."""


def _settings(args: argparse.Namespace) -> Settings:
    from qa.settings import load_settings

    overrides: dict[str, Any] = {}
    for name in ("corpus_dir", "index_dir", "data_dir"):
        value = getattr(args, name, None)
        if value is not None:
            overrides[name] = Path(value)
    return load_settings(**overrides)


def _engine(args: argparse.Namespace) -> Engine:
    from qa.engine import Engine

    return Engine(_settings(args))


def render_text(answer: Answer, docs: Mapping[str, Document] | None = None) -> str:
    """An answer for people in a terminal: the text, then the numbered sources with their excerpts as people
    read them (``display``: a table row with its header, a sentence with the one it follows, links and code
    made plain, code blocks whole and fenced). With the index's ``docs``, an excerpt's place is given as lines
    of its file (what an editor shows); else as the character offsets into the text after the front matter
    (the JSON's ``start``/``end``); the verbatim quote is in ``--json``."""
    from qa.display import escape_markers

    lines = [f"Note: {notice}" for notice in answer.notices]
    if answer.resolved_question != answer.question:
        lines.append(f"(understood as: {answer.resolved_question})")
    body = terminal_text(answer.answer)
    lines.append(body)
    if answer.comparison:
        lines.append("")
        lines.append(render_comparison(answer))
    if answer.conflicts:
        lines.append("")
        lines.append("Sources disagree:")
        for conflict in answer.conflicts:
            lines.append(f"  {conflict.topic}:")
            for claim in conflict.claims:
                cit = answer.citations[claim.citation - 1]
                said = terminal_text(claim.display or escape_markers(claim.text))
                lines.append(f"    [{claim.citation}] {said}  ({cit.publisher or cit.title}, {cit.published or 'undated'})")
    if answer.citations:
        lines.append("")
        lines.append("Sources:")
        for c in answer.citations:
            meta = ", ".join(x for x in (c.publisher, c.published or "undated") if x)
            flag = " (possibly outdated)" if c.outdated else ""
            lines.append(f"  [{c.n}] {c.title} — {meta}{flag}")
            if c.section:
                lines.append(f"      § {c.section}")
            shown = terminal_text(c.display or c.quote)
            if "\n" in shown and shown in body:  # a code block: shown whole in the answer above
                lines.append(f"      (the code block above, {_place(c, docs)})")
            elif "\n" in shown:
                lines.append(f"      ({_place(c, docs)})")
                lines.extend(f"      {line}" if line else "" for line in shown.split("\n"))
            else:
                lines.append(f"      \"{shown}\"  ({_place(c, docs)})")
            if c.link:
                lines.append(f"      {c.link}")
    lines.append(f"(confidence {answer.confidence:.2f})")
    return "\n".join(lines)


def terminal_text(text: str) -> str:
    """Display text (``qa.display``) for a terminal: code spans keep their backticks, a link is its text with
    the url after it in angle brackets, a corpus's escaped bracket is a bracket again, fenced code blocks stay
    as they are (a terminal is monospaced)."""
    from qa.display import runs, split_code

    out = []
    for part in split_code(text):
        if part.code:
            out.append(f"{part.fence}{part.info}\n{part.body}\n{part.fence}" if part.body else f"{part.fence}{part.info}\n{part.fence}")
            continue
        pieces = []
        for kind, value, url in runs(part.body):
            pieces.append(f"`{value}`" if kind == "code" else (value if value == url else f"{value} <{url}>") if kind == "link"
                          else f"[{value}]" if kind == "cite" else value)
        out.append("".join(pieces))
    return "\n".join(out)


def _place(c: Citation, docs: Mapping[str, Document] | None) -> str:
    doc = (docs or {}).get(c.doc_id)
    first = doc.line_of(c.start) if doc else None
    if doc is None or first is None:
        return f"chars {c.start}-{c.end}"
    last = doc.line_of(max(c.start, c.end - 1)) or first
    return f"line {first}" if last == first else f"lines {first}-{last}"


def _docs(engine: Engine, answer: Answer) -> Mapping[str, Document] | None:
    """The documents of the index version that gave ``answer`` (None if another version is live by now)."""
    snap = engine.snapshot()
    return snap.version.docs if snap.name == answer.index_version else None


def render_comparison(answer: Answer) -> str:
    """The comparison table as aligned text: one row per aspect, one column per subject."""
    comp = answer.comparison
    assert comp is not None
    header = ["Aspect", *comp.subjects]
    rows = [header]
    for row in comp.rows:
        rows.append([row.aspect, *(terminal_text(row.cell(subject)) for subject in comp.subjects)])
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip() for r in rows)


def _warn_if_stale(engine: Engine) -> None:
    """A line on stderr when the corpus differs from what the live index was built from: ``qa ask`` answers
    from the index, and an article just edited or added would otherwise be silently missing."""
    from qa.errors import CorpusError
    from qa.status import corpus_changes

    s = engine.settings
    try:
        changes = corpus_changes(s.corpus_dir, s.index_dir) or {}
    except CorpusError:  # no corpus folder here: the index is all there is to answer from
        return
    if any(changes.values()):
        what = "; ".join(f"{kind}: {', '.join(ids)}" for kind, ids in changes.items() if ids)
        print(f"note: the corpus changed since the index was built ({what}); answers do not reflect it until "
              "`qa index build`", file=sys.stderr)


def cmd_ask(args: argparse.Namespace) -> int:
    engine = _engine(args)
    _warn_if_stale(engine)
    if args.question == "-":
        if not args.json:
            raise CLIError("reading questions from stdin needs --json (one JSON object per line)")
        return _ask_lines(engine)
    answer = engine.ask(" ".join(args.question) if isinstance(args.question, list) else args.question,
                        args.conversation, origin=_CLI)
    print(json.dumps(answer.to_dict(), ensure_ascii=False) if args.json else render_text(answer, _docs(engine, answer)))
    return 0


def _ask_lines(engine: Engine) -> int:
    """``qa ask --json -``: one JSON object per input line, one answer (or error object) per output line."""
    from qa.errors import QAError

    status = 0
    for n, line in enumerate(sys.stdin, 1):
        if not line.strip():
            continue
        try:
            req = json.loads(line)
            if not isinstance(req, dict) or "question" not in req:
                raise ValueError('expected an object like {"question": "..."}')
            conv = req.get("conversation_id")
            if conv is not None and not isinstance(conv, str):
                raise ValueError("conversation_id must be a string")
            out: dict[str, Any] = engine.ask(req["question"], conv, origin=_CLI).to_dict()
        except (ValueError, QAError) as exc:
            status = 1
            out = {"error": str(exc), "line": n}
        print(json.dumps(out, ensure_ascii=False), flush=True)
    return status


def cmd_chat(args: argparse.Namespace) -> int:
    from qa.conversation import ConversationStore
    from qa.errors import InvalidQuestionError

    engine = _engine(args)
    _warn_if_stale(engine)
    engine.warm_up()
    engine.start_reloader()  # a rebuild during the chat is picked up between questions
    conv = args.conversation or ConversationStore.new_id()
    print(f"compare-qa chat (conversation {conv}). Ask a question; an empty line or Ctrl-D quits.")
    while True:
        try:
            question = input("you> ")
        except EOFError:
            print()
            return 0
        if not question.strip():
            return 0
        try:
            answer = engine.ask(question, conv, origin=_CLI)
            print(render_text(answer, _docs(engine, answer)))
        except InvalidQuestionError as exc:
            print(f"error: {exc}")
        print()


def progress_bars_wanted(stream: TextIO, *, quiet: bool) -> bool:
    """Progress bars (count, rate, ETA) only for a person watching: on a terminal, unless asked to be quiet.
    Piped or redirected, a bar's carriage returns would only clutter a log."""
    if quiet:
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False


def cmd_index(args: argparse.Namespace) -> int:
    engine = _engine(args)
    if args.index_command == "status":
        status = engine.status()
        print(json.dumps(status.to_dict(), ensure_ascii=False, indent=1) if args.json else status.summary())
        return 0
    if args.index_command == "build":
        if args.if_stale:
            from qa.errors import QAError

            try:
                if not engine.status().stale:
                    print("index is up to date")
                    return 0
            except QAError:
                pass
        report = engine.rebuild(
            full=args.full,
            progress=(lambda msg: print(msg, file=sys.stderr)) if not (args.json or args.quiet) else None,
            show_progress=progress_bars_wanted(sys.stderr, quiet=args.quiet or args.json),
            lock_wait=args.wait,
        )
        print(json.dumps(report.to_dict(), ensure_ascii=False) if args.json else report.summary())
        return 0
    if args.index_command == "watch":
        return cmd_index_watch(engine, args)
    raise CLIError("usage: qa index {build,status,watch}")


def cmd_index_watch(engine: Engine, args: argparse.Namespace) -> int:
    """``qa index watch``: rebuild (incrementally) whenever the corpus files change; Ctrl-C stops."""
    import threading

    from qa.watch import watch_corpus

    def on_rebuild(report: BuildReport | None) -> None:
        if report is None:
            print("corpus content unchanged; index is up to date", flush=True)
        else:
            print(json.dumps(report.to_dict(), ensure_ascii=False) if args.json else report.summary(), flush=True)

    def on_error(exc: Exception) -> None:
        print(f"error: {exc}", file=sys.stderr, flush=True)

    try:
        print(f"watching {engine.settings.corpus_dir} (rebuilds {args.quiet:g} s after the last change; Ctrl-C stops)",
              flush=True)
        watch_corpus(engine, threading.Event(), on_rebuild=on_rebuild, on_error=on_error, interval=args.interval,
                     quiet=args.quiet, lock_wait=args.wait,
                     progress=None if args.json else (lambda msg: print(msg, file=sys.stderr, flush=True)))
    except KeyboardInterrupt:
        print("stopped watching", file=sys.stderr, flush=True)
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    if args.dataset:
        return cmd_eval_dataset(args)
    from qa.evaluation import default_questions_path, load_cases, run_eval

    engine = _engine(args)
    engine.warm_up()
    path = Path(args.file) if args.file else default_questions_path()
    if not path.is_file():
        raise CLIError(f"evaluation file {path} not found")
    report = run_eval(engine, load_cases(path), k=args.k)
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False))
    else:
        print(report.summary())
        if args.verbose:
            for f in report.failures:
                print(f"miss {f.id} ({f.type}, confidence {f.confidence:.2f}): {f.answer[:160]!r}")
    return 0


def cmd_eval_dataset(args: argparse.Namespace) -> int:
    """``qa eval --dataset NAME --data DIR``: a labelled set of shared/data, built in a scratch directory."""
    suite = _bench_suite()
    resolve_names, run_suite, summary_table = suite.resolve_names, suite.run_suite, suite.summary_table
    try:
        names = resolve_names(args.dataset)
    except ValueError as exc:
        raise CLIError(str(exc)) from None
    data = Path(args.data)
    if not data.is_dir():
        raise CLIError(f"data directory {data} not found (pass --data, e.g. ../shared/data)")
    systems = [s.strip() for s in args.systems.split(",") if s.strip()]
    if bad := [s for s in systems if s not in ("bm25", "dense", "hybrid", "txtai")]:
        raise CLIError(f"unknown system {', '.join(bad)}; known: bm25, dense, hybrid, txtai")
    import importlib.util

    if "txtai" in systems and importlib.util.find_spec("txtai") is None:
        print("txtai is not installed (pip install -e '.[bench]'): the peer row is left out", file=sys.stderr)
        systems.remove("txtai")

    def say(msg: str) -> None:
        if args.verbose:
            print(msg, file=sys.stderr, flush=True)

    try:
        reports = run_suite(names, data, _settings(args), split=args.split, sample=args.sample,
                            max_docs=args.max_docs, systems=systems, progress=say)
    except (FileNotFoundError, ValueError) as exc:
        raise CLIError(str(exc)) from None
    if args.json:
        print(json.dumps([r.to_dict() for r in reports], ensure_ascii=False))
    else:
        print("\n\n".join(r.table() for r in reports))
        if len(reports) > 1:
            print("\n" + summary_table(reports))
    return 0


def _bench_suite() -> Any:
    """``bench/`` (the labelled sets, the peer) is not part of the package: ``qa eval --dataset`` runs from a
    source checkout, whose root the console script does not put on ``sys.path``."""
    try:
        from bench.datasets import suite
    except ImportError:
        checkout = Path(__file__).resolve().parent.parent
        if not (checkout / "bench" / "datasets" / "__init__.py").is_file():
            raise CLIError("qa eval --dataset needs bench/ of a source checkout (it is not installed with the "
                           "package); run it from the checkout's .venv") from None
        sys.path.insert(0, str(checkout))
        from bench.datasets import suite
    return suite


def cmd_serve(args: argparse.Namespace) -> int:
    from integrations.http.server import serve

    return serve(_settings(args), host=args.host, port=args.port, workers=args.workers)


def cmd_slack(args: argparse.Namespace) -> int:
    from integrations.slack.runner import run

    if args.socket and (args.host, args.port, args.workers) != (None, None, None):
        raise CLIError("--host, --port and --workers are for HTTP mode; Socket Mode listens on no port")
    return run(_settings(args), socket=args.socket, host=args.host or "127.0.0.1", port=args.port or 8000,
               workers=args.workers)


def _when(t: float) -> str:
    import datetime as dt

    return dt.datetime.fromtimestamp(t).strftime("%Y-%m-%d %H:%M")


def cmd_feedback(args: argparse.Namespace) -> int:
    """Recent 👍/👎 on Slack answers (``qa gaps`` groups the questions the corpus did not serve)."""
    import dataclasses

    from integrations.slack.store import SlackStore

    feedback = SlackStore.for_settings(_settings(args)).recent_feedback(args.limit)
    if args.json:
        print(json.dumps({"feedback": [dataclasses.asdict(f) for f in feedback]}, ensure_ascii=False))
        return 0
    print(f"Recent feedback ({len(feedback)}, newest first):" if feedback else "No feedback yet.")
    for f in feedback:
        print(f"  {_when(f.created)}  {'👍' if f.vote > 0 else '👎'}  {f.user_id:<11} {f.question!r}  "
              f"({f.citations} citations, answer {f.answer_id})")
    print("\nQuestions abstained on or voted down, grouped: `qa gaps --since 30d`")
    return 0


def _since(text: str) -> str:
    """An argparse type: a duration such as 7d (kept as written, for the report's heading)."""
    from qa.gaps import parse_since

    try:
        parse_since(text)
        return text.strip()
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def cmd_gaps(args: argparse.Namespace) -> int:
    """The questions the corpus did not serve (abstained on, or voted down), grouped by meaning."""
    from qa.gaps import parse_since

    gaps = _engine(args).gaps(parse_since(args.since), limit=args.limit)
    if args.json:
        print(json.dumps([g.to_dict() for g in gaps], ensure_ascii=False))
        return 0
    if not gaps:
        print(f"No gaps in the last {args.since}: nothing abstained on or voted down.")
        return 0
    print(f"Questions the corpus did not serve in the last {args.since}, most frequent first "
          "(add sources for these):")
    for g in gaps:
        why = ", ".join(x for x in (f"abstained {g.abstained}x" if g.abstained else "",
                                    f"voted down {g.down_votes}x" if g.down_votes else "") if x)
        print(f"  {g.count:>4}  {g.question!r}  ({why}; last {_when(g.last)})")
        for other in g.similar:
            print(f"          also: {other!r}")
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    """``qa add URL|PATH ...`` and ``qa add --refresh``: sources into the corpus, then an incremental build."""
    from qa.fetch import FetchOptions
    from qa.sources import SourceErrors, add_sources, refresh_sources

    settings = _settings(args)
    options = FetchOptions(timeout=args.timeout, max_bytes=int(args.max_mb * 1024 * 1024))
    status = 0
    if args.refresh:
        if args.sources or args.slug or args.subjects:
            raise CLIError("--refresh fetches every source the corpus has a url for: give no sources, --slug or --subjects")
        refreshed = refresh_sources(settings.corpus_dir, options)
        print("\n".join(refreshed.lines()) or "no source in the corpus was fetched by qa add: nothing to refresh")
        changed, status = bool(refreshed.updated), 1 if refreshed.failed else 0
    else:
        if not args.sources:
            raise CLIError("give a web address or a file to add (or --refresh)")
        subjects = [s.strip() for s in args.subjects.split(",") if s.strip()] if args.subjects is not None else None
        try:
            written = add_sources(settings.corpus_dir, args.sources, options=options, subjects=subjects, slug=args.slug)
        except SourceErrors as exc:  # one line each; nothing was written
            for line in exc.errors:
                print(f"error: {line}", file=sys.stderr)
            return 1
        for w in written:
            m = w.source.meta
            facts = [str(m[k]) for k in ("author", "publisher") if m.get(k)]
            facts.append(f"published {m.get('published') or 'undated'}" + (f", modified {m['modified']}" if m.get("modified") else ""))
            print(f"{w.status} {w.path}: {m['title']!r} ({'; '.join(facts)})")
            print(f"  url: {m.get('url') or 'none'}; subjects: {', '.join(m['subjects']) or 'none'}")  # type: ignore[call-overload]
            for note in w.source.notes:
                print(f"  note: {note}")
        changed = any(w.status != "unchanged" for w in written)
    if changed and not args.no_build:
        report = _engine(args).rebuild(progress=lambda msg: print(msg, file=sys.stderr), lock_wait=args.wait)
        print(report.summary())
    elif changed:
        print("not built (--no-build): run `qa index build` to answer from it")
    return status


def _add_parser_add(sub: Any) -> None:
    p = sub.add_parser("add", help="add web pages, PDFs or files to the corpus (then an incremental build)")
    p.add_argument("sources", nargs="*", metavar="URL|PATH", help="http(s) addresses, or .pdf/.html/.md/.rst/.txt files")
    p.add_argument("--refresh", action="store_true", help="fetch again every source added from the web; rewrite what changed")
    p.add_argument("--subjects", metavar="A,B", help="the subjects (default: from an 'X vs Y' title)")
    p.add_argument("--slug", help="the file name in the corpus, without .md (default: from publisher and title)")
    p.add_argument("--no-build", action="store_true", help="write the corpus file only")
    p.add_argument("--timeout", type=_seconds_in(0.1, 600), default=15.0, metavar="SECONDS",
                   help="give up on a server after this long (default 15)")
    p.add_argument("--max-mb", type=_seconds_in(0.001, 1024), default=20.0, metavar="MB",
                   help="refuse bodies larger than this (default 20)")
    p.add_argument("--wait", type=_seconds_in(0, 86400), default=600.0, metavar="SECONDS",
                   help="how long to wait for another build to finish (default 600)")
    p.set_defaults(func=cmd_add)


N = TypeVar("N", int, float)


def _int_in(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: a whole number from ``low`` to ``high``, else a one-line usage error."""
    return _number_in(int, low, high)


def _seconds_in(low: float, high: float) -> Callable[[str], float]:
    """An argparse type: seconds from ``low`` to ``high`` (``inf``/``nan`` refused), else a usage error."""
    return _number_in(float, low, high)


def _number_in(kind: Callable[[str], N], low: N, high: N) -> Callable[[str], N]:
    def parse(text: str) -> N:
        try:
            value = kind(text)
        except ValueError:
            what = "a whole number" if kind is int else "a number"
            raise argparse.ArgumentTypeError(f"{text!r} is not {what}") from None
        if not low <= value <= high:  # NaN fails this too
            raise argparse.ArgumentTypeError(f"{text} is not between {low} and {high}")
        return value

    return parse


def _add_address(p: argparse.ArgumentParser, *, default: bool) -> None:
    """``--host``/``--port``/``--workers`` of the HTTP server (``qa serve``, and ``qa slack`` in HTTP mode)."""
    p.add_argument("--host", default="127.0.0.1" if default else None,
                   help="address to listen on (default 127.0.0.1, this machine only; 0.0.0.0 for every interface)")
    p.add_argument("--port", type=_int_in(1, 65535), default=8000 if default else None, help="TCP port (default 8000)")
    p.add_argument("--workers", type=_int_in(1, 64), default=None, help="worker processes (default: from the core count)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="qa", description="Cited answers to comparison questions from a corpus.")
    parser.add_argument("--corpus-dir", help="corpus directory (default: QA_CORPUS_DIR or ./corpus)")
    parser.add_argument("--index-dir", help="index directory (default: QA_INDEX_DIR or ./index)")
    parser.add_argument("--data-dir", help="conversations and feedback (default: QA_DATA_DIR or ./var)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what happens")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ask", help="answer one question (or JSON lines from stdin with --json -)")
    p.add_argument("question", nargs="+", help="the question, or - to read JSON lines from stdin")
    p.add_argument("--json", action="store_true", help="print the answer JSON")
    p.add_argument("--conversation", help="conversation id, so follow-ups resolve against earlier turns")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("chat", help="an interactive conversation in the terminal")
    p.add_argument("--conversation", help="continue this conversation id")
    p.set_defaults(func=cmd_chat)

    p = sub.add_parser("index", help="build the index or show its status")
    isub = p.add_subparsers(dest="index_command", required=True)
    b = isub.add_parser("build", help="build the index (incremental unless --full)")
    b.add_argument("--full", action="store_true", help="re-embed everything")
    b.add_argument("--if-stale", action="store_true", help="do nothing when the index matches the corpus")
    b.add_argument("--json", action="store_true", help="print the change report as JSON")
    b.add_argument("--quiet", action="store_true",
                   help="no progress messages or bars on stderr (bars show only on a terminal anyway)")
    b.add_argument("--wait", type=_seconds_in(0, 86400), default=600.0, metavar="SECONDS",
                   help="how long to wait for another build to finish before giving up (default 600; 0: refuse)")
    w = isub.add_parser("watch", help="rebuild incrementally whenever files in the corpus change (Ctrl-C stops)")
    w.add_argument("--interval", type=_seconds_in(0.05, 3600), default=0.5, metavar="SECONDS", help="how often to look (default 0.5)")
    w.add_argument("--quiet", type=_seconds_in(0, 3600), default=1.0, metavar="SECONDS",
                   help="rebuild once the corpus has not changed for this long (default 1)")
    w.add_argument("--wait", type=_seconds_in(0, 86400), default=600.0, metavar="SECONDS",
                   help="how long to wait for another build to finish (default 600)")
    w.add_argument("--json", action="store_true", help="print each change report as one JSON line")
    s = isub.add_parser("status", help="the manifest, and whether the corpus changed since")
    s.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_index)

    p = sub.add_parser("eval", help="run the evaluation set and print the metrics")
    p.add_argument("file", nargs="?", help="questions JSONL (default: the evaluation set shipped with qa)")
    p.add_argument("--k", type=_int_in(1, 1000), default=5, help="k of evidence recall@k")
    p.add_argument("--json", action="store_true")
    p.add_argument("--dataset", help="a labelled set instead (squad2-dev-cs224n, covid-qa, covid-qa-faq, "
                   "msmarco-trecdl-subset, django-faq, github-questions-fastapi-flask; comma-separated, or all)")
    p.add_argument("--data", default="../shared/data", help="the data directory holding the sets (with --dataset)")
    p.add_argument("--sample", type=_int_in(1, 10**9), help="at most N questions of each set (a fixed pseudo-random sample)")
    p.add_argument("--split", choices=("test", "dev", "all"), default="test",
                   help="dev: 30%% of each set's questions, for tuning; test: the other 70%% (default)")
    p.add_argument("--max-docs", type=_int_in(1, 10**9), help="cut each corpus to N documents (the gold ones first)")
    p.add_argument("--systems", default="bm25,dense,hybrid,txtai",
                   help="comma-separated: bm25, dense, hybrid (ours) and txtai (needs the bench extra)")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("serve", help="serve the HTTP API and chat page")
    _add_address(p, default=True)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("gaps", help="the questions the corpus did not serve (abstained on, voted down), grouped")
    p.add_argument("--since", type=_since, default="30d", metavar="DURATION",
                   help="how far back: 7d, 12h, 2w ... (default 30d)")
    p.add_argument("--limit", type=_int_in(1, 10**6), default=20, help="groups shown (default 20)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_gaps)

    p = sub.add_parser("feedback", help="recent feedback on Slack answers")
    p.add_argument("--limit", type=_int_in(1, 10**6), default=20, help="rows of each list (default 20)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_feedback)

    p = sub.add_parser("slack", help="run the Slack bot")
    p.add_argument("--socket", action="store_true", help="Socket Mode (needs QA_SLACK_APP_TOKEN)")
    _add_address(p, default=False)
    p.set_defaults(func=cmd_slack)
    _add_parser_add(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if isinstance(getattr(args, "question", None), list) and args.question == ["-"]:
        args.question = "-"
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    from qa.errors import QAError

    try:
        status = int(args.func(args))
        sys.stdout.flush()  # here, so a closed pipe is caught below, not at interpreter exit
        return status
    except BrokenPipeError:
        # The reader went away (`qa ask ... | head -5`): quiet, as Python's docs recommend for SIGPIPE. stdout
        # goes to devnull so the interpreter's own flush at exit does not raise again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141  # 128 + SIGPIPE, what a shell reports for a program stopped by a closed pipe
    except (QAError, CLIError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
