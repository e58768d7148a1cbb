"""The name authority: every spelling, pseudonym and native-script form of the corpus's people, places and
organisations, folded to one key, so that "Shtikov", "Comrade Shtykov, T.F." and "Штыков" are one man."""
from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from corpus.errors import CorpusError

KINDS = ("person", "place", "organisation")
BUNDLED_PATH = Path(__file__).with_name("authority.toml")

_APOSTROPHES = "'’ʼ‘`´ʻ′"
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
_WORD_RUN = re.compile(r"[^\W_]+")
_ASCII_NON_WORD = str.maketrans({chr(code): " " for code in range(128) if not chr(code).isalnum()})
# A possessive is not part of a name: "Shtikov's" and "Shtikov’s" mention Shtikov.
# (Written apostrophe first, then looking behind it: the regex engine then skips ahead to apostrophes alone.)
_POSSESSIVE = re.compile(r"[" + _APOSTROPHES + r"](?<=\w[" + _APOSTROPHES + r"])s\b")
_CJK = re.compile(r"[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")

# Words that decorate a name in a title or signature but never distinguish one party from another.
_HONORIFICS = re.compile(
    r"^(?:(?:comrades?|cdes?|cmrds?|comr|tov|mr|dr|marshal|general|general lieutenant|general major|"
    r"general colonel|lieutenant general|major general|colonel general|col|colonel|lt|premier|"
    r"chairman|ambassador|minister|foreign minister|chinese foreign minister|president|the)\s+)+"
)
_INITIALS = re.compile(r"\b(?:[A-ZА-ЯЁ]\.\s*){1,3}(?=\w|$)|(?<=\s)(?:[A-ZА-ЯЁ]\.\s*){1,3}$")
_TRAILING_NOISE = re.compile(
    r"\s*(?:\((?:draft|summary)\)|\bet al\.?|\band others\b|\bet alia\b)\s*$", re.IGNORECASE
)
_BRACKETED = re.compile(r"[\[(]([^\])]*)[\])]")
_SPLIT = re.compile(r"\s+(?:and|or)\s+|\s*[,;&]\s*", re.IGNORECASE)


@dataclass(frozen=True)
class AuthorityEntry:
    """One person, place or organisation and every way the corpus writes it."""

    key: str
    canonical: str
    kind: str
    variants: tuple[str, ...] = ()
    pseudonyms: tuple[str, ...] = ()
    native: tuple[str, ...] = ()
    description: str = ""
    # Spellings that name the entry in a sender/recipient field but are ordinary words in running text
    # ("Joy", "Lie"); they resolve but are never searched for as mentions.
    resolve_only: tuple[str, ...] = ()
    # A person's family name as written in `canonical` ("Kim" of "Kim Il Sung"): citations file people under it.
    family: str = ""

    @property
    def forms(self) -> tuple[str, ...]:
        return (self.canonical, *self.variants, *self.pseudonyms, *self.native)

    @property
    def given(self) -> str:
        """The rest of the canonical name once the family name is taken out ("Il Sung", "Joseph"; "" if none)."""
        if not self.family:
            return ""
        return " ".join(_without_words(self.canonical.split(), self.family.split()))


def fold(text: str) -> str:
    """The key folding: no diacritics, no apostrophes, punctuation and hyphens as spaces, casefolded."""
    return " ".join(fold_words(text))


def fold_words(text: str) -> list[str]:
    """The words of `fold(text)`, for callers that want them apart (mentions in running text, version profiles).

    Written for speed (it reads every document's whole text at build time): marks can only be non-ASCII, so only
    non-ASCII runs are tested character by character, ASCII text needs no normalising at all, and text that is
    ASCII once folded is cut into words by `str.split` (what the word pattern finds in ASCII, a few times
    faster).
    """
    if not text.isascii():
        text = _NON_ASCII.sub(_without_marks, unicodedata.normalize("NFKD", text))
        text = unicodedata.normalize("NFKC", text)
    for apostrophe in _APOSTROPHES:
        text = text.replace(apostrophe, "")
    text = text.casefold()
    if text.isascii():
        return text.translate(_ASCII_NON_WORD).split()
    return _WORD_RUN.findall(text)


def _without_marks(run: re.Match[str]) -> str:
    return "".join(ch for ch in run.group() if not unicodedata.combining(ch))


