"""Train the evidence models (``qa/models/evidence.json``) on the dev splits of labelled sets.

    python -m bench.train_ranker            # train, cross-validate on dev, write the shipped file
    python -m bench.train_ranker --check    # cross-validation only, nothing written
    python -m bench.train_ranker --verify   # are the shipped file's training rows this code's? nothing written
    python -m bench.train_ranker --guard    # write the shipped file's guard fingerprint as this machine computes it

After a new ranker, refit the fusion's second stage, which reads its logits: ``python -m bench.fusion --write``.

The sets' indexes are cached in ``bench/results/train-cache`` (``--cache DIR`` elsewhere): about 35 s with
the cache, 4 to 11 minutes from an empty one on 2 cores (building the indexes of COVID-QA and MS MARCO is
most of it; 10 min 51 s on an AVX2 EPYC in round 38, the guard's cut corpora included). The data is ``../shared/data`` beside the checkout (``--data DIR``).

The ranker: a unit is labelled a positive when its text holds a gold answer string (the
answer-in-citation rule); a conditional logit (one softmax over each question's candidate units),
fitted by L-BFGS with an L2 pull towards the hand-weighted score it replaced (``HAND_SCORE``).

The abstention model: a logistic model of "the corpus answers this question", each set's own dev
questions against dev questions of another set (``FOREIGN``) asked of the same corpus, every set
weighing the same. Its threshold abstains on at least ``FOREIGN_FLOOR`` of every set's foreign
questions (less one question where a set has fewer than 50: one of 16 is six points) with the fewest
false abstentions (mean over sets).

Weights are written to six decimals, so the same data gives the same file, from an empty cache as from a
warm one. The file's ``meta.fingerprint`` summarises the rows each model was trained on, per set (how many,
each feature's mean and spread): a feature that moves under the file (a cue, a list of question words) moves
them, and ``--verify`` names what moved: retrain and commit the file. ``meta.guard`` is the same summary of
the three sets quick to index (``QUICK_SETS``), every dev question asked of a corpus cut to ``GUARD_DOCS``, with
the probe vector of the machine that computed it: what the guard test in ``tests/test_ranker.py`` recomputes, in
half the time. Training writes it; ``--guard`` rewrites only it, the models as they are (after a change of
the cut, or to guard them on this machine's arithmetic: strictly there, elsewhere within ``OTHER_CPU_SPREAD``).
Test questions are never read.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
CACHE = ROOT / "bench" / "results" / "train-cache"
TRAIN_SETS = ("squad2-dev-cs224n", "covid-qa")
ABSTAIN_SETS = ("squad2-dev-cs224n", "covid-qa", "covid-qa-faq", "msmarco-trecdl-subset", "django-faq")
FOREIGN_SAMPLE = 150
# The share of every set's foreign questions the threshold must abstain on: issue 15's operating point for
# every set (0.95 held only in sample: one question of a 150 sample moved the threshold by 0.03 and more).
FOREIGN_FLOOR = 0.93
L2 = 1.0


@dataclass
class Groups:
    """Feature rows of every question's candidate units, consecutive per question."""

    x: np.ndarray
    y: np.ndarray  # 1 where the unit holds a gold answer
    cosine: np.ndarray  # the unit's cosine alone: the baseline
    starts: np.ndarray  # group boundaries: question i is rows starts[i]:starts[i+1]
    qids: list[str]
    sets: list[str]


def code_text(*modules: str) -> str:
    """The source of the ``qa`` modules a cached result depends on, for its cache key: a change to how words
    are read (stop words, stems) makes the cached indexes and rows stale."""
    return "\x1f".join((ROOT / "qa" / m).read_text(encoding="utf-8") for m in modules)


# What an index is made of: the chunks and units of a text, and its words (BM25's side).
INDEX_CODE = ("chunking.py", "text.py")


