"""What kind of page a document is: article, listing, product, forum, service, documentation
or collection.

Scrapes of news sites hold section fronts, tag pages, shop pages, forum threads, pricing pages
and manuals, and users feed our articles to other projects as articles. No single sign tells
them apart (a short post is an article, a long manual page is not), so the decision is a small
learned model over many shallow signs, each cheap to read:

- the URL: how deep its path is, whether it carries a date or a slug, the words of its segments
  (`tag`, `products`, `forum`, `docs`, ...);
- the page (HTML only, from the tree the extractor already parsed): how many headings are
  links (story cards), how often one card container repeats, prices and cart markup, forms,
  code blocks, `<time>` elements, links' share of the visible words, the template's class
  names (`single-post`, `archive`, `woocommerce`), JSON-LD `@type` and `og:type`;
- the cleaned text: its length and paragraphs, how much of it is running prose, whether a
  byline and a date were found, prices, code, "you" and "we".

The word lists are data (`cleaners/data/page_signals.toml`); the model is data too
(`cleaners/data/page_type_model.npz`): boosted trees in numpy (the paragraph model's `Trees`,
so no new dependency), one tree set per type, trained by benchmarks/train_page_type.py on
WCXB dev's tuning half and the AEB pages. Plain text has no page: it is judged by a second
model trained on the URL and text signs only, with a bar that keeps articles as surely.
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import math
import re
import tomllib
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import numpy.typing as npt
from lxml import etree

from cleaners.paragraph_model import Trees
from cleaners.text_shape import WORD, word_count

PAGE_TYPES = ("article", "listing", "product", "forum", "service", "documentation", "collection")
# Where the signals' word lists are read from: what each type's lists are matched against.
SIGNAL_KINDS = ("url", "class", "json_ld", "markup")

URL_FEATURES = (
    "url_known",
    "path_depth",
    "path_root",
    "trailing_slash",
    "has_query",
    "date_in_path",
    "slug_words",
    "last_segment_digits",
    "file_extension",
    *(f"url_{t}" for t in PAGE_TYPES),
)
PAGE_FEATURES = (
    "log_visible_words",
    "link_word_share",
    "log_links",
    "log_headings",
    "heading_link_share",
    "log_heading_links",
    "card_repeat",
    "log_headline_links",
    "headline_link_word_share",
    "link_card_repeat",
    "log_article_tags",
    "log_time_tags",
    "log_forms",
    "log_inputs",
    "log_buttons",
    "log_code_blocks",
    "log_tables",
    "log_list_items",
    "log_images",
    "long_p_share",
    "log_prices",
    "og_article",
    "og_product",
    "og_website",
    "meta_published",
    "meta_author",
    *(f"class_{t}" for t in PAGE_TYPES),
    *(f"json_ld_{t}" for t in PAGE_TYPES),
    *(f"markup_{t}" for t in PAGE_TYPES),
)
# What the extractor found of the page's metadata: HTML always has a chance to give it, plain
# text seldom does, so the plain model does without (its training pages came from HTML).
METADATA_FEATURES = ("has_authors", "has_published", "has_title", "title_words")
TEXT_FEATURES = (
    "log_words",
    "log_paragraphs",
    "mean_paragraph_words",
    "prose_share",
    "short_paragraph_share",
    "digit_share",
    "price_density",
    "code_share",
    "question_share",
    "you_density",
    "we_density",
    "bullet_share",
)
# No word scores (naive Bayes over a vocabulary of words on pages of 3+ sites, scored out of
# fold) in either model: over a page's words they kept out more other pages but published
# fewer articles (WCXB check 100 -> 98.8 %); over plain text's words they helped on one
# cleaning of the pages (check others kept out 14 -> 23 %) and hurt on the next (16 -> 11 %,
# out of fold 20.5 -> 18.7 %): too unstable to ship (stop 32's note on issue 17).
HTML_FEATURES = URL_FEATURES + PAGE_FEATURES + METADATA_FEATURES + TEXT_FEATURES
PLAIN_FEATURES = URL_FEATURES + TEXT_FEATURES

_DATE_IN_PATH = re.compile(r"/(?:19|20)\d\d[/-](?:0?[1-9]|1[0-2])(?:[/-]|$)|/(?:19|20)\d{6}/")
_SEGMENT_WORDS = re.compile(r"[-_.+]+")
_SEPARATORS_TO_SPACES = str.maketrans("-_.+", "    ")
_PRICE = re.compile(r"(?:[$€£¥₹]\s?\d[\d,.]*|\d[\d,.]*\s?(?:€|£|USD|EUR|GBP|zł|kr)\b)")
_CODE_LINE = re.compile(r"[{};=<>]|^\s*(?:\$ |>>> |def |import |function |return )")
_SENTENCE = re.compile(r"\w[.!?][\"'”’)]*(?:\s|$)|[。！？]")
_DIGIT = re.compile(r"\d")
_BULLET = re.compile(r"^\s*(?:[-–—•·*▪►]|\d{1,2}[.)])\s")
_CLASS_TOKEN = re.compile(r"[\s]+")
_HEADINGS = ("h1", "h2", "h3", "h4")
# The tags whose numbers are features.
_COUNTED = (
    *_HEADINGS,
    *("a", "article", "time", "form", "input", "select", "textarea", "button", "pre", "code"),
    *("table", "li", "img", "p"),
)
# Every text of the page, and the texts no reader sees (scripts, styles): the visible texts
# are the difference, which costs a quarter of an XPath that tests every text's ancestors.
_ALL_TEXT = etree.XPath("//text()", smart_strings=False)
# (Their own texts only: a union of `//script//text()` paths took 30 ms on a large page.)
_HIDDEN_TEXT = etree.XPath(
    "//script/text() | //style/text() | //noscript/text() | //template/text()",
    smart_strings=False,
)
_NAMES = etree.XPath("//@class | //@id", smart_strings=False)
_TEMPLATE_NAMES = etree.XPath(
    "/html/@class | /html/@id | /html/body/@class | /html/body/@id", smart_strings=False
)
_LD_JSON = etree.XPath(
    "//script[translate(@type, 'JSONLD', 'jsonld') = 'application/ld+json']/text()",
    smart_strings=False,
)
# A card container counts as repeated once this many headings share its signature.
MIN_CARDS = 3
# Paragraphs of at least this many words are running prose, not a card's blurb.
LONG_P_WORDS = 40
# A link of at least this many words reads as a headline (a story card's), not a menu item.
HEADLINE_LINK_WORDS = 5
# How far up from a headline link its card container is looked for.
CARD_LEVELS = 4


@dataclass(frozen=True, slots=True)
class PageType:
    """The type found and how sure the model is of it (its share of the types' scores)."""

    type: str
    confidence: float


@functools.cache
def _signals() -> dict[str, Any]:
    """page_signals.toml, read once."""
    return tomllib.loads(
        (resources.files("cleaners") / "data" / "page_signals.toml").read_text(encoding="utf-8")
    )


@functools.cache
def signal_words() -> dict[str, dict[str, frozenset[str]]]:
    """{kind: {type: words}}, the lists of page_signals.toml (lower-cased, JSON-LD too)."""
    data = _signals()
    return {
        kind: {t: frozenset(w.lower() for w in data[t][kind]) for t in PAGE_TYPES}
        for kind in SIGNAL_KINDS
    }


def signal_examples() -> list[tuple[str, str]]:
    data = _signals()
    return [(url, kind) for t in PAGE_TYPES for url, kind in data[t]["examples"]]


def _counts(tokens: Iterable[str], kind: str) -> list[float]:
    lists = signal_words()[kind]
    found = tokens if isinstance(tokens, Counter) else Counter(tokens)
    return [float(sum(found[word] for word in lists[t] if word in found)) for t in PAGE_TYPES]


def url_segments(url: str | None) -> list[str]:
    if not url:
        return []
    try:
        path = urlsplit(url).path
    except ValueError:
        return []
    return [s for s in path.lower().split("/") if s]


def url_features(url: str | None) -> list[float]:
    if not url:
        return [0.0] * len(URL_FEATURES)
    try:
        parts = urlsplit(url)
    except ValueError:
        return [0.0] * len(URL_FEATURES)
    segments = url_segments(url)
    last = segments[-1] if segments else ""
    stem, _, extension = last.rpartition(".") if "." in last else (last, "", "")
    words = [w for w in _SEGMENT_WORDS.split(stem) if w]
    tokens = [*segments, *(w for s in segments for w in _SEGMENT_WORDS.split(s) if w != s)]
    return [
        1.0,
        float(len(segments)),
        float(not segments),
        float(parts.path.endswith("/")),
        float(bool(parts.query)),
        float(bool(_DATE_IN_PATH.search(parts.path))),
        float(len(words)),
        float(sum(c.isdigit() for c in stem) / max(1, len(stem))),
        float(extension in {"html", "htm", "php", "aspx", "asp", "shtml", "jsp"}),
        *_counts(tokens, "url"),
    ]


def _log(n: float) -> float:
    return math.log1p(n)


def _ld_types(value: Any, found: list[str]) -> None:
    if isinstance(value, dict):
        kind = value.get("@type")
        for k in kind if isinstance(kind, list) else [kind]:
            if isinstance(k, str):
                found.append(k.rsplit("/", 1)[-1].lower())
        for key in ("@graph", "mainEntity", "itemListElement", "offers"):
            if key in value:
                _ld_types(value[key], found)
    elif isinstance(value, list):
        for item in value[:50]:
            _ld_types(item, found)


def _name_tokens(names: str) -> Counter[str]:
    """The tokens of class and id attributes, each whole and in its parts ("entry-content",
    "entry", "content"; a token without parts counts twice, as whole and as its one part)."""
    lowered = names.lower()
    return Counter(lowered.split()) + Counter(lowered.translate(_SEPARATORS_TO_SPACES).split())


def page_features(tree: Any) -> tuple[float, ...]:
    """The page signs of a parsed HTML tree (lxml), in `PAGE_FEATURES` order. XPath gathers
    the strings in C and Python visits only the elements it counts: a walk over every element
    in Python cost 5 ms on an AEB page, a fifth of trafilatura's own time."""
    ld_types: list[str] = []
    for source in _LD_JSON(tree):
        with contextlib.suppress(ValueError, RecursionError):
            _ld_types(json.loads(source), ld_types)
    meta: dict[str, str] = {}
    for element in tree.iter("meta"):
        key = (element.get("property") or element.get("name") or "").lower()
        if key:
            meta[key] = (element.get("content") or "").lower()
    tags: Counter[str] = Counter()
    cards: Counter[tuple[str, str]] = Counter()
    links = _Links()
    heading_links = link_words = long_p = 0
    for element in tree.iter(*_COUNTED):  # one pass: each element visited makes a proxy
        tag = element.tag
        tags[tag] += 1
        if tag == "a":
            if element.text:
                link_words += len(element.text.split())
            links.add(element)
        elif tag == "p":
            if element.text and len(element.text.split()) >= LONG_P_WORDS:
                long_p += 1
        elif tag in _HEADINGS:
            parent = element.getparent()
            linked = element.find(".//a") is not None or (
                parent is not None and isinstance(parent.tag, str) and parent.tag == "a"
            )
            if linked:
                heading_links += 1
                holder = parent.getparent() if parent is not None else None
                if holder is not None and isinstance(holder.tag, str):
                    cards[(holder.tag, holder.get("class") or "")] += 1
    shown = Counter(_ALL_TEXT(tree))
    shown.subtract(_HIDDEN_TEXT(tree))
    joined = " ".join(shown.elements())
    visible = len(joined.split())
    prices = len(_PRICE.findall(joined))
    markup = _name_tokens(" ".join(_NAMES(tree)))
    template = " ".join(_TEMPLATE_NAMES(tree))
    headline_links, headline_words, link_cards = links.count, links.words, links.cards()
    headings = sum(tags[h] for h in _HEADINGS)
    repeated = max(cards.values(), default=0)
    og = meta.get("og:type", "")
    return (
        _log(visible),
        link_words / max(1, visible),
        _log(tags["a"]),
        _log(headings),
        heading_links / max(1, headings),
        _log(heading_links),
        _log(repeated if repeated >= MIN_CARDS else 0),
        _log(headline_links),
        headline_words / max(1, visible),
        _log(link_cards if link_cards >= MIN_CARDS else 0),
        _log(tags["article"]),
        _log(tags["time"]),
        _log(tags["form"]),
        _log(tags["input"] + tags["select"] + tags["textarea"]),
        _log(tags["button"]),
        _log(tags["pre"] + tags["code"]),
        _log(tags["table"]),
        _log(tags["li"]),
        _log(tags["img"]),
        long_p / max(1, tags["p"]),
        _log(prices),
        float(og == "article"),
        float(og.startswith("product")),
        float(og == "website"),
        float("article:published_time" in meta or "datepublished" in meta),
        float(bool(meta.get("author")) or "article:author" in meta),
        *_counts(_name_tokens(template), "class"),
        *_counts(ld_types, "json_ld"),
        *_counts(markup, "markup"),
    )


def metadata_features(
    title: str | None, authors: tuple[str, ...], published: str | None
) -> list[float]:
    return [
        float(bool(authors)),
        float(bool(published)),
        float(bool(title)),
        float(word_count(title or "")),
    ]


class _Links:
    """Links that read as headlines, their words, and how many siblings of one kind hold
    one: a listing's cards, whichever tags a template builds them of (a heading or not)."""

    def __init__(self) -> None:
        self.count = self.words = 0
        # Keyed by the elements themselves, not their id(): lxml makes a new proxy object
        # for an element whenever none is held, so an id can come back for another element.
        self.holders: dict[tuple[Any, str, str], set[Any]] = {}

    def add(self, link: Any) -> None:
        # A link without child elements holds its .text only: no need of text_content().
        n = len((link.text_content() if len(link) else link.text or "").split())
        if n < HEADLINE_LINK_WORDS:
            return
        self.count += 1
        self.words += n
        node = link
        for _ in range(CARD_LEVELS):
            parent = node.getparent()
            if parent is None or not isinstance(node.tag, str):
                break
            key = (parent, node.tag, node.get("class") or "")
            self.holders.setdefault(key, set()).add(node)
            node = parent

    def cards(self) -> int:
        return max((len(members) for members in self.holders.values()), default=0)


def text_features(text: str) -> list[float]:
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    counts = [word_count(p) for p in paragraphs]
    words = sum(counts)
    lines = text.splitlines() or [""]
    lowered = WORD.findall(text.lower())
    tally = Counter(lowered)
    per_word = 1.0 / max(1, words)
    return [
        _log(words),
        _log(len(paragraphs)),
        words / max(1, len(paragraphs)),
        sum(n for n, p in zip(counts, paragraphs, strict=True) if _SENTENCE.search(p)) * per_word,
        sum(1 for n in counts if n < 8) / max(1, len(paragraphs)),
        len(_DIGIT.findall(text)) / max(1, len(text)),
        len(_PRICE.findall(text)) * per_word * 100,
        sum(1 for line in lines if _CODE_LINE.search(line)) / len(lines),
        text.count("?") / max(1, len(paragraphs)),
        (tally["you"] + tally["your"]) * per_word * 100,
        (tally["we"] + tally["our"] + tally["us"]) * per_word * 100,
        sum(1 for line in lines if _BULLET.match(line)) / len(lines),
    ]


@dataclass(frozen=True, slots=True)
class TypeModel:
    """One tree set per page type (its probability that a page is of that type, against
    the rest) and two bars: a page is not an article only when its article score is below
    `article_bar` and another type's score reaches `other_bar`. A page that looks like no
    type in particular (a tiny page, a page of a kind never seen) stays an article: nothing
    is rejected on no evidence."""

    features: tuple[str, ...]
    trees: tuple[Trees, ...]
    article_bar: float
    other_bar: float

    def judge(self, row: list[float]) -> PageType:
        values = np.asarray(row, dtype=np.float64)
        scores = np.asarray([row_probability(t, values) for t in self.trees])
        return decide(scores, self.article_bar, self.other_bar)

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, npt.NDArray[Any]], name: str) -> TypeModel:
        bars = arrays[f"{name}.bars"]
        return cls(
            tuple(str(f) for f in arrays[f"{name}.features"]),
            tuple(
                Trees(
                    feature=arrays[f"{name}.{t}.feature"].astype(np.int64),
                    cut=arrays[f"{name}.{t}.cut"].astype(np.float64),
                    leaf=arrays[f"{name}.{t}.leaf"].astype(np.float64),
                    bias=float(arrays[f"{name}.{t}.bias"][0]),
                )
                for t in PAGE_TYPES
            ),
            float(bars[0]),
            float(bars[1]),
        )

    def to_arrays(self, name: str) -> dict[str, npt.NDArray[Any]]:
        """The model as arrays: cuts exact (a row whose value equals a cut must go the same
        way after a round trip), leaves as float32 (a score differs by 1e-7 at most)."""
        arrays: dict[str, npt.NDArray[Any]] = {
            f"{name}.features": np.asarray(self.features),
            f"{name}.bars": np.asarray([self.article_bar, self.other_bar]),
        }
        for t, trees in zip(PAGE_TYPES, self.trees, strict=True):
            arrays[f"{name}.{t}.feature"] = trees.feature.astype(np.int16)
            arrays[f"{name}.{t}.cut"] = trees.cut.astype(np.float64)
            arrays[f"{name}.{t}.leaf"] = trees.leaf.astype(np.float32)
            arrays[f"{name}.{t}.bias"] = np.asarray([trees.bias])
        return arrays


