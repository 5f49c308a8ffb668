import datetime

from django import forms
from django.utils import translation


class DueForm(forms.Form):
    due = forms.DateField()
    at = forms.DateTimeField()


def test_vietnamese_forms_read_dates_day_first():
    with translation.override("vi"):
        form = DueForm(data={"due": "05/06/2026", "at": "05/06/2026 14:30"})
        assert form.is_valid(), form.errors
    assert form.cleaned_data["due"] == datetime.date(2026, 6, 5)
    assert form.cleaned_data["at"].date() == datetime.date(2026, 6, 5)


def test_iso_dates_still_accepted():
    with translation.override("vi"):
        form = DueForm(data={"due": "2026-06-30", "at": "2026-06-30 08:00"})
        assert form.is_valid(), form.errors
    assert form.cleaned_data["due"] == datetime.date(2026, 6, 30)


def test_english_admin_also_reads_the_picker_day_first():
    with translation.override("en"):
        form = DueForm(data={"due": "05/06/2026", "at": "05/06/2026 14:30"})
        assert form.is_valid(), form.errors
    assert form.cleaned_data["due"] == datetime.date(2026, 6, 5)
