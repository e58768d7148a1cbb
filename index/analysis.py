"""The ICU analysis chain, shared by indexing and querying so both see the same tokens.

    analyzer = IcuTokenizer() | FoldingFilter() | CjkBigramFilter() | TransliterationFilter()
               | StemFilter() | AuthorityFilter(authority)

Every token carries a `kind` attribute and keeps the character span (`startchar`/`endchar`) of the text it
stands for, so snippets can be cut from postings offsets. Tokens at one position are alternatives:

- ``word``: the exact word, NFKC + casefolded, diacritics and apostrophes folded (Ch'óngjin → ``chongjin``,
  Łódź → ``lodz``; Cyrillic keeps й and folds ё → е); a possessive 's is dropped (Stalin's → ``stalin``).
- ``translit``: Cyrillic words also in Latin (BGN/PCGN, folded): Штыков → ``shtykov``; -skiy also as -sky.
- ``bigram``: Hangul and Han words of three or more characters are followed by their character bigrams at
  consecutive positions (the word itself sits at the first one), so 김일성 (word 김일성, or bigrams 김일 일성 as a
  phrase) finds 김일성은. A one- or two-character word needs no bigrams: it is its own bigram.
- ``stem``: the stem with a ``~`` prefix (English Snowball for Latin, Russian Snowball for Cyrillic), at the
  word's position. At index time it is emitted only when it differs from the word. At query time
  (``mode="query"``) the analyzer emits ``~stem`` always and, when the stem differs from the word, the bare stem
  too, so that a stemmed query also meets documents whose exact word is the stem.
- ``entity``: ``ent:<authority key>`` at the position of the first word of any authority form (spelling,
  pseudonym, native form; several words allowed), spanning the whole mention; ``width`` says how many word
  positions it covers. Searching any form therefore finds every other form of the same entry. Korean particles
  and Russian case endings are tolerated (김일성은, Вышинскому, Ким Ир Сеном mention their entries).

How search should use this: analyse the query with ``mode="query"``, group tokens by position and OR the
alternatives of each position, boosting ``word`` (and ``translit``) above ``stem`` so an exact match ranks above
a stemmed one; treat an ``entity`` token as an alternative to the ``width`` positions it starts; treat the
bigrams that follow a CJK word as a phrase alternative to that word.

Per-word work (folding, transliteration, stemming) is remembered, because a corpus repeats its words; the memos
are bounded by bytes (`index/caching.py`), so no run of distinct or overlong words can grow them without end.
"""
from __future__ import annotations

import hashlib
import threading
import unicodedata
from array import array
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path

import icu
import numpy as np
import whoosh
from whoosh.analysis import CompositeAnalyzer, Filter, Tokenizer
from whoosh.system import pack_uint
from whoosh.lang.snowball.english import EnglishStemmer
from whoosh.lang.snowball.russian import RussianStemmer

from index.caching import memoize
from index.whoosh_private import new_token

STEM_PREFIX = "~"
ENTITY_PREFIX = "ent:"
# Per memo of per-word work (folding, transliteration, stems, name bases): some 10,000 words each. A query has a
# few words; the indexer's hot path is `_word_info`, which calls these only for a word it has not seen.
WORD_CACHE_BYTES = 4 * 2**20
_WORD_INFOS = 1 << 18  # distinct words whose index-time analysis is remembered (the indexer's hot path)
LONGEST_CACHED_WORD = 40  # characters; a longer "word" (a run of digits, a URL, junk) is analysed but not kept
_APOSTROPHES = "'’ʼ‘`´ʻ′"
_DROP_INNER = str.maketrans("", "", _APOSTROPHES + ".·")
_BGN_MARKS = str.maketrans("", "", "·ʹʺˮ'\"ʼ")
_ICU_NUMBER, _ICU_LETTER = 100, 200

_local = threading.local()


