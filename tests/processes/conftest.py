"""Fixtures of the processes tests."""

import pytest

from .helpers import approve_through_workflow, make_procedure, start_document


@pytest.fixture
def khai_sinh(db):
    return make_procedure()


@pytest.fixture
def ket_hon(db):
    return make_procedure(code="1.000894", name="Thủ tục đăng ký kết hôn")


@pytest.fixture
def effective_document(client, world, khai_sinh):
    document = start_document(world, khai_sinh)
    return approve_through_workflow(client, world, document)
