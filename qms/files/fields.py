"""The model field of every uploaded file: validated by the policy, stored under a random name."""

from __future__ import annotations

import re
import uuid
from posixpath import basename, splitext

from django.db import models
from django.db.models.fields.files import FieldFile
from django.db.models.signals import pre_save
from django.urls import reverse

from .policy import UploadField, detect_kind, display_name, validate_upload

SAFE_EXTENSION = re.compile(r"\.[a-z0-9]{1,8}")


def safe_extension(filename: str) -> str:
    extension = splitext(basename(filename or ""))[1].lower()
    return extension if SAFE_EXTENSION.fullmatch(extension) else ""


class PrivateFieldFile(FieldFile):
    """A stored file whose ``url`` is the permission-checked download view, never the storage."""

    @property
    def url(self) -> str:
        self._require_file()
        return reverse(self.field.download_url_name, args=[self.instance.pk])

    @property
    def original_name(self) -> str:
        kept = getattr(self.instance, self.field.name_field, "") if self.field.name_field else ""
        return kept or basename(self.name or "")


class PrivateFileField(models.FileField):
    """A file of a record, served only by the view named ``download_url_name`` (which takes the record's pk).

    Uploads go through :data:`~qms.files.policy.validate_upload`; the file is
    stored as ``<uuid>.<extension of its real kind>`` and the user's own file
    name is kept in the model field ``name_field``.
    """

    attr_class = PrivateFieldFile
    default_validators = [validate_upload]

    def __init__(self, verbose_name=None, name=None, *, download_url_name: str = "", name_field: str = "", **kwargs):
        self.download_url_name = download_url_name
        self.name_field = name_field
        kwargs.setdefault("max_length", 255)
        super().__init__(verbose_name, name, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.max_length == 255:
            kwargs.pop("max_length", None)
        else:
            kwargs["max_length"] = self.max_length
        if self.download_url_name:
            kwargs["download_url_name"] = self.download_url_name
        if self.name_field:
            kwargs["name_field"] = self.name_field
        return name, path, args, kwargs

    def contribute_to_class(self, cls, name, **kwargs):
        super().contribute_to_class(cls, name, **kwargs)
        if self.name_field and not cls._meta.abstract:
            pre_save.connect(self._keep_original_name, sender=cls)

    def _keep_original_name(self, instance, **kwargs):
        file = getattr(instance, self.attname)
        if file and not file._committed:
            setattr(instance, self.name_field, display_name(file.name))

    def generate_filename(self, instance, filename):
        file = getattr(instance, self.attname)
        kind = detect_kind(file) if file and not file._committed else None
        extension = f".{kind.extension}" if kind else safe_extension(filename)
        return super().generate_filename(instance, f"{uuid.uuid4().hex}{extension}")

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": UploadField, **kwargs})
