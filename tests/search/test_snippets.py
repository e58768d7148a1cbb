"""Snippets and highlighting from character spans, without an index: marks, escaping, and fragments widened to
whole words."""
from __future__ import annotations

from search.snippets import ELLIPSIS, LEAD_CHARS, highlight, merge, snippet

BODY = ("The delegation arrived at Kaesong on the tenth of July. After a long exchange about the demarcation line "
        "and the prisoners of war, the armistice talks were suspended until the next morning, when Nam Il "
        "asked again about the armistice commission and its inspectors.")


def spans_of(text: str, word: str) -> list[tuple[int, int]]:
    found, start = [], text.find(word)
    while start >= 0:
        found.append((start, start + len(word)))
        start = text.find(word, start + 1)
    return found


def test_merge_sorts_clips_and_joins_overlaps():
    assert merge([(10, 14), (0, 3), (2, 5), (12, 20), (30, 99), (40, 40)], 35) == [(0, 5), (10, 20), (30, 35)]


def test_highlight_escapes_everything_but_its_marks():
    text = "a <b> & armistice"
    assert highlight(text, [(8, 17)]) == "a &lt;b&gt; &amp; <mark>armistice</mark>"
    assert highlight(text, [(8, 17)], 2, 5) == "&lt;b&gt;"


def test_a_snippet_marks_the_words_and_cuts_only_between_words():
    text = snippet(BODY, spans_of(BODY, "armistice"))
    assert text.count("<mark>armistice</mark>") == 2
    for fragment in text.split(ELLIPSIS):
        plain = fragment.replace("<mark>", "").replace("</mark>", "").strip()
        if plain:
            first, last = plain.split()[0], plain.split()[-1]
            assert f" {first}" in f" {BODY}" and f"{last} " in f"{BODY} ", fragment  # whole words at both ends
    assert text.startswith(ELLIPSIS) and text.endswith(ELLIPSIS)


def test_without_matches_the_snippet_is_the_opening_cut_at_a_word():
    long_body = "word " * 100
    text = snippet(long_body, [])
    assert text.endswith(ELLIPSIS) and len(text) <= LEAD_CHARS + 1
    assert text[:-1].endswith("word")
    assert snippet("Short note.", []) == "Short note."
