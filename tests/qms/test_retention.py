"""The retention periods of generated and signed records: one table, the deployment's overrides."""

from django.utils import translation

from qms.retention import retention_label, retention_years


def test_the_default_periods_and_an_override(settings):
    assert [retention_years(key) for key in ("process_version", "announcement", "audit_report", "feedback")] == [
        10,
        0,
        10,
        5,
    ]
    settings.QMS_RETENTION_YEARS = {"feedback": 7}
    assert retention_years("feedback") == 7 and retention_years("announcement") == 0
    with translation.override("vi"):
        assert [retention_label(n) for n in (0, 10, None)] == ["Vĩnh viễn", "10 năm", ""]
