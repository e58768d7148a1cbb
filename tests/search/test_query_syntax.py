"""The query syntax alone: text → tree, without an index or Whoosh."""
import sys

import pytest

from search.query_syntax import MAX_NESTING, QueryNode, merge_words, parse_syntax, plain_words


def tree(text: str) -> QueryNode:
    parsed = parse_syntax(text)
    assert parsed.problems == (), parsed.problems
    return parsed.tree


def leaves(node: QueryNode) -> list[tuple[str, str, str]]:
    if not node.children:
        return [(node.kind, node.text, node.field)]
    return [leaf for child in node.children for leaf in leaves(child)]


def test_plain_words_side_by_side_and_merged_into_one_run():
    parsed = tree("Kim Il Sung")
    assert [c.kind for c in parsed.children] == ["words", "words", "words"]
    assert merge_words(parsed.children) == [QueryNode("words", text="Kim Il Sung")]


def test_operators_build_flat_chains():
    parsed = tree("a OR b OR c AND d")
    (node,) = parsed.children
    assert node.kind == "or"
    assert [c.kind for c in node.children] == ["words", "words", "and"]
    assert leaves(node) == [("words", "a", ""), ("words", "b", ""), ("words", "c", ""), ("words", "d", "")]


def test_signs_not_and_required():
    parsed = tree('+truce -"armistice talks" NOT Seoul')
    assert [c.kind for c in parsed.children] == ["req", "not", "not"]
    assert parsed.children[1].children[0] == QueryNode("phrase", text="armistice talks")


def test_a_hyphen_inside_a_word_is_no_sign():
    assert leaves(tree("Pyongyang-Seoul")) == [("words", "Pyongyang-Seoul", "")]


def test_fields_map_to_index_fields_and_values_become_facet_leaves():
    parsed = tree('from:"Kim Il Sung" title:truce year:1951')
    assert leaves(parsed) == [("facet", "Kim Il Sung", "senders"), ("words", "truce", "title"),
                              ("facet", "1951", "years")]


def test_a_field_applies_to_every_leaf_of_its_group():
    assert leaves(tree("title:(truce OR armistice*)")) == [("words", "truce", "title"),
                                                            ("wildcard", "armistice*", "title")]
    assert leaves(tree("to:(Mao OR Zhou)")) == [("facet", "Mao", "recipients"), ("facet", "Zhou", "recipients")]


def test_fuzzy_distance_is_one_or_two():
    assert tree("Vishinski~").children[0] == QueryNode("fuzzy", text="Vishinski", distance=1)
    assert tree("Vishinski~2").children[0].distance == 2
    assert tree("Vishinski~7").children[0].distance == 2


def test_the_tree_is_immutable():
    node = tree("a OR b").children[0]
    with pytest.raises(AttributeError):
        node.children = ()


@pytest.mark.parametrize("text, problem", [
    ('"unclosed', "an unmatched quote"),
    ("(truce", "an unmatched '('"),
    ("truce)", "an unmatched ')'"),
    ("OR truce", "'OR' with nothing before it"),
    ("truce AND", "'AND' missing a side"),
    ("from: Stalin", "a field with no value"),
    ("truce NOT", "'NOT' with nothing after it"),
])
def test_problems_are_named(text, problem):
    assert parse_syntax(text).problems[0] == problem


def test_deep_nesting_is_a_problem_not_a_recursion_error():
    text = "(" * (MAX_NESTING + 1) + "x" + ")" * (MAX_NESTING + 1)
    assert parse_syntax(text).problems[0] == "brackets or operators nested too deeply"
    deep = "NOT " * (sys.getrecursionlimit() * 2) + "x"
    assert parse_syntax(deep).problems[0] == "brackets or operators nested too deeply"


def test_plain_words_drops_operators_and_syntax():
    assert plain_words('("truce" OR -talks) from: x~ y* +z') == "truce talks from x y z"


def test_a_minus_before_a_field_excludes_that_field():
    from search.query_syntax import parse_syntax

    tree = parse_syntax("armistice -type:telegram").tree
    assert [c.kind for c in tree.children] == ["words", "not"]
    assert tree.children[1].children[0].kind == "facet" and tree.children[1].children[0].field == "doc_type"
