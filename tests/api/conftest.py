from tests.certification.conftest import a_records  # noqa: F401
