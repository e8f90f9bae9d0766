"""GET /vejmankassen streams its rows with the bytes of a whole-list response."""

from datetime import date

import pytest
from django.db import connections
from rest_framework.renderers import JSONRenderer

from tests.conftest import API_TEST
from vejman.models import VejmanKassen
from vejman.serializers import row_to_json
from vejman.views import STREAM_BATCH_ROWS

pytestmark = API_TEST


def make_rows(count: int, status: str = "Ny") -> None:
    VejmanKassen.objects.bulk_create(
        VejmanKassen(
            henstilling_id=f"H-{number}",
            cvr=10000000 + number,
            firma_navn="Ærø Stillads\u2028ApS" if number % 7 == 0 else f"Firma {number}",
            startdato=date(2025, 6, 1 + number % 28),
            slutdato=None if number % 3 else date(2025, 7, 1),
            adresse="Bispensgade 1",
            forseelse="Stillads uden tilladelse",
            longitude=9.9217 + number / 1e6,
            latitude=57.0488,
            faktura_status=status,
            kvadratmeter=None if number % 2 else 12.5,
            tilladelsestype="Henstilling Stillads m2",
        )
        for number in range(count)
    )


def whole_list_bytes(status: str) -> bytes:
    """Return the body the service wrote before streaming: DRF's renderer on the whole list."""
    rows = VejmanKassen.objects.filter(faktura_status=status).order_by("id").values()
    return JSONRenderer().render([row_to_json(row) for row in rows])


def body_of(response) -> bytes:
    return b"".join(response.streaming_content)


def test_stream_same_bytes_as_whole_list(api_client):
    make_rows(2 * STREAM_BATCH_ROWS + 3)
    make_rows(5, status="Faktureret")

    response = api_client.get("/vejmankassen", {"status": "Ny"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.streaming
    assert body_of(response) == whole_list_bytes("Ny")


def test_stream_no_rows_is_empty_array(api_client):
    response = api_client.post("/api/vejmankassen", {"status": "Ny"}, format="json")

    assert response.status_code == 200
    assert body_of(response) == b"[]"


def test_indented_accept_renders_whole_list(api_client):
    make_rows(3)

    response = api_client.get("/vejmankassen", {"status": "Ny"}, HTTP_ACCEPT="application/json; indent=2")

    assert response.status_code == 200
    assert len(response.json()) == 3


@pytest.fixture
def unreachable_vejman_database():
    """Point the vejman alias at a database that cannot be opened, then restore it."""
    connection = connections["vejman"]
    saved = dict(connection.settings_dict)
    connection.close()
    if connection.vendor == "sqlite":
        connection.settings_dict["NAME"] = "/nonexistent-directory/vejman.sqlite3"
    else:
        # A socket directory that does not exist: the connection fails at once.
        connection.settings_dict["HOST"] = "/nonexistent-directory"
    yield
    connection.close()
    connection.settings_dict.clear()
    connection.settings_dict.update(saved)


def test_database_down_before_first_byte_is_503_json(api_client, unreachable_vejman_database):
    response = api_client.get("/vejmankassen", {"status": "Ny"})

    assert response.status_code == 503
    assert not response.streaming
    assert response.json() == {"error": "The database is unavailable. Try again later."}
