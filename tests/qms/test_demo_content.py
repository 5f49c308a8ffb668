"""The demo as an official reads it: the commune issues its own quy trình, with each procedure's real facts."""

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.urls import reverse

from processes import services
from processes.content import document_content
from processes.models import ProcessDocument
from qms.units.models import Commune


def _counts() -> dict:
    labels = ("processes", "audits", "certification", "units", "auth", "signatures")
    return {
        model._meta.label: model.objects.count()
        for label in labels
        for model in apps.get_app_config(label).get_models()
    }


@pytest.mark.django_db
class TestTheDemoAsRead:
    def test_demo_quy_trinh_read_as_the_commune_issues_them(self, client, class_demo):
        from qms.demo import load_demo
        from tests.processes.helpers import url
        from tests.processes.test_stale_save import open_editor

        counts = _counts()
        load_demo()  # again: adds nothing
        assert _counts() == counts

        lam = Commune.objects.get(unit__era="pre2025", unit__code="13795")
        lam_documents = ProcessDocument.objects.filter(commune=lam).select_related("procedure", "source_model")
        for system in lam_documents.filter(kind="system"):
            content = document_content(system.get_latest_revision_as_object())
            assert system.live and system.source_model is not None and system.procedure_id is None
            assert "UBND thị trấn Lâm" in content.purpose and "tỉnh Nam Định" not in content.purpose
        documents = list(lam_documents.filter(kind="procedure"))
        contents = {d.procedure.code: document_content(d.get_latest_revision_as_object()) for d in documents}
        for content in contents.values():
            assert content.agency == "ỦY BAN NHÂN DÂN THỊ TRẤN LÂM"
            text = "\n".join([content.purpose, content.scope, content.reception_place])
            assert "tỉnh Nam Định" not in text and "thị Trấn" not in text
            assert "UBND thị trấn Lâm" in text
            assert content.dossier, content.procedure_code
            assert content.fees and all(fee.item and fee.amount for fee in content.fees), content.fees
        steps = {code: tuple((s.content, s.responsible) for s in c.steps) for code, c in contents.items()}
        assert len(set(steps.values())) == len(steps)
        first_fee = contents["2.000815"].fees[0]
        assert (first_fee.item, first_fee.amount, first_fee.notes) == (
            "Trang thứ nhất và trang thứ hai",
            "2.000 đồng/trang",
            "Thông tư số 226/2016/TT-BTC",
        )

        adopted = [d for d in documents if d.source_model_id]
        assert len(adopted) == 2 and all(d.code != d.source_model.code for d in adopted)
        not_adopted = ProcessDocument.objects.filter(owner_unit__isnull=False, kind="procedure").exclude(
            pk__in=[d.source_model_id for d in adopted]
        )
        assert [m.code for m in not_adopted] == ["QTM-03/HT"]
        system_models = ProcessDocument.objects.filter(owner_unit__isnull=False, kind="system")
        assert system_models.count() == 5
        assert set(system_models.values_list("pk", flat=True)) == set(
            lam_documents.filter(kind="system").values_list("source_model_id", flat=True)
        )
        from audits.demo import FOLLOW_UP_TITLE
        from audits.models import ActionStatus, AuditPlan, CorrectiveAction

        follow_up = AuditPlan.objects.get(commune=lam, title=FOLLOW_UP_TITLE)
        assert follow_up.status == "in_progress" and follow_up.programme.status == "approved"
        assert follow_up.checklist.exists() and not follow_up.checklist.exclude(result="pending").exists()
        assert {p.responsible_unit for p in follow_up.processes.all()}.isdisjoint({"Văn phòng – Thống kê"})
        assert CorrectiveAction.objects.filter(commune=lam, status=ActionStatus.AWAITING_VERIFICATION).exists()
        flagged = ProcessDocument.objects.get(commune=lam, code="QT-01/HT")
        [flag] = flagged.update_flags.all()
        assert flag.deadline.strftime("%d/%m/%Y") == "01/10/2026"

        librarian = get_user_model().objects.get(username="thuvien.namdinh")
        assert librarian.check_password("thuvien-demo-2026")
        model = not_adopted.get()
        client.force_login(librarian)
        opened = open_editor(client, model)
        assert all(opened.values())
        assert not model.get_lock()
        client.logout()
        client.force_login(get_user_model().objects.get(username="tinh.namdinh"))
        refused = client.get(url("edit", model.pk))  # sees the model, may not edit it: Wagtail's refusal
        assert (refused.status_code, refused["Location"]) == (302, "/admin/")

        copy = services.adopt_model(
            model=model, commune=lam, acting_user=get_user_model().objects.get(username="iso.lam")
        )
        assert copy.code == "QT-1.004873" and copy.code != model.code
        client.logout()
        _citizen_feedback_and_signed_decision(client, lam)

    def test_the_2026_minutes_and_self_assessment_list_every_record_of_the_year(self, client, class_demo):
        import io

        import docx

        from audits.docx.review import build_review_docx
        from audits.models import ManagementReview
        from qms.certification.selfassessment import assess
        from qms.certification.selfassessment_docx import build_self_assessment

        lam = Commune.objects.get(unit__era="pre2025", unit__code="13795")
        review = ManagementReview.objects.get(commune=lam, year=2026, title__contains="cuối năm")
        buffer = io.BytesIO()
        build_review_docx(review).save(buffer)
        minutes = docx.Document(io.BytesIO(buffer.getvalue()))
        text = "\n".join(
            [p.text for p in minutes.paragraphs] + [c.text for t in minutes.tables for r in t.rows for c in r.cells]
        )
        for expected in (
            "Bối cảnh và phạm vi đang áp dụng: năm 2026, phiên bản 1",  # 4.1–4.3
            "Số liệu một cửa năm 2026",  # one-stop KPIs
            "Tỷ lệ hồ sơ TTHC giải quyết đúng hạn của thị trấn đạt từ 95% trở lên",  # a measured objective
            "Chính sách chất lượng đang áp dụng",  # 5.2
            "Quyết định 12/QĐ-UBND",  # 5.3
        ):
            assert expected in text, expected
        assert "Chưa có hồ sơ trong hệ thống: các vấn đề" not in text

        assessment = assess(commune=lam, year=2026)
        facts = "\n".join(
            line for criterion in assessment.criteria for proof in criterion.proofs for line in proof.lines
        )
        for expected in (
            "Bối cảnh và phạm vi năm 2026",
            "Chính sách chất lượng phiên bản",
            "Quyết định số 12/QĐ-UBND",
            "mục tiêu được đo từ số liệu",
            "Đã nhập số liệu một cửa",
        ):
            assert expected in facts, expected
        buffer = io.BytesIO()
        build_self_assessment(assessment=assessment).save(buffer)
        table_text = "\n".join(
            c.text for t in docx.Document(io.BytesIO(buffer.getvalue())).tables for r in t.rows for c in r.cells
        )
        assert "Chính sách chất lượng phiên bản" in table_text and "Quyết định số 12/QĐ-UBND" in table_text


