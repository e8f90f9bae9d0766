"""The admin: API keys shown once, revoked and expired; bans listed and lifted; login guessing locked out."""

from datetime import datetime, timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.core import checks
from django.test import Client
from rest_framework.test import APIClient
from rest_framework_api_key.models import APIKey

from pyorchestrator.checks import check_counter_cache, check_trusted_proxies
from pyorchestrator.models import ClientBan
from tests.conftest import API_TEST

pytestmark = API_TEST

APIKEY_ADD_URL = "/admin/rest_framework_api_key/apikey/add/"
# The management form of the key page's scopes inline, with no scope rows.
NO_SCOPES = {"scopes-TOTAL_FORMS": "0", "scopes-INITIAL_FORMS": "0"}
APIKEY_LIST_URL = "/admin/rest_framework_api_key/apikey/"
BAN_LIST_URL = "/admin/pyorchestrator/clientban/"


def post_queue(key, address="203.0.113.40"):
    return APIClient().post(
        "/api/queue", {"queue_name": "q"}, format="json", HTTP_X_API_KEY=key, REMOTE_ADDR=address
    )


def test_add_key_shows_it_once(admin_client):
    response = admin_client.post(
        APIKEY_ADD_URL, {"name": "OS2Forms", "expiry_date_0": "", "expiry_date_1": "", **NO_SCOPES}
    )

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    api_key = APIKey.objects.get(name="OS2Forms")
    page = response.content.decode()
    key = page.split('id="api-key"')[1].split(">", 1)[1].split("<", 1)[0]
    assert key.startswith(api_key.prefix + ".")
    assert post_queue(key).status_code == 201

    change_page = admin_client.get(f"{APIKEY_LIST_URL}{api_key.pk}/change/").content.decode()
    list_page = admin_client.get(APIKEY_LIST_URL).content.decode()
    assert key not in change_page
    assert key not in list_page
    assert key not in str(admin_client.cookies)


def test_add_key_with_expiry(admin_client):
    tomorrow = datetime.now() + timedelta(days=1)

    admin_client.post(
        APIKEY_ADD_URL,
        {"name": "Robot", "expiry_date_0": tomorrow.strftime("%Y-%m-%d"), "expiry_date_1": "12:00:00", **NO_SCOPES},
    )

    assert APIKey.objects.get(name="Robot").expiry_date == tomorrow.replace(hour=12, minute=0, second=0, microsecond=0)


def test_add_key_past_expiry_rejected(admin_client):
    response = admin_client.post(
        APIKEY_ADD_URL,
        {"name": "Robot", "expiry_date_0": "2020-01-01", "expiry_date_1": "12:00:00", **NO_SCOPES},
    )

    assert response.status_code == 200
    assert "Udløbsdatoen skal ligge i fremtiden" in response.content.decode()
    assert not APIKey.objects.exists()


def test_revoke_action_stops_key(admin_client):
    api_key, key = APIKey.objects.create_key(name="Robot")
    assert post_queue(key).status_code == 201

    admin_client.post(APIKEY_LIST_URL, {"action": "revoke_keys", "_selected_action": [api_key.pk]})

    assert APIKey.objects.get(pk=api_key.pk).revoked
    assert post_queue(key).status_code == 401


def test_ban_list_shows_active_bans(admin_client):
    now = datetime.now()
    ClientBan.objects.create(address="203.0.113.50", banned_until=now + timedelta(hours=1), attempts=5, key_prefix="AbCd1234")
    ClientBan.objects.create(address="203.0.113.51", banned_until=now - timedelta(hours=1), attempts=7)

    active_page = admin_client.get(BAN_LIST_URL, {"state": "active"}).content.decode()
    ended_page = admin_client.get(BAN_LIST_URL, {"state": "ended"}).content.decode()

    assert "203.0.113.50" in active_page
    assert "AbCd1234" in active_page
    assert "203.0.113.51" not in active_page
    assert "203.0.113.51" in ended_page


