"""A real Celery worker runs the nightly rebuild and the daily late-item job through the broker."""

import pytest

from qms.certification import services
from qms.certification.models import CommuneProgress, EvidenceKind, Stage
from qms.notifications.models import Notification
from tests.factories import build_world

from .conftest import days_ago

#: Both tests share the module's worker (tests.conftest.module_celery_worker).
pytestmark = pytest.mark.xdist_group("certification_worker")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_worker_rebuilds_the_summaries_and_flags_late_items(celery_worker_process):
    from qms.certification.tasks import flag_late_items_task, rebuild_progress_task

    world = build_world()
    services.add_evidence(
        commune=world.commune_b,
        kind=EvidenceKind.STEERING_BOARD,
        title="QĐ Ban chỉ đạo ISO",
        reference="2/QĐ-UBND",
        issued_on=days_ago(400),
        acting_user=world.iso_b,
    )
    services.record_inspection(
        commune=world.commune_a,
        inspected_on=days_ago(600),
        method="on_site",
        agency="Sở KH&CN",
        conclusions=[("Chưa cập nhật quy trình.", True)],
        acting_user=world.province,
    )
    CommuneProgress.objects.all().delete()
    assert rebuild_progress_task.delay().get(timeout=90) == 2
    stages = dict(CommuneProgress.objects.values_list("commune_id", "stage"))
    assert stages == {world.commune_a.pk: Stage.NOT_STARTED, world.commune_b.pk: Stage.BUILDING}
    assert flag_late_items_task.delay().get(timeout=90)["notifications"] == 1
    assert list(Notification.objects.values_list("recipient__username", "kind")) == [
        ("iso_a", "certification.late_item")
    ]
    assert flag_late_items_task.delay().get(timeout=90)["notifications"] == 0


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_worker_runs_the_carry_over_with_its_counters(celery_worker_process):
    """The page starts the carry-over; the worker takes it through the broker and counts each step."""
    import time

    from qms.certification.mergers import services as merger_services
    from qms.certification.mergers.models import CarryOverStatus, MergerCarryOver

    from .mergers import build_merger, d_documents

    world = build_world()
    merger = build_merger(world)
    carry_over = merger_services.plan_carry_over(successor=merger.d, acting_user=world.province)
    merger_services.set_plan(carry_over=carry_over, record_sources=[world.commune_b], acting_user=world.province)
    merger_services.start_carry_over(carry_over=carry_over, acting_user=world.province)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        row = MergerCarryOver.objects.get(pk=carry_over.pk)
        if row.status == CarryOverStatus.DONE:
            break
        time.sleep(0.2)
    assert (row.status, row.completed, row.total) == (CarryOverStatus.DONE, 3, 3)
    assert (row.drafts_created, row.records_moved) == (2, 4)
    assert d_documents(merger).count() == 2