def _engine(name: str, ds, settings, cache: Path = CACHE, embedder=None):  # type: ignore[no-untyped-def]
    from bench.datasets.runner import write_corpus
    from qa.build import build_index
    from qa.embedding import create_embedder
    from qa.engine import Engine

    embedder = embedder or create_embedder(settings)
    # Keyed by the embedder's arithmetic too: an index another CPU's int8 kernels embedded is not this one's.
    corpus = "\x1f".join(d.doc_id + d.text for d in ds.docs) + json.dumps(probe_vector(embedder)) + code_text(*INDEX_CODE)
    key = hashlib.sha1(corpus.encode()).hexdigest()[:12]
    work = cache / f"{name}-{key}"
    if not (work / "index" / "CURRENT").exists():
        write_corpus(ds, work / "corpus")
        build_index(work / "corpus", work / "index", embedder, max_tokens=settings.chunk_max_tokens)
    eng = Engine(settings.model_copy(update={"corpus_dir": work / "corpus", "index_dir": work / "index",
                                             "data_dir": work / "var", "query_cache_size": 0}), embedder)
    eng.warm_up()
    return eng


def _evidence(engine, questions: list[str]):  # type: ignore[no-untyped-def]
    """Per question, as ``Engine.ask`` sees it (typos corrected): its candidate units, their feature rows,
    whether it names something the corpus never mentions, its analysis and its best cosine with a heading
    that asks a question; None when there is no candidate."""
    from qa.coverage import unknown_names
    from qa.evidence import CONFIDENCE_CHUNKS, heading_asking, unit_evidence
    from qa.query import analyse
    from qa.retrieval import retrieve

    snap, settings = engine.snapshot(), engine.settings
    texts = [engine.corrected(q, snap)[0] for q in questions]
    for text, qvec in zip(texts, engine.embedder.embed(texts), strict=True):
        query = analyse(text, snap.catalog)
        cands = retrieve(snap, qvec, query, top_k=settings.top_k, rrf_k=settings.rrf_k,
                         rrf_weight=settings.fusion_rrf_weight)
        # The units of the chunks confidence reads: trained on the wider pool answers draw claims from (30
        # chunks), the abstention model's threshold rose (dev: SQuAD false abstention 0.052 -> 0.057,
        # COVID-QA's foreign 0.95 -> 0.93) and the ranker learned nothing new (cross-validated top-1 equal).
        seen = unit_evidence(snap, qvec, query, cands, CONFIDENCE_CHUNKS)
        yield None if seen is None else (*seen, bool(unknown_names(snap, text, engine._word_pieces)), query,
                                         heading_asking(snap, cands, qvec)[0])


def _load(name: str, data: Path, cut: bool = False):  # type: ignore[no-untyped-def]
    """A labelled set; ``cut``: with every question, its corpus cut to :data:`GUARD_DOCS` documents."""
    from bench.datasets import load_dataset

    full = load_dataset(name, data)
    if cut and name in GUARD_DOCS:
        return replace(full, docs=full.sample(None, GUARD_DOCS[name]).docs)
    return full