def _citizen_feedback_and_signed_decision(client, lam) -> None:
    """Lâm's citizens rated and complained; one complaint became a corrective action; a neighbour's decision is signed."""
    from audits.models import CorrectiveAction
    from processes.models import CitizenFeedback, FeedbackStatus
    from qms.certification.models import Announcement
    from qms.public.models import CommunePage
    from qms.signatures.models import SignedRecord, SigningCertificate

    feedback = CitizenFeedback.objects.filter(commune=lam)
    statuses = sorted(feedback.exclude(kind="satisfaction").values_list("status", flat=True))
    assert statuses == ["answered", "closed", "new", "new", "nonconformity"]
    converted = feedback.get(status=FeedbackStatus.NONCONFORMITY)
    action = CorrectiveAction.objects.get(commune=lam, finding__feedback=converted)
    assert action.number == converted.nonconformity_reference and action.finding.clause.number == "9.1.2"
    page = client.get(reverse("processes_public:procedure", args=[lam.slug, "QT-01/HT"])).content.decode()
    assert "Mức độ hài lòng: 4,2/5 từ 4 lượt đánh giá." in page

    signed = SignedRecord.objects.get()
    neighbour = Announcement.objects.get(pk=signed.object_id).commune
    assert signed.is_signed and signed.is_valid, signed.verification
    assert SigningCertificate.objects.filter(commune=lam).get().common_name.endswith("(chứng thư thử nghiệm)")
    section = client.get(CommunePage.objects.get(commune=neighbour).url).content.decode().split('id="announcement"')[1]
    assert "đã ký số" in section and "Chữ ký đã được kiểm tra: hợp lệ." in section
    assert f"UBND {neighbour.name} (chứng thư thử nghiệm)" in section
