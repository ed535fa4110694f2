"""The paragraph model's mechanics, on models built by hand: features, trees, the article block,
and what a removal records. The shipped model's behaviour is checked at the end, on text it was
never trained on."""

from __future__ import annotations

import json

import numpy as np
import pytest

from cleaners import paragraph_model as pm
from cleaners.document import Document, Removal

ARTICLE = [
    "The city council voted on Tuesday to close the old bridge for repairs, a decision that "
    "will reroute thousands of commuters for most of next year.",
    "Engineers found that the steel supports had corroded faster than expected, and the "
    "council said it could not wait for the next budget to act.",
    "Residents who spoke at the meeting were divided, with some saying the closure would hurt "
    "the shops on both sides of the river.",
]


def _stump(feature: str, cut: float, low: float, high: float, depth: int = 1) -> pm.Trees:
    """One tree that splits on `feature` at its root; deeper levels repeat the same split, so a
    row ends in the left-most leaf (`low`) or the right-most (`high`)."""
    internal, leaves = 2**depth - 1, 2**depth
    index = pm.FEATURES.index(feature) if feature in pm.FEATURES else None
    column = index if index is not None else len(pm.FEATURES) + pm.STACKED.index(feature)
    leaf = np.full((1, leaves), 0.0)
    leaf[0, 0], leaf[0, -1] = low, high
    return pm.Trees(
        feature=np.full((1, internal), column, dtype=np.int64),
        cut=np.full((1, internal), cut),
        leaf=leaf,
        bias=0.0,
    )


def _email_model(threshold: float = 0.9) -> pm.ParagraphModel:
    # Boilerplate exactly when the paragraph holds an e-mail address.
    email = _stump("email", 0.5, -6.0, 6.0)
    return pm.ParagraphModel(first=email, second=email, threshold=threshold)


def test_feature_matrix_has_one_row_of_every_feature_per_paragraph() -> None:
    paragraphs = [*ARTICLE, "Contact the reporter at jane.doe@example.com"]
    matrix = pm.feature_matrix(paragraphs, "en")
    assert matrix.shape == (4, len(pm.FEATURES))
    assert np.isfinite(matrix).all()
    column = {name: matrix[:, i] for i, name in enumerate(pm.FEATURES)}
    assert column["email"].tolist() == [0, 0, 0, 1]
    assert column["first"].tolist() == [1, 0, 0, 0]
    assert column["last"].tolist() == [0, 0, 0, 1]
    # Prose ends in a full stop and reads with function words; the contact line does neither.
    assert column["ends_full_stop"][:3].tolist() == [1, 1, 1]
    assert column["stop_density"][0] > column["stop_density"][3]
    assert pm.feature_matrix([], "en").shape == (0, len(pm.FEATURES))


def test_repeated_paragraphs_and_neighbours_are_seen() -> None:
    paragraphs = ["Share this", ARTICLE[0], "Share this"]
    matrix = pm.feature_matrix(paragraphs, "en")
    repeated = matrix[:, pm.FEATURES.index("repeated")]
    assert repeated.tolist() == [1, 0, 1]
    # The first paragraph has no left neighbour, the middle one has both.
    present_left = matrix[:, pm.FEATURES.index("present@-1")]
    assert present_left.tolist() == [0, 1, 1]


def test_best_run_is_the_stretch_of_largest_sum() -> None:
    assert pm._best_run(np.array([-1.0, 2.0, 3.0, -10.0, 4.0])) == (1, 3)
    assert pm._best_run(np.array([-5.0, 1.0, -0.5, 1.0, -5.0])) == (1, 4)
    assert pm._best_run(np.array([-3.0, -1.0, -2.0])) == (1, 2)


def test_window_mean_leaves_the_paragraph_itself_out() -> None:
    values = np.array([1.0, 0.0, 0.0, 1.0])
    assert pm._window_mean(values, 1).tolist() == [0.0, 0.5, 0.5, 0.0]


def test_trees_follow_their_cuts_and_survive_json() -> None:
    trees = _stump("log_words", np.log1p(5), -2.0, 3.0, depth=2)
    matrix = pm.feature_matrix(["Two words", ARTICLE[0]], "en")
    probabilities = trees.probabilities(matrix)
    assert probabilities[0] == pytest.approx(1 / (1 + np.exp(2.0)))
    assert probabilities[1] == pytest.approx(1 / (1 + np.exp(-3.0)))
    again = pm.Trees.from_json(json.loads(json.dumps(trees.to_json())))
    assert np.allclose(again.probabilities(matrix), probabilities)