def row_probability(trees: Trees, row: npt.NDArray[np.float64]) -> float:
    """`Trees.probabilities` of one row, every tree at once: one document is judged by a
    thousand trees, which one at a time would cost more than the rest of its assessment."""
    count, leaves = trees.leaf.shape
    every = np.arange(count)
    node = np.zeros(count, dtype=np.int64)
    for _ in range(leaves.bit_length() - 1):
        above = row[trees.feature[every, node]] > trees.cut[every, node]
        node = 2 * node + 1 + above
    total = trees.bias + float(trees.leaf[every, node - (leaves - 1)].sum())
    return 1.0 / (1.0 + math.exp(-min(30.0, max(-30.0, total))))


def decide(scores: npt.NDArray[np.float64], article_bar: float, other_bar: float) -> PageType:
    """The likeliest other type where the article score is below its bar and that type's
    reaches `other_bar`; an article otherwise. The confidence is the type's share of the
    scores."""
    total = float(scores.sum()) or 1.0
    best = 1 + int(np.argmax(scores[1:]))
    if scores[0] < article_bar and scores[best] >= other_bar:
        return PageType(PAGE_TYPES[best], round(float(scores[best]) / total, 3))
    return PageType("article", round(float(scores[0]) / total, 3))


@dataclass(frozen=True, slots=True)
class PageTypeModels:
    html: TypeModel
    plain: TypeModel

    @classmethod
    def from_bytes(cls, data: bytes) -> PageTypeModels:
        """Read from the .npz the training script writes (no pickles: `allow_pickle` off)."""
        with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
            html = TypeModel.from_arrays(arrays, "html")
            plain = TypeModel.from_arrays(arrays, "plain")
        if html.features != HTML_FEATURES or plain.features != PLAIN_FEATURES:
            raise ValueError("page-type model: its features are not this module's")
        return cls(html, plain)

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        arrays = {**self.html.to_arrays("html"), **self.plain.to_arrays("plain")}
        np.savez_compressed(buffer, allow_pickle=False, **arrays)
        return buffer.getvalue()


@functools.cache
def shipped_models() -> PageTypeModels | None:
    source = resources.files("cleaners") / "data" / "page_type_model.npz"
    if not source.is_file():
        return None
    return PageTypeModels.from_bytes(source.read_bytes())


def feature_row(
    url: str | None,
    page: tuple[float, ...],
    text: str,
    title: str | None,
    authors: tuple[str, ...],
    published: str | None,
) -> list[float]:
    """The model's row: URL, page and metadata signs (HTML only: `page` is empty for plain
    text), then the text's."""
    if not page:
        return [*url_features(url), *text_features(text)]
    meta = metadata_features(title, authors, published)
    return [*url_features(url), *page, *meta, *text_features(text)]


def page_type(
    url: str | None,
    page: tuple[float, ...],
    text: str,
    title: str | None = None,
    authors: tuple[str, ...] = (),
    published: str | None = None,
    models: PageTypeModels | None = None,
) -> PageType:
    """The type of one document; `page` is `page_features` of its HTML, () for plain text.
    Without a model every document is an article (nothing is rejected on no evidence)."""
    models = models or shipped_models()
    if models is None:
        return PageType("article", 1.0)
    model = models.html if page else models.plain
    return model.judge(feature_row(url, page, text, title, authors, published))
