from tests.certification.conftest import a_records, procedures  # noqa: F401
