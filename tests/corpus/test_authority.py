"""The bundled name authority: every spelling, pseudonym and native form resolves; mentions are whole words."""
import pickle
import re
import unicodedata

import pytest

from corpus.authority import Authority, AuthorityEntry, _mention_key, fold, fold_words
from corpus.errors import CorpusError


@pytest.fixture(scope="module")
def authority():
    return Authority.load()


SPELLINGS = {
    "joseph-stalin": ["Stalin", "I.V. Stalin", "Iosif Vissarionovich Stalin", "STALIN I.V.", "Comrade Stalin",
                      "Filippov", "Fyn Si", "FYN-SI", "Feng Xi", "Chan Fu", "Instantsia", "Instantsiya",
                      "Сталин", "斯大林", "스탈린", "Filippov [Stalin]", "Filippov (Stalin)"],
    "terentii-shtykov": ["Shtykov", "Shtikov", "Shtykoff", "Comrade Shtykov", "Comrade Shtykov, T.F.", "Штыков",
                         "Shtikov's"],
    "andrei-vyshinsky": ["Vyshinsky", "Vishinsky", "Vyshinskii", "Cmrd. Vyshinsky", "Вышинский"],
    "vladimir-razuvaev": ["Razuvaev", "Razuvayev", "Razubayev", "General Razuvayev"],
    "pak-hon-yong": ["Pak Hon-yong", "Pak Heonyeong", "Pak Hen Yen", "Pak Hon Yong", "Pak Hŏn-yŏng", "박헌영"],
    "peng-dehuai": ["Peng Dehuai", "Peng Dehauai", "Peng Dehaui", "Peng Teh-huai", "彭德怀", "彭德懷"],
    "li-kenong": ["Li Kenong", "Li Ke Nong", "Li Keqiang", "Le Kenong"],
    "nikolai-roshchin": ["Roshchin", "Rosin", "Soviet Ambassador in Beijing (N.V. Roshchin)",
                         "Roshchin (Soviet ambassador)"],
    "kim-il-sung": ["Kim Il Sung", "Kim Il-sung", "KIM IL SUNG", "Kim Ir Sen", "김일성", "金日成", "Ким Ир Сен"],
    "mao-zedong": ["Mao Zedong", "Mao Tse-tung", "毛泽东", "毛澤東", "Мао Цзэдун", "Chairman Mao"],
    "zhou-enlai": ["Zhou Enlai", "周恩来", "周恩來", "Chinese Foreign Minister Zhou Enlai"],
    "matvei-zakharov": ["Zakharov", "Matveyev", "Matveyev (Zakharov)"],
    "incheon": ["Chemulp'o", "Chemulp’o", "Inchon", "Incheon", "仁川", "인천"],
    "chongjin": ["Seishin", "Cheongjin", "Ch'óngjin", "Ch’ŏngjin", "Chongjin"],
    "wonsan": ["Genzan", "Wonsan"],
    "pyongyang": ["Pyongyang", "Pyeongyang", "Heijo", "평양"],
    "seoul": ["Seoul", "Keijo", "서울"],
    "dandong": ["Andong", "Antung", "Dandong"],
    "shenyang": ["Mukden", "Shenyang"],
    "lushun": ["Port Arthur", "Lushun"],
    "beijing": ["[Beijing]", "Beijing", "Peking"],
    "soviet-ambassador-beijing": ["USSR Ambassador in Beijing", "Soviet Ambassador"],
    "ussr-mfa": ["USSR MFA", "USSR Ministry of Foreign Affairs", "Ministry of Foreign Affairs of the USSR"],
    "vkp-b-cc-politburo": ["VKP(b) CC Politburo"],
    "polish-foreign-ministry": ["Polish Foreign Ministry", "the Ministry of Foreign Affairs in Warsaw"],
}


@pytest.mark.parametrize("key,spelling", [(k, s) for k, forms in SPELLINGS.items() for s in forms])
def test_every_spelling_resolves_to_its_entry(authority, key, spelling):
    entry = authority.resolve(spelling)
    assert entry is not None, spelling
    assert entry.key == key


def test_case_diacritics_and_apostrophes_are_ignored(authority):
    assert authority.resolve("CH'ÓNGJIN") is authority.resolve("chongjin")
    assert authority.resolve("pak hon yong") is authority.get("pak-hon-yong")
    assert fold("Ch’ŏngjin") == fold("Ch'óngjin") == "chongjin"
    assert fold("Kim Il-sung") == "kim il sung"


def test_unknown_and_bare_ambiguous_names_do_not_resolve(authority):
    assert authority.resolve("Kim") is None
    assert authority.resolve("Li") is None
    assert authority.resolve("Nobody Inparticular") is None


