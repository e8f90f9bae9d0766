"""The Danish catalog: complete, compiled, and used by the admin.

locale/da/LC_MESSAGES/django.po and django.mo are both committed, because
a fresh clone has no GNU gettext to compile the catalog. These tests read
the .po with a small parser and the .mo with Python's gettext module, so
they need no gettext tools; only the extraction check runs `makemessages`
(xgettext) and skips without it.
"""

import ast
import gettext
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.utils import translation
from rest_framework_api_key.models import APIKey

REPOSITORY = Path(__file__).resolve().parent.parent
PO_PATH = REPOSITORY / "locale" / "da" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")
# The project's translatable sources: the folders `make messages` scans.
SOURCE_FOLDERS = ("pyorchestrator", "queues", "triggers", "vejman")


def parse_po(path: Path) -> list[dict]:
    """Return the entries of a .po file as dicts of flags, msgctxt, msgid, msgid_plural and msgstr.

    `msgstr` is a string, or a list of strings for a plural entry.
    Obsolete entries (`#~`) are returned with `obsolete` set.
    """
    entries = []
    entry = None
    keyword = None

    def start_entry():
        return {"flags": set(), "msgctxt": None, "msgid": None, "msgid_plural": None, "msgstr": None, "obsolete": False}

    for raw_line in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw_line.strip()
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].strip()
        if not line:
            if entry is not None and entry["msgid"] is not None:
                entries.append(entry)
            entry, keyword = None, None
            continue
        if entry is None:
            entry = start_entry()
        entry["obsolete"] = entry["obsolete"] or obsolete
        if line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith("#"):
            continue
        if line.startswith('"'):
            text = ast.literal_eval(line)
        else:
            keyword, _, quoted = line.partition(" ")
            text = ast.literal_eval(quoted)
        if keyword.startswith("msgstr["):
            plurals = entry["msgstr"] if isinstance(entry["msgstr"], list) else []
            index = int(keyword[len("msgstr[") : -1])
            if len(plurals) <= index:
                plurals.append("")
            plurals[index] += text
            entry["msgstr"] = plurals
        else:
            entry[keyword] = (entry[keyword] or "") + text
    return entries


@pytest.fixture(scope="module")
def po_entries() -> list[dict]:
    return [entry for entry in parse_po(PO_PATH) if entry["msgid"] != ""]


def describe(entry: dict) -> str:
    return repr(entry["msgid"])[:80]


def test_po_has_entries(po_entries):
    assert len(po_entries) > 100


def test_po_has_no_empty_entry(po_entries):
    empty = [
        describe(entry)
        for entry in po_entries
        if not entry["msgstr"] or (isinstance(entry["msgstr"], list) and not all(entry["msgstr"]))
    ]

    assert empty == []


def test_po_has_no_fuzzy_entry(po_entries):
    assert [describe(entry) for entry in po_entries if "fuzzy" in entry["flags"]] == []


def test_po_has_no_obsolete_entry(po_entries):
    assert [describe(entry) for entry in po_entries if entry["obsolete"]] == []


def test_po_plural_entries_have_two_forms(po_entries):
    plurals = [entry for entry in po_entries if entry["msgid_plural"] is not None]

    assert plurals
    assert [describe(entry) for entry in plurals if len(entry["msgstr"]) != 2] == []


def placeholders(text: str) -> list[str]:
    """Return the sorted %(name)s / %(name)d and {name} placeholders of a message."""
    return sorted(re.findall(r"%\([a-z_]+\)[sd]|\{[a-z_]+\}", text))


def test_po_keeps_placeholders(po_entries):
    mismatched = []
    for entry in po_entries:
        translations = entry["msgstr"] if isinstance(entry["msgstr"], list) else [entry["msgstr"]]
        sources = [entry["msgid"], entry["msgid_plural"] or entry["msgid"]]
        for source, translated in zip(sources, translations):
            if placeholders(source) != placeholders(translated):
                mismatched.append(describe(entry))

    assert mismatched == []


