"""Production's reference data: everything a real installation needs, and no demo account."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import override_settings
from django_celery_beat.models import PeriodicTask
from wagtail.models import Site

from audits.models import IsoClause
from processes.models import CatalogueImport, Procedure
from qms.public.models import HomePage


@pytest.mark.django_db
def test_load_reference_data_loads_the_catalogues_and_creates_no_account(reference_units):
    with override_settings(WAGTAILADMIN_BASE_URL="https://iso.namdinh.gov.vn"):
        call_command("load_reference_data")
    assert get_user_model().objects.count() == 0
    assert set(CatalogueImport.objects.values_list("source_name", flat=True)) == {
        "tthc_cap_xa_dvcqg_2026-06.csv",
        "tthc_cap_xa_core_2026-06.json",
    }
    assert Procedure.objects.filter(code="1.001193").exists()
    assert IsoClause.objects.filter(number="9.2").exists()
    assert set(PeriodicTask.objects.values_list("task", flat=True)) >= {
        "audits.send_daily_reminders",
        "certification.flag_late_items",
        "certification.rebuild_progress",
    }
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port, site.root_url) == ("iso.namdinh.gov.vn", 443, "https://iso.namdinh.gov.vn")
    assert isinstance(site.root_page.specific, HomePage)

    counts = (Procedure.objects.count(), IsoClause.objects.count(), PeriodicTask.objects.count(), Site.objects.count())
    call_command("load_reference_data")
    assert (
        Procedure.objects.count(),
        IsoClause.objects.count(),
        PeriodicTask.objects.count(),
        Site.objects.count(),
    ) == counts
    assert CatalogueImport.objects.count() == 2


@pytest.mark.django_db
def test_setup_demo_refuses_the_demo_accounts_under_production_settings(reference_units):
    with override_settings(QMS_DEMO_ACCOUNTS=False), pytest.raises(CommandError) as refused:
        call_command("setup_demo")
    assert "load_reference_data" in str(refused.value) and "createsuperuser" in str(refused.value)
    assert not get_user_model().objects.exists()
