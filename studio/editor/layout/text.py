"""Text metrics without fonts: estimated widths and greedy wrapping, deterministic everywhere."""

from __future__ import annotations

# Average advance of a sans-serif glyph, as a fraction of the font size (Arial/Helvetica ~0.55).
_ADVANCE = 0.56
_NARROW = frozenset("iIjl.,:;'|!")
_SEMI = frozenset("frt()[] -/")
_WIDE = frozenset("mwMW@")


def text_width(text: str, font_size: float = 12.0) -> float:
    """Estimated width in pixels of one line of `text`."""
    units = 0.0
    for ch in text:
        if ch in _NARROW:
            units += 0.45
        elif ch in _SEMI:
            units += 0.6
        elif ch in _WIDE:
            units += 1.5
        elif ch.isupper():
            units += 1.2
        else:
            units += 1.0
    return units * _ADVANCE * font_size


def wrap(text: str, max_width: float, font_size: float = 12.0) -> list[str]:
    """Greedy word wrap of `text` (explicit newlines kept) into lines at most `max_width` wide."""
    lines: list[str] = []
    for paragraph in text.replace("\r\n", "\n").split("\n"):
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}" if line else word
            if text_width(candidate, font_size) <= max_width:
                line = candidate
                continue
            if line:
                lines.append(line)
            line = ""
            while text_width(word, font_size) > max_width and len(word) > 1:
                cut = _fitting_prefix(word, max_width, font_size)
                lines.append(word[:cut])
                word = word[cut:]
            line = word
        if line:
            lines.append(line)
    return lines


def _fitting_prefix(word: str, max_width: float, font_size: float) -> int:
    for cut in range(len(word) - 1, 0, -1):
        if text_width(word[:cut], font_size) <= max_width:
            return cut
    return 1
