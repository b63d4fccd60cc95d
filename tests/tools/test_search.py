"""agentzoo.tools.search: BM25 known answers, determinism, stemming, snippets, save/load."""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

import pytest

from agentzoo.tools.registry import ToolRegistry
from agentzoo.tools.search import Document, OpenTool, SearchEngine, SearchTool, tokenize

CORPUS = [
    Document(
        "plants",
        "Photosynthesis lets plants turn light into sugar; chlorophyll absorbs the light.",
        "Plants",
    ),
    Document(
        "stars",
        "Stars fuse hydrogen into helium and shine with their own light for billions of years.",
        "Stars",
    ),
    Document(
        "cells",
        "Cells divide by mitosis. Plant cells have walls and chloroplasts full of chlorophyll.",
        "Cells",
    ),
    Document(
        "ovens",
        "An oven turns electricity into heat for baking bread and roasting vegetables.",
        "Ovens",
    ),
    Document("rivers", "Rivers carry water and sediment from mountains to the sea.", "Rivers"),
]


def bm25_lucene(
    docs: list[list[str]], query: list[str], k1: float = 1.5, b: float = 0.75
) -> list[float]:
    """Brute-force BM25 (Lucene variant), written from the formula."""
    n = len(docs)
    avgdl = sum(len(d) for d in docs) / n
    scores = []
    for doc in docs:
        tf = Counter(doc)
        total = 0.0
        for term in query:
            df = sum(term in d for d in docs)
            if df == 0 or tf[term] == 0:
                continue
            idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
            total += idf * tf[term] / (tf[term] + k1 * (1 - b + b * len(doc) / avgdl))
        scores.append(total)
    return scores


def test_known_best_document() -> None:
    engine = SearchEngine(CORPUS)
    hits = engine.search("how does photosynthesis use chlorophyll?", k=3)
    assert [h.doc_id for h in hits][:2] == ["plants", "cells"]
    assert [h.rank for h in hits] == list(range(1, len(hits) + 1))
    assert hits[0].score > hits[1].score > 0 and hits[0].title == "Plants"
    assert engine.search("bread baking oven")[0].doc_id == "ovens"


def test_scores_match_hand_computed_bm25() -> None:
    texts = ["a b c a", "b c d", "a a a e", "e f", "c c b a"]
    engine = SearchEngine(
        [(str(i), t) for i, t in enumerate(texts)], language=None, stopwords=False
    )
    docs = [t.split() for t in texts]
    for query in ["a", "a e", "c b", "f f", "d a"]:
        expected = bm25_lucene(docs, query.split())
        assert engine.scores(query).tolist() == pytest.approx(expected, rel=1e-5, abs=1e-6)
    # the top document by hand: "a" is most frequent in doc 2 (tf 3 of 4 tokens)
    assert engine.search("a")[0].doc_id == "2"


def test_rankings_are_deterministic_with_ties() -> None:
    docs = [Document(f"d{i}", "alpha beta gamma") for i in range(30)] + [
        Document("z", "alpha alpha beta")
    ]
    first = SearchEngine(docs).search("alpha", k=10)
    again = SearchEngine(docs).search("alpha", k=10)
    assert first == again
    assert first[0].doc_id == "z"  # highest tf
    assert [h.doc_id for h in first[1:]] == [f"d{i}" for i in range(9)]  # ties: insertion order


def test_stemming_and_stopwords() -> None:
    assert tokenize("The dogs and the cats are Running quickly") == ["dog", "cat", "run", "quick"]
    assert tokenize("The dogs", language=None, stopwords=False) == ["the", "dogs"]
    stemmed = SearchEngine([("a", "He runs every morning."), ("b", "Nothing here.")])
    assert [h.doc_id for h in stemmed.search("running")] == ["a"]
    plain = SearchEngine([("a", "He runs every morning."), ("b", "Nothing here.")], language=None)
    assert plain.search("running") == []
    assert stemmed.search("the of and") == []  # only stopwords: nothing to match