def test_resolve_all_splits_parties(authority):
    names = [e.canonical for e in authority.resolve_all("Kim Il Sung and Pak Heonyeong")]
    assert names == ["Kim Il Sung", "Pak Hon-yong"]
    names = [e.canonical for e in authority.resolve_all("Stalin, Kim Il-sung, & Pak Hon-yong")]
    assert names == ["Joseph Stalin", "Kim Il Sung", "Pak Hon-yong"]


def test_resolve_all_prefers_the_holder_to_the_office(authority):
    names = [e.canonical for e in authority.resolve_all("Deputy USSR Minister of Foreign Affairs, Gromyko")]
    assert names == ["Andrei Gromyko"]
    names = [e.canonical for e in authority.resolve_all("Deputy USSR Minister of Foreign Affairs Cde. V. A. Zorin")]
    assert names == ["Valerian Zorin"]


def test_find_mentions_finds_whole_word_variants(authority):
    found = authority.find_mentions("The report of Comrade Shtikov reached Moscow via Ch'óngjin.")
    assert [e.key for e in found] == ["terentii-shtykov", "moscow", "chongjin"]


def test_find_mentions_ignores_kim_and_li_alone_and_ordinary_words(authority):
    found = {e.key for e in authority.find_mentions("Kim said that Li would lie to us with joy.")}
    assert found == set()


def test_find_mentions_prefers_the_longest_form(authority):
    found = [e.key for e in authority.find_mentions("Kim Il Sung met Kim Il; Mao Anying fell.")]
    assert found == ["kim-il-sung", "kim-il", "mao-anying"]


def test_find_mentions_handles_possessives_and_native_script(authority):
    found = {e.key for e in authority.find_mentions("Kim Il-sung’s letter; 毛泽东 answered the Korean People's Army")}
    assert found == {"kim-il-sung", "mao-zedong", "korean-peoples-army"}


def test_entries_cover_people_places_and_organisations(authority):
    kinds = {e.kind for e in authority.entries}
    assert kinds == {"person", "place", "organisation"}
    assert len(authority.entries) >= 150
    assert all(e.description for e in authority.entries)
    assert len({e.key for e in authority.entries}) == len(authority.entries)


def test_authority_pickles(authority):
    copy = pickle.loads(pickle.dumps(authority))
    assert copy.resolve("Shtikov").canonical == "Terentii Shtykov"


def test_a_form_claimed_by_two_entries_is_an_error():
    a = AuthorityEntry("a", "Alpha", "person", variants=("Same",))
    b = AuthorityEntry("b", "Beta", "person", variants=("same",))
    with pytest.raises(CorpusError, match="already belongs"):
        Authority([a, b])


def test_a_bad_file_is_reported(tmp_path):
    path = tmp_path / "authority.toml"
    path.write_text('[[entry]]\nkey = "x"\ncanonical = "X"\nkind = "planet"\n', encoding="utf-8")
    with pytest.raises(CorpusError, match="kind"):
        Authority.load(path)


def _fold_one_character_at_a_time(text):
    """The folding as first written: the definition `fold` must keep."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    bare = unicodedata.normalize("NFKC", bare).translate(str.maketrans("", "", "'’ʼ‘`´ʻ′"))
    return " ".join(re.sub(r"[^\w]+|_+", " ", bare.casefold()).split())


def test_fold_is_unchanged_for_every_character_and_for_names():
    samples = ["Kim Il-sŭng's", "Ким Ир Сен", "ZHOU Én-lái", "Mao  Zedong’s", "金日成", "Šťastný Ǆ ﬁ Å", "x\u0301\u0327y"]
    every = [chr(cp) for cp in range(0x30000) if not 0xD800 <= cp < 0xE000]
    samples += ["".join(every[i:i + 64]) for i in range(0, len(every), 64)]
    assert [fold(text) for text in samples] == [_fold_one_character_at_a_time(text) for text in samples]


def test_folded_words_and_mention_keys_are_those_of_the_definition():
    """`fold_words` cuts ASCII with `str.split` and finds possessives apostrophe first: same words as ever."""
    samples = ["Stalin's reply", "Kim’s’s _x_ a's 's", "ZHOU Én-lái's, 1,000.5 U.S.", "tab\there\x1cand\x1f", "Ł’s Ш's"]
    samples += ["".join(chr(cp) for cp in range(start, start + 64)) for start in range(0, 0x3000, 64)]
    for text in samples:
        assert fold_words(text) == _fold_one_character_at_a_time(text).split()
        without = re.sub(r"(?<=\w)['’ʼ‘`´ʻ′]s\b", "", text)
        assert _mention_key(text) == _fold_one_character_at_a_time(without)
