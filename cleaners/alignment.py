"""Which parts of a line a repair left as they were, in time that grows with the line.

The mojibake repair decodes ambiguous runs only where ftfy and the convincing decodes changed
nothing; finding those spans means aligning the line before and after. A character-level
alignment (difflib) costs up to the product of the lengths: a second for an article of 6,000
characters extracted as a single paragraph, a minute for one of 50,000. Long lines are first
cut at words that occur once in each version, in the same order (the anchors of a patience
diff), and only the short stretches between them are aligned character by character.
"""

from __future__ import annotations

import bisect
import difflib
import re
from collections.abc import Iterator

# Up to this many characters on either side, a stretch is aligned character by character
# (difflib's worst case here is a few hundredths of a second).
CHARACTER_ALIGNMENT_LIMIT = 2000
# Anchors: words, in any script. A word the repair changed is not the same in both versions,
# and one that occurs more than once in either could pair the wrong occurrences: only words
# found once in each anchor.
_ANCHOR = re.compile(r"\w{4,}")

Span = tuple[int, int]
# An unchanged stretch: where it is in the line before, where in the line after.
_Pair = tuple[int, int, int, int]


def unchanged_spans(before: str, after: str) -> list[Span]:
    """The spans of `after` that are `before` as it was, in order; two spans touch where
    something was taken out between them."""
    if _short(before, after):
        pairs = _character_pairs(before, after, 0, 0)
    else:
        pairs = []
        before_end = after_end = 0
        for before_start, after_start, size in _anchors(before, after):
            pairs += _stretch_pairs(
                before[before_end:before_start], after[after_end:after_start], before_end, after_end
            )
            pairs.append((before_start, before_start + size, after_start, after_start + size))
            before_end, after_end = before_start + size, after_start + size
        pairs += _stretch_pairs(before[before_end:], after[after_end:], before_end, after_end)
    return [(start, end) for _, _, start, end in _joined(pairs)]


def _character_pairs(before: str, after: str, before_at: int, after_at: int) -> list[_Pair]:
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    return [
        (before_at + i1, before_at + i2, after_at + j1, after_at + j2)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag == "equal"
    ]


def _short(before: str, after: str) -> bool:
    return len(before) <= CHARACTER_ALIGNMENT_LIMIT and len(after) <= CHARACTER_ALIGNMENT_LIMIT


def _stretch_pairs(before: str, after: str, before_at: int, after_at: int) -> list[_Pair]:
    if _short(before, after):
        return _character_pairs(before, after, before_at, after_at)
    # A long stretch with no anchor (text repeating itself): only its common ends count.
    head = _common_prefix(before, after)
    tail = _common_prefix(before[head:][::-1], after[head:][::-1])
    pairs = [(before_at, before_at + head, after_at, after_at + head)] if head else []
    if tail:
        before_stop, after_stop = before_at + len(before), after_at + len(after)
        pairs.append((before_stop - tail, before_stop, after_stop - tail, after_stop))
    return pairs


def _common_prefix(a: str, b: str) -> int:
    size = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        size += 1
    return size


def _once(text: str) -> dict[str, int]:
    """Each anchor word that occurs once in `text`, with its position."""
    positions: dict[str, int] = {}
    repeated: set[str] = set()
    for match in _ANCHOR.finditer(text):
        word = match.group()
        if word in positions:
            repeated.add(word)
        positions[word] = match.start()
    for word in repeated:
        del positions[word]
    return positions


def _anchors(before: str, after: str) -> Iterator[tuple[int, int, int]]:
    """(position in before, position in after, length) of the words found once in each, the
    longest chain of them that runs forward in both."""
    in_after = _once(after)
    pairs = sorted(
        (position, in_after[word], len(word))
        for word, position in _once(before).items()
        if word in in_after
    )
    # Longest increasing subsequence of the positions in `after` (patience sorting): tails[k]
    # is the pair ending the best chain of length k + 1 found so far.
    tails: list[int] = []
    tail_positions: list[int] = []
    previous: list[int | None] = [None] * len(pairs)
    for index, (_, after_position, _) in enumerate(pairs):
        length = bisect.bisect_left(tail_positions, after_position)
        previous[index] = tails[length - 1] if length else None
        if length == len(tails):
            tails.append(index)
            tail_positions.append(after_position)
        else:
            tails[length] = index
            tail_positions[length] = after_position
    chain: list[int] = []
    node = tails[-1] if tails else None
    while node is not None:
        chain.append(node)
        node = previous[node]
    for index in reversed(chain):
        yield pairs[index]


def _joined(pairs: list[_Pair]) -> list[_Pair]:
    """Stretches that continue each other in both lines as one (an anchor and the unchanged
    text on either side of it); where something was taken out between them in the line
    before, they stay two, as in a character alignment."""
    joined: list[_Pair] = []
    for pair in pairs:
        if joined and joined[-1][1] == pair[0] and joined[-1][3] == pair[2]:
            joined[-1] = (joined[-1][0], pair[1], joined[-1][2], pair[3])
        else:
            joined.append(pair)
    return joined
