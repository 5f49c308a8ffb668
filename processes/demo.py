"""Demo data of the process documents: the TTHC catalogue, the danh mục TTHC of
the Ý Yên communes, a Nam Định model library, the quy trình of Thị trấn Lâm and
its citizens' ratings, suggestions and complaints.

Everything goes through the services and the real approval workflow; a second
run adds nothing.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from wagtail.models import WorkflowState

from qms.people import full_name
from qms.units.models import Era

from . import services
from .content import document_content
from .docx.schema import DossierItem, FeeItem, FormItem, Person, Step
from .models import CatalogueImport, CitizenFeedback, FeedbackKind, Procedure, ProcessDocument

CATALOGUE_DIR = settings.BASE_DIR / "fixtures" / "tthc"
CATALOGUE_FILES = ("tthc_cap_xa_dvcqg_2026-06.csv", "tthc_cap_xa_core_2026-06.json")
CURATED_FILE = CATALOGUE_FILES[1]
LAM = (Era.PRE_2025, "13795")  # Thị trấn Lâm, Ý Yên
DEMO_OFFICER, DEMO_LEADER, DEMO_LIBRARIAN = "iso.lam", "lanhdao.lam", "thuvien.namdinh"
#: Steps, dossier, time and fees of the demo procedures (derived from the TTHC catalogue).
CONTENT_FILE = settings.BASE_DIR / "fixtures" / "demo" / "quy_trinh_tthc_2026-06.json"

FORMS = [
    FormItem("Mẫu 01", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"),
    FormItem("Mẫu 02", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"),
    FormItem("Mẫu 03", "Phiếu từ chối tiếp nhận giải quyết hồ sơ"),
    FormItem("Mẫu 05", "Phiếu kiểm soát quá trình giải quyết hồ sơ"),
    FormItem("Mẫu 06", "Sổ theo dõi hồ sơ"),
]
#: The province's model quy trình (procedure code, document code); Thị trấn Lâm has not adopted the third.
MODELS = (("1.001193", "QTM-01/HT"), ("1.000894", "QTM-02/HT"), ("1.004873", "QTM-03/HT"))
#: Thị trấn Lâm: (procedure code, document code, adopted from the model?, revisions after the first issue).
LAM_DOCUMENTS = (
    ("1.001193", "QT-01/HT", True, ()),
    ("1.000894", "QT-02/HT", True, ()),
    (
        "1.000656",
        "QT-03/HT",
        False,
        (
            {
                "processing_time": "Ngay trong ngày tiếp nhận hồ sơ; cần xác minh không quá 03 ngày làm việc.",
                "change_request": "Rà soát TTHC năm 2025",
            },
        ),
    ),
    ("2.000815", "QT-01/CT", False, ()),
    ("2.000884", "QT-02/CT", False, ()),
)
LAM_DRAFT = ("1.001612", "QT-01/KD")
#: A draft of the first other commune of Lâm's district (refused to Lâm's officer).
NEIGHBOUR_DRAFT = ("1.001193", "QT-01/HT")
#: Thị trấn Lâm's new quy trình submitted by the officer and waiting for the leader's review.
LAM_AWAITING_REVIEW = (("1.004884", "QT-04/HT"), ("2.001035", "QT-03/CT"))
#: The model re-published after a legal change: its Lâm copy becomes "cần cập nhật".
REPUBLISH = {
    "procedure": "1.001193",
    "legal_change_effective_date": date(2026, 7, 1),
    "change_request": "Nghị định 18/2026/NĐ-CP",
    "fees": [
        FeeItem("Lệ phí đăng ký khai sinh đúng hạn", "Miễn lệ phí", "Luật Hộ tịch 2014, Điều 11"),
        FeeItem(
            "Phí cấp bản sao Giấy khai sinh, bản sao trích lục hộ tịch", "8.000 đồng/bản", "Thông tư số 281/2016/TT-BTC"
        ),
    ],
}
#: The province's model system procedures, all adopted and issued by Thị trấn Lâm.
SYSTEM_MODELS = ("document_control", "records_control", "internal_audit", "nonconformity", "risk_management")
DEMO_AUDITOR = "danhgia.lam"
#: Lâm's quy trình its internal auditor has confirmed reading, and the one reviewed without change.
LAM_ACKNOWLEDGED = ("QT-01/CT", "QT-02/CT")
LAM_REVIEWED = ("QT-02/CT", "Đã rà soát căn cứ pháp lý và biểu mẫu: không có thay đổi.")
COMMUNE_POSITIONS = ("Công chức Văn phòng - Thống kê", "Phó Chủ tịch UBND", "Chủ tịch UBND")
MODEL_POSITIONS = (
    "Chuyên viên Sở Khoa học và Công nghệ",
    "Trưởng phòng Tiêu chuẩn Đo lường Chất lượng",
    "Giám đốc Sở Khoa học và Công nghệ",
)

#: Citizens' feedback on Thị trấn Lâm's procedures: (procedure, kind, rating, comment, days ago, answer, close).
#: The audits demo turns FEEDBACK_NONCONFORMITY into a nonconformity; FEEDBACK_OPEN stay for the officer.
FEEDBACK = (
    ("1.001193", FeedbackKind.SATISFACTION, 5, "Cán bộ hướng dẫn tận tình, trả kết quả đúng hẹn.", 75, "", False),
    ("1.001193", FeedbackKind.SATISFACTION, 4, "", 61, "", False),
    ("1.001193", FeedbackKind.SATISFACTION, 5, "", 40, "", False),
    ("1.001193", FeedbackKind.SATISFACTION, 3, "Phải chờ khá lâu vào buổi sáng thứ Hai.", 22, "", False),
    ("1.000894", FeedbackKind.SATISFACTION, 5, "Thủ tục nhanh gọn.", 58, "", False),
    ("1.000894", FeedbackKind.SATISFACTION, 4, "", 30, "", False),
    ("2.000815", FeedbackKind.SATISFACTION, 4, "", 50, "", False),
    ("2.000815", FeedbackKind.SATISFACTION, 2, "Trả bản chứng thực chậm so với giấy hẹn.", 20, "", False),
    ("2.000815", FeedbackKind.SATISFACTION, 4, "", 9, "", False),
    (
        "1.001193",
        FeedbackKind.SUGGESTION,
        None,
        "Đề nghị niêm yết rõ danh mục giấy tờ cần mang theo khi đăng ký khai sinh cho trẻ sinh ở nơi khác.",
        45,
        "Bộ phận một cửa đã niêm yết lại danh mục hồ sơ và bổ sung trên Cổng dịch vụ công. Trân trọng cảm ơn ông/bà.",
        False,
    ),
    (
        "1.000656",
        FeedbackKind.COMPLAINT,
        None,
        "Ngày 12 tôi nộp hồ sơ đăng ký khai tử nhưng công chức đi họp, phải quay lại hôm sau.",
        35,
        "UBND thị trấn đã bố trí công chức trực thay khi người phụ trách đi công tác. Xin lỗi ông/bà vì sự bất tiện.",
        True,
    ),
)
FEEDBACK_NONCONFORMITY = (
    "2.000815",
    "Giấy hẹn trả bản chứng thực ngày 03 nhưng đến ngày 05 mới nhận được, không có phiếu xin lỗi và hẹn lại.",
    14,
)
FEEDBACK_OPEN = (
    ("2.000815", FeedbackKind.SUGGESTION, "Đề nghị bố trí thêm ghế chờ tại bộ phận một cửa vào buổi sáng.", 6),
    (
        "1.000894",
        FeedbackKind.COMPLAINT,
        "Công chức yêu cầu nộp thêm giấy xác nhận cư trú, không có trong danh mục hồ sơ đăng ký kết hôn.",
        3,
    ),
)


def _user(username: str, fallback):
    return get_user_model().objects.filter(username=username).first() or fallback


def _load_catalogue(acting_user) -> None:
    done = set(CatalogueImport.objects.filter(source_name__in=CATALOGUE_FILES).values_list("source_name", flat=True))
    for name in CATALOGUE_FILES:
        if name not in done:
            services.import_catalogue(name=name, data=(CATALOGUE_DIR / name).read_bytes(), acting_user=acting_user)


def curated_procedures() -> list[Procedure]:
    data = json.loads((CATALOGUE_DIR / CURATED_FILE).read_text(encoding="utf-8"))
    codes = [item["ma_thu_tuc"] for item in data["procedures"]]
    return list(Procedure.objects.filter(code__in=codes))


def _district_communes(communes, anchor) -> list:
    district_id = anchor.unit.parent_id
    return [c for c in communes if c.unit.parent_id == district_id and c.is_active and c.unit.abolished_on is None]


def _approve(document: ProcessDocument, *, officer, leader) -> ProcessDocument:
    """Submit the latest draft and approve both steps, as in the admin."""
    state = document.get_workflow().start(document, officer)
    while state.status == WorkflowState.STATUS_IN_PROGRESS:
        state.current_task_state.approve(user=leader)
        state.refresh_from_db()
    return ProcessDocument.objects.get(pk=document.pk)


def demo_content() -> dict[str, dict]:
    return json.loads(CONTENT_FILE.read_text(encoding="utf-8"))["procedures"]


def _procedure_content(content, facts: dict) -> None:
    """The procedure's own steps, dossier, time limit and fees (one row per fee)."""
    content.processing_time = facts["processing_time"]
    content.fees = [FeeItem(*row) for row in facts["fees"]]
    content.dossier = [DossierItem(name=n, originals=o, copies=c, note=note) for n, o, c, note in facts["dossier"]]
    content.steps = [Step(code=c, content=t, responsible=r, duration=d, forms=f) for c, t, r, d, f in facts["steps"]]


