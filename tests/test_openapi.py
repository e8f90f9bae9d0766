"""The OpenAPI schema at /api/schema/ and the docs pages, checked against real responses.

The `checked_client` fixture validates every response against the served
schema, so each test below fails when an endpoint returns a status or body
that the schema does not document.
"""

import pytest
from openapi_spec_validator import validate

from tests.conftest import API_TEST
from tests.openapi_validation import schema
from triggers.models import SingleTrigger, TriggerStatus, TriggerType
from vejman.models import VejmanKassen

pytestmark = API_TEST

WRITE_OPERATIONS = ["queue_create", "queue_bulk_create", "trigger_set_status", "vejmankassen_update"]


def operations():
    """Yield (path, method, operation) for every operation of the schema."""
    for path, path_item in schema()["paths"].items():
        for method, operation in path_item.items():
            yield path, method, operation


def test_schema_served_without_key(client):
    response = client.get("/api/schema/?format=json")

    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")


def test_schema_is_valid_openapi():
    validate(schema())


def test_schema_lists_every_endpoint():
    paths = set(schema()["paths"])

    assert paths == {
        "/api/queue",
        "/api/queue/{element_id}",
        "/api/queue/bulk",
        "/api/trigger",
        "/api/trigger/{trigger_name}",
        "/vejmankassen",
        "/api/vejmankassen",
        "/vejmankassen/update",
        "/api/vejmankassen/update",
    }


def test_security_scheme_is_x_api_key_header():
    schemes = schema()["components"]["securitySchemes"]

    assert schemes["ApiKey"] == {**schemes["ApiKey"], "type": "apiKey", "in": "header", "name": "X-API-Key"}
    for path, method, operation in operations():
        assert operation["security"] == [{"ApiKey": []}], f"{method} {path}"


@pytest.mark.parametrize("status", ["401", "403", "429", "503"])
def test_every_operation_documents_common_error(status):
    for path, method, operation in operations():
        assert status in operation["responses"], f"{method} {path} lacks {status}"


@pytest.mark.parametrize("status", ["400", "409", "413", "422"])
def test_write_operations_document_write_error(status):
    for path, method, operation in operations():
        if operation["operationId"].removesuffix("_api") in WRITE_OPERATIONS:
            assert status in operation["responses"], f"{method} {path} lacks {status}"


def test_write_operations_document_idempotency_key():
    for path, method, operation in operations():
        headers = {parameter["name"] for parameter in operation.get("parameters", []) if parameter["in"] == "header"}
        if operation["operationId"].removesuffix("_api") in WRITE_OPERATIONS:
            assert "Idempotency-Key" in headers, f"{method} {path}"


def test_queue_create_documents_field_limits():
    request_schema = schema()["components"]["schemas"]["QueueElementCreateRequest"]

    assert request_schema["required"] == ["queue_name"]
    assert request_schema["properties"]["queue_name"]["maxLength"] == 100
    assert request_schema["properties"]["reference"]["maxLength"] == 100
    assert "2000" in request_schema["properties"]["data"]["description"]


def test_queue_list_documents_query_limits():
    operation = schema()["paths"]["/api/queue"]["get"]
    parameters = {parameter["name"]: parameter for parameter in operation["parameters"]}

    assert parameters["queue_name"]["required"] is True
    assert parameters["queue_name"]["schema"]["maxLength"] == 100
    assert parameters["limit"]["schema"] == {**parameters["limit"]["schema"], "minimum": 1, "maximum": 500, "default": 100}
    assert set(parameters) >= {"status", "reference", "created_after", "created_before", "cursor"}


def test_bulk_documents_item_limits():
    operation = schema()["paths"]["/api/queue/bulk"]["post"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]

    assert body["type"] == "array"
    assert (body["minItems"], body["maxItems"]) == (1, 1000)


@pytest.mark.parametrize("path", ["/api/docs/", "/api/docs"])
def test_docs_page_served_without_key_and_cdn(client, path):
    response = client.get(path, follow=True)

    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/drf_spectacular_sidecar/" in page
    assert "cdn." not in page
    assert "https://" not in page
    assert '"validatorUrl": null' in page


def test_docs_assets_served_locally(client):
    response = client.get("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")

    assert response.status_code == 200


# Real responses of the legacy endpoints, validated by checked_client.


def test_legacy_queue_create_matches_schema(checked_client):
    assert checked_client.post("/api/queue", {"queue_name": "q", "data": {"a": 1}}, format="json").status_code == 201
    assert checked_client.post("/api/queue/", {"queue_name": "q"}, format="json").status_code == 201
    assert checked_client.post("/api/queue", {"status": "idle"}, format="json").status_code == 400
    assert checked_client.post("/api/queue", [1, 2], format="json").status_code == 400


def test_legacy_queue_create_invalid_json_matches_schema(checked_client):
    response = checked_client.generic("POST", "/api/queue", b"{not json", content_type="application/json")

    assert response.status_code == 400


def test_legacy_trigger_matches_schema(checked_client):
    trigger = SingleTrigger.objects.create(
        trigger_name="Borgerbreve", process_name="p", process_path="x.py", type=TriggerType.SINGLE,
        process_status=TriggerStatus.DONE, next_run="2025-01-01 08:00:00",
    )

    response = checked_client.post("/api/trigger", {"trigger_name": trigger.trigger_name}, format="json")
    assert response.status_code == 200
    assert checked_client.post("/api/trigger", {"trigger_name": "nope"}, format="json").status_code == 404
    assert checked_client.post("/api/trigger", {"process_status": "idle"}, format="json").status_code == 400


@pytest.mark.parametrize("prefix", ["", "/api"])
def test_legacy_vejmankassen_matches_schema(checked_client, prefix):
    row = VejmanKassen.objects.create(
        henstilling_id="H-1", cvr=12345678, firma_navn="Firma", startdato="2025-06-01", slutdato="2025-06-10",
        faktura_status="Ny", longitude=12.5, latitude=55.6,
    )

    assert checked_client.post(f"{prefix}/vejmankassen", {"status": "Ny"}, format="json").status_code == 200
    assert checked_client.get(f"{prefix}/vejmankassen?status=Ny").status_code == 200
    assert checked_client.get(f"{prefix}/vejmankassen").status_code == 400
    update = {"id": row.id, "kvadratmeter": 12.5, "slutdato": "Tue, 10 Jun 2025"}
    assert checked_client.post(f"{prefix}/vejmankassen/update", update, format="json").status_code == 200
    assert checked_client.post(f"{prefix}/vejmankassen/update", {"id": 999999, "kvadratmeter": 1}, format="json").status_code == 404
    assert checked_client.post(f"{prefix}/vejmankassen/update", {"id": row.id}, format="json").status_code == 400


def test_missing_and_invalid_key_match_schema(checked_client):
    checked_client.credentials()
    assert checked_client.post("/api/queue", {"queue_name": "q"}, format="json").status_code == 401

    checked_client.credentials(HTTP_X_API_KEY="invalid.key")
    assert checked_client.get("/api/queue?queue_name=q").status_code == 401


def test_unsupported_method_is_405_json(checked_client):
    response = checked_client.get("/api/trigger")

    assert response.status_code == 405
    assert "error" in response.json()
