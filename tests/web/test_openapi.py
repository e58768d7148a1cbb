"""/api/openapi.json cannot drift: it describes exactly the app's API routes, and its schemas name exactly the
fields the API sends (SearchResult.to_dict(), hits, versions, facet values, bins, names, health)."""
from __future__ import annotations

import re

import pytest

from web.openapi import openapi_document

DOCUMENT = openapi_document()
SCHEMAS = DOCUMENT["components"]["schemas"]


def properties(name: str) -> set[str]:
    return set(SCHEMAS[name]["properties"])


def api_routes(app) -> dict[str, set[str]]:
    """OpenAPI-style path → methods for every JSON route (`<name>` written `{name}`)."""
    routes: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/") or rule.rule == "/healthz":
            path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
            routes.setdefault(path, set()).update(m.lower() for m in rule.methods - {"HEAD", "OPTIONS"})
    return routes


def test_every_api_route_is_described_and_nothing_else(app):
    routes = api_routes(app)
    assert "/api/facet/{name}" in routes
    assert {path: set(operations) for path, operations in DOCUMENT["paths"].items()} == routes


def test_path_parameters_are_the_routes_own():
    for path, operations in DOCUMENT["paths"].items():
        for operation in operations.values():
            declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert declared == set(re.findall(r"{(\w+)}", path)), path


def test_search_result_fields_are_described(client):
    body = client.get("/api/search?q=Stalin&per_page=50").get_json()
    assert set(body) == properties("SearchResult") == set(SCHEMAS["SearchResult"]["required"])
    assert set(body["query"]) == set(SCHEMAS["SearchResult"]["properties"]["query"]["properties"])
    assert set(body["histogram"]) <= set(SCHEMAS["SearchResult"]["properties"]["histogram"]["properties"])
    assert {key for b in body["histogram"]["bins"] for key in b} == properties("Bin")
    assert {key for hit in body["hits"] for key in hit} == properties("Hit")
    versions = [v for hit in body["hits"] for v in hit["versions"]]
    assert versions, "the bundled corpus links versions of Stalin's telegrams"
    assert {key for v in versions for key in v} == properties("Version")
    assert {key for values in body["facets"].values() for v in values for key in v} == properties("FacetValue")


def test_the_other_bodies_are_described(client):
    facet = client.get("/api/facet/person?q=Stalin").get_json()
    assert set(facet) == properties("FacetValues") and facet["values"]
    names = client.get("/api/names?q=Sta").get_json()["names"]
    assert names and {key for name in names for key in name} == properties("Name")
    health = client.get("/healthz").get_json()
    assert set(health) <= properties("Health") and health["status"] in SCHEMAS["Health"]["properties"]["status"]["enum"]


@pytest.mark.parametrize("url, status", [("/api/facet/nonsense", 404), ("/api/search?page=0", 400)])
def test_documented_error_statuses_are_the_ones_answered(client, url, status):
    assert client.get(url).status_code == status
    path = "/api/facet/{name}" if url.startswith("/api/facet/") else "/api/search"
    assert str(status) in DOCUMENT["paths"][path]["get"]["responses"]
