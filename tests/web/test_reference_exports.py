"""Exports a reference manager trusts, checked the way one reads them: every format parsed with a real parser
(rispy, bibtexparser, json, csv, lxml), with the dates, names, types and archive fields of nkidp-reader/16 (a
telegram with an archive signature and other versions), /47 (a report dated only "June 1951") and /90 (a report
dated "19 May – 15 June 1952"); and the counts of a search equal to the counts in its exports."""
from __future__ import annotations

import csv
import io
import json

import bibtexparser
import lxml.html
import pytest
import rispy
from bibtexparser import middlewares

from hostile import COLLECTION

SEARCHES = ["", "q=armistice", "type=telegram", "q=divisions", "from=1950-06&to=1950-12&sort=date_desc"]


def download(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


@pytest.fixture(scope="module")
def exports(index_root):
    """Every format of the whole archive, downloaded once."""
    from web.app import create_app

    client = create_app({"INDEX": str(index_root), "TESTING": True}).test_client()
    return {fmt: download(client, f"/search?format={fmt}") for fmt in ("ris", "bibtex", "csljson", "csv", "json")}


@pytest.fixture(scope="module")
def ris(exports):
    return {entry["id"]: entry for entry in rispy.loads(exports["ris"])}


@pytest.fixture(scope="module")
def bibtex(exports):
    library = bibtexparser.parse_string(exports["bibtex"], append_middleware=[
        middlewares.SeparateCoAuthors(), middlewares.SplitNameParts()])
    assert not library.failed_blocks
    return {entry.key: entry for entry in library.entries}


@pytest.fixture(scope="module")
def csl(exports):
    return {item["id"]: item for item in json.loads(exports["csljson"])}


def field(entry, name):
    found = entry.fields_dict.get(name)
    return found.value if found else None


def test_export_all_holds_every_document_versions_included(client, exports, ris, bibtex, csl):
    total = client.get("/api/search").get_json()["total_documents"]
    assert len(ris) == len(bibtex) == len(csl) == total
    rows = list(csv.DictReader(io.StringIO(exports["csv"].lstrip("\ufeff"))))
    assert len({row["id"] for row in rows}) == total
    assert len(json.loads(exports["json"])["hits"]) == total
    # nkidp-reader/16 is grouped under another version in the results list, but it is exported.
    assert "nkidp-reader/16" in ris and "nkidp-reader-16" in bibtex and "nkidp-reader/16" in csl


@pytest.mark.parametrize("query", SEARCHES)
def test_counts_of_a_search_equal_the_counts_in_its_exports(client, query):
    body = client.get(f"/api/search?{query}").get_json()
    total = body["total_documents"]
    assert total >= body["total"]
    assert len(rispy.loads(download(client, f"/search?{query}&format=ris"))) == total
    assert len(json.loads(download(client, f"/search?{query}&format=csljson"))) == total
    assert len(bibtexparser.parse_string(download(client, f"/search?{query}&format=bibtex")).entries) == total
    rows = list(csv.DictReader(io.StringIO(download(client, f"/search?{query}&format=csv").lstrip("\ufeff"))))
    assert len(rows) == total


def test_a_facet_count_equals_the_documents_its_click_gives(client):
    facets = client.get("/api/search").get_json()["facets"]
    for name in ("type", "year", "collection"):
        for value in facets[name][:4]:
            clicked = client.get(f"/api/search?{name}={value['value']}").get_json()
            assert clicked["total_documents"] == value["count"], (name, value)


def test_ris_dates_keep_their_precision(ris):
    assert ris["nkidp-reader/47"]["date"] == "1951/06//"
    assert ris["nkidp-reader/47"]["year"] == "1951"
    assert ris["nkidp-reader/16"]["date"] == "1950/07/05/"
    assert ris["nkidp-reader/90"]["date"] == "1952///19 May – 15 June 1952"
    after = ris["nkidp-reader/70"]["date"]
    assert after.startswith("1951///") and "15 September" in after  # "after 15 September 1951": no day
    undated = ris["cwihp-bulletin/18a"]
    assert "date" not in undated and "year" not in undated


def test_ris_names_types_and_archive(ris):
    telegram = ris["nkidp-reader/16"]
    assert telegram["type_of_reference"] == "PCOMM"
    assert telegram["authors"] == ["Stalin, Joseph"]
    assert telegram["secondary_authors"] == ["Zhou, Enlai"]  # Zotero: a letter's recipient
    assert telegram["subsidiary_authors"] == ["Goldberg, Gary"]  # translator
    assert telegram["tertiary_authors"] == ["Person, James F."]  # the collection's editor
    assert telegram["name_of_database"] == "Russian State Archive of Social and Political History (RGASPI)"
    assert telegram["accession_number"] == "f. 558, op. 11, d. 334, p. 79"  # Zotero's "Loc. in Archive"
    assert telegram["secondary_title"] == "New Evidence on the Korean War"
    assert telegram["type_of_work"] == "Telegram"
    report = ris["nkidp-reader/90"]
    assert report["type_of_reference"] == "RPRT"
    assert "authors" not in report
    assert report["accession_number"] == "f. 16, op. 3139, d. 157, pp. 27-35"
    assert ris["nkidp-reader/47"]["type_of_reference"] == "RPRT"


def test_ris_people_family_name_first_and_places_never_authors(ris):
    kim = [e for e in ris.values() if "Kim, Il Sung" in e.get("authors", [])]
    assert kim, "Kim Il Sung is filed under Kim"
    mao = [e for e in ris.values() if "Mao, Zedong" in e.get("authors", [])]
    assert mao
    places = {"Beijing", "Moscow", "Pyongyang"}
    assert not [e["id"] for e in ris.values() if places & set(e.get("authors", []))]
    assert "USSR Ministry of War" in {a for e in ris.values() for a in e.get("authors", [])}


def test_ris_types_follow_zotero(ris):
    types = {e["id"]: e["type_of_reference"] for e in ris.values()}
    assert types["nkidp-reader/47"] == "RPRT"
    decree = next(e for e in ris.values() if e.get("type_of_work") == "Decree")
    assert decree["type_of_reference"] == "GEN"
    assert ris["krasnaya-zvezda/1"]["type_of_reference"] == "NEWS"


def test_bibtex_dates_types_names_and_archive(bibtex):
    report = bibtex["nkidp-reader-47"]
    assert report.entry_type == "report"
    assert field(report, "date") == "1951-06"
    assert field(bibtex["nkidp-reader-90"], "date") == "1952-05-19/1952-06-15"
    assert field(bibtex["nkidp-reader-70"], "date") == "1951-09-15/.."
    telegram = bibtex["nkidp-reader-16"]
    assert telegram.entry_type == "letter"
    assert field(telegram, "date") == "1950-07-05"
    (stalin,) = field(telegram, "author")
    assert (stalin.last, stalin.first) == (["Stalin"], ["Joseph"])
    (translator,) = field(telegram, "translator")
    assert (translator.last, translator.first) == (["Goldberg"], ["Gary"])
    assert field(telegram, "archive") == "Russian State Archive of Social and Political History (RGASPI)"
    assert field(telegram, "archive_location") == "f. 558, op. 11, d. 334, p. 79"
    assert field(telegram, "booktitle") == "New Evidence on the Korean War"


def test_bibtex_organisations_are_braced_corporate_names(bibtex):
    ministry = [entry for entry in bibtex.values()
                for name in field(entry, "author") or () if "Ministry of War" in " ".join(name.last)]
    assert ministry
    for entry in ministry:
        name = next(n for n in field(entry, "author") if "Ministry of War" in " ".join(n.last))
        assert name.first == [] and name.von == [] and name.last == ["{USSR Ministry of War}"]
    kim = [name for entry in bibtex.values() for name in field(entry, "author") or () if name.last == ["Kim"]]
    assert kim and kim[0].first == ["Il", "Sung"]


def test_csl_json_dates_names_and_archive(csl):
    assert csl["nkidp-reader/47"]["issued"] == {"date-parts": [[1951, 6]]}
    assert csl["nkidp-reader/90"]["issued"] == {"date-parts": [[1952, 5, 19], [1952, 6, 15]]}
    assert csl["nkidp-reader/70"]["issued"]["date-parts"] == [[1951]]
    telegram = csl["nkidp-reader/16"]
    assert telegram["type"] == "letter"
    assert telegram["author"] == [{"family": "Stalin", "given": "Joseph"}]
    assert telegram["recipient"] == [{"family": "Zhou", "given": "Enlai"}]
    assert telegram["archive_location"] == "f. 558, op. 11, d. 334, p. 79"
    assert csl["nkidp-reader/47"]["type"] == "report"


def test_csv_gains_people_places_translator_and_archive_signature(exports):
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(exports["csv"].lstrip("\ufeff")))}
    telegram = rows["nkidp-reader/16"]
    assert "Mao Zedong" in telegram["people"].split("; ")
    assert "Beijing" in telegram["places"].split("; ")
    assert telegram["translator"] == "Gary Goldberg"
    assert telegram["archive_signature"] == "f. 558, op. 11, d. 334, p. 79"
    assert rows["nkidp-reader/47"]["date_precision"] == "month"


