"""A very long text is shown in parts: whole paragraphs, long ones cut between words."""
from web.doc_views import body_parts


def test_body_parts_keep_paragraphs_whole_and_cut_long_ones_between_words():
    assert body_parts(["a" * 4, "b" * 4, "c" * 4], limit=9) == [["aaaa", "bbbb"], ["cccc"]]
    assert body_parts(["one two three four"], limit=8) == [["one two"], ["three"], ["four"]]
    assert body_parts([]) == []