def _icu(name: str, factory):
    """One ICU object per thread: break iterators and transliterators are stateful and cannot be pickled."""
    obj = getattr(_local, name, None)
    if obj is None:
        obj = factory()
        setattr(_local, name, obj)
    return obj


def _transliterator(rules: str):
    return _icu(rules, lambda: icu.Transliterator.createInstance(rules))


def script_of(word: str) -> str:
    """The script of a word, judged by its first letter: latin, cyrillic, hangul, han, kana, number, other."""
    for ch in word:
        code = ord(ch)
        if ch.isdigit():
            return "number"
        if not ch.isalpha():
            continue
        if code < 0x250 or 0x1E00 <= code < 0x1F00:
            return "latin"
        if 0x400 <= code < 0x530:
            return "cyrillic"
        if 0xAC00 <= code < 0xD7B0 or 0x1100 <= code < 0x1200 or 0x3130 <= code < 0x3190:
            return "hangul"
        if 0x4E00 <= code < 0xA000 or 0x3400 <= code < 0x4DC0 or 0xF900 <= code < 0xFB00 or code >= 0x20000:
            return "han"
        if 0x3040 <= code < 0x3100:
            return "kana"
        return "other"
    return "other"


@memoize(WORD_CACHE_BYTES)
def fold_word(raw: str) -> tuple[str, str, int]:
    """(folded text, script, characters trimmed from the end) for one raw word; "" when nothing is left."""
    trim = 0
    if len(raw) > 2 and raw[-1] in "sS" and raw[-2] in _APOSTROPHES:
        raw, trim = raw[:-2], 2
    script = script_of(raw)
    if script == "cyrillic":
        text = _transliterator("NFKC; NFD; [[:Nonspacing Mark:] - [\\u0306]] Remove; NFC").transliterate(raw)
    elif script in ("hangul", "han", "kana"):
        text = unicodedata.normalize("NFKC", raw)
    else:
        text = _transliterator("NFKC; NFD; [:Nonspacing Mark:] Remove; NFC; Latin-ASCII").transliterate(raw)
    text = text.casefold()
    if script != "number":
        text = text.translate(_DROP_INNER)
    return text, script, trim


@memoize(WORD_CACHE_BYTES)
def transliterate_cyrillic(word: str) -> tuple[str, ...]:
    """Latin forms of a Cyrillic word in the English style: Штыков → shtykov, Вышинский → vyshinskiy, vyshinsky."""
    latin = _transliterator("Russian-Latin/BGN").transliterate(word).translate(_BGN_MARKS)
    latin = fold_word(latin)[0]
    forms = [latin] if latin and latin != word else []
    for ending in ("skiy", "skii"):
        if latin.endswith(ending):
            forms.append(latin[: -len(ending)] + "sky")
    return tuple(forms)


@memoize(WORD_CACHE_BYTES)
def pinyin(word: str) -> tuple[str, ...]:
    """The toneless pinyin syllables of a Han word (ICU Han-Latin): 彭德怀 → ('peng', 'de', 'huai')."""
    latin = _transliterator("Han-Latin; Latin-ASCII").transliterate(word).casefold()
    return tuple(s for s in latin.replace("'", " ").split() if s.isalpha())


def pinyin_name_forms(word: str) -> tuple[tuple[str, ...], ...]:
    """How English texts write a Chinese name in pinyin: surname then given name in one word (Peng Dehuai), every
    syllable apart (Peng De Huai), or all in one word; 2 to 4 characters only (a name, not a sentence)."""
    syllables = pinyin(word)
    if not 2 <= len(syllables) <= 4 or len(syllables) != len(word):
        return ()
    forms = [(syllables[0], "".join(syllables[1:])), syllables, ("".join(syllables),)]
    return tuple(dict.fromkeys(forms))


_english = EnglishStemmer()
_russian = RussianStemmer()


