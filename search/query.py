"""The query language compiled to Whoosh queries; `search/query_syntax.py` parses it (pure, no Whoosh).

Plain words are soft-AND: ``Or([And(words), Or(words)])``, so documents with every word score roughly twice as
high as documents missing one, which are still found. Runs of plain words are analysed together with the index's
own analyzer (`mode="query"`), so multi-word names ("Kim Il Sung") meet their entity token; each word position
becomes an OR of its alternatives: exact word and transliteration (boost 1), entity (0.8), CJK bigram phrase
(0.8), stems (0.5). Facet field values resolve through the authority to canonical names.

Input that cannot be parsed as written (unbalanced quotes or brackets, stray operators, an empty field) is
searched as plain words with a notice.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from itertools import islice, product
from typing import Callable

from whoosh import query as wq
from whoosh.analysis import STOP_WORDS as STOP_WORDS_EN
from whoosh.support.levenshtein import damerau_levenshtein

from corpus.archive import citation_keys, find_citation, parse_source_note
from index.analysis import (ENTITY_PREFIX, AuthorityFilter, fold_word, name_bases, pinyin_name_forms, script_of,
                            transliterate_cyrillic)
from index.caching import BoundedCache
from index.hangul import is_hangul_name, korean_name_forms
from index.facets import FACET_BY_FIELD
from search.query_syntax import QueryNode, merge_words, parse_syntax, plain_words

TEXT_FIELDS = ("title", "body")
REFERENCE_FIELD = "reference"
MAX_WORDS = 32
MIN_PREFIX = 2
FUZZY_NAMES_BYTES = 4 * 2**20  # fuzzy words' name matches kept per generation
BOOSTS = {"word": 1.0, "translit": 1.0, "entity": 0.8, "bigram": 0.8, "stem": 0.5, "typo": 0.3,
          "spelling": 0.3}
# An entity named in the query also matches documents that it sent or received (ranked like a title mention)
# and those whose people/places list it (ranked below a mention in the text).
PARTY_FIELDS = ("senders", "recipients")
MENTION_FIELDS = ("people", "places")
PARTY_BOOST, MENTION_BOOST = 3.0, 0.5
TYPO_ONE, TYPO_TWO, TYPO_LONGEST = 5, 9, 30
NOMINATIVE_ENDINGS = ("", "а", "я", "ий", "ь")
MAX_NAME_WORDS = 4  # words of a name typed in Cyrillic looked up in the authority's Latin forms
MAX_ROMANIZATIONS = 512  # spellings of one Hangul name looked up in the authority
RARE = 1  # a word in at most this many documents is also searched with typo tolerance
LONG_QUERY = 4  # content words from which a query ranks by how many words match rather than needing all
PROXIMITY_PAIRS, PROXIMITY_BOOST, PROXIMITY_SLOP = 8, 0.5, 3
STOP_WORDS = frozenset(STOP_WORDS_EN) | {"did", "does", "about", "what", "which", "who", "whom", "how", "why",
                                         "when", "where", "he", "his", "she", "her", "they", "them", "their"}
Frequency = Callable[[str], int]
KOREAN_PARTICLES = ("에게서", "에게", "께서", "은", "는", "이", "가", "을", "를", "의", "에", "와", "과", "도", "로", "으로")

Resolver = Callable[[str, str], "str | None"]


@dataclass(frozen=True)
class ParsedQuery:
    """The Whoosh query plus what the user should be told and the plain words typed (for suggestions)."""

    query: wq.Query
    notices: tuple[str, ...] = ()
    words: tuple[str, ...] = ()
    plain_fallback: bool = False
    # Words searched with typo tolerance because the index has them (or their stems) in too few documents:
    # (as typed, folded, edits allowed, documents holding it); the Searcher corrects those the index lacks.
    tolerated: tuple[tuple[str, str, int, int], ...] = ()


class FuzzyNames:
    """What the query side needs from the generation's authority: folded one-word forms → entity token (so a
    misspelt word may mean a name: Vishinski~ finds every Vyshinsky), entity token → canonical name, and the
    matches found for each (word, distance), remembered since each word is compared with every form. One per
    index generation: the Snapshot keeps it."""

    def __init__(self, analyzer):
        self.analyzer = analyzer
        self._found = BoundedCache(FUZZY_NAMES_BYTES)

    @cached_property
    def _entries(self) -> tuple:
        items = getattr(self.analyzer, "items", ())
        authority = next((item for item in items if isinstance(item, AuthorityFilter)), None)
        return tuple(authority.entries) if authority is not None else ()

    @cached_property
    def one_word(self) -> dict[str, str]:
        names: dict[str, str] = {}
        for key, forms in self._entries:
            for form in forms:
                words = re.split(r"[\s\-]+", form.strip())
                folded = fold_word(words[0])[0] if len(words) == 1 else ""
                if len(folded) >= 4:
                    names.setdefault(folded, f"{ENTITY_PREFIX}{key}")
        return names

    @cached_property
    def spelled(self) -> dict[tuple[str, ...], str]:
        """Every form's folded words (split at spaces and hyphens: Pak Hon-yong → pak hon yong) → entity token,
        for forms that belong to one entry only."""
        names: dict[tuple[str, ...], set[str]] = {}
        for key, forms in self._entries:
            for form in forms:
                words = tuple(fold_word(w)[0] for w in re.split(r"[\s\-]+", form.strip()) if w)
                if all(words):
                    names.setdefault(words, set()).add(f"{ENTITY_PREFIX}{key}")
        return {words: next(iter(tokens)) for words, tokens in names.items() if len(tokens) == 1}

    def romanized(self, word: str) -> str | None:
        """The entity a Hangul name nobody listed stands for, when one of its romanizations is a form of exactly
        one entry (박헌영 → Pak Hon-yong or Pak Heonyeong → ent:pak-hon-yong)."""
        found = set()
        for form in _korean_forms(word):
            for words in islice(product(*form), MAX_ROMANIZATIONS):
                token = self.spelled.get(words)
                if token:
                    found.add(token)
        return found.pop() if len(found) == 1 else None

    @cached_property
    def canonical(self) -> dict[str, str]:
        return {f"{ENTITY_PREFIX}{key}": forms[0] for key, forms in self._entries}

    def near(self, folded: str, distance: int) -> list[str]:
        """Entity tokens of one-word names spelt within `distance` edits of the folded word, same first letter."""
        return list(self._found.get_or_compute((folded, distance), lambda: tuple(sorted({
            token for form, token in self.one_word.items()
            if form[:1] == folded[:1] and abs(len(form) - len(folded)) <= distance
            and damerau_levenshtein(form, folded) <= distance}))))


def typo_distance(word: str) -> int:
    """Edits tolerated without an operator, as Meilisearch and Typesense do: none below 5 letters, one from 5,
    two from 9; none for a "word" longer than any word (its expansion would walk the vocabulary at length)."""
    if len(word) > TYPO_LONGEST:
        return 0
    return 0 if len(word) < TYPO_ONE else (1 if len(word) < TYPO_TWO else 2)


# ---- compiling to Whoosh ---------------------------------------------------------------------------------------

class _Compiler:
    def __init__(self, analyzer, resolve: Resolver, fuzzy_names: FuzzyNames, frequency: Frequency | None = None):
        self.analyzer, self.resolve, self.frequency = analyzer, resolve, frequency
        self.names = fuzzy_names
        self.notices: list[str] = []
        self.words: list[str] = []
        self.tolerated: list[tuple[str, str, int, int]] = []
        self.budget = MAX_WORDS

    def seq(self, node: QueryNode) -> wq.Query | None:
        positive, required, negative = [], [], []
        for child in merge_words(node.children):
            if child.kind == "not":
                negative.extend(q for q in (self.node(c) for c in child.children) if q is not None)
            elif child.kind == "req":
                required.extend(q for q in (self.node(c) for c in child.children) if q is not None)
            elif child.kind == "words":
                positive.extend(self.words_members(child))
            elif (q := self.node(child)) is not None:
                positive.append(q)
        core = _combine(positive)
        if required:
            core = wq.And(required + ([core] if core is not None else []))
        if negative:
            core = wq.AndNot(core if core is not None else wq.Every(), wq.Or(negative))
        return core

    def node(self, node: QueryNode) -> wq.Query | None:
        kind = node.kind
        if kind == "seq":
            return self.seq(node)
        if kind in ("or", "and"):
            parts = [q for q in (self.node(c) for c in node.children) if q is not None]
            if not parts:
                return None
            return parts[0] if len(parts) == 1 else (wq.Or(parts) if kind == "or" else wq.And(parts))
        if kind in ("not", "req"):
            return self.seq(QueryNode("seq", children=(node,)))
        if kind == "words":
            members = [q for q, _ in self.words_members(node)]
            if not members:
                return None
            return members[0] if len(members) == 1 else wq.And(members)
        if kind == "phrase":
            return self.phrase(node)
        if kind == "wildcard":
            return self.wildcard(node)
        if kind == "fuzzy":
            return self.fuzzy(node)
        if kind == "facet":
            return self.facet(node)
        return None

    def fields(self, node: QueryNode) -> tuple[str, ...]:
        return ("title",) if node.field == "title" else TEXT_FIELDS

    def words_members(self, node: QueryNode) -> list[tuple[wq.Query, str]]:
        """(query, kind) per word position of an analysed run of plain words: an OR of the word's alternatives
        (kind "word", or "stop" for a stop word), or one member for a whole name the authority knows ("entity")."""
        units = _units(self.analyzer, node.text)
        if len(units) > self.budget:
            self.notices.append(f"Only the first {MAX_WORDS} words of the query were searched.")
            units = units[: max(self.budget, 0)]
        self.budget -= len(units)
        members, i = [], 0
        while i < len(units):
            unit = units[i]
            entity = (self.romanized_name(unit) or unit.get("entity") or self.joined_name(units[i:i + 2])
                      or self.cyrillic_name(units[i:i + MAX_NAME_WORDS]))
            if entity is not None:
                token, width = entity
                span = units[i:i + width]
                self.words.extend(u["raw"] for u in span)
                members.append((self.entity(token, node, spelling=[u["alternatives"][0][1] for u in span]),
                                "entity"))
                i += width
                continue
            self.words.append(unit["raw"])
            alternatives = [
                self._alternative(field_name, unit, kind, text)
                for field_name in self.fields(node)
                for kind, text in unit["alternatives"]
            ]
            alternatives += self.transliterations(unit, node)
            alternatives += self.typos(unit, node)
            query = alternatives[0] if len(alternatives) == 1 else wq.Or(alternatives)
            word = unit["alternatives"][0][1]
            members.append((query, "stop" if word in STOP_WORDS else "word"))
            i += 1
        return members

    def joined_name(self, pair: list[dict]) -> tuple[str, int] | None:
        """A one-word name typed as two words ("Mac Arthur" is MacArthur): its entity token, width 2."""
        if len(pair) < 2 or any("entity" in unit for unit in pair):
            return None
        token = self.names.one_word.get(pair[0]["alternatives"][0][1] + pair[1]["alternatives"][0][1])
        return (token, 2) if token else None

    def cyrillic_name(self, run: list[dict]) -> tuple[str, int] | None:
        """A name typed in Cyrillic that the authority lists in Latin letters only, in any grammatical case: each
        word's transliteration, also from its nominative (Инстанции → Instantsiya, Чан Фу → Chan Fu); the longest
        run of words that is one entry's form wins."""
        spellings = []
        for unit in run:
            kind, word = unit["alternatives"][0]
            if kind != "word" or script_of(word) != "cyrillic" or "entity" in unit:
                break
            spellings.append(_latin_spellings(word))
        for width in range(len(spellings), 0, -1):
            for words in islice(product(*spellings[:width]), MAX_ROMANIZATIONS):
                token = self.names.spelled.get(words)
                if token:
                    return token, width
        return None

    def romanized_name(self, unit: dict) -> tuple[str, int] | None:
        """A Hangul name the authority lacks whose romanization it has: that entity, width 1. The authority
        comes first: only a word that is not itself a listed form is romanized, and a listed name found in it by
        dropping a particle (김일 in 김일성, when 김일성 is not listed) gives way to the whole word's romanization."""
        kind, word = unit["alternatives"][0]
        if kind != "word" or script_of(word) != "hangul" or (word,) in self.names.spelled:
            return None
        token = self.names.romanized(word)
        return (token, 1) if token else None

    def entity(self, token: str, node: QueryNode, spelling: list[str] = ()) -> wq.Query:
        """A name as its entity: every spelling in the text, and the documents it sent, received or lists; the
        spelling typed (its words in sequence) adds a little, so that an exact spelling ranks first."""
        parts = [wq.Term(f, token) for f in self.fields(node)]
        if spelling:
            parts += [wq.Term(f, spelling[0], boost=BOOSTS["spelling"]) if len(spelling) == 1 else
                      wq.Sequence([wq.Term(f, word) for word in spelling], boost=BOOSTS["spelling"])
                      for f in self.fields(node)]
        canonical = self.names.canonical.get(token)
        if canonical and node.field != "title":
            parts += [wq.Term(f, canonical, boost=PARTY_BOOST) for f in PARTY_FIELDS]
            parts += [wq.Term(f, canonical, boost=MENTION_BOOST) for f in MENTION_FIELDS]
        return wq.Or(parts)

    def transliterations(self, unit: dict, node: QueryNode) -> list[wq.Query]:
        """The net below the authority, for names nobody listed: a Han name also in pinyin as English texts
        spell it (柴成文 → Chai Chengwen), a Hangul name in the Korean romanizations (박헌영 → Pak Hon-yong, Pak
        Heonyeong; 김일성은 → Kim Il Sung), a Cyrillic word in any grammatical case also in Latin letters
        (Петрову → petrov)."""
        kind, word = unit["alternatives"][0]
        boost = BOOSTS["translit"]
        script = script_of(word)
        if kind != "word" or script not in ("han", "hangul", "cyrillic"):
            return []
        if script == "han":
            return [wq.Term(f, form[0], boost=boost) if len(form) == 1 else
                    wq.Sequence([wq.Term(f, syllable) for syllable in form], boost=boost)
                    for f in self.fields(node) for form in pinyin_name_forms(word)]
        if script == "hangul":
            return [wq.Sequence([_any_of(f, spellings) for spellings in form], boost=boost)
                    for f in self.fields(node) for form in _korean_forms(word)]
        known = {text for _, text in unit["alternatives"]}
        latin = {form for base in name_bases(word, script)[1:] for form in transliterate_cyrillic(base)} - known
        return [wq.Term(f, form, boost=BOOSTS["stem"]) for f in self.fields(node) for form in sorted(latin)]

    def typos(self, unit: dict, node: QueryNode) -> list[wq.Query]:
        """Corrections of a word the index has in too few documents: vocabulary and authority names within
        one edit (5+ letters) or two (9+), never changing the first letter; scored below the exact word."""
        kind, word = unit["alternatives"][0]
        distance = typo_distance(word)
        if self.frequency is None or kind != "word" or not distance or not word.isalpha() or word in STOP_WORDS:
            return []
        known = max(self.frequency(text) for kind, text in unit["alternatives"] if kind in ("word", "stem"))
        if known > RARE:
            return []
        self.tolerated.append((unit["raw"], word, distance, known))
        boost = BOOSTS["typo"]
        parts = [wq.FuzzyTerm(f, word, maxdist=distance, prefixlength=1, boost=boost) for f in self.fields(node)]
        for token in self.names.near(word, distance):
            parts.append(self.entity(token, node).with_boost(boost) if node.field != "title"
                         else wq.Term("title", token, boost=boost))
        return parts

    @staticmethod
    def _alternative(field_name: str, unit: dict, kind: str, text) -> wq.Query:
        boost = BOOSTS[kind]
        if kind == "bigram":
            return wq.Sequence([wq.Term(field_name, b) for b in text], boost=boost)
        return wq.Term(field_name, text, boost=boost)

    def phrase(self, node: QueryNode) -> wq.Query | None:
        units = _units(self.analyzer, node.text, phrase=True)
        if not units:
            return None
        self.words.extend(unit["raw"] for unit in units)
        entity = units[0].get("entity")
        if entity is not None and entity[1] == len(units):  # "Terentii Shtykov" is the man, in any spelling
            return self.entity(entity[0], node)
        per_field = []
        for field_name in self.fields(node):
            steps = []
            for unit in units:
                exact = [wq.Term(field_name, text) for kind, text in unit["alternatives"]
                         if kind in ("word", "translit")]
                steps.extend(exact[:1] if len(exact) == 1 else [wq.Or(exact)])
                steps.extend(wq.Term(field_name, b) for b in unit.get("trailing_bigrams", ()))
            per_field.append(steps[0] if len(steps) == 1 else wq.Sequence(steps))
        return per_field[0] if len(per_field) == 1 else wq.Or(per_field)

    def wildcard(self, node: QueryNode) -> wq.Query | None:
        pieces = re.split(r"([*?])", node.text)
        folded = "".join(p if p in ("*", "?") else fold_word(p)[0] for p in pieces if p)
        literal_head = re.split(r"[*?]", folded, maxsplit=1)[0]
        if len(literal_head) < MIN_PREFIX:
            self.notices.append(
                f"'{node.text}' was searched as a word: a wildcard needs {MIN_PREFIX} letters before it.")
            return self.node(QueryNode("words", text=node.text.replace("*", " ").replace("?", " "), field=node.field))
        self.words.append(literal_head)
        if re.fullmatch(r"[^*?]+\*", folded):
            parts = [wq.Prefix(f, folded[:-1]) for f in self.fields(node)]
        else:
            parts = [wq.Wildcard(f, folded) for f in self.fields(node)]
        return parts[0] if len(parts) == 1 else wq.Or(parts)

    def fuzzy(self, node: QueryNode) -> wq.Query | None:
        folded = fold_word(node.text)[0]
        if not folded:
            return None
        self.words.append(folded)
        entities = self.names.near(folded, node.distance)
        parts = [wq.FuzzyTerm(f, folded, maxdist=node.distance, prefixlength=1) for f in self.fields(node)]
        parts += [wq.Term(f, entity) for f in self.fields(node) for entity in entities]
        return parts[0] if len(parts) == 1 else wq.Or(parts)

    def facet(self, node: QueryNode) -> wq.Query:
        if node.field == "archive" and (cited := find_citation(node.text)) is not None:
            return citation_query(cited[1])
        value = self.resolve(node.field, node.text)
        if value is None and node.field == "archive":  # archive:TsAMO, archive:"AP RF"
            value = self.resolve(node.field, parse_source_note(node.text).repository)
        if value is None:
            self.notices.append(f"No document has {FACET_BY_FIELD[node.field].name} '{node.text}'.")
            value = node.text
        return wq.Term(node.field, value)