def _with_header(document: ProcessDocument, *, code: str, officer, leader, changes: dict | None = None):
    draft = document.get_latest_revision_as_object()
    content = document_content(draft)
    content.code = code
    facts = demo_content().get(document.procedure.code) if document.procedure_id else None
    if facts and document.source_model_id is None and not document.versions.exists():
        _procedure_content(content, facts)
    content.forms = content.forms or list(FORMS)
    positions = MODEL_POSITIONS if document.is_model else COMMUNE_POSITIONS
    content.drafted = Person(name=full_name(officer), position=positions[0])
    content.reviewed = Person(name=full_name(leader), position=positions[1])
    content.approved = Person(name=full_name(leader), position=positions[2])
    extra = {}
    for name, value in (changes or {}).items():
        if hasattr(content, name):
            setattr(content, name, value)
        else:
            extra[name] = value
    return services.save_draft_from_content(document=document, content=content, acting_user=officer, **extra)


def _issue(document, *, code, officer, leader, changes=None) -> ProcessDocument:
    _with_header(document, code=code, officer=officer, leader=leader, changes=changes)
    return _approve(document, officer=officer, leader=leader)


def _model_library(province, editor) -> dict[str, ProcessDocument]:
    models = {}
    for procedure_code, code in MODELS:
        procedure = Procedure.objects.get(code=procedure_code)
        model = ProcessDocument.objects.filter(owner_unit=province, procedure=procedure).first()
        if model is None:
            model = services.create_process_document(procedure=procedure, owner_unit=province, acting_user=editor)
            model = _issue(model, code=code, officer=editor, leader=editor)
        models[procedure_code] = model
    return models


