"""A very long text is shown in parts: whole paragraphs, long ones cut between words."""
from web.doc_views import paragraphs_of, part_spans


def parts(body: str, limit: int) -> list[list[str]]:
    by_lines = "\n\n" not in body.strip()
    return [paragraphs_of(body[start:stop], by_lines) for start, stop in part_spans(body, limit)]


def test_parts_keep_paragraphs_whole_and_cut_long_ones_between_words():
    assert parts("aaaa\n\nbbbb\n\ncccc", limit=12) == [["aaaa", "bbbb"], ["cccc"]]
    assert parts("one two three four", limit=8) == [["one two"], ["three"], ["four"]]
    assert parts("line one\nline two\nline three", limit=20) == [["line one", "line two"], ["line three"]]
    assert parts("x" * 25, limit=10) == [["x" * 10], ["x" * 10], ["x" * 5]]
    assert parts("", limit=10) == [] and parts("short\n\n  \n", limit=10) == [["short"]]


def test_parts_cover_the_whole_text_in_order():
    body = "\n\n".join(f"paragraph {n} " + "word " * (n % 37) for n in range(400))
    spans = part_spans(body, limit=1000)
    assert spans[0][0] == 0 and spans[-1][1] == len(body)
    assert all(stop == next_start for (_, stop), (next_start, _) in zip(spans, spans[1:]))
    assert all(stop - start <= 1000 for start, stop in spans)
    assert [p for start, stop in spans for p in paragraphs_of(body[start:stop], False)] == paragraphs_of(body)
    lines = "a line\nanother line\n\n" + "a very long paragraph with one line after another\n" * 40
    first, second = parts(lines, limit=200)[:2]
    assert first == ["a line another line"]  # a text with blank lines keeps its line breaks inside paragraphs
    assert len(second) == 1 and second[0].startswith("a very long paragraph with one line after another a very")