@memoize(WORD_CACHE_BYTES)
def stem_word(word: str, script: str) -> str:
    """The Snowball stem for Latin (English) and Cyrillic (Russian) words; the word itself otherwise."""
    if len(word) < 4:
        return word
    if script == "latin" and word.isalpha():
        return _english.stem(word)
    if script == "cyrillic":
        return _russian.stem(word)
    return word


def _utf16_map(text: str) -> list[int] | None:
    """ICU reports UTF-16 offsets; map them to Python indices when the text has characters beyond the BMP."""
    if text.isascii() or len(text.encode("utf-16-le")) == 2 * len(text):
        return None
    mapping = []
    for index, ch in enumerate(text):
        mapping.append(index)
        if ord(ch) > 0xFFFF:
            mapping.append(index)
    mapping.append(len(text))
    return mapping


def word_bounds(text: str) -> tuple[list[int], list[int]]:
    """The starts and the ends (Python indices) of every word and number of `text`, by ICU's word break rules."""
    breaker = _icu("word_breaker", lambda: icu.BreakIterator.createWordInstance(icu.Locale.getRoot()))
    breaker.setText(text)
    mapping = _utf16_map(text)
    starts, ends, start = [], [], 0
    status = breaker.getRuleStatus
    for end in breaker:
        if status() >= _ICU_NUMBER:
            starts.append(mapping[start] if mapping else start)
            ends.append(mapping[end] if mapping else end)
        start = end
    return starts, ends


class IcuTokenizer(Tokenizer):
    """ICU word segmentation (UAX #29 plus dictionaries for Han, Thai…): words and numbers, no punctuation.

    Yields a fresh Token per word (kind ``word``) with the raw text; filters downstream fold it.
    >>> [t.text for t in IcuTokenizer()("Kim Il-sung's 毛泽东同志")]
    ['Kim', 'Il', "sung's", '毛泽东', '同志']
    """

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        if not tokenize:
            yield new_token(value, start_pos, start_char, start_char + len(value), "word", mode, original=value)
            return
        for pos, (s, e) in enumerate(zip(*word_bounds(value)), start_pos):
            raw = value[s:e]
            yield new_token(raw, pos, start_char + s, start_char + e, "word", mode, original=raw)


class FoldingFilter(Filter):
    """NFKC, case folding, diacritics, apostrophes and possessives: Ch'óngjin → chongjin, Łódź → lodz."""

    def __call__(self, tokens):
        for t in tokens:
            text, script, trim = fold_word(t.text)
            if not text:
                continue
            t.text, t.script = text, script
            t.endchar -= trim
            yield t


class CjkBigramFilter(Filter):
    """Hangul and Han words of 3+ characters also as character bigrams at consecutive positions.

    Later tokens are shifted so positions stay consistent for phrases.
    """

    def __call__(self, tokens):
        shift = 0
        for t in tokens:
            t.pos += shift
            yield t
            if t.kind != "word" or t.script not in ("hangul", "han") or len(t.text) < 3:
                continue
            text, pos, start, end = t.text, t.pos, t.startchar, t.endchar
            aligned = end - start == len(text)
            for i in range(len(text) - 1):
                s, e = (start + i, start + i + 2) if aligned else (start, end)
                yield new_token(text[i:i + 2], pos + i, s, e, "bigram", t.mode, script=t.script)
            shift += len(text) - 2


class TransliterationFilter(Filter):
    """Cyrillic words also in their Latin transliteration at the same position (Штыков ~ Shtykov)."""

    def __call__(self, tokens):
        for t in tokens:
            yield t
            if t.kind == "word" and t.script == "cyrillic":
                pos, start, end, mode = t.pos, t.startchar, t.endchar, t.mode
                for latin in transliterate_cyrillic(t.text):
                    yield new_token(latin, pos, start, end, "translit", mode, script="latin")