def test_lift_action_allows_address(admin_client, api_key):
    address = "203.0.113.52"
    for _ in range(5):
        post_queue("AbCd1234.wrong", address=address)
    assert post_queue(api_key, address=address).status_code == 403
    ban = ClientBan.objects.get()

    admin_client.post(BAN_LIST_URL, {"action": "lift_selected_bans", "_selected_action": [ban.pk]})

    assert post_queue(api_key, address=address).status_code == 201
    assert ClientBan.objects.get().lifted_by == "admin"


def test_ban_admin_has_no_add(admin_client):
    assert admin_client.get(f"{BAN_LIST_URL}add/").status_code == 403


def test_staff_without_permission_cannot_see_keys(django_user_model):
    user = django_user_model.objects.create_user("operator", password="x", is_staff=True)
    client = Client()
    client.force_login(user)

    assert client.get(APIKEY_LIST_URL).status_code == 403
    assert client.get(BAN_LIST_URL).status_code == 403


def admin_login(client, password, address):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": "manager", "password": password},
        REMOTE_ADDR=address,
    )


@pytest.fixture
def manager(django_user_model):
    return django_user_model.objects.create_superuser("manager", password="Correct-Horse-42")


def test_admin_login_locked_after_five_failures(manager):
    client = Client()
    for _ in range(4):
        assert admin_login(client, "wrong", "203.0.113.60").status_code == 200
    assert admin_login(client, "wrong", "203.0.113.60").status_code == 429

    response = admin_login(client, "Correct-Horse-42", "203.0.113.60")

    assert response.status_code == 429
    assert AccessAttempt.objects.get().ip_address == "203.0.113.60"


def test_admin_lockout_leaves_other_address(manager):
    client = Client()
    for _ in range(5):
        admin_login(client, "wrong", "203.0.113.60")

    response = admin_login(Client(), "Correct-Horse-42", "203.0.113.61")

    assert response.status_code == 302


def test_admin_lockout_uses_forwarded_client(settings, manager):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    client = Client()
    for number in range(5):
        client.post(
            "/admin/login/",
            {"username": "manager", "password": "wrong"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=f"203.0.113.62:{50000 + number}",
        )

    assert AccessAttempt.objects.get().ip_address == "203.0.113.62"


def test_client_login_still_works(manager):
    assert Client().login(username="manager", password="Correct-Horse-42")


# --- System checks ---


def check_ids(messages):
    return [message.id for message in messages]


@pytest.mark.parametrize(
    "backend, production, expected",
    [
        pytest.param("django.core.cache.backends.locmem.LocMemCache", False, [], id="locmem-development"),
        pytest.param("django.core.cache.backends.locmem.LocMemCache", True, ["pyorchestrator.I001"], id="locmem-production"),
        pytest.param("django.core.cache.backends.redis.RedisCache", True, [], id="redis-production"),
        pytest.param("django.core.cache.backends.dummy.DummyCache", False, ["pyorchestrator.E001"], id="dummy"),
        pytest.param("django.core.cache.backends.filebased.FileBasedCache", True, ["pyorchestrator.E001"], id="file"),
    ],
)
def test_cache_check(settings, backend, production, expected):
    settings.CACHES = {"default": {"BACKEND": backend, "LOCATION": "/tmp/pyorchestrator-check-cache"}}
    settings.IS_PRODUCTION = production

    assert check_ids(check_counter_cache(None)) == expected


@pytest.mark.parametrize(
    "proxies, production, expected",
    [
        pytest.param([], True, ["pyorchestrator.W002"], id="none-production"),
        pytest.param(["127.0.0.1", "::1"], True, [], id="iis-production"),
        pytest.param([], False, [], id="none-development"),
    ],
)
def test_trusted_proxy_check(settings, proxies, production, expected):
    settings.TRUSTED_PROXIES = proxies
    settings.IS_PRODUCTION = production

    messages = check_trusted_proxies(None)

    assert check_ids(messages) == expected
    assert all(isinstance(message, checks.Warning) for message in messages)