def test_snippets_are_bounded_and_on_topic() -> None:
    long_text = (
        ("Unrelated words about weather and trains. " * 40)
        + "The zebra crossing is here. "
        + ("More filler text. " * 40)
    )
    engine = SearchEngine([("long", long_text), ("short", "A zebra.")], snippet_chars=120)
    hits = engine.search("zebra crossing")
    assert {h.doc_id for h in hits} == {"long", "short"}
    for h in hits:
        assert len(h.snippet) <= 120
    long_hit = next(h for h in hits if h.doc_id == "long")
    assert "zebra crossing" in long_hit.snippet
    assert long_hit.snippet.startswith("...") and long_hit.snippet.endswith("...")


def test_save_and_load(tmp_path: Path) -> None:
    engine = SearchEngine(CORPUS, k1=1.2, b=0.5, snippet_chars=80)
    engine.save(tmp_path / "index")
    loaded = SearchEngine.load(tmp_path / "index")
    for query in ["chlorophyll", "light", "sea water", "nothing matches this"]:
        assert loaded.search(query) == engine.search(query)
    assert loaded.open("stars") == engine.open("stars") and len(loaded) == len(CORPUS)
    (tmp_path / "index" / "documents.jsonl").write_text('{"doc_id": "x"')
    with pytest.raises(ValueError, match="not a saved SearchEngine"):
        SearchEngine.load(tmp_path / "index")


def test_open_and_bad_input() -> None:
    engine = SearchEngine([{"id": "a", "text": "alpha", "title": "A"}, ("b", "beta")])
    assert engine.open("a") == Document("a", "alpha", "A")
    with pytest.raises(KeyError, match="'zzz'"):
        engine.open("zzz")
    with pytest.raises(ValueError, match="twice"):
        SearchEngine([("a", "x"), ("a", "y")])
    with pytest.raises(ValueError, match="empty"):
        SearchEngine([])
    with pytest.raises(ValueError, match="k"):
        engine.search("alpha", k=0)


def test_search_and_open_tools() -> None:
    engine = SearchEngine(CORPUS)
    tools = ToolRegistry([SearchTool(engine, k=2), OpenTool(engine, max_chars=30)])
    found = tools.call("search", {"query": "chlorophyll"})
    assert found.startswith("[1] plants - Plants\n") and "[2] cells" in found and "[3]" not in found
    assert tools.call("search", {"query": "chlorophyll", "k": 1}).count("[") == 1
    assert tools.call("search", {"query": "qwertyuiop"}) == "No results for 'qwertyuiop'."
    opened = tools.call("open", {"doc_id": "rivers"})
    assert opened.startswith("Rivers\n\nRivers carry") and "more characters]" in opened
    assert tools.call("open", {"doc_id": "nope"}) == "Error: no document with doc_id 'nope'"
    assert tools.call("search", {"query": ""}).startswith("Error: invalid arguments")


def test_concurrent_searches_agree() -> None:
    from concurrent.futures import ThreadPoolExecutor

    engine = SearchEngine(
        [*CORPUS, *(Document(f"x{i}", f"light water sugar {i}") for i in range(200))]
    )
    queries = ["light", "water sugar", "chlorophyll cells", "sea", "bread heat"] * 20
    expected = [engine.search(q, k=5) for q in queries]
    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(lambda q: engine.search(q, k=5), queries)) == expected


def test_top_k_selection_matches_a_full_sort() -> None:
    """Every selection path (few, some, most documents matching) equals a full sort."""
    import numpy as np

    rng = np.random.default_rng(7)
    common, rare = ["alpha", "beta"], [f"w{i}" for i in range(60)]
    docs = []
    for i in range(300):
        words = list(rng.choice(rare, size=rng.integers(3, 12)))
        if rng.random() < 0.8:
            words.append(common[i % 2])  # "alpha"/"beta" each match about 40% of documents
        docs.append((f"d{i}", " ".join(words)))
    engine = SearchEngine(docs, language=None, stopwords=False)
    for query in ["alpha beta", "alpha", "w3", "w3 w7 w11", "alpha w5", "nothing"]:
        scores = engine.scores(query)
        expected = sorted(
            (i for i in range(len(docs)) if scores[i] > 0), key=lambda i: (-scores[i], i)
        )
        for k in (1, 5, 40, 400):
            assert [h.doc_id for h in engine.search(query, k)] == [f"d{i}" for i in expected[:k]]