class StemFilter(Filter):
    """Stems as extra ``~``-prefixed tokens at the word's position, so exact forms stay searchable apart."""

    def __call__(self, tokens):
        for t in tokens:
            yield t
            if t.kind != "word":
                continue
            stem = stem_word(t.text, t.script)
            query = t.mode == "query"
            if stem != t.text or query:
                pos, start, end, mode = t.pos, t.startchar, t.endchar, t.mode
                yield new_token(STEM_PREFIX + stem, pos, start, end, "stem", mode, script=t.script)
                if query and stem != t.text:
                    yield new_token(stem, pos, start, end, "stem", mode, script=t.script)


_RUSSIAN_CASE_ENDINGS = ("ого", "ому", "его", "ему", "ами", "ями", "ом", "ем", "ым", "им", "ой", "ей", "ых", "их",
                         "ах", "ях", "а", "я", "у", "ю", "е", "ы", "и")


def _name_base(word: str) -> str:
    """A Russian adjectival surname without its nominative ending (вышинский → вышинск), else the word."""
    if len(word) > 4 and word[-2:] in ("ий", "ый", "ой") and script_of(word) == "cyrillic":
        return word[:-2]
    return word


@memoize(WORD_CACHE_BYTES)
def name_bases(word: str, script: str) -> tuple[str, ...]:
    """The forms under which a running-text word may meet an authority form: itself, and without a Korean
    particle (김일성은 → 김일성) or a Russian case ending (Ким Ир Сеном → сен, Вышинскому → вышинск)."""
    bases = [_name_base(word)]
    if script == "hangul":
        bases += [word[:-cut] for cut in (1, 2) if len(word) - cut >= 2]
    elif script == "cyrillic":
        bases += [word[:-len(e)] for e in _RUSSIAN_CASE_ENDINGS if word.endswith(e) and len(word) - len(e) >= 3]
    return tuple(dict.fromkeys(bases))


class _Node:
    __slots__ = ("children", "keys")

    def __init__(self):
        self.children: dict[str, _Node] = {}
        self.keys: tuple[str, ...] = ()