def test_a_model_with_other_features_is_refused() -> None:
    data = _email_model().to_json()
    data["features"] = data["features"][:-1]
    with pytest.raises(ValueError, match="features"):
        pm.ParagraphModel.from_json(data)


def test_every_removal_is_recorded_with_its_score() -> None:
    text = "\n\n".join([*ARTICLE, "Contact the reporter at jane.doe@example.com"])
    doc = pm.strip_model_paragraphs(Document(text, language="en"), _email_model())
    assert doc.paragraphs == ARTICLE
    (removal,) = doc.removed
    assert removal.rule == pm.MODEL_RULE == "model.paragraph"
    assert removal.text == "Contact the reporter at jane.doe@example.com"
    assert removal.score is not None and removal.score >= 0.9


def test_the_model_leaves_html_extractions_and_whole_removals_alone() -> None:
    text = "\n\n".join([*ARTICLE, "Contact the reporter at jane.doe@example.com"])
    html = Document(text, format="html", language="en")
    assert pm.strip_model_paragraphs(html, _email_model()) is html
    # A model sure of every paragraph is wrong about the document, not right about each.
    contacts = Document("Mail a@example.com\n\nOr b@example.org", language="en")
    assert pm.strip_model_paragraphs(contacts, _email_model()) is contacts
    # Below the threshold nothing goes.
    strict = pm.strip_model_paragraphs(Document(text, language="en"), _email_model(0.9999))
    assert strict.text == text and not strict.removed


def test_text_written_without_spaces_is_left_to_the_rules() -> None:
    # The features count words by spaces: a Japanese sentence is one "word", a label's shape.
    lines = [
        "お問い合わせは press@example.jp まで。",
        "市議会は火曜日、老朽化した橋を修理のため閉鎖することを決めた。",
        "技術者によると、鉄骨の腐食が予想より早く進んでいた。",
    ]
    doc = Document("\n\n".join(lines), language="ja")
    assert pm.strip_model_paragraphs(doc, _email_model()) is doc
    # The same lines in a language written with spaces are judged.
    spaced = pm.strip_model_paragraphs(Document("\n\n".join(lines), language="ko"), _email_model())
    assert [r.text for r in spaced.removed] == [lines[0]]


def test_table_rows_are_neither_taken_nor_evidence_of_a_dump() -> None:
    rows = [f"Desk {n} | desk{n}@example.com | room {n}" for n in range(3)]
    text = "\n\n".join([*ARTICLE, *rows, "Contact the reporter at jane.doe@example.com"])
    doc = pm.strip_model_paragraphs(Document(text, language="en"), _email_model())
    assert doc.paragraphs == [*ARTICLE, *rows]
    # Two such lines are not a table: the model judges them as any other line.
    two = "\n\n".join([*ARTICLE, *rows[:2]])
    assert pm.strip_model_paragraphs(Document(two, language="en"), _email_model()).paragraphs == (
        ARTICLE
    )
    # With the table rows not counted, four lines of prose are not a page dump.
    dump = pm.ParagraphModel(
        first=_stump("email", 0.5, -6.0, 6.0),
        second=_stump("email", 0.5, -6.0, 6.0),
        threshold=0.9999,
        dump_share=0.3,
        dump_threshold=0.9,
    )
    many = [f"Desk {n} | desk{n}@example.com | room {n}" for n in range(6)]
    text = "\n\n".join([*ARTICLE, *many, "Contact the reporter at jane.doe@example.com"])
    assert pm.strip_model_paragraphs(Document(text, language="en"), dump).paragraphs == [
        *ARTICLE,
        *many,
        "Contact the reporter at jane.doe@example.com",
    ]


def test_shipped_model_loads_and_matches_its_features() -> None:
    model = pm.shipped_model()
    assert model is not None, "cleaners/data/paragraph_model.json is part of the package"
    assert 0.5 <= model.threshold < 1.0
    assert model.first.feature.max() < len(pm.FEATURES)
    assert model.second.feature.max() < len(pm.FEATURES) + len(pm.STACKED)


def _trees(*stumps: pm.Trees) -> pm.Trees:
    """Stumps summed into one forest."""
    return pm.Trees(
        feature=np.vstack([s.feature for s in stumps]),
        cut=np.vstack([s.cut for s in stumps]),
        leaf=np.vstack([s.leaf for s in stumps]),
        bias=0.0,
    )


