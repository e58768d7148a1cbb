"""Every facet of the registry (`index/facets.py`) reaches every stage: request parsing, the query language, the
schema and columns, counting, the search page, the facet API and the OpenAPI description."""
import html
import re
from urllib.parse import parse_qs

import pytest
from whoosh import fields, query as wq

from index.analysis import make_analyzer
from index.columns import load_columns
from index.facets import FACETS
from index.generations import live_generation
from index.schema import ValuesTokenizer, make_schema
from search.query import parse_query
from search.request import SearchRequest
from web.app import create_app

pytestmark = pytest.mark.parametrize("spec", FACETS, ids=lambda spec: spec.name)


def test_request_parses_describes_and_writes_back_the_facet(spec):
    req = SearchRequest.from_args({spec.name: ["a value"], "zzz": ["ignored"]})
    assert req.values(spec.name) == ("a value",)
    assert req.to_query_string() == f"{spec.name}=a%20value"
    assert SearchRequest.from_args(parse_qs(req.to_query_string())) == req
    assert req.describe() == spec.phrase.format("a value")
    assert req.without_filter(spec.name).filters == ()


def test_query_language_searches_the_facet_field_under_every_name(spec):
    analyzer = make_analyzer()
    for name in spec.query_fields:
        parsed = parse_query(f'{name}:"a value" armistice', analyzer, lambda field, raw: raw)
        terms = [q for q in parsed.query.leaves() if isinstance(q, wq.Term) and q.fieldname == spec.field]
        assert {t.text for t in terms} == {"a value"}, name
        assert not parsed.notices


def test_schema_and_columns_hold_the_facet(spec, index_root):
    field = make_schema()[spec.field]
    assert isinstance(field, fields.KEYWORD) and isinstance(field.analyzer, ValuesTokenizer)
    column = load_columns(live_generation(index_root).path).facets[spec.field]
    assert column.values, f"no document of the bundled corpus has a {spec.name}"


@pytest.fixture(scope="module")
def served(index_root):
    """One app for the module, and what every facet's test reads: the API's facets, the page, the OpenAPI."""
    client = create_app({"INDEX": str(index_root), "TESTING": True}).test_client()
    return {"client": client, "facets": client.get("/api/search?per_page=1").get_json()["facets"],
            "page": client.get("/search").get_data(as_text=True),
            "openapi": client.get("/api/openapi.json").get_json()}


def test_search_counts_the_facet_and_the_page_shows_and_selects_it(spec, served):
    client, page = served["client"], served["page"]
    value = served["facets"][spec.name][0]["value"]
    group = re.search(rf'<fieldset class="facet" data-facet="{spec.name}">\s*<legend>([^<]*)</legend>', page)
    assert group and html.unescape(group.group(1)) == spec.title
    assert f'name="{spec.name}"' in page
    selected = client.get(SearchRequest().with_filter(spec.name, value).url()).get_data(as_text=True)
    assert html.escape(f"{spec.title}: ", quote=False) in selected  # the chip naming the selection


def test_facet_api_and_openapi_know_the_facet(spec, served):
    assert served["client"].get(f"/api/facet/{spec.name}").get_json()["values"]
    parameters = served["openapi"]["paths"]["/api/search"]["get"]["parameters"]
    described = [p for p in parameters if p["name"] == spec.name]
    assert described and described[0]["schema"]["type"] == "array" and spec.title in described[0]["description"]
