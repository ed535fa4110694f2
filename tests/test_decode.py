"""Bytes to text: BOM, declared charset, strict UTF-8, then a detected fallback; never a crash
and never silent loss."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaners.decode import declared_charset, decode, normalize_charset

RUSSIAN = "Привет, как дела? Всё хорошо, спасибо большое за помощь."
FRENCH = "Le café “crème” coûte 3 € – naïve façon d’été."


@pytest.mark.parametrize(
    ("bom", "codec"),
    [
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
    ],
)
def test_a_byte_order_mark_wins_and_is_dropped(bom: bytes, codec: str) -> None:
    decoded = decode(bom + FRENCH.encode(codec), declared="cp1251")
    assert (decoded.text, decoded.evidence) == (FRENCH, "bom")


def test_a_declared_charset_is_used_from_a_header_or_the_markup() -> None:
    data = RUSSIAN.encode("cp1251")
    from_header = decode(data, declared="windows-1251")
    assert (from_header.text, from_header.evidence) == (RUSSIAN, "declared")
    page = b'<html><head><meta charset="windows-1251"></head>' + data
    assert decode(page, markup=True).evidence == "declared"
    assert RUSSIAN in decode(page, markup=True).text
    # The meta tag is markup: in plain text it declares nothing.
    assert decode(page).evidence == "detected"


def test_a_wrong_declaration_loses_to_bytes_that_are_clean_utf8() -> None:
    decoded = decode(RUSSIAN.encode("utf-8"), declared="iso-8859-1")
    assert (decoded.text, decoded.encoding) == (RUSSIAN, "utf-8")


def test_an_unknown_declaration_is_ignored() -> None:
    assert normalize_charset("x-no-such-charset") is None
    assert decode(FRENCH.encode("utf-8"), declared="x-no-such-charset").text == FRENCH


def test_latin1_labels_mean_windows_1252_as_in_browsers() -> None:
    assert normalize_charset("ISO-8859-1") == "cp1252"
    assert declared_charset(b"<?xml version='1.0' encoding='latin1'?><a/>") == "cp1252"


@pytest.mark.parametrize(("text", "codec"), [(RUSSIAN, "cp1251"), (FRENCH, "cp1252")])
def test_undeclared_single_byte_text_is_detected(text: str, codec: str) -> None:
    decoded = decode(text.encode(codec))
    assert (decoded.text, decoded.encoding, decoded.evidence) == (text, codec, "detected")


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_bom_is_detected(codec: str) -> None:
    text = "Plain English text, saved by a Windows tool."
    decoded = decode(text.encode(codec))
    assert (decoded.text, decoded.encoding) == (text, codec)


def test_a_stray_nul_in_short_data_is_not_utf16() -> None:
    assert decode(b"abc\x00").text == "abc\x00"


def test_bytes_cp1252_leaves_undefined_fall_back_to_latin1_without_loss() -> None:
    decoded = decode(b"caf\xe9 \x81\x8d")
    assert decoded.text == "café \x81\x8d"
    assert decoded.replaced == 0


def test_undecodable_bytes_under_a_declaration_are_counted_not_dropped() -> None:
    decoded = decode(b"ok \x98 end", declared="cp1251")
    assert decoded.text.count("\ufffd") == decoded.replaced
    assert decoded.text.startswith("ok ") and decoded.text.endswith(" end")


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200), st.sampled_from([None, "utf-8", "cp1251", "shift_jis", "x-bad"]))
def test_any_bytes_decode_without_raising_or_silent_loss(data: bytes, declared: str | None) -> None:
    decoded = decode(data, declared, markup=True)
    assert isinstance(decoded.text, str)
    # Every byte that could not be decoded is a U+FFFD that the count reports.
    assert decoded.replaced <= decoded.text.count("\ufffd")
    single_byte = decoded.encoding in {"cp1252", "latin-1", "cp1251"}
    if single_byte and decoded.evidence == "detected":
        # A single-byte fallback keeps one character per byte: nothing disappears.
        assert len(decoded.text) == len(data)