LONG = float(np.log1p(8))  # log_words above this: more than 8 words
MENU = ["Home", "News", "Sport", "Weather"]
TIP_LINE = "Write to the newsroom at tips@example.com if you know more about this or any story."


def _dump_model(second: pm.Trees) -> pm.ParagraphModel:
    # The first stage calls everything boilerplate: every document is a page dump.
    return pm.ParagraphModel(
        first=_stump("log_words", LONG, 6.0, 6.0),
        second=second,
        threshold=0.8,
        dump_share=0.3,
        dump_threshold=0.6,
    )


def test_a_page_dumps_lower_bar_never_takes_the_bulk_of_its_prose() -> None:
    # Long paragraphs score 0.70: under the ordinary bar, over the dump's. A contact line is
    # kept under any bar, so that the dump bar alone would leave it and nothing of the article.
    model = _dump_model(
        _trees(_stump("log_words", LONG, 6.0, 0.85), _stump("email", 0.5, 0.0, -10.0))
    )
    text = "\n\n".join([*MENU, *ARTICLE, "Mail a@example.com"])
    doc = pm.strip_model_paragraphs(Document(text, language="en"), model)
    assert doc.paragraphs == [*ARTICLE, "Mail a@example.com"]
    assert [r.text for r in doc.removed] == MENU


def test_a_page_dumps_lower_bar_takes_prose_that_is_not_the_article() -> None:
    # The tip line (long, with an address) scores 0.70 and the article's paragraphs next to
    # nothing: the dump's bar takes the tip line, the article's prose being kept.
    model = _dump_model(
        _trees(_stump("log_words", LONG, 6.0, -6.0), _stump("email", 0.5, 0.0, 6.85))
    )
    text = "\n\n".join([*MENU, *ARTICLE, TIP_LINE])
    doc = pm.strip_model_paragraphs(Document(text, language="en"), model)
    assert doc.paragraphs == ARTICLE
    assert [r.text for r in doc.removed] == [*MENU, TIP_LINE]


# Short lines score 0.70 at the second stage: under the ordinary bar (0.8), over a dump's (0.6).
# The first stage calls short lines boilerplate and prose article, as a trained one does.
COMMANDS = ["git status", "git add notes.txt", "git commit -m 'first notes'"]


def _short_lines_model() -> pm.ParagraphModel:
    return pm.ParagraphModel(
        first=_stump("log_words", LONG, 6.0, -6.0),
        second=_stump("log_words", LONG, 0.85, -6.0),
        threshold=0.8,
        dump_share=0.3,
        dump_threshold=0.6,
    )


def test_short_lines_inside_an_extractors_article_are_not_a_page_dump() -> None:
    # An extractor's text starts with its article: the commands it quotes are the article's
    # own, however short, and nothing around them says this is a page.
    text = "\n\n".join([ARTICLE[0], *COMMANDS, *ARTICLE[1:]])
    doc = pm.strip_model_paragraphs(Document(text, language="en"), _short_lines_model())
    assert doc.text == text and not doc.removed


def test_chrome_before_the_article_or_already_taken_makes_a_page_dump() -> None:
    model = _short_lines_model()
    # Lines before the article block: the page's menu. The dump's bar takes them and the
    # short lines after the article.
    text = "\n\n".join([*MENU, *ARTICLE, *COMMANDS])
    doc = pm.strip_model_paragraphs(Document(text, language="en"), model)
    assert doc.paragraphs == ARTICLE
    assert [r.text for r in doc.removed] == [*MENU, *COMMANDS]
    # The same article with the menu already taken by a page-chrome rule is a dump as well.
    menu = Removal("chrome.page", "navigation", "Home News Sport Weather")
    assert "navigation" in pm.PAGE_CATEGORIES
    text = "\n\n".join([ARTICLE[0], *COMMANDS, *ARTICLE[1:]])
    doc = pm.strip_model_paragraphs(Document(text, language="en", removed=(menu,)), model)
    assert doc.paragraphs == ARTICLE
    assert [r.text for r in doc.removed[1:]] == COMMANDS
    # A removal that is no sign of a page (a byline) is not.
    byline = Removal("byline.by", "byline", "By Jane Doe")
    doc = pm.strip_model_paragraphs(Document(text, language="en", removed=(byline,)), model)
    assert doc.text == text