def _korean_forms(word: str) -> tuple:
    """Romanized forms of a Hangul name, also without a particle the query may carry (김일성은, 박헌영의)."""
    bare = [word[:-len(p)] for p in KOREAN_PARTICLES if word.endswith(p) and is_hangul_name(word[:-len(p)])]
    return tuple(form for name in [word, *bare[:1]] for form in korean_name_forms(name))


def _latin_spellings(word: str) -> tuple[str, ...]:
    """Latin letters for a Cyrillic word in any case: its own transliteration and those of its nominatives
    (the stem left by a case ending, bare or with -а/-я/-ий/-ь: Инстанции → instantsiya, Петрову → petrov)."""
    forms = [word]
    for base in name_bases(word, "cyrillic")[1:]:
        forms += [base + ending for ending in NOMINATIVE_ENDINGS]
    return tuple(dict.fromkeys(latin for form in forms for latin in transliterate_cyrillic(form)))


def _any_of(fieldname: str, spellings: tuple[str, ...]) -> wq.Query:
    terms = [wq.Term(fieldname, spelling) for spelling in spellings]
    return terms[0] if len(terms) == 1 else wq.Or(terms)


def _combine(positive: list) -> wq.Query | None:
    """Side-by-side query parts as one query.

    Short queries are soft-AND: ``Or([And(parts), Or(parts)])`` ranks documents with every part about twice as
    high, and stop words alone never make a hit. From LONG_QUERY content words on (a question, a paraphrase),
    needing every word is wrong: a document must match a share of them that relaxes with length (as Lucene's
    minimum_should_match), ranks by the sum of its words' scores, and gains when query words stand together.
    """
    members = [(q, "word") if isinstance(q, wq.Query) else q for q in positive]
    if not members:
        return None
    queries = [q for q, _ in members]
    if len(queries) == 1:
        return queries[0]
    content = [q for q, kind in members if kind != "stop"] or queries
    if len(content) < LONG_QUERY:
        anything = content[0] if len(content) == 1 else wq.Or(content)
        return wq.Or([wq.And(queries), anything])
    matched = wq.Or(content, minmatch=minimum_should_match(len(content)))
    near = [wq.Sequence([a, b], slop=PROXIMITY_SLOP) for a, b in _adjacent_words(members)][:2 * PROXIMITY_PAIRS]
    bonus = ([wq.Or(near, boost=PROXIMITY_BOOST)] if near else []) + _correspondents(members)
    if not bonus:
        return matched
    return wq.AndMaybe(matched, bonus[0] if len(bonus) == 1 else wq.Or(bonus))