def collect(names: tuple[str, ...], data: Path, split: str = "dev", cache: Path = CACHE,
            embedder=None, cut: bool = False) -> Groups:  # type: ignore[no-untyped-def]
    from bench.datasets.metrics import answer_in
    from qa.ranker import FEATURES
    settings = _settings()
    xs, ys, cosines, starts, qids, sets = [], [], [], [0], [], []
    for name in names:
        full = _load(name, data, cut)
        ds = full.split(split)
        engine = _engine(name, full, settings, cache, embedder)
        snap = engine.snapshot()
        t0 = time.perf_counter()
        for q, seen in zip(ds.questions, _evidence(engine, [q.text for q in ds.questions]), strict=True):
            if not q.answers or seen is None:
                continue
            pool, x, _unknown, _query, _asked = seen
            y = np.array([answer_in(q.answers, [snap.unit_text[u]]) for u in pool.ids.tolist()], dtype=np.float64)
            xs.append(x)
            ys.append(y)
            cosines.append(x[:, FEATURES.index("cos")])
            starts.append(starts[-1] + len(y))
            qids.append(q.qid)
            sets.append(name)
        print(f"{name} ({split}): {len(qids)} questions so far, {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    return Groups(np.vstack(xs), np.concatenate(ys), np.concatenate(cosines), np.array(starts), qids, sets)


def _subset(g: Groups, keep: list[int]) -> Groups:
    rows = [np.arange(g.starts[i], g.starts[i + 1]) for i in keep]
    sizes = [len(r) for r in rows]
    idx = np.concatenate(rows)
    return Groups(g.x[idx], g.y[idx], g.cosine[idx], np.concatenate([[0], np.cumsum(sizes)]),
                  [g.qids[i] for i in keep], [g.sets[i] for i in keep])


def _settings():  # type: ignore[no-untyped-def]
    from qa.settings import load_settings

    settings = load_settings(_env_file=None)
    if settings.model_cache_dir is None:
        settings = settings.model_copy(update={"model_cache_dir": ROOT / "index" / "models"})
    return settings


def collect_questions(ranker, data: Path, cache: Path = CACHE, names: tuple[str, ...] = ABSTAIN_SETS,  # type: ignore[no-untyped-def]
                      embedder=None, cut: bool = False) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Question features, 1 for a set's own answerable dev question and 0 for a foreign one, and each row's set."""
    from bench.datasets import FOREIGN, load_dataset
    from qa.ranker import question_features

    settings = _settings()
    rows, labels, sets = [], [], []
    for name in names:
        full = _load(name, data, cut)
        engine = _engine(name, full, settings, cache, embedder)
        snap = engine.snapshot()
        own = full.split("dev").questions
        foreign = load_dataset(FOREIGN[name], data).split("dev").sample(FOREIGN_SAMPLE).questions
        for label, questions in ((1, own), (0, foreign)):
            texts = [q.text for q in questions]
            for seen in _evidence(engine, texts):
                if seen is None:
                    continue
                # The question as corrected, as the answer path reads it: its words the corpus knows
                # count for coverage ('flsk' as 'flask').
                _pool, x, unknown, query, asked = seen
                rows.append(question_features(snap, query, x, ranker.score(x), unknown, asked))
                labels.append(label)
                sets.append(name)
        print(f"{name}: {len(own)} own and {len(foreign)} foreign dev questions", file=sys.stderr)
    return np.vstack(rows), np.array(labels), sets


def fit_abstention(x: np.ndarray, y: np.ndarray, sets: list[str]):  # type: ignore[no-untyped-def]
    """Logistic regression, each (set, label) weighing the same; the threshold chosen on the same dev rows."""
    from sklearn.linear_model import LogisticRegression

    from qa.ranker import QUESTION_FEATURES, LinearModel

    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    keys = [(s, int(v)) for s, v in zip(sets, y, strict=True)]
    counts = {k: keys.count(k) for k in set(keys)}
    weight = np.array([1.0 / counts[k] for k in keys])
    lr = LogisticRegression(C=1.0, max_iter=1000).fit((x - mean) / scale, y, sample_weight=weight * len(y) / weight.sum())
    model = LinearModel(QUESTION_FEATURES, mean, scale, lr.coef_[0], float(lr.intercept_[0]))
    p = 1 / (1 + np.exp(-model.score(x)))
    names = list(dict.fromkeys(sets))
    sizes = {n: int(((np.array(sets) == n) & (y == 0)).sum()) for n in names}
    best = None
    for t in np.unique(np.round(p, 3)):
        per = {}
        for n in names:
            own = p[(np.array(sets) == n) & (y == 1)]
            other = p[(np.array(sets) == n) & (y == 0)]
            per[n] = (float((own < t).mean()), float((other < t).mean()))
        if all(f >= FOREIGN_FLOOR - 1 / max(sizes[n], 1) * (sizes[n] < 50) for n, (_, f) in per.items()):
            cost = sum(a for a, _ in per.values()) / len(per)
            if best is None or cost < best[0]:
                best = (cost, float(t), per)
    if best is None:
        raise SystemExit(f"no threshold abstains on {FOREIGN_FLOOR:.0%} of every set's foreign questions")
    print(f"abstention threshold {best[1]}: " + "; ".join(
        f"{n} false {a:.3f} foreign {f:.3f}" for n, (a, f) in best[2].items()), file=sys.stderr)
    return LinearModel(QUESTION_FEATURES, mean, scale, lr.coef_[0], float(lr.intercept_[0]), best[1]), best[2]


# The hand-weighted score the ranker replaced, per unit of cosine: the prior the weights shrink towards. It
# decides what the training sets never show (code blocks, advice, subjects: none of SQuAD's or COVID-QA's
# questions names a subject), and gives way to the data wherever the data speaks.
HAND_SCORE = {"cos": 1.0, "near": 0.08, "lex_aspect": 0.3, "short": -0.15, "phrase": 0.1, "code_howto": 0.05,
              "code_other": -0.12, "advice_rec": 0.08, "howto_howto": 0.03, "not_about": -0.03, "other_lead": -0.1}


def fit(g: Groups, l2: float = L2):  # type: ignore[no-untyped-def]
    """Conditional logit over groups holding a positive, L2-shrunk towards :data:`HAND_SCORE` scaled to the
    logits (the cosine's weight in a first fit without the prior sets the scale); returns a LinearModel."""
    from qa.ranker import FEATURES

    first = _fit(g, l2, np.zeros(len(FEATURES)))
    per_cos = sum(first.weights[FEATURES.index(f)] / first.scale[FEATURES.index(f)] for f in ("cos", "cos_gap"))
    prior = np.array([per_cos * HAND_SCORE.get(f, 0.0) for f in FEATURES]) * first.scale
    return _fit(g, l2, prior)


def _fit(g: Groups, l2: float, prior: np.ndarray):  # type: ignore[no-untyped-def]
    from scipy.optimize import minimize

    from qa.ranker import FEATURES, LinearModel

    useful = [i for i in range(len(g.qids)) if g.y[g.starts[i]:g.starts[i + 1]].any()]
    t = _subset(g, useful)
    mean = t.x.mean(axis=0)
    scale = t.x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    z = (t.x - mean) / scale
    seg = np.repeat(np.arange(len(t.qids)), np.diff(t.starts))

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        s = z @ w
        m = np.maximum.reduceat(s, t.starts[:-1])
        e = np.exp(s - m[seg])
        tot = np.add.reduceat(e, t.starts[:-1])
        pos = np.add.reduceat(e * t.y, t.starts[:-1])
        nll = -np.sum(np.log(pos / tot))
        p_all = e / tot[seg]
        p_pos = e * t.y / pos[seg]
        grad = z.T @ (p_all - p_pos)
        return nll + 0.5 * l2 * (w - prior) @ (w - prior), grad + l2 * (w - prior)

    res = minimize(loss, prior, jac=True, method="L-BFGS-B", options={"maxiter": 500})
    return LinearModel(FEATURES, mean, scale, res.x)


def top_k_hits(g: Groups, scores: np.ndarray, k: int) -> float:
    hits = 0
    for i in range(len(g.qids)):
        a, b = g.starts[i], g.starts[i + 1]
        order = np.argsort(-scores[a:b], kind="stable")[:k]
        hits += bool(g.y[a:b][order].any())
    return hits / max(len(g.qids), 1)


def cross_validate(g: Groups, folds: int = 3) -> dict[str, dict[str, float]]:
    """Top-1 and top-3 of the cosine alone and of the learned model, on held-out dev folds."""
    fold = [int(hashlib.sha1(q.encode()).hexdigest(), 16) % folds for q in g.qids]
    out: dict[str, dict[str, float]] = {}
    for name in [*dict.fromkeys(g.sets), "all"]:
        learned, cosine = {1: [], 3: []}, {1: [], 3: []}
        for f in range(folds):
            train = _subset(g, [i for i in range(len(g.qids)) if fold[i] != f])
            test = _subset(g, [i for i in range(len(g.qids)) if fold[i] == f and name in ("all", g.sets[i])])
            model = fit(train)
            for k in (1, 3):
                learned[k].append((top_k_hits(test, model.score(test.x), k), len(test.qids)))
                cosine[k].append((top_k_hits(test, test.cosine, k), len(test.qids)))

        def avg(pairs: list[tuple[float, int]]) -> float:
            return round(sum(v * n for v, n in pairs) / max(sum(n for _, n in pairs), 1), 3)

        out[name] = {"cosine_top1": avg(cosine[1]), "learned_top1": avg(learned[1]),
                     "cosine_top3": avg(cosine[3]), "learned_top3": avg(learned[3])}
    return out


# The sets whose indexes build in seconds (SQuAD's 646 passages, the FAQ, Django's 10 pages), two of them
# with another set's questions as the foreign ones: what the guard test recomputes on a fresh clone
# (tests/test_ranker.py). COVID-QA's and MS MARCO's indexes take minutes to build.
QUICK_SETS = ("squad2-dev-cs224n", "covid-qa-faq", "django-faq")
# The guard's corpus of a quick set, cut to this many documents (the gold ones of its first questions, then
# others: `Dataset.sample`), every dev question still asked of it: SQuAD's 646 passages took a minute to embed
# on 2 cores and its questions 20 s, most of the guard's 87 s.
GUARD_DOCS = {"squad2-dev-cs224n": 120}
FINGERPRINT_TOLERANCE = 1e-5  # one question's feature of a thousand moving, or a few units' of 100,000
# On a machine whose embedder gives the probe text another vector than the training machine's did (another CPU:
# ONNX Runtime's int8 kernels round differently), the rows move a little. Measured: the file trained on an
# AVX-512 VNNI machine, its rows recomputed on an AVX2 EPYC (int8 products exact on both): 73,537 SQuAD ranker
# rows for 73,506, every feature within 0.5% of its spread. There the fingerprint is compared to this share of
# each feature's spread, and the row counts to this share of them.
OTHER_CPU_SPREAD = 0.01
OTHER_CPU_ROWS = 0.001
SAME_PROBE = 1e-5  # the largest difference of a probe vector component that is still the same arithmetic


def _summary(x: np.ndarray, questions: int) -> dict:
    """The rows a model was trained on, in brief: how many, and each feature's mean and spread (six decimals)."""
    return {"questions": questions, "rows": len(x), "mean": np.round(x.mean(axis=0), 6).tolist(),
            "std": np.round(x.std(axis=0), 6).tolist()}


def fingerprint(g: Groups | None, x: np.ndarray, sets: list[str]) -> dict[str, dict]:
    """Per set, the summary of its ranker rows (the training sets) and of its abstention rows."""
    out: dict[str, dict] = {}
    for name in dict.fromkeys(sets):
        mine = np.array(sets) == name
        out[name] = {"abstention": _summary(x[mine], int(mine.sum()))}
    if g is not None:
        for name in dict.fromkeys(g.sets):
            keep = [i for i, s in enumerate(g.sets) if s == name]
            out.setdefault(name, {})["ranker"] = _summary(_subset(g, keep).x, len(keep))
    return out


def compare(shipped: dict, now: dict, same_cpu: bool = True) -> list[str]:
    """What moved between the fingerprint the shipped file was trained on and this code's: one line a
    feature (or count), empty when the rows agree to :data:`FINGERPRINT_TOLERANCE` (``same_cpu``: the
    embedder's arithmetic is the training machine's), else to :data:`OTHER_CPU_SPREAD` of each feature's
    spread and :data:`OTHER_CPU_ROWS` of the rows."""
    from qa.ranker import FEATURES, QUESTION_FEATURES

    out = []
    for name, parts in now.items():
        for part, mine in parts.items():
            theirs = shipped.get(name, {}).get(part)
            if theirs is None:
                out.append(f"{name} {part}: not in the shipped file's fingerprint")
                continue
            if mine["questions"] != theirs["questions"]:
                out.append(f"{name} {part}: {mine['questions']} questions, shipped {theirs['questions']}")
            if abs(mine["rows"] - theirs["rows"]) > (0 if same_cpu else OTHER_CPU_ROWS * theirs["rows"]):
                out.append(f"{name} {part}: {mine['rows']} rows, shipped {theirs['rows']}")
            names = FEATURES if part == "ranker" else QUESTION_FEATURES
            for stat in ("mean", "std"):
                for f, a, b, spread in zip(names, mine[stat], theirs[stat], theirs["std"], strict=True):
                    if abs(a - b) > FINGERPRINT_TOLERANCE + (0 if same_cpu else OTHER_CPU_SPREAD * spread):
                        out.append(f"{name} {part}: {f} {stat} {a:.6f}, shipped {b:.6f}")
    return out


def probe_vector(embedder) -> list[float]:  # type: ignore[no-untyped-def]
    """The embedder's vector of a fixed text, six decimals: which arithmetic made the rows."""
    from qa.embedding.export import PROBE_TEXTS

    return np.round(embedder.embed([PROBE_TEXTS[0]])[0].astype(np.float64), 6).tolist()


def rows_fingerprint(ranker, data: Path, cache: Path, names: tuple[str, ...], embedder,  # type: ignore[no-untyped-def]
                     cut: bool = False) -> dict[str, dict]:
    """The fingerprint of the training rows of ``names``, recomputed with this code (``cut``: the guard's)."""
    train = tuple(n for n in TRAIN_SETS if n in names)
    g = collect(train, data, cache=cache, embedder=embedder, cut=cut) if train else None
    x, _y, sets = collect_questions(ranker, data, cache, names, embedder, cut=cut)
    return fingerprint(g, x, sets)


def guard_fingerprint(ranker, data: Path, cache: Path, embedder) -> dict:  # type: ignore[no-untyped-def]
    """``meta.guard``: the quick sets' rows on their cut corpora, and the probe vector of this machine."""
    return {"probe_vector": probe_vector(embedder),
            "fingerprint": rows_fingerprint(ranker, data, cache, QUICK_SETS, embedder, cut=True)}


def verify(data: Path, cache: Path = CACHE, names: tuple[str, ...] = ABSTAIN_SETS, models=None,  # type: ignore[no-untyped-def]
           embedder=None, guard: bool = False) -> list[str]:
    """Recompute the training rows of ``names`` with this code and the shipped ranker, and compare them with
    the fingerprint in the shipped file's meta: what moved (empty: this code trains on what the file did).
    ``guard``: the quick sets' rows on their cut corpora (:data:`GUARD_DOCS`), against ``meta.guard``."""
    from qa.embedding import create_embedder
    from qa.ranker import shipped_models

    models = models or shipped_models()
    source = (models.meta.get("guard") or {}) if guard else models.meta
    shipped, probe = source.get("fingerprint"), source.get("probe_vector")
    if shipped is None or probe is None:
        return ["the shipped file has no fingerprint of its training rows: retrain (python -m bench.train_ranker)"]
    embedder = embedder or create_embedder(_settings())
    same_cpu = float(np.abs(np.array(probe_vector(embedder)) - probe).max()) <= SAME_PROBE
    moved = compare(shipped, rows_fingerprint(models.ranker, data, cache, names, embedder, guard), same_cpu)
    return moved + ([] if same_cpu or not moved else
                    ["(this machine's embedder differs from the training machine's: compared within "
                     f"{OTHER_CPU_SPREAD:.0%} of each feature's spread)"])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--check", action="store_true", help="cross-validate only; write nothing")
    ap.add_argument("--verify", action="store_true",
                    help="recompute the training rows and compare them with the shipped file's fingerprint; write nothing")
    ap.add_argument("--guard", action="store_true",
                    help="recompute the guard test's fingerprint (meta.guard) on this machine and write it into the "
                         "shipped file, the models unchanged")
    ap.add_argument("--out", type=Path, default=ROOT / "qa" / "models" / "evidence.json")
    ap.add_argument("--cache", type=Path, default=CACHE,
                    help="where the sets' indexes and the collected rows are kept (default: %(default)s)")
    args = ap.parse_args(argv)
    from qa.embedding import create_embedder
    from qa.ranker import FEATURES, LinearModel, Models

    if not args.data.is_dir():
        print(f"no labelled sets at {args.data}", file=sys.stderr)
        return 2
    args.cache.mkdir(parents=True, exist_ok=True)
    if args.verify:
        moved = verify(args.data, args.cache)
        print("\n".join(moved) or "the shipped file's training rows are this code's", file=sys.stderr)
        return 1 if moved else 0
    embedder = create_embedder(_settings())
    if args.guard:
        from qa.ranker import shipped_models

        models = shipped_models()
        models.meta["guard"] = guard_fingerprint(models.ranker, args.data, args.cache, embedder)
        args.out.write_text(models.to_json(), encoding="utf-8")
        print(f"{args.out}: guard fingerprint of {', '.join(QUICK_SETS)} written", file=sys.stderr)
        return 0
    g = collect(TRAIN_SETS, args.data, cache=args.cache, embedder=embedder)
    np.savez(args.cache / "groups.npz", x=g.x, y=g.y, cosine=g.cosine, starts=g.starts, qids=np.array(g.qids), sets=np.array(g.sets))
    print(json.dumps(cross_validate(g), indent=1))
    if args.check:
        return 0
    # The abstention rows are scored by the ranker as shipped (six decimals): what it sees at question time, and
    # what `--verify` and the guard test recompute them with.
    ranker = fit(g)
    ranker = LinearModel.from_dict(ranker.to_dict(), FEATURES)
    x, y, sets = collect_questions(ranker, args.data, args.cache, embedder=embedder)
    np.savez(args.cache / "questions.npz", x=x, y=y, sets=np.array(sets))
    abstention, per_set = fit_abstention(x, y, sets)
    meta = {"split": "dev", "ranker_sets": {n: g.sets.count(n) for n in TRAIN_SETS},
            "ranker_label": "unit text holds a gold answer string", "l2": L2,
            "abstention_sets": {n: {"own": sets.count(n) - int(((np.array(sets) == n) & (y == 0)).sum()),
                                    "foreign": int(((np.array(sets) == n) & (y == 0)).sum())} for n in ABSTAIN_SETS},
            "abstention_dev": {n: {"false_abstention": round(a, 3), "foreign_abstention": round(f, 3)}
                               for n, (a, f) in per_set.items()},
            "fingerprint": fingerprint(g, x, sets),
            "guard": guard_fingerprint(ranker, args.data, args.cache, embedder),
            "probe_vector": probe_vector(embedder)}
    args.out.write_text(Models(ranker, abstention, meta).to_json(), encoding="utf-8")
    print(f"{args.out}: ranker {', '.join(f'{n} {w:+.2f}' for n, w in zip(ranker.names, ranker.weights, strict=True))}")
    print(f"abstention {', '.join(f'{n} {w:+.2f}' for n, w in zip(abstention.names, abstention.weights, strict=True))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
