"""The VejmanKassen endpoints that the Android inspection app calls."""

import json
from datetime import date

import pytest
from django.forms.models import model_to_dict

from vejman.models import VejmanKassen
from tests.conftest import API_TEST, read_json

pytestmark = API_TEST

COLUMN_NAMES = [
    "Id", "HenstillingId", "CVR", "FirmaNavn", "Startdato", "Slutdato", "Adresse", "Forseelse",
    "Longitude", "Latitude", "FakturaStatus", "Kvadratmeter", "Tilladelsestype",
]


def make_row(**values) -> VejmanKassen:
    defaults = {
        "henstilling_id": "H-2025-001",
        "cvr": 12345678,
        "firma_navn": "Stillads ApS",
        "startdato": date(2025, 6, 2),
        "slutdato": date(2025, 6, 10),
        "adresse": "Rådhuspladsen 2",
        "forseelse": "Stillads uden tilladelse",
        "longitude": 10.2039,
        "latitude": 56.1572,
        "faktura_status": "Ny",
        "kvadratmeter": 12.5,
        "tilladelsestype": "Henstilling Stillads m2",
    }
    return VejmanKassen.objects.create(**{**defaults, **values})


def rows() -> list[dict]:
    return [model_to_dict(row) for row in VejmanKassen.objects.order_by("id")]


# --- GET|POST /vejmankassen ------------------------------------------------


@pytest.mark.parametrize("path", ["/vejmankassen", "/api/vejmankassen", "/api/vejmankassen/"])
@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("source", ["body", "query"])
def test_list_by_status(api_client, path, method, source):
    row = make_row(faktura_status="Til fakturering")
    make_row(faktura_status="Ny")

    if source == "body":
        response = api_client.generic(
            method, path, json.dumps({"status": "Til fakturering"}), content_type="application/json"
        )
    else:
        response = api_client.generic(method, f"{path}?status=Til%20fakturering")

    assert response.status_code == 200
    assert [item["Id"] for item in read_json(response)] == [row.id]


def test_row_shape_and_rfc_822_dates(api_client):
    row = make_row()

    response = api_client.post("/api/vejmankassen", {"status": "Ny"}, format="json")

    assert read_json(response) == [
        {
            "Id": row.id,
            "HenstillingId": "H-2025-001",
            "CVR": 12345678,
            "FirmaNavn": "Stillads ApS",
            "Startdato": "Mon, 02 Jun 2025 00:00:00 GMT",
            "Slutdato": "Tue, 10 Jun 2025 00:00:00 GMT",
            "Adresse": "Rådhuspladsen 2",
            "Forseelse": "Stillads uden tilladelse",
            "Longitude": 10.2039,
            "Latitude": 56.1572,
            "FakturaStatus": "Ny",
            "Kvadratmeter": 12.5,
            "Tilladelsestype": "Henstilling Stillads m2",
        }
    ]
    assert list(read_json(response)[0]) == COLUMN_NAMES


def test_null_columns_listed_as_null(api_client):
    make_row(startdato=None, slutdato=None, kvadratmeter=None, cvr=None)

    item = read_json(api_client.get("/vejmankassen?status=Ny"))[0]

    assert (item["Startdato"], item["Slutdato"], item["Kvadratmeter"], item["CVR"]) == (None, None, None, None)


def test_body_status_wins_over_query(api_client):
    make_row(faktura_status="Ny")

    response = api_client.generic(
        "GET", "/vejmankassen?status=Faktureret", json.dumps({"status": "Ny"}), content_type="application/json"
    )

    assert len(read_json(response)) == 1


def test_status_compared_exactly(api_client):
    make_row(faktura_status="Til fakturering")

    response = api_client.get("/vejmankassen?status=Til")

    assert read_json(response) == []


