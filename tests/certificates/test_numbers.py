"""Certificate numbers (with a check symbol) and verification codes."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from certificates.errors import NumberError
from certificates.numbers import (
    ALPHABET,
    CODE_LENGTH,
    check_symbol,
    format_code,
    is_valid_number,
    new_certificate_number,
    new_verification_code,
    normalize_code,
    normalize_number,
)


def test_number_form() -> None:
    number = new_certificate_number(2026)
    prefix, year, body = number.split("-")
    assert (prefix, year, len(body)) == ("JW", "2026", 9)
    assert set(body) <= set(ALPHABET)
    assert normalize_number(number) == number


def test_numbers_are_distinct() -> None:
    assert len({new_certificate_number(2026) for _ in range(500)}) == 500


def test_alphabet_has_no_ambiguous_letters() -> None:
    assert not set("ILOU") & set(ALPHABET)
    assert len(ALPHABET) == 32


def test_code_strength_and_alphabet() -> None:
    code = new_verification_code()
    assert len(code) == CODE_LENGTH
    assert set(code) <= set(ALPHABET)
    assert CODE_LENGTH * math.log2(len(ALPHABET)) >= 80


_bodies = st.text(alphabet=ALPHABET, min_size=8, max_size=8)


def _number(body: str) -> str:
    return f"JW-2026-{body}{check_symbol('2026' + body)}"


@settings(max_examples=200)
@given(_bodies, st.data())
def test_check_symbol_catches_any_single_substitution(body: str, data: st.DataObject) -> None:
    number = _number(body)
    assert is_valid_number(number)
    position = data.draw(st.integers(len("JW-2026-"), len(number) - 1))
    replacement = data.draw(st.sampled_from(ALPHABET).filter(lambda c: c != number[position]))
    wrong = number[:position] + replacement + number[position + 1 :]
    assert not is_valid_number(wrong)


@settings(max_examples=200)
@given(_bodies, st.data())
def test_check_symbol_catches_adjacent_swaps(body: str, data: st.DataObject) -> None:
    number = _number(body)
    position = data.draw(st.integers(len("JW-2026-"), len(number) - 2))
    a, b = number[position], number[position + 1]
    if a == b:
        return
    swapped = number[:position] + b + a + number[position + 2 :]
    assert not is_valid_number(swapped)


def test_typed_numbers_normalize() -> None:
    number = _number("0100A0B0")
    typed = " " + number.lower().replace("-2026-01", "-2026-oi").replace("a0", "ao") + " "
    assert typed != " " + number.lower() + " "
    assert normalize_number(typed) == number


@pytest.mark.parametrize(
    "text", ["", "JW-26-12345678", "JW-2026-1234", "hello", "JW-2026-UUUUUUUUU"]
)
def test_malformed_numbers(text: str) -> None:
    with pytest.raises(NumberError):
        normalize_number(text)


def test_code_normalization_and_format() -> None:
    code = new_verification_code()
    printed = format_code(code)
    assert printed.count("-") == CODE_LENGTH // 5 - 1
    assert normalize_code(printed.lower()) == code
    with pytest.raises(NumberError):
        normalize_code(code[:-1])
    with pytest.raises(NumberError):
        normalize_code(code[:-1] + "U")


def test_every_adjacent_swap_of_every_symbol_pair_is_caught() -> None:
    # Exhaustive over symbol pairs and every pair of neighbouring body positions.
    for position in range(8 - 1):
        for a in ALPHABET:
            for b in ALPHABET:
                if a == b:
                    continue
                body = "0" * position + a + b + "0" * (8 - position - 2)
                swapped = body[:position] + b + a + body[position + 2 :]
                assert check_symbol("2026" + body) != check_symbol("2026" + swapped)