def _lam_documents(lam, models, *, officer, leader) -> None:
    for procedure_code, code, adopt, revisions in LAM_DOCUMENTS:
        procedure = Procedure.objects.get(code=procedure_code)
        if ProcessDocument.objects.filter(commune=lam, procedure=procedure).exists():
            continue
        if adopt and procedure_code in models:
            document = services.adopt_model(model=models[procedure_code], commune=lam, acting_user=officer, code=code)
        else:
            document = services.create_process_document(procedure=procedure, commune=lam, acting_user=officer)
        document = _issue(document, code=code, officer=officer, leader=leader)
        for changes in revisions:
            document = _issue(document, code=code, officer=officer, leader=leader, changes=changes)
    procedure_code, code = LAM_DRAFT
    procedure = Procedure.objects.get(code=procedure_code)
    if not ProcessDocument.objects.filter(commune=lam, procedure=procedure).exists():
        document = services.create_process_document(procedure=procedure, commune=lam, acting_user=officer)
        _with_header(document, code=code, officer=officer, leader=leader)


def _republish(models, editor) -> None:
    model = models[REPUBLISH["procedure"]]
    if model.versions.count() > 1:
        return
    changes = {key: value for key, value in REPUBLISH.items() if key != "procedure"}
    _issue(model, code=model.code, officer=editor, leader=editor, changes=changes)


def _system_procedures(province, lam, *, editor, officer, leader) -> None:
    for category in SYSTEM_MODELS:
        model = ProcessDocument.objects.filter(owner_unit=province, system_category=category).first()
        if model is None:
            model = services.create_system_document(category=category, owner_unit=province, acting_user=editor)
            model = _issue(model, code=model.code, officer=editor, leader=editor)
        if not ProcessDocument.objects.filter(commune=lam, system_category=category).exists():
            copy = services.adopt_model(model=model, commune=lam, acting_user=officer)
            _issue(copy, code=copy.code, officer=officer, leader=leader)


