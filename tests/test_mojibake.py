"""Mojibake repair: ftfy's own cases, the gold texts, the seed, and the mechanisms beyond ftfy."""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

import ftfy
import pytest
from ftfy import fixes
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaners.mojibake import _FTFY_CONFIG, fix_encoding, may_be_mojibake, repair_mojibake
from tests.conftest import DATA, SEEDS

FTFY = DATA / "ftfy"


def _cases(name: str) -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = json.loads((FTFY / name).read_text(encoding="utf-8"))
    return cases


def _canonical(text: str) -> str:
    """ftfy's expectations straighten quotes, break ligatures and narrow full-width forms;
    ours keep typography, so the comparison ignores those."""
    text = fixes.fix_character_width(fixes.uncurl_quotes(fixes.fix_latin_ligatures(text)))
    return unicodedata.normalize("NFC", text)


PASSING = [
    case
    for name in ("in-the-wild.json", "synthetic.json", "negative.json", "language-names.json")
    for case in _cases(name)
    if case["expect"] == "pass"
]


def test_every_ftfy_pass_case_comes_out_as_expected() -> None:
    wrong = [
        (case["label"], fix_encoding(case["original"]))
        for case in PASSING
        if _canonical(fix_encoding(case["original"])) != _canonical(case["fixed"])
    ]
    assert len(PASSING) == 151
    assert wrong == []


def test_negative_cases_are_left_alone() -> None:
    for case in _cases("negative.json"):
        if case["original"] == case["fixed"]:
            assert fix_encoding(case["original"]) == case["original"], case["label"]


def test_at_least_half_of_ftfys_known_failures_are_fixed() -> None:
    fixed = [
        case["label"]
        for case in _cases("known-failures.json")
        if _canonical(fix_encoding(case["original"])) == _canonical(case["fixed"])
    ]
    assert len(fixed) >= 5, fixed


def test_repair_is_idempotent_on_ftfys_cases() -> None:
    for case in PASSING:
        once = fix_encoding(case["original"])
        assert fix_encoding(once) == once, case["label"]


def test_gold_texts_pass_unchanged_and_untouched(gold_texts: dict[str, str]) -> None:
    assert len(gold_texts) == 181
    for key, text in gold_texts.items():
        assert fix_encoding(text) is text, key


def test_seed_002_mojibake_comes_back_as_cyrillic() -> None:
    text = (SEEDS / "002_ca3b6ff340dc6cc7.txt").read_text(encoding="utf-8")
    fixed, repairs = repair_mojibake(text)
    assert "РєР" not in fixed
    assert "subscribe to our канал в Telegram" in fixed
    assert {r.kind for r in repairs} >= {"mojibake", "mojibake_spacing"}
    # Only the damaged stretch changed.
    assert fixed.replace("канал в", "") == text.replace("РєР ° РЅР ° Р »РІ", "")


def test_typography_and_ligatures_survive() -> None:
    text = "“Quoted” — dashes – ellipsis… ﬁne ligatures, ＦＵＬＬ width, l’été «ça»"
    assert fix_encoding(text) == text
    damaged = text.encode("utf-8").decode("sloppy-windows-1252")
    assert fix_encoding(damaged) == text


@pytest.mark.parametrize(
    "clean",
    [
        "Проверка связи: «канал» в Telegram — всё работает.",
        "Ελληνικά κείμενα με «εισαγωγικά» και τόνους.",
        "Zażółć gęślą jaźń — Příliš žluťoučký kůň.",
        "Ngôn ngữ tiếng Việt có nhiều dấu thanh.",
        "日本語のテキストと한국어 텍스트",
    ],
)
def test_mojibake_in_one_paragraph_of_a_clean_document(clean: str) -> None:
    damaged_paragraph = clean.encode("utf-8").decode("sloppy-windows-1252")
    document = f"{clean}\n{damaged_paragraph}\n{clean}"
    assert fix_encoding(document) == f"{clean}\n{clean}\n{clean}"


def test_mojibake_inside_a_clean_line() -> None:
    word = "свекольным"
    line = f"Гамбургеры со {word.encode('utf-8').decode('cp1251')} кетчупом."
    assert fix_encoding(line) == f"Гамбургеры со {word} кетчупом."


def test_two_layers() -> None:
    text = "Über café — naïve “quotes”"
    twice = text.encode("utf-8").decode("sloppy-windows-1252")
    twice = twice.encode("utf-8").decode("sloppy-windows-1252")
    assert fix_encoding(twice) == text


def test_spaced_cyrillic_mojibake_is_read_through_the_spaces() -> None:
    mojibake = "Главная страница сайта".encode().decode("cp1251")
    spaced = mojibake.replace("°", " ° ").replace("»", " »")
    assert spaced != mojibake
    assert fix_encoding(spaced).replace(" ", "") == "Главнаястраницасайта"


