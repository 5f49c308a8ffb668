from django import template

from qms.people import full_name

register = template.Library()


@register.filter
def person(user) -> str:
    """``{{ user|person }}``: the name in Vietnamese order."""
    return full_name(user)
