"""/api/v1/openapi.json is a sound OpenAPI document; /api/v1/docs renders it without any CDN."""

import re

import pytest

EXPECTED = {
    "/api/v1/members": {"get", "post"},
    "/api/v1/members/{member_id}": {"get"},
    "/api/v1/members/{member_id}/update": {"post"},
    "/api/v1/members/{member_id}/reassign-cell": {"post"},
    "/api/v1/members/{member_id}/change-residence": {"post"},
    "/api/v1/members/{member_id}/change-workplace": {"post"},
    "/api/v1/members/{member_id}/end-employment": {"post"},
    "/api/v1/members/{member_id}/exemption": {"post"},
    "/api/v1/members/{member_id}/exemption/clear": {"post"},
    "/api/v1/books": {"get"},
    "/api/v1/books/{book_id}": {"get"},
    "/api/v1/books/{book_id}/rating": {"post"},
    "/api/v1/letters": {"get"},
    "/api/v1/letters/{letter_id}": {"get"},
    "/api/v1/letters/prepare": {"post"},
    "/api/v1/letters/issue": {"post"},
    "/api/v1/letters/confirm": {"post"},
    "/api/v1/letters/{letter_id}/withdraw": {"post"},
    "/api/v1/campaigns": {"post"},
    "/api/v1/comments": {"get"},
    "/api/v1/comments/{comment_id}": {"get"},
    "/api/v1/comments/on-demand": {"post"},
    "/api/v1/comments/{comment_id}/write": {"post"},
    "/api/v1/comments/{comment_id}/sign": {"post"},
    "/api/v1/comments/{comment_id}/send-back": {"post"},
    "/api/v1/comments/{comment_id}/certify": {"post"},
    "/api/v1/comments/{comment_id}/return": {"post"},
    "/api/v1/comments/{comment_id}/acknowledge": {"post"},
    "/api/v1/register": {"get"},
    "/api/v1/notices": {"get", "post"},
    "/api/v1/notices/{notice_id}": {"get"},
    "/api/v1/notices/{notice_id}/answer": {"post"},
    "/api/v1/meetings": {"get", "post"},
    "/api/v1/organisations": {"get"},
    "/api/v1/units": {"get"},
}
METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture
def document(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def operations(document):
    for path, item in document["paths"].items():
        for method, op in item.items():
            if method in METHODS:
                yield path, method, op


def refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from refs(value)


def test_the_document_is_openapi_3_with_a_title_and_version(document):
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] == "Sổ liên hệ 213 — API" and document["info"]["version"] == "1"


def test_the_document_has_every_path_and_method(document):
    found = {path: {m for m in item if m in METHODS} for path, item in document["paths"].items()}
    assert found == EXPECTED


def test_every_operation_has_a_summary_a_unique_id_and_a_json_response_schema(document):
    ids = []
    for path, method, op in operations(document):
        ids.append(op["operationId"])
        assert op.get("summary"), (path, method)
        success = [code for code in op["responses"] if code.startswith("2")]
        assert len(success) == 1, (path, method)
        assert op["responses"][success[0]]["content"]["application/json"]["schema"], (path, method)
        for code in ("401", "422"):
            assert op["responses"][code]["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/ErrorOut"
            }
        if method == "post":
            assert {"400", "403", "404", "409"} <= set(op["responses"]), path
    assert len(ids) == len(set(ids))


def test_every_path_parameter_is_declared_and_typed(document):
    for path, method, op in operations(document):
        in_path = set(re.findall(r"{(\w+)}", path))
        declared = {p["name"] for p in op.get("parameters", []) if p["in"] == "path"}
        assert in_path == declared, (path, method)
        for p in op.get("parameters", []):
            assert p["schema"].get("type") or p["schema"].get("anyOf") or p["schema"].get("$ref"), (path, p)


def test_every_reference_resolves(document):
    schemas = document["components"]["schemas"]
    for ref in refs(document):
        assert ref.startswith("#/components/schemas/") and ref.rsplit("/", 1)[-1] in schemas, ref


def test_both_ways_to_authenticate_are_described(document):
    schemes = document["components"]["securitySchemes"]
    assert schemes["BearerToken"] == {"type": "http", "scheme": "bearer"}
    assert schemes["SessionRead"]["in"] == "cookie"


def test_the_residence_schema_has_no_identity_fields(document):
    schemas = document["components"]["schemas"]
    assert not {"party_card_number", "national_id", "ratings"} & set(schemas["MemberOut"]["properties"])
    assert {"party_card_number", "national_id"} <= set(schemas["MemberFullOut"]["properties"])
    assert "ratings" in schemas["MemberDetailOut"]["properties"]


# --------------------------------------------------------------------------- the docs page


def test_the_docs_page_lists_every_endpoint_without_loading_anything_from_outside(client, db):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    body = response.content.decode()
    for path, methods in EXPECTED.items():
        for method in methods:
            assert f'{method.upper()}</span> <code class="api-path">{path}</code>' in body, (method, path)
    assert not re.search(r"""(src|href)=["']https?://""", body)
    scripts = re.findall(r"<script[^>]*>", body)
    assert all('src="/static/' in tag for tag in scripts), scripts  # only the app's own htmx (base.html)
    assert 'href="/api/v1/openapi.json"' in body
    assert 'id="schema-MemberOut"' in body and "Authorization: Bearer" in body


def test_the_docs_page_offers_to_try_a_list_with_the_browser_session(client, cast):
    body = client.get("/api/v1/docs").content.decode()
    assert '<form method="get" action="/api/v1/members">' in body
    assert 'name="q"' in body and '<label for="api_members_list_members-q">q</label>' in body


def test_ninjas_own_cdn_docs_are_not_served(client, db):
    assert client.get("/api/v1/docs/").status_code == 404
