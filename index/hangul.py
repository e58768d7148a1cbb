"""Korean names in Hangul as English texts spell them, for names the authority does not list.

ICU's Hangul-Latin writes 김일성 as "gim-ilseong", which no English text does. Texts about the Korean War spell
Korean names in McCune–Reischauer (Pak Hŏn-yŏng, folded to "pak hon yong"), in Revised Romanization (Pak
Heonyeong, Bak Heon-yeong) or by convention (Kim Il Sung, Choi Yong Kun): surname first, then the given name as
one word, hyphenated or in separate syllables. Each syllable is split into its jamo arithmetically (Unicode
composes Hangul syllables by formula) and each jamo has the few Latin spellings these systems give it, after the
analyzer's folding (breves and apostrophes dropped: ŏ → o, ch' → ch).

>>> korean_name_forms("김일성")[1]
(('kim', 'gim'), ('il', 'ir'), ('seong', 'song', 'sung', 'sheong', 'shong', 'shung'))
"""
from __future__ import annotations

from itertools import product

_FIRST, _LAST = 0xAC00, 0xD7A3
_MEDIALS, _FINALS = 21, 28

# Initial consonants in Unicode order: voiced and voiceless spellings of ㄱ ㄷ ㅂ ㅈ both occur (MR writes a
# given name's syllables voiced between vowels: Kim Tubong, Kim Du-bong).
_INITIALS = (("g", "k"), ("kk", "gg"), ("n",), ("d", "t"), ("tt",), ("r", "l", "n"), ("m",), ("b", "p"), ("pp",),
             ("s", "sh"), ("ss",), ("",), ("j", "ch"), ("jj", "tch"), ("ch",), ("k",), ("t",), ("p",), ("h",))
# Vowels: RR, MR without breves (ŏ → o, ŭ → u), and the conventional English spellings (Sung, Young, Choi).
_VOWELS = (("a",), ("ae",), ("ya",), ("yae",), ("eo", "o", "u"), ("e",), ("yeo", "yo", "you", "yu"), ("ye",),
           ("o",), ("wa",), ("wae",), ("oe", "oi"), ("yo",), ("u", "oo"), ("wo",), ("we",), ("wi",), ("yu",),
           ("eu", "u"), ("ui",), ("i",))
_FINAL = (("",), ("k", "g"), ("k",), ("k",), ("n",), ("n",), ("n",), ("t", "d"), ("l", "r"), ("k",), ("m",),
          ("l",), ("l",), ("l",), ("p",), ("l",), ("m",), ("p", "b"), ("p",), ("t", "s"), ("t",), ("ng",), ("t",),
          ("t",), ("k",), ("t",), ("p",), ("t", "h"))
# Surnames keep spellings of their own (Pak, Park, Yi, Lee, Ri, Choe, Choi) that the syllable rules do not give.
_SURNAMES = {
    "김": ("kim", "gim"), "박": ("pak", "park", "bak"), "이": ("yi", "lee", "ri", "i", "rhee", "li"),
    "리": ("ri", "li", "lee", "yi"), "최": ("choe", "choi"), "정": ("chong", "jeong", "jung", "chung"),
    "허": ("ho", "heo", "hur", "hu"), "조": ("cho", "jo"), "강": ("kang", "gang"), "윤": ("yun", "yoon"),
    "장": ("chang", "jang"), "임": ("im", "lim", "rim"), "림": ("rim", "lim", "im"), "오": ("o", "oh"),
    "서": ("so", "seo", "suh"), "신": ("shin", "sin"), "권": ("kwon", "gwon"), "안": ("an", "ahn"),
    "류": ("ryu", "yu", "yoo"), "유": ("yu", "yoo"), "전": ("chon", "jeon", "chun"), "문": ("mun", "moon"),
    "손": ("son", "sohn"), "백": ("paek", "baek", "paik"), "노": ("no", "roh"), "로": ("ro", "no", "roh"),
    "한": ("han",), "남": ("nam",), "홍": ("hong",), "황": ("hwang",), "송": ("song",), "양": ("yang",),
}
SYLLABLES = (2, 4)  # a name: surname and a given name of one to three syllables
MAX_JOINED = 64  # spellings of a whole given name written as one word


def is_hangul_name(word: str) -> bool:
    return SYLLABLES[0] <= len(word) <= SYLLABLES[1] and all(_FIRST <= ord(ch) <= _LAST for ch in word)


def syllable_spellings(syllable: str) -> tuple[str, ...]:
    """The Latin spellings of one Hangul syllable: 성 → seong, song, sung, …"""
    index = ord(syllable) - _FIRST
    initial, rest = divmod(index, _MEDIALS * _FINALS)
    medial, final = divmod(rest, _FINALS)
    spellings = ("".join(parts) for parts in product(_INITIALS[initial], _VOWELS[medial], _FINAL[final]))
    return tuple(dict.fromkeys(spellings))


def korean_name_forms(word: str) -> tuple[tuple[tuple[str, ...], ...], ...]:
    """How English texts write a Korean name typed in Hangul, as word positions each with its alternative
    spellings: surname then the given name in one word (Pak Heonyeong), and surname then each syllable apart
    (Pak Hon-yong, Kim Il Sung). Empty for anything that is not 2 to 4 Hangul syllables."""
    if not is_hangul_name(word):
        return ()
    surname = _SURNAMES.get(word[0]) or syllable_spellings(word[0])
    given = [syllable_spellings(ch) for ch in word[1:]]
    forms = [(surname, *given)]
    if len(given) > 1:
        joined = tuple("".join(parts) for parts in _limited(product(*given), MAX_JOINED))
        forms.insert(0, (surname, joined))
    return tuple(forms)


def _limited(items, limit: int) -> list:
    found = []
    for item in items:
        if len(found) == limit:
            break
        found.append(item)
    return found