class Authority:
    """The loaded authority: lookups by folded form, and a word trie for finding mentions in running text."""

    fold = staticmethod(fold)

    def __init__(self, entries: list[AuthorityEntry] | tuple[AuthorityEntry, ...]):
        self.entries: tuple[AuthorityEntry, ...] = tuple(entries)
        self._by_key = {entry.key: entry for entry in self.entries}
        self._by_form: dict[str, AuthorityEntry] = {}
        self._trie: dict = {}
        self._cjk_forms: list[tuple[str, AuthorityEntry]] = []
        for entry in self.entries:
            self._add(entry)

    @classmethod
    def load(cls, path: Path | str | None = None) -> "Authority":
        """Read the TOML authority (the bundled one by default); the result is cached per path."""
        return _load_cached(str(Path(path) if path else BUNDLED_PATH))

    def _add(self, entry: AuthorityEntry) -> None:
        for form in (*entry.forms, *entry.resolve_only):
            folded = fold(form)
            if not folded:
                continue
            owner = self._by_form.setdefault(folded, entry)
            if owner is not entry:
                raise CorpusError(f"authority: form {form!r} of {entry.key} already belongs to {owner.key}")
            self._by_form.setdefault(_mention_key(form), entry)
        for form in entry.forms:
            folded = _mention_key(form)
            if _CJK.search(folded):
                self._cjk_forms.append((folded, entry))
            elif folded:
                node = self._trie
                for word in folded.split():
                    node = node.setdefault(word, {})
                node[None] = entry

    def get(self, key: str) -> AuthorityEntry | None:
        return self._by_key.get(key)

    def resolve(self, name: str) -> AuthorityEntry | None:
        """The entry a name as written in a title or signature stands for, or None.

        Bracketed glosses count ("Filippov [Stalin]", "Soviet Ambassador in Beijing (N.V. Roshchin)"); when both
        the outer and the bracketed name resolve, a person wins over an office or a place.
        """
        text = _TRAILING_NOISE.sub("", name.strip())
        # Brackets can belong to the name itself: "VKP(b) CC Politburo".
        found = [entry for part in (text, *_candidates(text)) if (entry := self._lookup(part))]
        if not found:
            return None
        people = [entry for entry in found if entry.kind == "person"]
        return (people or found)[0]

    def resolve_all(self, text: str) -> list[AuthorityEntry]:
        """Every party a raw string names ("Kim Il Sung and Pak Heonyeong" is two).

        A comma sets an office beside its holder ("Deputy Minister of Foreign Affairs, Gromyko"): when one of the
        comma-joined pieces names a person, the offices beside it are dropped. A piece that is a description
        rather than a name ("Deputy Minister Cde. V. A. Zorin") is searched for the people it mentions, or else
        for the offices it mentions.
        """
        whole = self.resolve(text)
        if whole is not None and not _SPLIT.search(_BRACKETED.sub("", text)):
            return [whole]
        result: list[AuthorityEntry] = []
        for group in _split_parties(text):
            found: list[AuthorityEntry] = []
            for piece in group:
                entry = self.resolve(piece)
                found.extend([entry] if entry is not None else self._described(piece))
            if any(entry.kind == "person" for entry in found):
                found = [entry for entry in found if entry.kind == "person"]
            result.extend(entry for entry in found if entry not in result)
        return result or ([whole] if whole is not None else [])

    def _described(self, piece: str) -> list[AuthorityEntry]:
        mentioned = self.find_mentions(piece)
        for kind in ("person", "organisation"):
            chosen = [entry for entry in mentioned if entry.kind == kind]
            if chosen:
                return chosen
        return []

    def _lookup(self, part: str) -> AuthorityEntry | None:
        for attempt in _attempts(part):
            entry = self._by_form.get(attempt)
            if entry is not None:
                return entry
        return None

    def find_mentions(self, text: str) -> list[AuthorityEntry]:
        """Entries mentioned in running text, in order of first mention; whole words, longest form first."""
        words = _mention_words(text)
        found: dict[str, AuthorityEntry] = {}
        after = 0  # a name's words start no other name
        # most words begin no name: only the ones that do are walked from
        for start in [i for i, word in enumerate(words) if word in self._trie]:
            if start < after:
                continue
            entry, length = self._longest_at(words, start)
            if entry is not None:
                found.setdefault(entry.key, entry)
                after = start + length
        if not text.isascii():  # each native-script form holds a CJK character, which ASCII text cannot have
            folded = " ".join(words)
            if _CJK.search(folded):
                for form, entry in self._cjk_forms:
                    if form in folded:
                        found.setdefault(entry.key, entry)
        return list(found.values())

    def _longest_at(self, words: list[str], start: int) -> tuple[AuthorityEntry | None, int]:
        node, best, best_len = self._trie, None, 0
        for offset in range(start, len(words)):
            node = node.get(words[offset])
            if node is None:
                break
            if None in node:
                best, best_len = node[None], offset - start + 1
        return best, best_len

    def __reduce__(self):
        return (Authority, (self.entries,))


