"""An operator logs in with a real browser, finds a failed queue element and re-queues it.

The console runs in a waitress server on 127.0.0.1 with its own SQLite
database in a temporary directory; Playwright drives Debian's Chromium
(/usr/bin/chromium, which `make test` installs when it can) and never
downloads a browser of its own.
"""

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("PYORCHESTRATOR_TEST_CHROMIUM", "/usr/bin/chromium")
PORT = int(os.environ.get("PYORCHESTRATOR_TEST_BROWSER_PORT", "18310"))
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
OPERATOR = ("operatoer", "Kodeord-til-test-42")
FAILED_REFERENCE = "BROWSER-FEJL-1"
# Seconds to wait for the server to accept connections.
SERVER_START_TIMEOUT = 30


def _skip_or_fail(reason: str) -> None:
    # CI installs Chromium through `make test`, so there a missing browser is an error.
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def sync_playwright():
    if os.environ.get("PYORCHESTRATOR_TEST_BACKEND") == "postgresql":
        pytest.skip("The browser test runs once, in the SQLite run: its server has its own SQLite database.")
    if not os.access(CHROMIUM, os.X_OK):
        _skip_or_fail(f"No Chromium at {CHROMIUM}: install Debian's chromium package (make test does as root).")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _skip_or_fail("Playwright is not installed: run make install-dev.")
    return sync_playwright


def _manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=PROJECT_DIR, env=env, check=True, capture_output=True)


SETUP_SCRIPT = f"""
from django.contrib.auth.models import Group, User
from pyorchestrator.local_time import local_now
from queues.models import QueueElement
user = User.objects.create_user({OPERATOR[0]!r}, password={OPERATOR[1]!r}, is_staff=True)
user.groups.add(Group.objects.get(name="Operatører"))
QueueElement.objects.create(queue_name="Borgerbreve", status="DONE", reference="BROWSER-OK-1", created_date=local_now())
QueueElement.objects.create(
    queue_name="Borgerbreve", status="FAILED", reference={FAILED_REFERENCE!r},
    message="Timeout", created_date=local_now(),
)
"""


@pytest.fixture(scope="module")
def console_server(tmp_path_factory, sync_playwright):
    """Start the console in waitress on PORT; yield its base URL and SQLite file."""
    var_dir = tmp_path_factory.mktemp("browser-var")
    env = {
        **os.environ,
        "PYORCHESTRATOR_VAR_DIR": str(var_dir),
        "DATABASE_URL": "",
        "ORCHESTRATOR_DATABASE_URL": "",
        "VEJMAN_DATABASE_URL": "",
    }
    _manage(env, "migrate", "--noinput")
    _manage(env, "create_unmanaged_tables", "--skip-existing")
    _manage(env, "shell", "-c", SETUP_SCRIPT)

    server = subprocess.Popen(
        [sys.executable, "-m", "waitress", "--host=127.0.0.1", f"--port={PORT}", "pyorchestrator.wsgi:application"],
        cwd=PROJECT_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            try:
                socket.create_connection(("127.0.0.1", PORT), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"The console server did not start on 127.0.0.1:{PORT}.")
                time.sleep(0.2)
        yield f"http://127.0.0.1:{PORT}", var_dir / "pyorchestrator.sqlite3"
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_operator_requeues_failed_element(console_server, sync_playwright, tmp_path):
    from playwright.sync_api import expect

    base_url, database = console_server
    profile = tmp_path / "chromium-profile"

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_FLAGS,
            locale="da-DK",
        )
        try:
            page = browser.new_page()
            page.goto(f"{base_url}/admin/")
            page.fill("#id_username", OPERATOR[0])
            page.fill("#id_password", OPERATOR[1])
            page.click("input[type=submit]")

            page.click("text=Køelementer")
            page.wait_for_url("**/admin/queues/queueelement/")
            page.click("#changelist-filter >> text=Fejlet")
            page.wait_for_url("**status__exact=FAILED**")
            row = page.locator("#result_list tbody tr", has_text=FAILED_REFERENCE)
            expect(row).to_have_count(1)
            expect(page.locator("#result_list tbody tr", has_text="BROWSER-OK-1")).to_have_count(0)

            row.locator("input.action-select").check()
            page.select_option("select[name=action]", "requeue")
            page.click("button[name=index]")

            messages = page.locator("ul.messagelist")
            expect(messages).to_be_visible()
            message = messages.inner_text()
        finally:
            browser.close()
            shutil.rmtree(profile, ignore_errors=True)

    assert "1 element er sat i kø igen." in message
    with sqlite3.connect(database) as connection:
        status, start_date = connection.execute(
            'SELECT status, start_date FROM "Queues" WHERE reference = ?', [FAILED_REFERENCE]
        ).fetchone()
    assert status == "NEW"
    assert start_date is None
