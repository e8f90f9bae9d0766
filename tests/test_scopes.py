"""Scoped API keys: endpoint groups and queue or trigger names per key."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from rest_framework_api_key.models import APIKey

from pyorchestrator.models import ApiKeyScope, ClientBan
from pyorchestrator.scopes import Scope, name_matches, parse_name_patterns
from queues.models import QueueElement
from tests.conftest import API_TEST, make_api_key
from triggers.models import SingleTrigger, TriggerStatus, TriggerType
from vejman.models import VejmanKassen

pytestmark = API_TEST


@pytest.fixture
def scoped_client(checked_client):
    """Return a function that sets a new key with the given scopes on the checked client."""

    def with_scopes(**scopes):
        key = make_api_key("scoped", {Scope(name.replace("_", ":")): names for name, names in scopes.items()})
        checked_client.credentials(HTTP_X_API_KEY=key)
        return checked_client

    return with_scopes


def make_trigger(name="Borgerbreve") -> SingleTrigger:
    return SingleTrigger.objects.create(
        trigger_name=name, process_name="p", process_path="x.py", type=TriggerType.SINGLE,
        process_status=TriggerStatus.DONE, next_run="2025-01-01 08:00:00",
    )


def test_key_without_scopes_has_full_access(checked_client):
    make_trigger()

    assert checked_client.post("/api/queue", {"queue_name": "q"}, format="json").status_code == 201
    assert checked_client.get("/api/queue?queue_name=q").status_code == 200
    assert checked_client.post("/api/trigger", {"trigger_name": "Borgerbreve"}, format="json").status_code == 200
    assert checked_client.get("/api/trigger/Borgerbreve").status_code == 200
    assert checked_client.get("/api/vejmankassen?status=Ny").status_code == 200


def test_queue_write_prefix_allows_matching_queue(scoped_client):
    client = scoped_client(queue_write="Borger*")

    response = client.post("/api/queue", {"queue_name": "Borgerbreve"}, format="json")

    assert response.status_code == 201


def test_scoped_key_cannot_reach_another_queue(scoped_client):
    client = scoped_client(queue_write="Borger*", queue_read="Borger*")
    other = QueueElement.objects.create(queue_name="Andet", created_date="2025-01-01 00:00:00")

    write = client.post("/api/queue", {"queue_name": "Andet"}, format="json")
    listing = client.get("/api/queue?queue_name=Andet")
    detail = client.get(f"/api/queue/{other.id}")

    assert write.status_code == listing.status_code == detail.status_code == 403
    assert write.json() == {"error": "The API key's scope queue:write does not include the name 'Andet'."}
    assert "queue:read" in listing.json()["error"]
    assert "queue:read" in detail.json()["error"]
    assert QueueElement.objects.count() == 1


def test_scope_denials_do_not_ban(scoped_client, settings):
    client = scoped_client(queue_write="Borger*")
    denials = settings.API_BAN_THRESHOLD + 2

    statuses = [
        client.post("/api/queue", {"queue_name": "Andet"}, format="json").status_code for _ in range(denials)
    ]
    allowed = client.post("/api/queue", {"queue_name": "Borgerbreve"}, format="json")

    assert statuses == [403] * denials
    assert allowed.status_code == 201
    assert not ClientBan.objects.exists()


def test_exact_name_does_not_match_longer_name(scoped_client):
    client = scoped_client(queue_write="Borgerbreve")

    response = client.post("/api/queue", {"queue_name": "Borgerbreve2"}, format="json")

    assert response.status_code == 403


def test_missing_endpoint_scope_is_403_naming_it(scoped_client):
    client = scoped_client(queue_write="")
    make_trigger()

    cases = {
        "queue:read": client.get("/api/queue?queue_name=q"),
        "trigger:write": client.post("/api/trigger", {"trigger_name": "Borgerbreve"}, format="json"),
        "trigger:read": client.get("/api/trigger/Borgerbreve"),
        "vejman:read": client.post("/api/vejmankassen", {"status": "Ny"}, format="json"),
        "vejman:write": client.post("/vejmankassen/update", {"id": 1, "kvadratmeter": 1}, format="json"),
    }

    for scope, response in cases.items():
        assert response.status_code == 403, scope
        assert response.json() == {"error": f"The API key lacks the scope {scope}."}
    assert SingleTrigger.objects.get().process_status == TriggerStatus.DONE


def test_bulk_with_one_item_outside_scope_writes_nothing(scoped_client):
    client = scoped_client(queue_write="Borger*")

    response = client.post(
        "/api/queue/bulk", [{"queue_name": "Borgerbreve"}, {"queue_name": "Andet"}], format="json"
    )

    assert response.status_code == 403
    assert "'Andet'" in response.json()["error"]
    assert QueueElement.objects.count() == 0


def test_trigger_scopes_limit_names(scoped_client):
    client = scoped_client(trigger_write="Borgerbreve", trigger_read="Borger*")
    make_trigger("Borgerbreve")
    make_trigger("Andet")

    assert client.post("/api/trigger", {"trigger_name": "Borgerbreve"}, format="json").status_code == 200
    assert client.post("/api/trigger", {"trigger_name": "Andet"}, format="json").status_code == 403
    assert client.get("/api/trigger/Borgerbreve").status_code == 200
    assert client.get("/api/trigger/Andet").status_code == 403
    assert SingleTrigger.objects.get(trigger_name="Andet").process_status == TriggerStatus.DONE


def test_vejman_scopes(scoped_client):
    client = scoped_client(vejman_read="")
    row = VejmanKassen.objects.create(faktura_status="Ny")

    assert client.get("/vejmankassen?status=Ny").status_code == 200
    assert client.post("/api/vejmankassen/update", {"id": row.id, "kvadratmeter": 2}, format="json").status_code == 403
    assert VejmanKassen.objects.get().kvadratmeter is None


def test_scope_denial_not_kept_for_idempotency_key(scoped_client):
    client = scoped_client(queue_write="Borger*")

    denied = client.post("/api/queue", {"queue_name": "Andet"}, format="json", HTTP_IDEMPOTENCY_KEY="k")

    assert denied.status_code == 403
    from pyorchestrator.models import IdempotencyRecord

    assert IdempotencyRecord.objects.count() == 0


# Name patterns


@pytest.mark.parametrize(
    "name, patterns, expected",
    [
        pytest.param("Borgerbreve", [], True, id="no-patterns-allow-all"),
        pytest.param("Borgerbreve", ["Borgerbreve"], True, id="exact"),
        pytest.param("borgerbreve", ["Borgerbreve"], False, id="exact-is-case-sensitive"),
        pytest.param("Borgerbreve", ["Borger*"], True, id="prefix"),
        pytest.param("Borger", ["Borger*"], True, id="prefix-itself"),
        pytest.param("Borge", ["Borger*"], False, id="shorter-than-prefix"),
        pytest.param("Andet", ["Borger*", "Andet"], True, id="second-pattern"),
        pytest.param("x", ["*"], True, id="star-alone"),
    ],
)
def test_name_matches(name, patterns, expected):
    assert name_matches(name, patterns) is expected


def test_parse_name_patterns_trims_and_dedupes():
    assert parse_name_patterns(" Borger* \n\nAndet\r\nAndet\n") == ["Borger*", "Andet"]


@pytest.mark.parametrize(
    "names",
    [
        pytest.param("Bor*ger", id="star-inside"),
        pytest.param("**", id="two-stars"),
        pytest.param("x" * 101, id="name-101"),
    ],
)
def test_invalid_names_rejected_by_model(api_key, names):
    scope = ApiKeyScope(api_key=APIKey.objects.get(), scope=Scope.QUEUE_WRITE, names=names)

    with pytest.raises(ValidationError) as error:
        scope.full_clean()

    assert "names" in error.value.message_dict


def test_vejman_scope_rejects_names(api_key):
    scope = ApiKeyScope(api_key=APIKey.objects.get(), scope=Scope.VEJMAN_READ, names="Ny")

    with pytest.raises(ValidationError):
        scope.full_clean()


# Admin


@pytest.fixture
def admin_client_logged_in(client):
    user = get_user_model().objects.create_superuser("admin", "admin@example.dk", "secret-password-1")
    client.force_login(user)
    return client


def test_admin_key_page_shows_scopes(admin_client_logged_in, api_key):
    api_key_object = APIKey.objects.get()
    ApiKeyScope.objects.create(api_key=api_key_object, scope=Scope.QUEUE_WRITE, names="Borger*")

    response = admin_client_logged_in.get(f"/admin/rest_framework_api_key/apikey/{api_key_object.pk}/change/")

    assert response.status_code == 200
    assert b"scopes-0-names" in response.content
    assert b"Borger*" in response.content


def test_admin_saves_scope_inline(admin_client_logged_in, api_key):
    api_key_object = APIKey.objects.get()
    form = {
        "name": api_key_object.name,
        "scopes-TOTAL_FORMS": "1",
        "scopes-INITIAL_FORMS": "0",
        "scopes-MIN_NUM_FORMS": "0",
        "scopes-MAX_NUM_FORMS": "1000",
        "scopes-0-scope": "queue:read",
        "scopes-0-names": "Borger*\nAndet",
        "scopes-0-api_key": api_key_object.pk,
    }

    response = admin_client_logged_in.post(
        f"/admin/rest_framework_api_key/apikey/{api_key_object.pk}/change/", form
    )

    assert response.status_code == 302, response.content[:2000]
    scope = ApiKeyScope.objects.get()
    assert (scope.scope, scope.names) == ("queue:read", "Borger*\nAndet")


def test_admin_rejects_invalid_pattern(admin_client_logged_in, api_key):
    api_key_object = APIKey.objects.get()
    form = {
        "name": api_key_object.name,
        "scopes-TOTAL_FORMS": "1",
        "scopes-INITIAL_FORMS": "0",
        "scopes-MIN_NUM_FORMS": "0",
        "scopes-MAX_NUM_FORMS": "1000",
        "scopes-0-scope": "queue:write",
        "scopes-0-names": "Bor*ger",
        "scopes-0-api_key": api_key_object.pk,
    }

    response = admin_client_logged_in.post(
        f"/admin/rest_framework_api_key/apikey/{api_key_object.pk}/change/", form, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 200
    assert b"* is allowed only at the end of a name." in response.content
    assert ApiKeyScope.objects.count() == 0