@pytest.mark.parametrize(
    "method, path, body",
    [
        pytest.param("GET", "/vejmankassen", None, id="get-nothing"),
        pytest.param("POST", "/api/vejmankassen", b"{}", id="post-empty-object"),
        pytest.param("POST", "/api/vejmankassen", b'{"Status": "Ny"}', id="post-wrong-case-key"),
        pytest.param("POST", "/api/vejmankassen", b'{"status": null}', id="status-null"),
        pytest.param("POST", "/api/vejmankassen", b'{"status": 1}', id="status-number"),
        pytest.param("POST", "/api/vejmankassen", b'{"status": ["Ny"]}', id="status-list"),
        pytest.param("POST", "/api/vejmankassen", b'{"status": ""}', id="status-empty"),
        pytest.param("POST", "/api/vejmankassen", json.dumps({"status": "N" * 51}).encode(), id="status-51"),
        pytest.param("GET", "/vejmankassen?status=", None, id="query-empty"),
        pytest.param("GET", "/vejmankassen?status=Ny%00", None, id="query-nul"),
    ],
)
def test_missing_or_invalid_status_is_400(api_client, method, path, body):
    if body is None:
        response = api_client.generic(method, path)
    else:
        response = api_client.generic(method, path, body, content_type="application/json")

    assert response.status_code == 400
    assert list(read_json(response)["errors"]) == ["status"]
    assert read_json(response)["error"].startswith("status: ")


def test_status_50_characters_accepted(api_client):
    make_row(faktura_status="N" * 50)

    response = api_client.post("/api/vejmankassen", {"status": "N" * 50}, format="json")

    assert len(read_json(response)) == 1


@pytest.mark.parametrize(
    "raw_body",
    [
        pytest.param(b"[]", id="array"),
        pytest.param(b'"Ny"', id="string"),
        pytest.param(b"null", id="null"),
        pytest.param(b"{", id="invalid-json"),
    ],
)
def test_list_bad_body_is_400(api_client, raw_body):
    response = api_client.generic("POST", "/api/vejmankassen", raw_body, content_type="application/json")

    assert response.status_code == 400
    assert "error" in read_json(response)


# --- POST /vejmankassen/update --------------------------------------------


@pytest.mark.parametrize(
    "changes, expected",
    [
        pytest.param({"fakturaStatus": "Til fakturering"}, {"faktura_status": "Til fakturering"}, id="faktura-status"),
        pytest.param({"fakturaStatus": "F" * 50}, {"faktura_status": "F" * 50}, id="faktura-status-50"),
        pytest.param({"kvadratmeter": 0}, {"kvadratmeter": 0.0}, id="kvadratmeter-0"),
        pytest.param({"kvadratmeter": -0.0}, {"kvadratmeter": 0.0}, id="kvadratmeter-minus-0"),
        pytest.param({"kvadratmeter": 42.75}, {"kvadratmeter": 42.75}, id="kvadratmeter-float"),
        pytest.param({"kvadratmeter": "17.5"}, {"kvadratmeter": 17.5}, id="kvadratmeter-numeric-string"),
        pytest.param({"kvadratmeter": None}, {"kvadratmeter": None}, id="kvadratmeter-null"),
        pytest.param({"tilladelsestype": "Henstilling Container"}, {"tilladelsestype": "Henstilling Container"},
                     id="tilladelsestype"),
        pytest.param({"tilladelsestype": "T" * 100}, {"tilladelsestype": "T" * 100}, id="tilladelsestype-100"),
        pytest.param({"tilladelsestype": None}, {"tilladelsestype": None}, id="tilladelsestype-null"),
        pytest.param({"slutdato": "Tue, 10 Jun 2025"}, {"slutdato": date(2025, 6, 10)}, id="slutdato-rfc-822-app"),
        pytest.param({"slutdato": "Wed, 02 Jul 2025 00:00:00 GMT"}, {"slutdato": date(2025, 7, 2)},
                     id="slutdato-rfc-822-flask"),
        pytest.param({"slutdato": "2025-06-10"}, {"slutdato": date(2025, 6, 10)}, id="slutdato-iso-date"),
        pytest.param({"slutdato": "2025-06-10T00:00:00"}, {"slutdato": date(2025, 6, 10)}, id="slutdato-iso-datetime"),
        pytest.param({"slutdato": None}, {"slutdato": None}, id="slutdato-null"),
        pytest.param(
            {"kvadratmeter": 8, "fakturaStatus": "Faktureret", "slutdato": "Fri, 20 Jun 2025"},
            {"kvadratmeter": 8.0, "faktura_status": "Faktureret", "slutdato": date(2025, 6, 20)},
            id="several-fields",
        ),
        pytest.param({"kvadratmeter": 3, "Adresse": "X", "firma_navn": "Y"}, {"kvadratmeter": 3.0},
                     id="other-keys-ignored"),
    ],
)
@pytest.mark.parametrize("path", ["/vejmankassen/update", "/api/vejmankassen/update"])
def test_update_changes_given_columns_only(api_client, path, changes, expected):
    row = make_row()
    other = make_row(henstilling_id="H-2025-002")
    before = rows()

    response = api_client.post(path, {"id": row.id, **changes}, format="json")

    assert response.status_code == 200, read_json(response)
    assert read_json(response) == {"status": "success"}
    after = rows()
    assert after[0] == {**before[0], **expected}
    assert after[1] == before[1]
    assert other.id == after[1]["id"]