class AuthorityFilter(Filter):
    """Adds ``ent:<key>`` for every mention of any form of an authority entry (multi-word forms too).

    Holds only (key, forms) pairs so it pickles with the schema; the word trie is built lazily.
    Korean particles are tolerated on one-word forms (김일성은 mentions 김일성).
    """

    def __init__(self, authority=None, entries=None):
        if entries is None:
            entries = [(e.key, tuple(e.forms)) for e in authority.entries] if authority is not None else []
        self.entries = tuple(sorted((key, tuple(forms)) for key, forms in entries))
        self._trie = None

    def __getstate__(self):
        return {"entries": self.entries}

    def __setstate__(self, state):
        self.entries = state["entries"]
        self._trie = None

    def __eq__(self, other):
        return type(other) is type(self) and other.entries == self.entries

    def __hash__(self):
        return hash(self.entries)

    def _build(self) -> _Node:
        front = IcuTokenizer() | FoldingFilter()
        root = _Node()
        for key, forms in self.entries:
            for form in forms:
                words = [t.text for t in front(form)]
                if not words:
                    continue
                node = root
                for word in words:
                    node = node.children.setdefault(_name_base(word), _Node())
                if key not in node.keys:
                    node.keys += (key,)
        return root

    def __call__(self, tokens):
        if self._trie is None:
            self._trie = self._build()
        root = self._trie
        children = root.children
        if not children:
            yield from tokens
            return
        active: list[list] = []  # [node, pos, startchar, best(keys, endchar, width) | None, width]
        current_pos, alternatives, mode = None, [], ""
        for t in tokens:
            yield t
            if t.kind not in ("word", "translit"):
                continue
            if t.pos != current_pos and alternatives:
                if active or any(a[0] in children for a in alternatives):
                    active, finished = self._advance(root, active, alternatives)
                    yield from self._emit(finished, mode)
                alternatives = []
            current_pos, mode = t.pos, t.mode
            alternatives.extend((base, t.pos, t.startchar, t.endchar) for base in name_bases(t.text, t.script))
        if alternatives:
            active, finished = self._advance(root, active, alternatives)
            yield from self._emit(finished, mode)
        yield from self._emit([m for m in active if m[3]], mode)

    def first_words(self):
        """The name bases a mention can begin with (a set-like view)."""
        if self._trie is None:
            self._trie = self._build()
        return self._trie.children.keys()

    def mentions(self, bases, positions: list[int], starts: list[int], ends: list[int],
                 firsts: list[int] | None = None) -> list[tuple]:
        """(entity token text, pos, startchar, endchar, width) for words given as parallel sequences (their name
        bases, positions, start and end characters): what `__call__` emits, without Token objects (the indexer's
        path). `firsts`: the words whose bases meet `first_words()`, when the caller knows them."""
        names = self.first_words()
        root = self._trie
        if not names:
            return []
        found, active, last = [], [], len(bases) - 1
        i = -1  # the last word matched against
        if firsts is None:
            firsts = [k for k, forms in enumerate(bases) if not names.isdisjoint(forms)]
        for first in firsts:  # where a name can begin
            if first <= i:
                continue
            i = first
            while True:  # from there on, word by word while some match grows
                alternatives = [(form, positions[i], starts[i], ends[i]) for form in bases[i]]
                active, finished = self._advance(root, active, alternatives)
                if finished:
                    found += self._entities(finished)
                if not active or i == last:
                    break
                i += 1
        found += self._entities([m for m in active if m[3]])
        return found

    @staticmethod
    def _advance(root, active, alternatives):
        """Step every partial match by one word position: (the matches still growing, the finished ones that
        cannot grow further)."""
        grown, finished = [], []
        for node, pos, start, best, width in active:
            children, child = node.children, None
            for alternative in alternatives:  # the first alternative the match can grow by
                child = children.get(alternative[0])
                if child is not None:
                    break
            if child is None:
                if best:
                    finished.append((node, pos, start, best, width))
                continue
            end = alternatives[0][3]
            best = (child.keys, end, width + 1) if child.keys else best
            grown.append([child, pos, start, best, width + 1])
        for text, pos, start, end in alternatives:
            node = root.children.get(text)
            if node is not None:
                best = (node.keys, end, 1) if node.keys else None
                grown.append([node, pos, start, best, 1])
                break
        return grown, finished

    @staticmethod
    def _entities(matches):
        """(entity token text, pos, startchar, endchar, width) of finished matches, in position order."""
        return [(ENTITY_PREFIX + key, pos, start, end, width)
                for _node, pos, start, (keys, end, width), _ in sorted(matches, key=lambda m: m[1]) for key in keys]

    @classmethod
    def _emit(cls, matches, mode):
        for text, pos, start, end, width in cls._entities(matches):
            yield new_token(text, pos, start, end, "entity", mode, width=width, script="")


@lru_cache(maxsize=_WORD_INFOS)
def _word_info(raw: str) -> tuple | None:
    """Everything index-time analysis derives from one raw word, computed once per distinct word:
    (folded text, characters trimmed, bigrams, transliterations, ~stem or None, name bases of word+translits,
    whether it has neither bigrams nor transliterations).

    Called once per word of every document indexed, so it keeps functools' C cache, bounded by count, and words
    longer than `LONGEST_CACHED_WORD` do not enter it (`IcuAnalyzer.postings`): that bounds its bytes too."""
    text, script, trim = fold_word(raw)
    if not text:
        return None
    bigrams = ()
    if script in ("hangul", "han") and len(text) >= 3:
        bigrams = tuple(text[i:i + 2] for i in range(len(text) - 1))
    translits = transliterate_cyrillic(text) if script == "cyrillic" else ()
    stem = stem_word(text, script)
    stem = STEM_PREFIX + stem if stem != text else None
    bases = name_bases(text, script) + tuple(b for latin in translits for b in name_bases(latin, "latin"))
    return text, trim, bigrams, translits, stem, bases, not bigrams and not translits


