"""Language identification: scripts first, then function words; and the shortcuts it takes."""

from __future__ import annotations

import pytest

from cleaners.language import _ANY_SCRIPT, _OUTSIDE_COMMON_BLOCKS, detect_language


def test_no_letter_of_a_telling_script_is_in_the_blocks_the_scan_skips() -> None:
    skipped = [chr(c) for c in range(0x2100) if not _OUTSIDE_COMMON_BLOCKS.match(chr(c))]
    assert skipped and not [c for c in skipped if _ANY_SCRIPT.match(c)]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("The minister said that the plan would be ready by the end of the year. " * 3, "en"),
        ("“The minister said that the plan would be ready by the end of the year.” " * 3, "en"),
        ("Министр сказал, что план будет готов к концу года, и что это не всё. " * 3, "ru"),
        ("Міністр сказав, що план буде готовий до кінця року, і що це ще не все. " * 3, "uk"),
        ("大臣は年末までに計画がまとまると述べた。これはまだ始まりにすぎない。" * 3, "ja"),
        ("장관은 연말까지 계획이 준비될 것이라고 말했다. 이것은 시작에 불과하다. " * 3, "ko"),
        ("Ο υπουργός είπε ότι το σχέδιο θα είναι έτοιμο μέχρι το τέλος του έτους. " * 3, "el"),
        ("12 34 56 — 78", None),
    ],
)
def test_languages(text: str, language: str | None) -> None:
    assert detect_language(text) == language