def minimum_should_match(count: int) -> int:
    """How many of `count` content words a document needs: all up to 3, then a share falling to a third
    (4 → 3, 6 → 3, 9 → 4, 15 → 5)."""
    if count < LONG_QUERY:
        return count
    return max(3, -(-count // 3))


def _correspondents(members) -> list[wq.Query]:
    """Two names in a description ("Stalin asks Mao to…", "Kim Il Sung writes to Stalin") are read as sender
    then recipient: documents from the first to a later one gain as much as a title mention of both."""
    names = [canonical for query, kind in members if kind == "entity"
             for canonical in _party_names(query)[:1]]
    names = list(dict.fromkeys(names))
    return [wq.And([wq.Term(PARTY_FIELDS[0], a), wq.Term(PARTY_FIELDS[1], b)], boost=PARTY_BOOST)
            for i, a in enumerate(names) for b in names[i + 1:]][:PROXIMITY_PAIRS]


def _party_names(query: wq.Query) -> list[str]:
    """The canonical name an entity member matches in the sender field (see `_Compiler.entity`)."""
    parts = query.subqueries if isinstance(query, wq.Or) else [query]
    return [part.text for part in parts if type(part) is wq.Term and part.fieldname == PARTY_FIELDS[0]]


def _adjacent_words(members) -> list[tuple[wq.Query, wq.Query]]:
    """Neighbouring content words as exact terms, for the proximity bonus (stop words between them skipped), in
    every text field: the words of a paraphrase stand together in a document's body far more often than in its
    title."""
    words = []
    for query, kind in members:
        if kind == "stop":
            continue
        parts = query.subqueries if isinstance(query, wq.Or) else [query]
        exact = {}
        if kind == "word":
            for part in parts:
                if type(part) is wq.Term and part.boost == BOOSTS["word"]:
                    exact.setdefault(part.fieldname, part)
        words.append(exact)
    return [(a[field], b[field]) for a, b in zip(words, words[1:]) for field in TEXT_FIELDS
            if field in a and field in b]


def citation_query(ref) -> wq.Query:
    """Documents whose archive reference lies within the cited level; those holding a cited page rank first."""
    required, pages = citation_keys(ref)
    exact = wq.Term(REFERENCE_FIELD, required)
    if not pages:
        return exact
    return wq.Or([exact] + [wq.Term(REFERENCE_FIELD, page, boost=2.0) for page in pages])


def _units(analyzer, text: str, phrase: bool = False) -> list[dict]:
    """Word positions of analysed text, each with its alternatives as (kind, text) pairs.

    A name the authority knows is marked on its first unit as `entity` = (token, width), the longest name
    first where names overlap; a CJK word's bigrams become one
    ("bigram", tuple) alternative (for phrases, `trailing_bigrams` keeps the bigrams after the first).
    """
    units: list[dict] = []
    by_pos: dict[int, dict] = {}
    entities: list[tuple[int, int, str]] = []
    for token in analyzer(text, mode="query", positions=True, chars=True):
        kind = getattr(token, "kind", "word")
        if kind == "word":
            unit = {"raw": text[token.startchar:token.endchar], "alternatives": [("word", token.text)],
                    "bigrams": []}
            units.append(unit)
            by_pos[token.pos] = unit
        elif not units:
            continue
        elif kind == "bigram":
            units[-1]["bigrams"].append(token.text)
        elif kind == "entity":
            entities.append((token.pos, getattr(token, "width", 1), token.text))
        elif kind in ("translit", "stem"):
            pair = (kind, token.text)
            if pair not in units[-1]["alternatives"]:
                units[-1]["alternatives"].append(pair)
    taken = set()
    for pos, width, token in sorted(entities, key=lambda e: (-e[1], e[0])):  # longest name first
        start = by_pos.get(pos)
        if start is None:
            continue
        index = units.index(start)
        span = range(index, min(index + width, len(units)))
        if taken.isdisjoint(span):
            taken.update(span)
            start["entity"] = (token, len(span))
    for unit in units:
        bigrams = tuple(unit.pop("bigrams"))
        if len(bigrams) >= 2:
            unit["alternatives"].append(("bigram", bigrams))
            unit["trailing_bigrams"] = bigrams[1:]
        if phrase:
            unit["alternatives"] = [a for a in unit["alternatives"] if a[0] != "bigram"]
    return units


# ---- entry point -----------------------------------------------------------------------------------------------

def parse_query(text: str, analyzer, resolve: Resolver, fuzzy_names: FuzzyNames | None = None,
                frequency: Frequency | None = None) -> ParsedQuery:
    """Any text → ParsedQuery; the empty query is `Every()`. Never raises on user input.

    `fuzzy_names` is the generation's (`Snapshot.fuzzy_names`); without it one is made for this query.
    `frequency(word)` (documents holding a folded word) turns on typo tolerance for words the index has in at
    most RARE documents; without it (no index at hand) words are searched as typed."""
    if not text.strip():
        return ParsedQuery(wq.Every())
    cited = find_citation(text) if '"' not in text and ":" not in text else None
    if cited is not None:
        (start, end), ref = cited
        rest = parse_query(f"{text[:start]} {text[end:]}".strip(), analyzer, resolve, fuzzy_names, frequency) if (
            text[:start] + text[end:]).strip() else None
        reference = citation_query(ref)
        if rest is None or isinstance(rest.query, wq.Every):
            return ParsedQuery(reference)
        return ParsedQuery(wq.And([reference, rest.query]), rest.notices, rest.words, rest.plain_fallback,
                           rest.tolerated)
    syntax = parse_syntax(text)
    tree, fallback = syntax.tree, bool(syntax.problems)
    notices: list[str] = []
    if fallback:
        notices.append(
            f"The query could not be read as written ({syntax.problems[0]}); it was searched as plain words.")
        tree = QueryNode("seq", children=(QueryNode("words", text=plain_words(text)),))
    compiler = _Compiler(analyzer, resolve, fuzzy_names or FuzzyNames(analyzer), frequency)
    compiled = compiler.node(tree)
    if compiled is None:
        notices.append("The query has no searchable words; showing all documents.")
        compiled = wq.Every()
    notices.extend(dict.fromkeys(compiler.notices))
    return ParsedQuery(compiled, tuple(notices), tuple(compiler.words), fallback, tuple(compiler.tolerated))
