"""The page type: what kind of page a document is, and what becomes of pages that are not
articles (rejected as `not_article`, or published with `--keep-non-articles`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from lxml import html as lxml_html

from cleaners import clean
from cleaners import page_type as pt
from tests.conftest import check_outputs

STORY = (
    "The city council voted on Tuesday to extend the night bus service to the northern "
    "suburbs, after a year of complaints from shift workers who said they had no way home. "
    "The extension will cost about two million a year and starts in March."
)


def _article_page(body: str, url_path: str = "2024/05/12/night-buses-extended") -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in body.split("\n\n"))
    return (
        "<html><head><title>Night buses extended | City Post</title>"
        '<meta property="og:type" content="article">'
        '<meta property="article:published_time" content="2024-05-12T08:00:00Z">'
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": '
        '"Night buses extended", "author": {"@type": "Person", "name": "Ana Ruiz"}}</script>'
        f'<link rel="canonical" href="https://citypost.example/{url_path}"></head>'
        '<body class="single single-post"><nav><a href="/">Home</a> <a href="/news/">News</a>'
        "</nav><article><h1>Night buses extended</h1>"
        '<p class="byline">By Ana Ruiz</p><time datetime="2024-05-12">12 May 2024</time>'
        f'<div class="entry-content">{paragraphs}</div></article>'
        "<footer>© 2024 City Post</footer></body></html>"
    )


def _listing_page() -> str:
    cards = "".join(
        f'<div class="card"><h3><a href="/2024/05/{day:02d}/story-{day}">Council story number '
        f"{day} about the budget and the buses</a></h3>"
        f'<time datetime="2024-05-{day:02d}">{day} May 2024</time>'
        f"<p>A short teaser for story {day}, which says what the story is about.</p></div>"
        for day in range(1, 13)
    )
    return (
        "<html><head><title>Local news | City Post</title>"
        '<meta property="og:type" content="website">'
        '<script type="application/ld+json">{"@type": "CollectionPage"}</script></head>'
        '<body class="archive category"><nav><a href="/">Home</a></nav>'
        f'<main><h1>Local news</h1><div class="post-list">{cards}</div>'
        '<div class="pagination"><a href="/category/local/page/2/">Next page</a></div></main>'
        "<footer>© 2024 City Post</footer></body></html>"
    )


def _product_page() -> str:
    return (
        "<html><head><title>Blue enamel mug 350 ml | Mug Shop</title>"
        '<meta property="og:type" content="product">'
        '<script type="application/ld+json">{"@type": "Product", "name": "Blue enamel mug", '
        '"offers": {"@type": "Offer", "price": "14.90", "priceCurrency": "EUR"}}</script></head>'
        '<body class="product woocommerce single-product"><main><h1>Blue enamel mug 350 ml</h1>'
        '<p class="price">€14.90</p><form class="cart"><input name="quantity" value="1">'
        '<button class="add-to-cart">Add to cart</button></form>'
        "<h2>Description</h2><p>An enamel mug for camping and the kitchen, dishwasher safe. "
        "Holds 350 ml and weighs 120 g. Ships in two days from our warehouse.</p>"
        "<h2>Reviews</h2><p>No reviews yet.</p></main></body></html>"
    )


def _url(url: str) -> dict[str, float]:
    return dict(zip(pt.URL_FEATURES, pt.url_features(url), strict=True))


def _page(page: str) -> dict[str, float]:
    return dict(zip(pt.PAGE_FEATURES, pt.page_features(lxml_html.fromstring(page)), strict=True))


def test_every_signal_example_counts_for_its_type() -> None:
    examples = pt.signal_examples()
    assert len(examples) >= len(pt.PAGE_TYPES)
    for url, kind in examples:
        features = _url(url)
        assert features[f"url_{kind}"] > 0, (url, kind)


def test_url_features_read_the_shape_of_the_path() -> None:
    features = _url("https://a.example/2024/05/12/a-b-c/")
    assert features["date_in_path"] == 1.0
    assert features["slug_words"] == 3.0
    assert features["trailing_slash"] == 1.0
    root = _url("https://a.example/")
    assert root["path_root"] == 1.0 and root["date_in_path"] == 0.0
    assert pt.url_features(None) == [0.0] * len(pt.URL_FEATURES)
    assert pt.url_features("http://[bad") == [0.0] * len(pt.URL_FEATURES)


def test_page_features_read_json_ld_cards_and_prices() -> None:
    listing = _page(_listing_page())
    product = _page(_product_page())
    assert listing["json_ld_listing"] >= 1 and product["json_ld_product"] >= 2  # Product, Offer
    assert listing["card_repeat"] > 0 and product["card_repeat"] == 0
    assert listing["heading_link_share"] > 0.9
    assert product["log_prices"] > 0 and product["og_product"] == 1.0
    assert listing["class_listing"] >= 2  # "archive category" on the body
    assert product["class_product"] >= 2


def test_page_features_survive_broken_json_ld() -> None:
    page = '<html><head><script type="application/ld+json">{"@type": </script></head></html>'
    features = _page(page)
    assert features["json_ld_article"] == 0


def test_no_type_is_chosen_without_evidence() -> None:
    scores = np.array([0.05, 0.2, 0.1, 0.1, 0.3, 0.1, 0.1])
    assert pt.decide(scores, article_bar=0.2, other_bar=0.5).type == "article"
    scores[4] = 0.8
    found = pt.decide(scores, article_bar=0.2, other_bar=0.5)
    assert found.type == "service" and 0 < found.confidence < 1
    scores[0] = 0.3  # the article score clears its bar: an article whatever else says
    assert pt.decide(scores, article_bar=0.2, other_bar=0.5).type == "article"


def test_the_shipped_model_loads_and_matches_the_features() -> None:
    models = pt.shipped_models()
    assert models is not None
    assert models.html.features == pt.HTML_FEATURES
    assert models.plain.features == pt.PLAIN_FEATURES
    assert 0 < models.html.article_bar < 1
    again = pt.PageTypeModels.from_bytes(models.to_bytes())
    row = [0.5] * len(pt.HTML_FEATURES)
    assert again.html.judge(row) == models.html.judge(row)


def test_a_model_for_other_features_is_refused() -> None:
    models = pt.shipped_models()
    assert models is not None
    other = pt.TypeModel(models.plain.features[:-1], models.plain.trees, 0.5, 0.5)
    data = pt.PageTypeModels(models.html, other).to_bytes()
    with pytest.raises(ValueError, match="features"):
        pt.PageTypeModels.from_bytes(data)


def test_a_news_story_is_an_article() -> None:
    body = "\n\n".join([STORY] * 4)
    doc = clean(_article_page(body), format="html")
    assert doc.page_type == "article" and "not_article" not in doc.flags


def test_a_short_post_is_an_article() -> None:
    # Length alone never makes a page something else: a 40-word post is a post.
    doc = clean(_article_page(STORY), format="html")
    assert doc.page_type == "article", doc.page_type_confidence


def test_a_short_plain_text_post_is_an_article() -> None:
    doc = clean("Night buses extended\n\n" + STORY)
    assert doc.page_type == "article"


def test_a_listing_of_story_cards_is_not_an_article() -> None:
    doc = clean(_listing_page(), format="html", url="https://citypost.example/category/local/")
    assert doc.page_type == "listing", (doc.page_type, doc.page_type_confidence)
    assert "not_article" in doc.flags


def test_a_shop_page_is_a_product() -> None:
    doc = clean(_product_page(), format="html", url="https://mugs.example/products/blue-mug")
    assert doc.page_type == "product", (doc.page_type, doc.page_type_confidence)


def _inputs(tmp_path: Path) -> Path:
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "story.html").write_text(_article_page("\n\n".join([STORY] * 3)))
    lines = [
        {"url": "https://citypost.example/category/local/", "html": _listing_page()},
        {"url": "https://mugs.example/products/blue-mug", "html": _product_page()},
    ]
    (inputs / "pages.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines))
    return inputs


def test_pages_that_are_not_articles_are_rejected_with_their_type(
    tmp_path: Path, run_cli: Any, validate: Any
) -> None:
    status, out = run_cli("clean", str(_inputs(tmp_path)))
    assert status == 0
    articles, rejected = check_outputs(out, validate)
    assert [a["page_type"] for a in articles] == ["article"]
    assert sorted(r["reason"] for r in rejected) == ["not_article", "not_article"]
    for entry in rejected:
        # The detail names the type found, and the recovered record carries it.
        assert entry["record"]["page_type"] in entry["detail"]
        assert entry["record"]["page_type"] in ("listing", "product")
        validate("article", entry["record"])


def test_keep_non_articles_publishes_them_with_their_type(
    tmp_path: Path, run_cli: Any, validate: Any
) -> None:
    status, out = run_cli("clean", str(_inputs(tmp_path)), "--keep-non-articles")
    assert status == 0
    articles, rejected = check_outputs(out, validate)
    assert rejected == []
    types = sorted(a["page_type"] for a in articles)
    assert types == ["article", "listing", "product"]
    for record in articles:
        assert ("not_article" in record["flags"]) == (record["page_type"] != "article")
        assert 0 < record["page_type_confidence"] <= 1


def test_one_row_is_scored_as_the_trees_score_a_matrix() -> None:
    models = pt.shipped_models()
    assert models is not None
    rows = np.random.default_rng(7).normal(0, 3, (20, len(pt.HTML_FEATURES)))
    for trees in models.html.trees:
        expected = trees.probabilities(rows)
        found = [pt.row_probability(trees, row) for row in rows]
        assert np.allclose(found, expected, rtol=0, atol=1e-12)


def test_the_report_counts_page_types_published_and_kept_out(tmp_path: Path, run_cli: Any) -> None:
    status, out = run_cli("clean", str(_inputs(tmp_path)))
    assert status == 0
    report = (out / "report.md").read_text()
    section = report.split("## Page types", 1)[1].split("##", 1)[0]
    rows = {
        line.split("|")[1].strip(): int(line.split("|")[2])
        for line in section.splitlines()
        if line.startswith("| ") and not line.startswith("| page type")
    }
    assert rows == {"article": 1, "listing": 1, "product": 1}
