"""The groups the data migration creates, and what their members may do in the console."""

import importlib

import pytest
from django.apps import apps as global_apps
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.db import connections
from django.test import Client

from pyorchestrator.local_time import local_now
from queues.models import QueueElement
from vejman.models import VejmanKassen

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")

groups_migration = importlib.import_module("pyorchestrator.migrations.0004_admin_groups")


class _SchemaEditor:
    """What the migration's functions use of a schema editor."""

    connection = connections["default"]


def create_groups():
    # A transactional test's flush empties the tables the migration filled.
    groups_migration.create_groups(global_apps, _SchemaEditor())


def member_of(group_name: str) -> Client:
    user = User.objects.create_user(f"bruger-{group_name}", password="kodeord-123", is_staff=True)
    user.groups.add(Group.objects.get(name=group_name))
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    return client


def group_permissions(name: str) -> set[str]:
    group = Group.objects.get(name=name)
    return {f"{permission.content_type.app_label}.{permission.codename}" for permission in group.permissions.all()}


def test_groups_created_with_permissions():
    create_groups()

    operators = group_permissions("Operatører")
    key_admins = group_permissions("Nøgleadministratorer")
    assert {"queues.change_queueelement", "triggers.change_trigger", "vejman.change_vejmankassen"} <= operators
    assert not any(".delete_" in permission for permission in operators)
    assert {"rest_framework_api_key.add_apikey", "rest_framework_api_key.change_apikey"} <= key_admins
    assert not any(permission.startswith(("queues.", "triggers.", "vejman.")) for permission in key_admins)


def test_groups_creation_idempotent():
    create_groups()
    before = group_permissions("Operatører")

    create_groups()

    assert Group.objects.filter(name="Operatører").count() == 1
    assert group_permissions("Operatører") == before


def test_groups_migration_reversible():
    call_command("migrate", "pyorchestrator", "0001", verbosity=0)
    assert not Group.objects.filter(name__in=["Operatører", "Nøgleadministratorer"]).exists()

    call_command("migrate", "pyorchestrator", verbosity=0)

    assert Group.objects.filter(name__in=["Operatører", "Nøgleadministratorer"]).count() == 2
    assert "queues.view_queueelement" in group_permissions("Operatører")


def test_operator_can_requeue():
    create_groups()
    element = QueueElement.objects.create(queue_name="q", status="FAILED", created_date=local_now())
    client = member_of("Operatører")

    response = client.post(
        "/admin/queues/queueelement/",
        {"action": "requeue", "_selected_action": [str(element.id)], "index": 0},
    )

    assert response.status_code == 302
    element.refresh_from_db()
    assert element.status == "NEW"


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("/admin/queues/queueelement/{element}/delete/", id="queue-element"),
        pytest.param("/admin/vejman/vejmankassen/{row}/delete/", id="vejman-row"),
        pytest.param("/admin/rest_framework_api_key/apikey/", id="api-keys"),
    ],
)
def test_operator_refused(url):
    create_groups()
    element = QueueElement.objects.create(queue_name="q", created_date=local_now())
    row = VejmanKassen.objects.create(henstilling_id="H-1")
    client = member_of("Operatører")

    response = client.get(url.format(element=element.id, row=row.pk))

    assert response.status_code == 403


def test_operator_sees_no_delete_action():
    create_groups()
    VejmanKassen.objects.create(henstilling_id="H-1")
    client = member_of("Operatører")

    response = client.get("/admin/vejman/vejmankassen/")

    assert response.status_code == 200
    assert 'value="delete_selected"' not in response.content.decode()


@pytest.mark.parametrize(
    "url, status",
    [
        pytest.param("/admin/rest_framework_api_key/apikey/", 200, id="api-keys"),
        pytest.param("/admin/rest_framework_api_key/apikey/add/", 200, id="add-api-key"),
        pytest.param("/admin/queues/queueelement/", 403, id="queue-elements"),
        pytest.param("/admin/queues/queueelement/overview/", 403, id="overview"),
        pytest.param("/admin/triggers/trigger/", 403, id="triggers"),
    ],
)
def test_key_admin_access(url, status):
    create_groups()
    client = member_of("Nøgleadministratorer")

    response = client.get(url)

    assert response.status_code == status
