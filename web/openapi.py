"""The OpenAPI 3 description of the JSON API, built from the same constants the request parser uses.
tests/web/test_openapi.py checks it against the app's routes and the bodies the API really sends."""
from __future__ import annotations

from index.facets import FACETS
from search.request import DEFAULT_PER_PAGE, MAX_FACET_VALUES, MAX_PAGE, MAX_PER_PAGE, MAX_QUERY_CHARS, SORTS

DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"


def _param(name: str, schema: dict, description: str, *, location: str = "query", required: bool = False) -> dict:
    return {"name": name, "in": location, "required": required, "description": description, "schema": schema}


def search_parameters() -> list[dict]:
    params = [_param("q", {"type": "string", "maxLength": MAX_QUERY_CHARS * 5},
                     "Query: words, \"phrases\", OR, NOT, -word, (groups), prefix*, fuzzy~, field:value. "
                     f"Longer queries are cut to {MAX_QUERY_CHARS} characters with a notice.")]
    for spec in FACETS:
        params.append({
            **_param(spec.name, {"type": "array", "items": {"type": "string"}, "maxItems": MAX_FACET_VALUES},
                     f"{spec.title}: documents {spec.phrase.format('…')}; repeat for several values (OR-ed). "
                     "Different facets are AND-ed."),
            "style": "form", "explode": True,
        })
    params += [
        _param("from", {"type": "string", "pattern": DATE_PATTERN}, "Start of the date range: YYYY, YYYY-MM or YYYY-MM-DD."),
        _param("to", {"type": "string", "pattern": DATE_PATTERN}, "End of the date range: YYYY, YYYY-MM or YYYY-MM-DD."),
        _param("sort", {"type": "string", "enum": list(SORTS), "default": "relevance"}, "Order of the hits."),
        _param("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1}, "Page number."),
        _param("per_page", {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": DEFAULT_PER_PAGE},
               "Hits per page."),
        _param("typos", {"type": "string", "enum": ["on", "off"], "default": "on"},
               "Typo tolerance: 'off' searches the words exactly as typed."),
    ]
    return params


ERROR = {
    "type": "object", "required": ["error"],
    "properties": {"error": {"type": "object", "required": ["message", "status"], "properties": {
        "status": {"type": "integer"}, "message": {"type": "string"},
        "parameter": {"type": "string", "description": "The request parameter that was wrong."}}}},
}

DATE = {"type": "object", "properties": {
    "start": {"type": "string", "description": "ISO date or empty when undated"},
    "end": {"type": "string"}, "label": {"type": "string"},
    "precision": {"type": "string", "enum": ["day", "month", "year", "range", "after", "before", "circa", "unknown"],
                  "description": "How much of start/end the editors really know: 'month' means only the month"}}}

HIT = {"type": "object", "required": ["id", "url", "title"], "properties": {
    "id": {"type": "string"}, "url": {"type": "string"},
    "title": {"type": "string", "description": "HTML: escaped text with <mark> around matched words"},
    "collection": {"type": "string"}, "number": {"type": "string"}, "date": {"$ref": "#/components/schemas/Date"},
    "doc_type": {"type": "string"}, "senders": {"type": "array", "items": {"type": "string"}},
    "recipients": {"type": "array", "items": {"type": "string"}}, "classification": {"type": "string"},
    "archive": {"type": "string"}, "score": {"type": "number"},
    "versions": {"type": "array", "description": "The other matching-or-not versions of this document; the hit is "
                                                 "its group's representative (the fullest text, then the smallest id)",
                 "items": {"$ref": "#/components/schemas/Version"}},
    "snippet": {"type": "string", "description": "HTML: up to three escaped fragments with <mark>"}}}

VERSION = {"type": "object", "required": ["id", "url"], "properties": {
    "id": {"type": "string"}, "collection": {"type": "string"}, "url": {"type": "string"},
    "title": {"type": "string"}}}

BIN = {"type": "object", "required": ["key", "count"], "properties": {
    "key": {"type": "string", "description": "YYYY or YYYY-MM"}, "label": {"type": "string"},
    "from": {"type": "string"}, "to": {"type": "string"}, "count": {"type": "integer"}}}

FACET_VALUE = {"type": "object", "properties": {
    "value": {"type": "string", "description": "'__none__' is the 'unknown' bucket: documents without a value"},
    "label": {"type": "string"}, "count": {"type": "integer"}, "selected": {"type": "boolean"},
    "excluded": {"type": "boolean", "description": "Excluded by '-value' in the request"}}}

SEARCH_RESULT = {"type": "object", "required": [
    "query", "total", "total_documents", "page", "per_page", "hits", "facets", "histogram", "suggestion", "notices",
    "search_instead",
], "properties": {
    "query": {"type": "object", "properties": {
        "q": {"type": "string"}, "query_string": {"type": "string"},
        "description": {"type": "string", "description": "The search in plain words"}}},
    "total": {"type": "integer", "description": "Results: matching documents with the versions of one document "
                                                "grouped under one hit (what the pages page over)"},
    "total_documents": {"type": "integer", "description": "Matching documents, every version counted (what facet "
                                                          "counts, the timeline and every export count)"},
    "page": {"type": "integer"}, "per_page": {"type": "integer"},
    "hits": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"}},
    "facets": {"type": "object", "additionalProperties": {"type": "array",
                                                           "items": {"$ref": "#/components/schemas/FacetValue"}}},
    "histogram": {"type": "object", "properties": {
        "unit": {"type": "string", "enum": ["month", "year"]},
        "bins": {"type": "array", "items": {"$ref": "#/components/schemas/Bin"}},
        "undated": {"type": "integer", "description": "Matching documents without a date"}}},
    "suggestion": {"type": ["string", "null"]}, "notices": {"type": "array", "items": {"type": "string"}},
    "search_instead": {"type": ["string", "null"],
                       "description": "When words were corrected: the URL that searches them as typed (typos=off)"}}}

FACET_VALUES = {"type": "object", "required": ["facet", "values"], "properties": {
    "facet": {"type": "string"},
    "values": {"type": "array", "items": {"$ref": "#/components/schemas/FacetValue"}}}}

NAME = {"type": "object", "properties": {
    "key": {"type": "string"}, "name": {"type": "string"}, "kind": {"type": "string"},
    "description": {"type": "string"},
    "matched": {"type": "string", "description": "The spelling the typed words start (\"Mao Tse-tung\" for \"Mao Tse\")"}}}

HEALTH = {"type": "object", "required": ["status"], "properties": {
    "status": {"type": "string", "enum": ["ok", "unavailable"]}, "documents": {"type": "integer"},
    "generation": {"type": "integer"}, "error": {"type": "object"}}}


def _json(ref: str, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": ref}}}}


def _error(description: str) -> dict:
    return _json("#/components/schemas/Error", description)


def openapi_document(server_url: str = "/") -> dict:
    path_params = [
        _param("collection", {"type": "string"}, "Collection slug, e.g. mansourov.", location="path", required=True),
        _param("number", {"type": "string"}, "Document number within the collection.", location="path", required=True),
    ]
    return {
        "openapi": "3.1.0",
        "info": {"title": "kwarchive API", "version": "1.0",
                 "description": "Full-text search over declassified Korean War documents, 1949–1954."},
        "servers": [{"url": server_url}],
        "paths": {
            "/api/search": {"get": {
                "operationId": "search", "summary": "Search the documents",
                "parameters": search_parameters(),
                "responses": {"200": _json("#/components/schemas/SearchResult", "One page of hits with facets"),
                              "400": _error("A parameter cannot be honoured; `parameter` names it"),
                              "503": _error("The index is unavailable")}}},
            "/api/doc/{collection}/{number}": {"get": {
                "operationId": "document", "summary": "One full document record",
                "parameters": path_params,
                "responses": {"200": {"description": "The record (Document.to_dict())",
                                      "content": {"application/json": {"schema": {"type": "object"}}}},
                              "404": _error("No such document"), "503": _error("The index is unavailable")}}},
            "/api/facet/{name}": {"get": {
                "operationId": "facet", "summary": "Every value of one facet for a search, with counts",
                "parameters": [
                    _param("name", {"type": "string", "enum": [spec.name for spec in FACETS]}, "The facet.",
                           location="path", required=True),
                    _param("facet_q", {"type": "string", "maxLength": 200},
                           "Keep only the values containing this text (case and accents ignored)."),
                    *search_parameters()],
                "responses": {"200": _json("#/components/schemas/FacetValues", "The facet's values"),
                              "400": _error("A parameter cannot be honoured; `parameter` names it"),
                              "404": _error("No such facet"), "503": _error("The index is unavailable")}}},
            "/api/names": {"get": {
                "operationId": "names", "summary": "Names from the authority that complete what is typed",
                "parameters": [_param("q", {"type": "string", "maxLength": 200},
                                      "The search box's text; its last words are the start of a name in any spelling")],
                "responses": {"200": {"description": "Up to ten names", "content": {"application/json": {
                    "schema": {"type": "object", "properties": {
                        "names": {"type": "array", "items": {"$ref": "#/components/schemas/Name"}},
                        "replaces": {"type": "string",
                                     "description": "The trailing words of q that a chosen name replaces"}}}}}}}}},
            "/api/openapi.json": {"get": {
                "operationId": "openapi", "summary": "This description",
                "responses": {"200": {"description": "OpenAPI 3.1", "content": {"application/json": {
                    "schema": {"type": "object"}}}}}}},
            "/healthz": {"get": {
                "operationId": "health", "summary": "Whether the index is readable",
                "responses": {"200": _json("#/components/schemas/Health", "Ready"),
                              "503": _json("#/components/schemas/Health", "The index is missing or unreadable")}}},
        },
        "components": {"schemas": {"Error": ERROR, "Date": DATE, "Hit": HIT, "Version": VERSION,
                                   "FacetValue": FACET_VALUE, "Bin": BIN, "SearchResult": SEARCH_RESULT,
                                   "FacetValues": FACET_VALUES, "Name": NAME, "Health": HEALTH}},
    }