@pytest.mark.parametrize("suffix, parse", [
    (".ris", lambda text: rispy.loads(text)[0]["date"]),
    (".bib", lambda text: bibtexparser.parse_string(text).entries[0].fields_dict["date"].value),
    (".json", lambda text: json.loads(text)[0]["issued"]["date-parts"]),
])
def test_per_document_downloads(client, suffix, parse):
    response = client.get(f"/doc/nkidp-reader/47{suffix}")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    assert parse(response.get_data(as_text=True)) in ("1951/06//", "1951-06", [[1951, 6]])
    same = client.get(f"/doc/nkidp-reader/47?format={ {'.ris': 'ris', '.bib': 'bibtex', '.json': 'csljson'}[suffix] }")
    assert same.get_data() == response.get_data()
    assert client.get("/doc/nkidp-reader/47?format=pdf").status_code == 400


def test_document_page_head_is_a_record_zotero_captures(client):
    tree = lxml.html.fromstring(client.get("/doc/nkidp-reader/47").get_data(as_text=True))
    meta = {}
    for tag in tree.xpath("//head/meta[starts-with(@name, 'citation_')]"):
        meta.setdefault(tag.get("name"), []).append(tag.get("content"))
    assert meta["citation_title"] == ["Report on the State of Political Morale and the Organization of Party "
                                      "Political Work"]
    assert meta["citation_date"] == ["1951-06"]
    assert meta["citation_publisher"] == ["Woodrow Wilson International Center for Scholars"]
    assert meta["citation_collection_title"] == ["New Evidence on the Korean War"]
    assert tree.xpath("//head/link[@rel='canonical']/@href") == ["http://localhost/doc/nkidp-reader/47"]
    links = tree.xpath("//a[@download]/@href")
    assert {"/doc/nkidp-reader/47.ris", "/doc/nkidp-reader/47.bib", "/doc/nkidp-reader/47.json"} <= set(links)
    authors = lxml.html.fromstring(client.get("/doc/nkidp-reader/16").get_data(as_text=True)).xpath(
        "//meta[@name='citation_author']/@content")
    assert authors == ["Stalin, Joseph"]


