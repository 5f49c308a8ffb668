import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from qms import permissions
from qms.public.models import CommunePage
from qms.units.models import CommuneGroupObjectPermission, CommuneRoleGroup, Role
from qms.units.services import provision_commune
from tests.factories import make_unit


def _snapshot():
    return (
        sorted(Group.objects.values_list("name", flat=True)),
        sorted(
            CommuneGroupObjectPermission.objects.values_list("group__name", "permission__codename", "content_object_id")
        ),
        CommunePage.objects.count(),
    )


@pytest.mark.django_db
def test_provisioning_twice_gives_the_same_groups_and_permissions(world):
    before = _snapshot()
    provision_commune(unit=world.commune_a.unit)
    call_command("provision_commune", world.commune_b.unit.code, "--era", "pre2025")
    assert _snapshot() == before
    roles = CommuneRoleGroup.objects.filter(commune=world.commune_a)
    assert sorted(roles.values_list("role", flat=True)) == sorted(Role.values)
    iso_group = roles.get(role=Role.ISO_OFFICER).group
    assert permissions.group_commune_perms(iso_group, world.commune_a) == {permissions.VIEW, permissions.MANAGE}
    assert permissions.group_commune_perms(iso_group, world.commune_b) == set()
    leader_group = roles.get(role=Role.LEADER).group
    assert permissions.group_commune_perms(leader_group, world.commune_a) == {permissions.VIEW, permissions.APPROVE}
    assert CommunePage.objects.filter(commune=world.commune_a, live=True).count() == 1


@pytest.mark.django_db
def test_roles_scope_users_to_their_commune(world):
    a, b = world.commune_a, world.commune_b
    assert set(permissions.communes_for(world.iso_a, permissions.MANAGE)) == {a}
    assert set(permissions.communes_for(world.iso_b, permissions.VIEW)) == {b}
    assert set(permissions.communes_for(world.leader_a, permissions.APPROVE)) == {a}
    assert not permissions.has_commune_perm(world.leader_a, b, permissions.APPROVE)
    assert set(permissions.communes_for(world.auditor_a, permissions.AUDIT)) == {a}
    # District and province followers read every commune beneath them, change none.
    assert set(permissions.communes_for(world.district, permissions.VIEW)) == {a, b}
    assert set(permissions.communes_for(world.province, permissions.VIEW)) == {a, b}
    assert not permissions.communes_for(world.district, permissions.MANAGE).exists()
    assert not permissions.communes_for(world.outsider, permissions.VIEW).exists()


@pytest.mark.django_db
def test_commune_provisioned_later_is_visible_to_existing_followers(world):
    late = provision_commune(unit=make_unit(level="commune", name="Mới Lập", parent=world.district_unit))
    permissions.forget_cached_perms(world.district)
    assert permissions.has_commune_perm(world.district, late, permissions.VIEW)
    assert not permissions.has_commune_perm(world.iso_a, late, permissions.VIEW)


@pytest.mark.django_db
def test_provision_command_rejects_unknown_code():
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command("provision_commune", "99999")
