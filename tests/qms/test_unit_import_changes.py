"""A unit-list update with more than 50 changes: every change is shown, in the command and in the admin."""

import csv

import pytest
from django.core.management import call_command
from django.urls import reverse

from qms.units.models import AdministrativeUnit, Era, Level, UnitImport
from qms.units.services import import_units
from tests.factories import make_user
from tests.qms.test_units import _release, _ward, _write

pytestmark = pytest.mark.django_db

COUNT = 70


def _update(tmp_path):
    """A v1 then v2 release of one province of 70 communes, the only units of the era (so every change is ours)."""
    for level in (Level.COMMUNE, Level.PROVINCE):  # the reference units, when a test loaded them
        AdministrativeUnit.objects.filter(era=Era.Y2025, level=level).delete()
    import_units(path=_write(tmp_path, "v1.json", _release([_ward(f"98{i:03d}", f"Cũ {i}") for i in range(COUNT)])))
    return _write(tmp_path, "v2.json", _release([_ward(f"98{i:03d}", f"Mới {i}") for i in range(COUNT)]))


def test_the_command_prints_every_change_and_writes_them_all_to_a_csv_file(tmp_path, capsys):
    target = tmp_path / "changes.csv"
    call_command("import_units", str(_update(tmp_path)), "--csv", str(target))
    out = capsys.readouterr().out
    for i in range(COUNT):
        assert f"  ~ 98{i:03d}: name: 'Cũ {i}' → 'Mới {i}'" in out
    assert str(target) in out
    rows = list(csv.reader(target.open(encoding="utf-8-sig")))
    assert len(rows) == 1 + 2 * COUNT  # the header, then name and full name of each commune
    assert ["thay đổi", "98069", "full_name", "Xã Cũ 69", "Xã Mới 69"] in rows


def test_the_admin_shows_every_change_of_an_import_paged(client, tmp_path):
    import_units(path=_update(tmp_path))
    record = UnitImport.objects.order_by("-pk").first()
    assert record.changed == COUNT and len(record.details["changed"]) == COUNT
    client.force_login(make_user("root", superuser=True))
    url = reverse("unit_imports:changes", args=[record.pk])
    pages = [client.get(url, {"p": p}).content.decode() for p in (1, 2, 3)]
    assert "140 thay đổi" in pages[0] and "Trang 1/3" in pages[0]
    shown = "".join(pages)
    for i in range(COUNT):
        assert f"<td>Xã Mới {i}</td>" in shown
    assert pages[0].count("<td>thay đổi</td>") == 50
    listing = client.get(reverse("unit_imports:index")).content.decode()
    assert url in listing and "v2.json" in listing


def test_only_a_superuser_opens_the_import_pages(client, world, tmp_path):
    import_units(path=_update(tmp_path))
    record = UnitImport.objects.order_by("-pk").first()
    client.force_login(world.province)
    assert client.get(reverse("unit_imports:changes", args=[record.pk])).status_code == 302
    assert client.get(reverse("unit_imports:index")).status_code == 302