def test_every_result_carries_coins(client):
    tree = lxml.html.fromstring(client.get("/search?q=Stalin&per_page=10").get_data(as_text=True))
    hits = tree.xpath("//li[contains(@class, 'hit')]")
    spans = tree.xpath("//span[@class='Z3988']/@title")
    assert len(spans) == len(hits) == 10
    assert all("ctx_ver=Z39.88-2004" in s and "rft.title=" in s for s in spans)


def test_page_says_results_and_documents_apart(client):
    tree = lxml.html.fromstring(client.get("/search").get_data(as_text=True))
    api = client.get("/api/search").get_json()
    heading = " ".join(tree.xpath("//h1[@id='results-heading']")[0].text_content().split())
    assert heading.startswith(f"{api['total_documents']:,} documents")
    grouping = " ".join(tree.xpath("//p[@class='results__grouping']")[0].text_content().split())
    assert grouping.startswith(f"{api['total']:,} results · {api['total_documents']:,} documents including versions")


def test_atom_feed_follows_a_search(client):
    import feedparser

    response = client.get('/search?q="nine Chinese divisions"&format=atom')
    feed = feedparser.parse(response.get_data())
    assert not feed.bozo
    assert feed.feed.title == 'Korean War Documents: matching "nine Chinese divisions"'  # quoted once
    everything = feedparser.parse(client.get("/search?format=atom&per_page=20").get_data())
    links = {link.rel: link.href for link in everything.feed.links}
    assert links["next"].startswith("http://localhost/search?") and "page=2" in links["next"]
    assert "format=atom" in links["self"] and "sort=date_desc" in links["self"]
    published = [entry.published for entry in everything.entries]
    assert published == sorted(published, reverse=True)  # newest documents first
    assert all(entry.id.startswith("http://localhost/doc/") for entry in everything.entries)
    again = feedparser.parse(client.get("/search?format=atom&per_page=20").get_data())
    assert again.feed.updated == everything.feed.updated  # the index's time, not the request's
    last = feedparser.parse(client.get("/search?format=atom&per_page=100&page=3").get_data())
    assert "next" not in {link.rel for link in last.feed.links}


