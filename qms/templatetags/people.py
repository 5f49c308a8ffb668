from django import template

from qms.people import full_name as _full_name

register = template.Library()


@register.filter
def full_name(user) -> str:
    """``{{ user|full_name }}``: "Nguyễn Thị Hoa" (the user name when no name is recorded)."""
    return _full_name(user)
