"""Number lists checked in linear time before the detailed parsers read them.

The grammars of path data, transform lists and point lists let numbers follow each other
without separators ("1.5.5", "10-5"), and a backtracking regular expression that fails to
match such a run tries every way of splitting its digits: twenty digits before a stray "--"
take minutes. Here a run is read by a small automaton simulated as a set of states, in time
linear in its length, so a bad run is found at once and refused with the same kind of
message; a good run is then parsed as before, and a matching expression is fast. The
automaton accepts exactly the language of the parsers' expressions (checked against them on
every short string in tests/cam/test_svg_guard.py).
"""

from __future__ import annotations

import re

from .units import NUMBER_RUN

_PATH_COMMAND_SPLIT = re.compile(r"([MmZzLlHhVvCcSsQqTtAa])")

# States of the number-run automaton (the language of
# "\s*(?:NUMBER(?:\s*,?\s*NUMBER)*)?\s*" with NUMBER "[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)
# (?:[eE][+-]?[0-9]+)?"), simulated as a set of states: linear in the text's length.
_LEAD, _SIGN, _INT, _DOT0, _FRAC, _FRAC1, _EXP0, _EXP1, _EXPD, _AFTER, _COMMA = range(11)
_NUMBER_END = frozenset((_INT, _FRAC, _FRAC1, _EXPD))  # a number may end here
_DIGITS = frozenset("0123456789")


def _start(ch: str, out: set[int]) -> None:
    """The states reached by reading ch at the start of a number."""
    if ch in "+-":
        out.add(_SIGN)
    elif ch in _DIGITS:
        out.add(_INT)
    elif ch == ".":
        out.add(_DOT0)


def _step(state: int, ch: str, out: set[int]) -> None:
    if state in (_LEAD, _AFTER, _COMMA):
        if ch.isspace():  # as the expressions' \s
            out.add(state)
            return
        if ch == "," and state == _AFTER:
            out.add(_COMMA)
            return
        _start(ch, out)
        return
    if state in _NUMBER_END:  # the number may end here and a separator or the next begin
        _step(_AFTER, ch, out)
    digit = ch in _DIGITS
    if state == _SIGN:
        if digit:
            out.add(_INT)
        elif ch == ".":
            out.add(_DOT0)
    elif state == _INT:
        if digit:
            out.add(_INT)
        elif ch == ".":
            out.add(_FRAC)
        elif ch in "eE":
            out.add(_EXP0)
    elif state == _DOT0:
        if digit:
            out.add(_FRAC1)
    elif state in (_FRAC, _FRAC1):
        if digit:
            out.add(state)
        elif ch in "eE":
            out.add(_EXP0)
    elif state == _EXP0:
        if ch in "+-":
            out.add(_EXP1)
        elif digit:
            out.add(_EXPD)
    elif state in (_EXP1, _EXPD):
        if digit:
            out.add(_EXPD)


def number_run_error(text: str) -> int | None:
    """None when text is numbers separated by optional whitespace and single commas;
    otherwise the index just past the character where it stops being one (its length when
    it ends too early)."""
    if NUMBER_RUN.fullmatch(text) is not None:  # one pass that cannot backtrack
        return None
    return _automaton_error(text)


def _automaton_error(text: str) -> int | None:
    """Where a run stops being numbers, read by the automaton (a set of states)."""
    states = {_LEAD}
    for i, ch in enumerate(text):
        nxt: set[int] = set()
        for state in states:
            _step(state, ch, nxt)
        if not nxt:
            return i + 1
        states = nxt
    return None if states & (_NUMBER_END | {_LEAD, _AFTER}) else len(text)


def number_run_ok(text: str) -> bool:
    return number_run_error(text) is None


def bad_path_run(d: str) -> str | None:
    """'near' text for the first run of arguments in path data that is not a number run:
    its command and the arguments up to where they stop parsing; None when all are."""
    parts = _PATH_COMMAND_SPLIT.split(d)
    for i in range(0, len(parts), 2):
        stop = number_run_error(parts[i])
        if stop is not None:
            command = parts[i - 1] if i else ""
            return (command + parts[i][:stop]).strip()[:24]
    return None


def bad_transform_args(text: str) -> str | None:
    """The first argument list of a transform that is not a number run in parentheses (one
    left open included), or None."""
    pos = 0
    while True:
        start = text.find("(", pos)
        if start < 0:
            return None
        end = text.find(")", start + 1)
        if end < 0:
            return text[start : start + 30]
        if not number_run_ok(text[start + 1 : end]):
            return text[start : end + 1]
        pos = end + 1