def test_update_id_as_numeric_string(api_client):
    row = make_row()

    response = api_client.post("/api/vejmankassen/update", {"id": str(row.id), "kvadratmeter": 5}, format="json")

    assert response.status_code == 200
    assert VejmanKassen.objects.get(id=row.id).kvadratmeter == 5.0


def test_update_unknown_id_is_404_json(api_client):
    row = make_row()
    before = rows()

    response = api_client.post("/api/vejmankassen/update", {"id": row.id + 1, "kvadratmeter": 5}, format="json")

    assert response.status_code == 404
    assert read_json(response) == {"error": f"No VejmanKassen row has id {row.id + 1}."}
    assert rows() == before


@pytest.mark.parametrize(
    "body, field",
    [
        pytest.param({"kvadratmeter": 5}, "id", id="id-missing"),
        pytest.param({"id": None, "kvadratmeter": 5}, "id", id="id-null"),
        pytest.param({"id": "abc", "kvadratmeter": 5}, "id", id="id-text"),
        pytest.param({"id": 1.5, "kvadratmeter": 5}, "id", id="id-fraction"),
        pytest.param({"id": True, "kvadratmeter": 5}, "id", id="id-boolean"),
        pytest.param({"id": [1], "kvadratmeter": 5}, "id", id="id-list"),
        pytest.param({"id": 0, "kvadratmeter": 5}, "id", id="id-0"),
        pytest.param({"id": 2**31, "kvadratmeter": 5}, "id", id="id-over-int32"),
        pytest.param({"id": 10**4000, "kvadratmeter": 5}, "id", id="id-4000-digits"),
        pytest.param({"id": "abc"}, "id", id="id-text-nothing-else"),
        pytest.param({"id": "ROW", "kvadratmeter": -0.1}, "kvadratmeter", id="kvadratmeter-minus-0.1"),
        pytest.param({"id": "ROW", "kvadratmeter": "abc"}, "kvadratmeter", id="kvadratmeter-text"),
        pytest.param({"id": "ROW", "kvadratmeter": "NaN"}, "kvadratmeter", id="kvadratmeter-nan-text"),
        pytest.param({"id": "ROW", "kvadratmeter": "Infinity"}, "kvadratmeter", id="kvadratmeter-infinity-text"),
        pytest.param({"id": "ROW", "kvadratmeter": 10**400}, "kvadratmeter", id="kvadratmeter-huge-integer"),
        pytest.param({"id": "ROW", "kvadratmeter": True}, "kvadratmeter", id="kvadratmeter-boolean"),
        pytest.param({"id": "ROW", "kvadratmeter": [1]}, "kvadratmeter", id="kvadratmeter-list"),
        pytest.param({"id": "ROW", "fakturaStatus": "F" * 51}, "fakturaStatus", id="faktura-status-51"),
        pytest.param({"id": "ROW", "fakturaStatus": None}, "fakturaStatus", id="faktura-status-null"),
        pytest.param({"id": "ROW", "fakturaStatus": 3}, "fakturaStatus", id="faktura-status-number"),
        pytest.param({"id": "ROW", "fakturaStatus": "Ny\u0000"}, "fakturaStatus", id="faktura-status-nul"),
        pytest.param({"id": "ROW", "tilladelsestype": "T" * 101}, "tilladelsestype", id="tilladelsestype-101"),
        pytest.param({"id": "ROW", "tilladelsestype": {"a": 1}}, "tilladelsestype", id="tilladelsestype-object"),
        pytest.param({"id": "ROW", "tilladelsestype": "T\ud800"}, "tilladelsestype", id="tilladelsestype-surrogate"),
        pytest.param({"id": "ROW", "slutdato": "10/06/2025"}, "slutdato", id="slutdato-danish-form"),
        pytest.param({"id": "ROW", "slutdato": "Tue, 31 Jun 2025"}, "slutdato", id="slutdato-june-31"),
        pytest.param({"id": "ROW", "slutdato": "Tir, 10 Jun 2025"}, "slutdato", id="slutdato-danish-weekday"),
        pytest.param({"id": "ROW", "slutdato": "Tue, 10 Juni 2025"}, "slutdato", id="slutdato-long-month"),
        pytest.param({"id": "ROW", "slutdato": "2025-13-01"}, "slutdato", id="slutdato-month-13"),
        pytest.param({"id": "ROW", "slutdato": 20250610}, "slutdato", id="slutdato-number"),
        pytest.param({"id": "ROW", "slutdato": ""}, "slutdato", id="slutdato-empty"),
    ],
)
def test_update_invalid_field_rejected_and_nothing_written(api_client, body, field):
    row = make_row()
    body = {key: (row.id if value == "ROW" else value) for key, value in body.items()}
    before = rows()

    response = api_client.generic(
        "POST", "/api/vejmankassen/update", json.dumps(body), content_type="application/json"
    )

    assert response.status_code == 400
    assert field in read_json(response)["errors"]
    assert read_json(response)["error"].startswith(f"{field}: ")
    assert rows() == before


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"id": "ROW"}, id="id-only"),
        pytest.param({"id": "ROW", "Kvadratmeter": 4, "status": "Ny"}, id="unknown-keys-only"),
    ],
)
def test_update_nothing_to_update_is_400(api_client, body):
    row = make_row()
    body = {key: (row.id if value == "ROW" else value) for key, value in body.items()}
    before = rows()

    response = api_client.post("/api/vejmankassen/update", body, format="json")

    assert response.status_code == 400
    assert "fakturaStatus, kvadratmeter, tilladelsestype, slutdato" in read_json(response)["error"]
    assert rows() == before