class _PerWord:
    """A text's words seen through their distinct raw words: item i is `values[ids[i]]`."""

    __slots__ = ("values", "ids")

    def __init__(self, values: list, ids: list[int]):
        self.values, self.ids = values, ids

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, index: int):
        return self.values[self.ids[index]]


class IcuAnalyzer(CompositeAnalyzer):
    """The analysis chain as one Whoosh analyzer, plus `postings(value)`: the same index-time tokens
    computed with per-word results cached and grouped by term in numpy, for `OffsetsFormat` to index without
    Token objects."""

    def postings(self, value: str, start_pos: int = 0, start_char: int = 0, counted: bool = False
                 ) -> dict[str, bytes]:
        """{token text: its occurrences (pos, startchar, endchar, pos, …) as native int32} exactly as the chain
        emits them in index mode, in its order, packed as the postings format stores them; `counted`: each
        preceded by its number of occurrences as a big-endian uint32, the whole value the format stores.

        A text repeats its words, so each distinct raw word is analysed (and checked for beginning a name) once
        and its occurrences take their terms through numpy. Most texts have only words and their stems (no CJK
        bigrams, no transliterations): their occurrences are grouped by term with one stable sort instead of a
        dictionary update per token."""
        starts, ends = word_bounds(value)
        if not starts:
            return {}
        distinct: dict[str, int] = {}  # raw word → its number, in order of first occurrence
        word_ids = [distinct.setdefault(value[s:e], len(distinct)) for s, e in zip(starts, ends)]
        infos = [_word_info(raw) if len(raw) <= LONGEST_CACHED_WORD else _word_info.__wrapped__(raw)
                 for raw in distinct]
        if None in infos or not all([info[6] for info in infos]):
            general = self._postings_general(starts, ends, [infos[i] for i in word_ids], start_pos, start_char)
            return {text: (pack_uint(len(flat) // 3) if counted else b"") + array("i", flat).tobytes()
                    for text, flat in general.items()}
        count = len(word_ids)
        ids = np.array(word_ids, dtype=np.intp)
        terms: dict[str, int] = {}  # text → term number: words, then stems, in order of first occurrence
        word_terms = np.array([terms.setdefault(info[0], len(terms)) for info in infos], dtype=np.int32)
        stem_terms = np.array([-1 if info[4] is None else terms.setdefault(info[4], len(terms)) for info in infos],
                              dtype=np.int32)[ids]
        stemmed = stem_terms >= 0
        numbers = [word_terms[ids], stem_terms[stemmed]]
        rows = np.empty((count, 3), dtype=np.int32)
        rows[:, 0] = np.arange(start_pos, start_pos + count)
        rows[:, 1] = starts
        rows[:, 1] += start_char
        rows[:, 2] = ends
        rows[:, 2] += start_char
        rows[:, 2] -= np.array([info[1] for info in infos], dtype=np.int32)[ids]
        tables = [rows, rows[stemmed]]
        authority = self.items[-1] if isinstance(self.items[-1], AuthorityFilter) else None
        if authority is not None:
            names = authority.first_words()
            begins = np.array([not names.isdisjoint(info[5]) for info in infos], dtype=bool)[ids]
            firsts = np.flatnonzero(begins).tolist()
            if firsts:
                found = authority.mentions(_PerWord([info[5] for info in infos], word_ids), rows[:, 0].tolist(),
                                           rows[:, 1].tolist(), rows[:, 2].tolist(), firsts)
                if found:
                    numbers.append(np.array([terms.setdefault(entity[0], len(terms)) for entity in found],
                                            dtype=np.int32))
                    tables.append(np.array([entity[1:4] for entity in found], dtype=np.int32))
        numbers = np.concatenate(numbers)
        occurrences = np.concatenate(tables)[np.argsort(numbers, kind="stable")]
        counts = np.bincount(numbers, minlength=len(terms))
        if counted:  # each term's count (pack_uint's big-endian uint32), then its triples: one buffer, sliced
            heads = np.arange(len(terms)) + 3 * (np.cumsum(counts) - counts)
            flat = np.empty(len(terms) + occurrences.size, dtype=np.int32)
            flat[heads] = counts.astype(">u4").view(np.int32)
            body = np.ones(flat.size, dtype=bool)
            body[heads] = False
            flat[body] = occurrences.ravel()
            bounds = (4 * np.append(heads, flat.size)).tolist()
            packed = flat.tobytes()
        else:
            packed = occurrences.tobytes()
            bounds = [0, *np.cumsum(counts * 12).tolist()]
        return {text: packed[low:high] for text, low, high in zip(terms, bounds, bounds[1:])}

    def _postings_general(self, starts, ends, infos, start_pos, start_char) -> dict[str, list[int]]:
        """`postings` for any text (CJK bigrams, transliterations, words that fold to nothing), one token at a
        time: {token text: flat [pos, startchar, endchar, …]}."""
        seen: dict[str, list] = {}
        bases, positions, word_starts, word_ends = [], [], [], []  # for entity matching
        pos = start_pos
        for s, e, info in zip(starts, ends, infos):
            if info is None:
                pos += 1
                continue
            text, trim, bigrams, translits, stem, forms, _plain = info
            sc, ec = start_char + s, start_char + e - trim
            occurrences = seen.get(text)  # get-then-add: setdefault would build a list per word
            if occurrences is None:
                seen[text] = [pos, sc, ec]
            else:
                occurrences += (pos, sc, ec)
            if bigrams:
                aligned = ec - sc == len(text)
                for i, bigram in enumerate(bigrams):
                    seen.setdefault(bigram, []).extend((pos + i, sc + i, sc + i + 2) if aligned else (pos + i, sc, ec))
            for latin in translits:
                seen.setdefault(latin, []).extend((pos, sc, ec))
            if stem is not None:
                seen.setdefault(stem, []).extend((pos, sc, ec))
            bases.append(forms)
            positions.append(pos)
            word_starts.append(sc)
            word_ends.append(ec)
            pos += len(bigrams) or 1
        authority = self.items[-1] if isinstance(self.items[-1], AuthorityFilter) else None
        if authority is not None and bases:
            for key, epos, estart, eend, _width in authority.mentions(bases, positions, word_starts, word_ends):
                seen.setdefault(key, []).extend((epos, estart, eend))
        return seen


def make_analyzer(authority=None):
    """The full chain; pass the corpus authority (or None for a chain without name awareness)."""
    return IcuAnalyzer(IcuTokenizer(), FoldingFilter(), CjkBigramFilter(), TransliterationFilter(), StemFilter(),
                       AuthorityFilter(authority))


# What decides the terms an index holds: the source of this chain, of the schema's fields and formats and of what
# they read from a Document (facets, archive reference keys); the ICU and Whoosh versions (word breaking,
# stemmers); and the authority's forms.
ANALYSIS_SOURCES = tuple(Path(find_spec(name).origin) for name in
                         ("index.analysis", "index.schema", "index.facets", "corpus.archive"))


def analysis_fingerprint(authority=None) -> str:
    """Changes when what the analyzer emits could change, so stale indexes are rebuilt in full: when the
    analysis code or schema changes, when ICU or Whoosh is upgraded, or when the authority's forms change."""
    digest = hashlib.sha256(f"icu {icu.ICU_VERSION}; whoosh {whoosh.versionstring()}".encode())
    for source in ANALYSIS_SOURCES:
        digest.update(source.read_bytes())
    for key, forms in AuthorityFilter(authority).entries:
        digest.update(repr((key, forms)).encode("utf-8"))
    return digest.hexdigest()[:16]
