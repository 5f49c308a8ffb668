"""What a browser would post from a page's form: the fields as rendered, hidden ones included."""

from __future__ import annotations

import lxml.html


def page_form(response, field: str) -> dict[str, list[str]]:
    """The values of the POST form of ``response`` that has ``field``, as a browser submits them."""
    assert response.status_code == 200, response.status_code
    document = lxml.html.fromstring(response.content.decode())
    for form in document.forms:
        if (form.method or "GET").upper() != "POST":
            continue
        names = {element.name for element in form.inputs if element.name}
        if field not in names:
            continue
        data: dict[str, list[str]] = {}
        for name, value in form.form_values():
            data.setdefault(name, []).append(value)
        for element in form.inputs:
            if (
                element.name
                and element.name not in data
                and getattr(element, "type", "") not in ("checkbox", "radio", "submit", "file", "button")
            ):
                data[element.name] = [""]
        return data
    raise AssertionError(f"no POST form with the field {field!r}")


def open_form(client, url: str, field: str) -> dict[str, list[str]]:
    """GET ``url`` and return the data its form would post."""
    return page_form(client.get(url), field)


def fill(data: dict[str, list[str]], **values) -> dict[str, list[str]]:
    """``data`` with some fields typed in (a list value for a multiple choice)."""
    changed = dict(data)
    for name, value in values.items():
        changed[name.replace("__", "-")] = value if isinstance(value, list) else [str(value)]
    return changed
