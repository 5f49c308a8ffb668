from django import template

from audits.models import person_name

register = template.Library()


@register.filter
def person(user) -> str:
    """``{{ user|person }}``: the name in Vietnamese order."""
    return person_name(user)