def test_update_kvadratmeter_error_names_limit(api_client):
    row = make_row()

    response = api_client.post("/api/vejmankassen/update", {"id": row.id, "kvadratmeter": -0.1}, format="json")

    assert read_json(response)["error"] == "kvadratmeter: Must be at least 0."


@pytest.mark.parametrize(
    "raw_body",
    [
        pytest.param(b"[]", id="array"),
        pytest.param(b'[{"id": 1, "kvadratmeter": 5}]', id="array-of-objects"),
        pytest.param(b"7", id="number"),
        pytest.param(b"null", id="null"),
        pytest.param(b'{"id": 1, "kvadratmeter": NaN}', id="nan"),
        pytest.param(b"", id="empty"),
    ],
)
def test_update_bad_body_rejected(api_client, raw_body):
    make_row()
    before = rows()

    response = api_client.generic("POST", "/api/vejmankassen/update", raw_body, content_type="application/json")

    assert response.status_code == 400
    assert "error" in read_json(response)
    assert rows() == before


def test_update_get_is_405_json(api_client):
    response = api_client.get("/api/vejmankassen/update")

    assert response.status_code == 405
    assert read_json(response) == {"error": 'Method "GET" not allowed.'}


def test_update_kvadratmeter_overflowing_float_rejected(api_client):
    row = make_row()
    before = rows()
    # Python's JSON decoder reads 1e999 as infinity.
    raw_body = b'{"id": %d, "kvadratmeter": 1e999}' % row.id

    response = api_client.generic("POST", "/api/vejmankassen/update", raw_body, content_type="application/json")

    assert response.status_code == 400
    assert list(read_json(response)["errors"]) == ["kvadratmeter"]
    assert rows() == before