def test_atom_ids_come_from_the_configured_base_url(index_root):
    import feedparser

    from web.app import create_app

    app = create_app({"INDEX": str(index_root), "TESTING": True, "BASE_URL": "https://archive.example.org/kw"})
    feed = feedparser.parse(app.test_client().get("/search?q=Stalin&format=atom").get_data())
    assert feed.entries and all(e.id.startswith("https://archive.example.org/kw/doc/") for e in feed.entries)


@pytest.mark.parametrize("path", [f"/selected?ids={COLLECTION}/1", f"/compare/{COLLECTION}/1",
                                  f"/doc/{COLLECTION}/1?q=armistice&hit=1"])
def test_new_pages_escape_hostile_records(client, path):
    body = client.get(path).get_data(as_text=True)
    assert "<script>alert" not in body and "&lt;script&gt;" in body


@pytest.mark.parametrize("path, status", [
    ("/compare/nope/1", 404), ("/selected?ids=" + ",".join(f"x/{n}" for n in range(501)), 400),
    ("/selected?ids=nkidp-reader/16&format=pdf", 400), ("/doc/nkidp-reader/47?hit=abc", 200),
    ("/doc/nkidp-reader/47?hit=99999&q=Stalin", 200), ("/advanced?from=1950-13", 400), ("/search?sort=title", 200),
])
def test_bad_input_gets_a_clear_status(client, path, status):
    assert client.get(path).status_code == status


def test_a_groups_representative_is_the_same_whatever_the_search(client):
    shown = set()
    for query in ("", "q=Stalin", "q=Zhou+Enlai", "q=divisions", "sort=date_desc", "type=telegram"):
        hits = client.get(f"/api/search?{query}&per_page=100").get_json()["hits"]
        group = [h["id"] for h in hits if h["id"] == "nkidp-reader/16"
                 or "nkidp-reader/16" in {v["id"] for v in h["versions"]}]
        shown.update(group)
    assert len(shown) == 1


@pytest.mark.parametrize("sort", ["title", "collection"])
def test_sort_by_title_and_by_collection_number(client, sort):
    from corpus.authority import fold

    hits = client.get(f"/api/search?sort={sort}&per_page=100&collection=nkidp-reader").get_json()["hits"]
    if sort == "title":
        titles = [fold(h["title"]) for h in hits]
        assert titles == sorted(titles)
    else:
        numbers = [int(h["number"]) for h in hits]
        assert numbers == sorted(numbers) and numbers[:3] == [1, 2, 3]