def test_an_ambiguous_run_needs_evidence_from_the_rest_of_the_document() -> None:
    # "Г " is "à" read as cp1251 with its 0xA0 turned into a space, or just a Cyrillic letter.
    alone = "attention Г bien"
    assert fix_encoding(alone) == alone
    with_evidence = alone + " avant le mГ©dicament"
    assert fix_encoding(with_evidence) == "attention à bien avant le médicament"


def test_a_capitalised_word_with_trailing_punctuation_is_not_mojibake() -> None:
    for text in ("VOCÊ…", "NICIODATĂ™", "ZZAJÉ’s", "SELKÄ EDELLÄ"):
        document = f"{text} café crème".replace("é", "Ã©")
        assert text in fix_encoding(document), document


def test_c1_controls_read_as_macroman_when_the_words_say_so() -> None:
    assert fix_encoding("Coatl\x87n conf\x92an") == "Coatlán confían"
    assert fix_encoding("don\x92t stop") == "don’t stop"


def test_control_characters_are_removed_and_reported() -> None:
    fixed, repairs = repair_mojibake("lossy\x1a text\x00 here")
    assert fixed == "lossy text here"
    assert [r.kind for r in repairs] == ["control_characters"]


def test_repairs_say_what_changed() -> None:
    fixed, repairs = repair_mojibake("Le cafÃ© est prÃªt")
    assert fixed == "Le café est prêt"
    (repair,) = repairs
    assert repair.kind == "mojibake"
    assert repair.count > 0
    assert "café" in repair.example


def test_clean_text_comes_back_as_the_same_object() -> None:
    text = "Plain text with “quotes” — and no damage at all."
    assert fix_encoding(text) is text
    assert repair_mojibake(text) == (text, ())


_ALPHABET = st.sampled_from(
    list("abcxyz ,.-'\"")
    + list("éèàçñöüßøåæœ’“”–—…«»°±µ")
    + list("абвгдеёжиклмнопрстуфхцчшщыэюяіїє")
)
_CODECS = st.sampled_from(
    ["sloppy-windows-1252", "latin-1", "sloppy-windows-1251", "sloppy-windows-1250", "macroman"]
)


@settings(max_examples=150, deadline=None)
@given(st.text(_ALPHABET, min_size=1, max_size=40), _CODECS, st.booleans())
def test_the_gate_never_hides_what_ftfy_would_fix(text: str, codec: str, damage: bool) -> None:
    """Damaged text always gets past the gate where ftfy would repair it. On clean text the
    gate may well turn away what ftfy would change: on a short string ftfy sometimes "repairs"
    clean text ('»ß' to 'ȧ'), and copying that would be damage."""
    if damage:
        text = text.encode("utf-8").decode(codec)
    if not may_be_mojibake(text):
        if damage:
            assert ftfy.fix_text(text, config=_FTFY_CONFIG) == text
        assert fix_encoding(text) is text


@settings(max_examples=150, deadline=None)
@given(st.text(_ALPHABET, min_size=1, max_size=60))
def test_fix_encoding_never_raises_and_is_stable(text: str) -> None:
    once = fix_encoding(text)
    assert isinstance(once, str)
    assert fix_encoding(once) == once


def _gate_as_alternation() -> tuple[re.Pattern[str], list[str]]:
    """The gate's coarse pattern as the plain alternation it stands for, and its characters."""
    from cleaners.mojibake import _char_class, _codecs, _nbsp_leads

    controls = {chr(c) for c in (*range(0x00, 0x09), *range(0x0E, 0x20), *range(0x7F, 0xA0))}
    controls |= {chr(c) for c in range(0xD800, 0xE000)}
    controls.discard("\x1b")
    leads = set().union(*(codec.needs for codec in _codecs()))
    conts = set().union(*(codec.continuations for codec in _codecs())) | {"\ufffd"}
    nbsp = {c for codec in _codecs() if codec.nbsp_lost for c in _nbsp_leads(codec)}
    pattern = re.compile(
        f"[{_char_class(controls)}]|[{_char_class(leads)}](?: ?[{_char_class(conts)}]|&)"
        f"|[{_char_class(nbsp)}] "
    )
    chars = sorted(controls)[:40] + sorted(leads) + sorted(conts) + list(" &abé\n") * 5
    return pattern, chars


_ALTERNATION, _GATE_CHARS = _gate_as_alternation()


@settings(max_examples=1000)
@given(st.lists(st.sampled_from(_GATE_CHARS), max_size=8).map("".join))
def test_gate_finds_what_the_alternation_finds(text: str) -> None:
    from cleaners.mojibake import _gate

    found, expected = _gate().coarse.search(text), _ALTERNATION.search(text)
    assert (found and found.start()) == (expected and expected.start())