def _lam_review_and_acknowledgements(lam, *, officer) -> None:
    auditor = get_user_model().objects.filter(username=DEMO_AUDITOR).first()
    documents = {d.code: d for d in ProcessDocument.objects.filter(commune=lam, live=True)}
    if auditor is not None:
        for code in LAM_ACKNOWLEDGED:
            version = documents[code].current_version if code in documents else None
            if version is not None and services.acknowledge_audience(documents[code]).filter(pk=auditor.pk).exists():
                services.acknowledge_version(version=version, acting_user=auditor)
    code, note = LAM_REVIEWED
    if code in documents and not documents[code].review_decisions.exists():
        services.record_review_no_change(document=documents[code], acting_user=officer, note=note)


def _lam_awaiting_review(lam, *, officer, leader) -> None:
    for procedure_code, code in LAM_AWAITING_REVIEW:
        procedure = Procedure.objects.get(code=procedure_code)
        if ProcessDocument.objects.filter(commune=lam, procedure=procedure).exists():
            continue
        document = services.create_process_document(procedure=procedure, commune=lam, acting_user=officer)
        _with_header(document, code=code, officer=officer, leader=leader)
        document.get_workflow().start(document, officer)


def _neighbour_draft(lam, communes, *, acting_user) -> None:
    """A quy trình of another commune of Lâm's district, which Lâm's people never see."""
    neighbours = sorted((c for c in _district_communes(communes, lam) if c.pk != lam.pk), key=lambda c: c.unit.code)
    if not neighbours:
        return
    procedure_code, code = NEIGHBOUR_DRAFT
    procedure = Procedure.objects.get(code=procedure_code)
    if not ProcessDocument.objects.filter(commune=neighbours[0], procedure=procedure).exists():
        document = services.create_process_document(procedure=procedure, commune=neighbours[0], acting_user=acting_user)
        content = document_content(document.get_latest_revision_as_object())
        content.code = code
        services.save_draft_from_content(document=document, content=content, acting_user=acting_user)


def _citizen_feedback(lam, officer) -> None:
    """Ratings, suggestions and complaints on Lâm's public procedure pages, some answered."""
    if CitizenFeedback.objects.filter(commune=lam).exists():
        return
    rows = list(FEEDBACK)
    code, comment, days = FEEDBACK_NONCONFORMITY
    rows.append((code, FeedbackKind.COMPLAINT, None, comment, days, "", False))
    rows += [(code, kind, None, comment, days, "", False) for code, kind, comment, days in FEEDBACK_OPEN]
    procedures = {p.code: p for p in Procedure.objects.filter(code__in={row[0] for row in rows})}
    now = timezone.now()
    for code, kind, rating, comment, days, answer, close in rows:
        feedback = services.submit_feedback(
            commune=lam,
            procedure=procedures[code],
            kind=kind,
            rating=rating,
            comment=comment,
            received_at=now - timedelta(days=days),
        )
        if answer:
            services.answer_feedback(acting_user=officer, feedback=feedback, answer=answer, close=close)


@transaction.atomic
def load_demo(*, acting_user, communes) -> None:
    _load_catalogue(acting_user)
    lam = next((c for c in communes if (c.unit.era, c.unit.code) == LAM), None)
    if lam is None:
        return
    curated = curated_procedures()
    for commune in _district_communes(communes, lam):
        services.add_handled_procedures(commune=commune, procedures=curated, acting_user=acting_user)
    province = lam.unit.parent.parent
    services.ensure_library_editor_group(unit=province, acting_user=acting_user)
    librarian = _user(DEMO_LIBRARIAN, acting_user)
    if librarian != acting_user:
        services.add_library_editor(unit=province, user=librarian, acting_user=acting_user)
    models = _model_library(province, librarian)
    officer, leader = _user(DEMO_OFFICER, acting_user), _user(DEMO_LEADER, acting_user)
    _lam_documents(lam, models, officer=officer, leader=leader)
    _republish(models, librarian)
    _system_procedures(province, lam, editor=librarian, officer=officer, leader=leader)
    _lam_review_and_acknowledgements(lam, officer=officer)
    _lam_awaiting_review(lam, officer=officer, leader=leader)
    _neighbour_draft(lam, communes, acting_user=acting_user)
    _citizen_feedback(lam, officer)
