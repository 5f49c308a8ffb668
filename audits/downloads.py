"""Files of audit records, to whoever may view the record's commune (404 for anyone else)."""

from qms.files.serving import RecordFileView

from .models import AuditorTraining, EvidenceFile

certificate_file = RecordFileView.as_view(
    model=AuditorTraining, field="certificate_file", commune_path="auditor.commune_id", select_related=("auditor",)
)
evidence_file = RecordFileView.as_view(model=EvidenceFile, commune_path="plan.commune_id", select_related=("plan",))