def test_afrikaans_n_is_kept_as_written() -> None:
    # Typography is kept: U+0149 is the author's character, not damage.
    assert fix_encoding("Dit is ŉ toets") == "Dit is ŉ toets"
    assert fix_encoding("Dit is ŉ toets".encode().decode("sloppy-windows-1252")) == "Dit is ŉ toets"


def test_respacing_model_prefers_the_documents_own_words() -> None:
    from cleaners.respacing import MARK_JOIN, MARK_SPACE, build_model, resolve

    model = build_model(["канал в канал и в канал"], ["в", "и"])
    assert resolve(f"ка{MARK_SPACE}нал{MARK_JOIN}в", model) == "канал в"
    assert resolve("no marks here", model) == "no marks here"


def test_spaced_latin_mojibake_comes_back_with_document_evidence() -> None:
    clean = "Le café est prêt. Le café est chaud."
    damaged = clean.encode().decode("sloppy-windows-1252").replace("Ã©", "Ã ©", 1)
    assert fix_encoding(damaged) == clean


def _misread(text: str, codec: str = "sloppy-windows-1252") -> str:
    import ftfy.bad_codecs  # noqa: F401  (registers the sloppy codecs)

    return text.encode("utf-8").decode(codec)


def _space_symbols(text: str) -> str:
    """A translation tool's spacing: every non-ASCII symbol gets a space on both sides."""
    spaced = "".join(
        f" {c} " if not c.isascii() and not c.isalnum() and c != "\xa0" else c for c in text
    )
    return " ".join(part for part in spaced.split(" ") if part)


RUSSIAN = "В восьмидесятых годах чешская красавица заявила о себе на весь мир."


def test_spaced_cyrillic_comes_back_exactly_with_its_spaces() -> None:
    damaged = _space_symbols(_misread(RUSSIAN))
    assert "Ð ° Ð" in damaged  # `а` spaced on both sides: its space may be the text's
    assert fix_encoding(damaged) == RUSSIAN


def test_a_space_moved_from_after_a_symbol_comes_back() -> None:
    # `х` is `Ñ…`: the tool put a space before `…` and took away the text's space after it.
    damaged = _misread(RUSSIAN).replace("Ñ… Ñ‡", "Ñ …Ñ‡")
    assert "Ð´Ð°Ñ …Ñ‡Ðµ" in damaged
    assert fix_encoding(damaged) == RUSSIAN


def test_spaced_greek_comes_back_exactly() -> None:
    # Word lists are casefolded (`ευρώπησ`): the final sigma must still find its word.
    greek = "Η Ελλάδα είναι χώρα της νότιας Ευρώπης και η Αθήνα είναι η πρωτεύουσα."
    assert fix_encoding(_space_symbols(_misread(greek))) == greek


def test_spaced_latin_apostrophes_stay_inside_their_words() -> None:
    english = "The USDA’s MyPlate guidelines offer a helpful visual, and it’s free."
    damaged = _space_symbols(_misread(english))
    assert "â € ™ s" in damaged
    assert fix_encoding(damaged) == english


def test_clean_text_beside_spaced_mojibake_is_left_as_written() -> None:
    spaced = _space_symbols(_misread("Le café est prêt à l’heure, et la crème brûlée aussi."))
    clean = [
        "Il est arrivé à © 2024 de la ville.",
        "Il a dit « non » puis « oui » — « peut-être ».",
        "Voir à ¼ de la page, à ½ ou à ¾.",
    ]
    repaired = fix_encoding("\n".join([spaced, *clean])).split("\n")
    assert repaired == ["Le café est prêt à l’heure, et la crème brûlée aussi.", *clean]


def test_the_channel_follows_the_rate_the_tool_spaced_at() -> None:
    from cleaners.respacing import MARK_JOIN, MARK_LONE, MARK_SPACE, channel_costs

    rare, always = channel_costs(0.1), channel_costs(1.0)
    # A space after a symbol the tool did not space before: the text's, unless the tool
    # spaces most symbols.
    space, none = rare[MARK_LONE]
    assert none - space > 3
    assert abs(always[MARK_LONE][0] - always[MARK_LONE][1]) < 1e-9
    # Spaced before and after: a space is likelier than none; spaced before only: none.
    assert always[MARK_SPACE][0] < always[MARK_SPACE][1]
    assert always[MARK_JOIN][0] > always[MARK_JOIN][1]


def test_serbian_cyrillic_words_come_from_the_latin_list() -> None:
    from cleaners.respacing import lexicon

    serbian = lexicon("sr")
    assert serbian["је"] > serbian.get("године", 0) > 0
    assert "je" not in serbian


def test_the_language_is_told_by_its_alphabet_when_the_words_do_not_say() -> None:
    from cleaners.respacing import choose_languages

    assert choose_languages(["Швейцарія", "Єгипет", "словенська"], "CYRILLIC")[0] == "uk"
    assert choose_languages(["Кајманска", "Острва"], "CYRILLIC")[0] == "sr"
