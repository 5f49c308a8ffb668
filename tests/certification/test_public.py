"""The "announcement" section of a commune's public page."""

import pytest

from qms.certification import services
from qms.public.models import CommunePage

from .conftest import PAPER_SCOPE, days_ago, pdf


@pytest.mark.django_db
def test_a_citizen_sees_the_announcement_decision_and_its_scope(client, world):
    page = CommunePage.objects.get(commune=world.commune_a)
    before = client.get(page.url).content.decode()
    assert "Xã chưa công bố Hệ thống quản lý chất lượng." in before.split('id="announcement"', 1)[1]
    announcement = services.record_announcement(
        commune=world.commune_a,
        number="45",
        signed_on=days_ago(3),
        file=pdf(),
        scope=PAPER_SCOPE,
        acting_user=world.iso_a,
    )
    body = client.get(page.url).content.decode()
    section = body.split('id="announcement"', 1)[1]
    assert "45/QĐ-UBND" in section and announcement.signed_on.strftime("%d/%m/%Y") in section
    assert "TCVN ISO 9001:2015" in section
    for entry in PAPER_SCOPE:
        assert entry.procedure_code in section and entry.procedure_name in section
    other = client.get(CommunePage.objects.get(commune=world.commune_b).url).content.decode()
    assert "45/QĐ-UBND" not in other
