"""The Vietnamese catalogue of the app is complete and compiled; the demo loads twice without adding rows."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.apps import apps
from django.conf import settings
from django.utils import translation

from processes import blocks, selectors
from processes.compare import field_label
from processes.models import ProcessDocument

APP_DIR = Path(settings.BASE_DIR) / "processes"
PO = APP_DIR / "locale" / "vi" / "LC_MESSAGES" / "django.po"


def _gettext_tools() -> bool:
    return all(shutil.which(tool) for tool in ("msgfmt", "msgmerge", "xgettext"))


@pytest.mark.skipif(not _gettext_tools(), reason="GNU gettext tools are not installed")
def test_every_message_of_the_app_has_a_vietnamese_translation(tmp_path):
    shutil.copytree(APP_DIR, tmp_path / "processes", ignore=shutil.ignore_patterns("__pycache__"))
    django_admin = Path(sys.executable).parent / "django-admin"
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(settings.BASE_DIR), "DJANGO_SETTINGS_MODULE": "qms.settings.test"}
    subprocess.run(
        [str(django_admin), "makemessages", "-l", "vi", "--no-obsolete", "--no-location"],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
    )
    refreshed = polib.pofile(str(tmp_path / "processes" / "locale" / "vi" / "LC_MESSAGES" / "django.po"))
    assert [entry.msgid for entry in refreshed.untranslated_entries()] == []
    assert [entry.msgid for entry in refreshed.fuzzy_entries()] == []


@pytest.mark.skipif(not _gettext_tools(), reason="GNU gettext tools are not installed")
def test_compiled_catalogue_is_up_to_date(tmp_path):
    compiled = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check", "-o", str(compiled), str(PO)], check=True)
    assert compiled.read_bytes() == PO.with_suffix(".mo").read_bytes()


def test_document_words_are_not_taken_from_another_apps_catalogue():
    with translation.override("vi"):
        assert field_label("steps") == "Quy trình xử lý công việc"
        assert str(blocks.StepBlock().child_blocks["content"].label) == "Nội dung công việc"


def _processes_rows() -> dict:
    return {model._meta.label: model.objects.count() for model in apps.get_app_config("processes").get_models()}


@pytest.mark.django_db
def test_demo_loads_lam_documents_and_a_second_run_adds_nothing(reference_units):
    from processes.demo import load_demo
    from qms.units.models import AdministrativeUnit, Role
    from qms.units.services import add_commune_member, provision_commune
    from tests.factories import make_user

    units = AdministrativeUnit.objects.filter(
        era="pre2025", level="commune", parent__code="360", abolished_on__isnull=True
    )
    communes = [provision_commune(unit=unit) for unit in units.order_by("code")[:3]]
    lam = provision_commune(unit=units.get(code="13795"))
    communes.append(lam)
    for username, role in (("iso.lam", Role.ISO_OFFICER), ("lanhdao.lam", Role.LEADER)):
        add_commune_member(commune=lam, user=make_user(username), role=role)
    admin = make_user("admin", superuser=True)
    load_demo(acting_user=admin, communes=communes)
    counts = _processes_rows()
    load_demo(acting_user=admin, communes=communes)
    assert _processes_rows() == counts
    scope = selectors.effective_scope(commune_id=lam.pk)
    assert {item.document_code for item in scope if item.kind == "procedure"} == {
        "QT-01/HT",
        "QT-02/HT",
        "QT-03/HT",
        "QT-01/CT",
        "QT-02/CT",
    }
    assert [item.document_code for item in scope if item.kind == "system"] == [
        "QT-DGNB",
        "QT-KPH",
        "QT-KSHS",
        "QT-KSTL",
        "QT-RRCH",
    ]
    assert ProcessDocument.objects.get(commune=lam, code="QT-02/CT").review_decisions.count() == 1
    assert all(len(selectors.handled_procedures(commune_id=c.pk)) == 37 for c in communes)
    [flag] = selectors.update_flags(commune_id=lam.pk)
    assert flag.document_code == "QT-01/HT" and flag.deadline.isoformat() == "2026-10-01"
    assert ProcessDocument.objects.get(commune=lam, code="QT-03/HT").versions.count() == 2
    draft = ProcessDocument.objects.get(commune=lam, code="QT-01/KD")
    assert not draft.live and draft.approved_name == "lanhdao.lam"
    assert ProcessDocument.objects.filter(owner_unit__isnull=False, live=True, kind="procedure").count() == 3
    assert ProcessDocument.objects.filter(owner_unit__isnull=False, live=True, kind="system").count() == 5