def _without_words(words: list[str], part: list[str]) -> list[str]:
    """`words` with the run `part` taken out once (the run must be there)."""
    for start in range(len(words) - len(part) + 1):
        if words[start:start + len(part)] == part:
            return words[:start] + words[start + len(part):]
    raise ValueError(f"{' '.join(part)!r} is not part of {' '.join(words)!r}")


def _mention_key(text: str) -> str:
    """The folding for running text, where a possessive is not part of the name ("People's" stays whole in
    forms and in text alike, since both go through here)."""
    return " ".join(_mention_words(text))


def _mention_words(text: str) -> list[str]:
    return fold_words(_POSSESSIVE.sub("", text))


def _candidates(text: str) -> list[str]:
    """The text outside brackets, then the bracketed glosses; "(via …)" glosses name another party."""
    inner = [m.strip() for m in _BRACKETED.findall(text)]
    inner = [part for part in inner if part and not part.lower().startswith("via ")]
    outer = _BRACKETED.sub(" ", text).strip()
    return [outer, *inner] if outer else inner


def _attempts(part: str) -> list[str]:
    """Keys to try for one name: as written, then without initials, then without honorifics."""
    no_initials = _INITIALS.sub(" ", part)
    keys = [fold(part), fold(no_initials), _mention_key(part), _mention_key(no_initials)]
    keys += [_HONORIFICS.sub("", key) for key in keys]
    return [key for key in dict.fromkeys(keys) if key]


def _split_parties(text: str) -> list[list[str]]:
    """Parties joined by "and", "or", "&" or ";", each a list of its comma-joined pieces; brackets stay whole."""
    protected, depth = "", 0
    for ch in text:
        depth += {"[": 1, "(": 1, "]": -1, ")": -1}.get(ch, 0)
        protected += {",": "\1", ";": "\2", "&": "\2", " ": "\3"}.get(ch, ch) if depth > 0 else ch
    groups = re.split(r"\s+(?:and|or)\s+|\s*[;&]\s*", protected, flags=re.IGNORECASE)
    restore = str.maketrans({"\1": ",", "\2": ";", "\3": " "})
    parties = []
    for group in groups:
        pieces = [piece.translate(restore).strip() for piece in group.split(",")]
        pieces = [piece for piece in pieces if piece and piece.lower() not in ("and", "or")]
        if pieces:
            parties.append(pieces)
    return parties


@lru_cache(maxsize=8)
def _load_cached(path: str) -> Authority:
    try:
        raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise CorpusError(f"cannot read the name authority {path}: {exc}") from exc
    entries = raw.get("entry", [])
    if not isinstance(entries, list):
        raise CorpusError(f"{path}: `entry` must be an array of tables ([[entry]])")
    return Authority([_entry(record, path) for record in entries])


def _entry(record: dict, path: str) -> AuthorityEntry:
    if not isinstance(record, dict):
        raise CorpusError(f"{path}: every entry must be a table ([[entry]])")
    for name in ("key", "canonical", "kind", "description", "family"):
        if not isinstance(record.get(name, ""), str):
            raise CorpusError(f"{path}: entry {str(record.get('key'))[:40]!r}: `{name}` must be a string")
    for name in ("variants", "pseudonyms", "native", "resolve_only"):
        value = record.get(name, [])
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise CorpusError(f"{path}: entry {str(record.get('key'))[:40]!r}: `{name}` must be a list of strings")
    key, kind = record.get("key", ""), record.get("kind", "")
    if not key or not record.get("canonical") or kind not in KINDS:
        raise CorpusError(f"{path}: entry {key or record!r} needs key, canonical and a kind in {KINDS}")
    family = str(record.get("family", "")).strip()
    if kind == "person" and not _is_run_of(family, record["canonical"]):
        raise CorpusError(f"{path}: person {key} needs `family`, the words of {record['canonical']!r} a citation "
                          f"files it under (got {family!r})")
    if kind != "person" and family:
        raise CorpusError(f"{path}: {kind} {key} has a `family` name; only people have one")
    return AuthorityEntry(
        key=key,
        canonical=record["canonical"],
        kind=kind,
        variants=tuple(record.get("variants", ())),
        pseudonyms=tuple(record.get("pseudonyms", ())),
        native=tuple(record.get("native", ())),
        description=record.get("description", ""),
        resolve_only=tuple(record.get("resolve_only", ())),
        family=family,
    )


def _is_run_of(part: str, name: str) -> bool:
    try:
        _without_words(name.split(), part.split())
    except ValueError:
        return False
    return bool(part)
