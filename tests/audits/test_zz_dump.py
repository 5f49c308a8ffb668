import re, html
import pytest
from django.urls import reverse
from .test_admin_permissions import records, VIEWSETS, OBJECT_VIEWS  # noqa

def _text(body):
    body = re.sub(r"<script.*?</script>|<style.*?</style>|<svg.*?</svg>", "", body, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))

@pytest.mark.django_db
def test_dump(client, world, records):
    out = open("/tmp/audits_dump.txt", "w")
    for who in ("iso_a", "auditor_a", "leader_a"):
        client.force_login(getattr(world, who))
        for ns, (key, *_r) in VIEWSETS.items():
            obj = records[key]
            for v in ("index", "add", "edit", "inspect", "history"):
                url = reverse(f"{ns}:{v}") if v in ("index", "add") else reverse(f"{ns}:{v}", args=[obj.pk])
                r = client.get(url)
                if r.status_code == 200:
                    out.write(f"\n==== {who} {ns}:{v}\n" + _text(r.content.decode())[:6000] + "\n")
        for name, (key, allowed) in OBJECT_VIEWS.items():
            if who in allowed and not name.endswith("docx"):
                r = client.get(reverse(name, args=[records[key].pk]))
                out.write(f"\n==== {who} {name}\n" + _text(r.content.decode())[:4000] + "\n")
        r = client.get(reverse("audits_admin:notifications"))
        out.write(f"\n==== {who} notifications\n" + _text(r.content.decode())[:3000] + "\n")

@pytest.mark.django_db
def test_raw(client, world, records):
    client.force_login(world.iso_a)
    body = client.get(reverse("audits_programmes:inspect", args=[records["programme"].pk])).content.decode()
    open("/tmp/audits_raw.html", "w").write(body)

@pytest.mark.django_db
def test_edit_errors(client, world):
    from .builders import make_audit, raise_nc
    plan = make_audit(world)
    action = raise_nc(world, plan).corrective_action
    client.force_login(world.iso_a)
    r = client.post(reverse("audits_actions:edit", args=[action.pk]), {
        "title": action.title, "immediate_correction": "x", "root_cause": "y",
        "action_plan": "z", "owner": world.iso_a.pk, "due_date": "30/06/2026"})
    print(r.context["form"].errors, r.context["form"].non_field_errors())
    print(r.context["form"].fields.keys())