def test_mo_matches_po(po_entries):
    """django.mo contains exactly the .po's translations, so it was compiled from this .po."""
    with MO_PATH.open("rb") as mo_file:
        catalog = gettext.GNUTranslations(mo_file)._catalog

    expected = {}
    for entry in po_entries:
        msgid = entry["msgid"] if entry["msgctxt"] is None else f"{entry['msgctxt']}\x04{entry['msgid']}"
        if entry["msgid_plural"] is None:
            expected[msgid] = entry["msgstr"]
        else:
            for index, translated in enumerate(entry["msgstr"]):
                expected[(msgid, index)] = translated
    compiled = {key: value for key, value in catalog.items() if key != ""}

    assert sorted(set(expected) - set(compiled), key=str) == []
    assert sorted(set(compiled) - set(expected), key=str) == []
    assert [key for key in expected if expected[key] != compiled[key]] == []


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="xgettext (GNU gettext) is not installed")
def test_po_has_every_source_msgid(tmp_path, po_entries):
    """`makemessages` on a copy of the sources finds exactly the msgids of the committed .po."""
    for folder in SOURCE_FOLDERS:
        shutil.copytree(REPOSITORY / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPOSITORY / "manage.py", tmp_path / "manage.py")
    (tmp_path / "locale" / "da").mkdir(parents=True)

    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "da", "--no-obsolete", "--verbosity", "0"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        timeout=120,
    )

    extracted = parse_po(tmp_path / "locale" / "da" / "LC_MESSAGES" / "django.po")
    extracted_msgids = {(entry["msgctxt"], entry["msgid"]) for entry in extracted if entry["msgid"] != ""}
    committed_msgids = {(entry["msgctxt"], entry["msgid"]) for entry in po_entries}
    assert sorted(extracted_msgids - committed_msgids, key=str) == [], "run `make messages` and translate"
    assert sorted(committed_msgids - extracted_msgids, key=str) == [], "run `make messages` to drop unused msgids"


@pytest.mark.parametrize(
    "lazy_text, danish",
    [
        pytest.param(lambda: APIKey._meta.verbose_name_plural, "API-nøgler", id="api-key-model"),
        pytest.param(lambda: APIKey._meta.get_field("expiry_date").verbose_name, "udløber", id="api-key-field"),
        pytest.param(lambda: AccessAttempt._meta.verbose_name_plural, "loginforsøg", id="axes-model"),
        pytest.param(lambda: settings.AXES_COOLOFF_MESSAGE, "Kontoen er spærret: for mange loginforsøg. Prøv igen senere.",
                     id="axes-lockout"),
    ],
)
def test_library_label_in_danish(lazy_text, danish):
    with translation.override("da"):
        assert str(lazy_text()) == danish


ADMIN_INDEX_URL = "/admin/"
APIKEY_LIST_URL = "/admin/rest_framework_api_key/apikey/"


@pytest.mark.django_db
def test_admin_header_in_danish(admin_client):
    page = admin_client.get(ADMIN_INDEX_URL, HTTP_ACCEPT_LANGUAGE="da").content.decode()

    assert "<title>Køer, triggere og API-nøgler | PyOrchestrator-administration</title>" in page
    assert 'id="site-name"><a href="/admin/">PyOrchestrator-administration</a>' in page
    assert "Django" not in page


@pytest.mark.django_db
def test_admin_header_in_english(admin_client):
    page = admin_client.get(ADMIN_INDEX_URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "<title>Queues, triggers and API keys | PyOrchestrator administration</title>" in page
    assert 'id="site-name"><a href="/admin/">PyOrchestrator administration</a>' in page
    assert "Django" not in page


@pytest.mark.django_db
@pytest.mark.parametrize("language, link_text", [("da", "Se side"), ("en", "View site")])
def test_admin_has_no_view_site_link(admin_client, language, link_text):
    page = admin_client.get(ADMIN_INDEX_URL, HTTP_ACCEPT_LANGUAGE=language).content.decode()

    assert link_text not in page


@pytest.mark.django_db
def test_api_key_list_in_danish(admin_client):
    APIKey.objects.create_key(name="OS2Forms")

    page = admin_client.get(APIKEY_LIST_URL, HTTP_ACCEPT_LANGUAGE="da").content.decode()

    for label in ("API-adgang", "Vælg API-nøgle, der skal ændres", "Navn", "Præfiks", "Udløber", "Udløbet",
                  "Tilbagekaldt", "Tilbagekald valgte API-nøgler"):
        assert label in page
    for english in ("API Key Permissions", "API key", "Has expired", "Expires", "Revoked"):
        assert english not in page
