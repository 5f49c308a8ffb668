"""What each endpoint answers; every field says what it means (Vietnamese in the schema and docs)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from qms.certification.models import Announcement, MaintenanceStatus, Stage
from qms.links import absolute_url
from qms.units.models import AdministrativeUnit, Commune, Era, Level


def province_of(unit: AdministrativeUnit) -> AdministrativeUnit | None:
    """The province above ``unit`` (its parents loaded with select_related)."""
    chain = [unit, *unit.ancestors()]
    return next((u for u in chain if u.level == Level.PROVINCE), None)


class UnitSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(help_text=_("Identifier of the unit in this system."))
    era = serializers.ChoiceField(Era.choices, help_text=_("Era of the unit list: pre2025 or 2025."))
    level = serializers.ChoiceField(Level.choices, help_text=_("Level: province, district or commune."))
    code = serializers.CharField(help_text=_("Code of the unit in the national list (unique within an era)."))
    name = serializers.CharField(help_text=_("Name without the unit type."))
    full_name = serializers.CharField(help_text=_("Full name with the unit type."))
    unit_type = serializers.CharField(help_text=_("Unit type (Tỉnh, Thành phố, Huyện, Xã, Phường…)."))
    parent_code = serializers.CharField(
        source="parent.code", allow_null=True, default=None, help_text=_("Code of the parent unit.")
    )
    abolished_on = serializers.DateField(
        allow_null=True, help_text=_("Date the unit was merged away within its era, if it was.")
    )

    class Meta:
        model = AdministrativeUnit
        fields = ["id", "era", "level", "code", "name", "full_name", "unit_type", "parent_code", "abolished_on"]


class CommuneSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(help_text=_("Identifier of the commune in this system."))
    code = serializers.CharField(source="unit.code", help_text=_("Code of the commune in the national list."))
    era = serializers.ChoiceField(Era.choices, source="unit.era", help_text=_("Era of the unit list."))
    name = serializers.CharField(help_text=_("Name of the commune."))
    district_code = serializers.SerializerMethodField(help_text=_("Code of the district (before 01/07/2025)."))
    province_code = serializers.SerializerMethodField(help_text=_("Code of the province."))
    stage = serializers.SerializerMethodField(help_text=_("Stage of the commune's QMS."))
    stage_since = serializers.SerializerMethodField(help_text=_("Date the commune entered this stage."))
    first_announced_on = serializers.SerializerMethodField(help_text=_("Date of the first announcement."))
    announced_on = serializers.SerializerMethodField(help_text=_("Date of the latest announcement."))
    announcement_number = serializers.SerializerMethodField(help_text=_("Number of the latest announcement."))
    procedures_in_scope = serializers.SerializerMethodField(
        help_text=_("Procedures covered by an effective quy trình.")
    )
    late_items = serializers.SerializerMethodField(help_text=_("Certification items past their deadline."))
    maintenance = serializers.SerializerMethodField(help_text=_("Maintenance result of the latest year."))
    updated_at = serializers.SerializerMethodField(help_text=_("When these figures were last computed."))

    class Meta:
        model = Commune
        fields = [
            "id",
            "code",
            "era",
            "name",
            "district_code",
            "province_code",
            "stage",
            "stage_since",
            "first_announced_on",
            "announced_on",
            "announcement_number",
            "procedures_in_scope",
            "late_items",
            "maintenance",
            "updated_at",
        ]

    @staticmethod
    def _progress(commune):
        return getattr(commune, "qms_progress", None)

    def _field(self, commune, name, default=None):
        progress = self._progress(commune)
        return getattr(progress, name) if progress else default

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_district_code(self, commune) -> str | None:
        parent = commune.unit.parent
        return parent.code if parent and parent.level == Level.DISTRICT else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_province_code(self, commune) -> str | None:
        province = province_of(commune.unit)
        return province.code if province else None

    @extend_schema_field(serializers.ChoiceField(Stage.choices))
    def get_stage(self, commune) -> str:
        return self._field(commune, "stage", Stage.NOT_STARTED)

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_stage_since(self, commune):
        return self._field(commune, "stage_since")

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_first_announced_on(self, commune):
        return self._field(commune, "first_announced_on")

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_announced_on(self, commune):
        return self._field(commune, "announced_on")

    def get_announcement_number(self, commune) -> str:
        return self._field(commune, "announcement_number", "")

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_procedures_in_scope(self, commune):
        return self._field(commune, "scope_size")

    def get_late_items(self, commune) -> int:
        return self._field(commune, "late_count", 0)

    @extend_schema_field(serializers.ChoiceField(MaintenanceStatus.choices, allow_null=True))
    def get_maintenance(self, commune):
        return self._field(commune, "maintenance_status")

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_updated_at(self, commune):
        refreshed = self._field(commune, "refreshed_at")
        return serializers.DateTimeField().to_representation(refreshed) if refreshed else None


class AnnouncementSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(help_text=_("Identifier of the announcement."))
    commune_id = serializers.IntegerField(help_text=_("Identifier of the commune."))
    commune_code = serializers.CharField(source="commune.unit.code", help_text=_("Code of the commune."))
    commune_name = serializers.CharField(source="commune.name", help_text=_("Name of the commune."))
    era = serializers.CharField(source="commune.unit.era", help_text=_("Era of the commune's unit list."))
    number = serializers.CharField(help_text=_("Number and symbol of the decision, e.g. 45/QĐ-UBND."))
    signed_on = serializers.DateField(help_text=_("Date the decision was signed."))
    signer_name = serializers.CharField(help_text=_("Who signed the decision."))
    is_reannouncement = serializers.BooleanField(help_text=_("Whether it re-announces a changed scope."))
    procedures = serializers.SerializerMethodField(help_text=_("Procedure codes covered by the announcement."))
    decision_url = serializers.SerializerMethodField(help_text=_("Public address of the signed decision (PDF)."))
    recorded_at = serializers.DateTimeField(help_text=_("When the announcement was recorded."))

    class Meta:
        model = Announcement
        fields = [
            "id",
            "commune_id",
            "commune_code",
            "commune_name",
            "era",
            "number",
            "signed_on",
            "signer_name",
            "is_reannouncement",
            "procedures",
            "decision_url",
            "recorded_at",
        ]

    def to_representation(self, announcement):
        data = super().to_representation(announcement)
        data["number"] = announcement.display_number
        return data

    def get_procedures(self, announcement) -> list[str]:
        return [item["procedure_code"] for item in announcement.scope]

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_decision_url(self, announcement):
        if not announcement.file:
            return None
        return absolute_url(reverse("certification_files:public_announcement", args=[announcement.pk]))


class ProcessSerializer(serializers.Serializer):
    """An effective quy trình of the commune (``processes.selectors.ScopeItem``) with its download links."""

    document_id = serializers.IntegerField(help_text=_("Identifier of the quy trình."))
    document_code = serializers.CharField(help_text=_("Code of the quy trình, e.g. QT-01/HT."))
    procedure_code = serializers.CharField(help_text=_("Code of the administrative procedure (TTHC)."))
    procedure_name = serializers.CharField(help_text=_("Name of the administrative procedure."))
    field = serializers.CharField(help_text=_("Field (lĩnh vực) of the procedure."))
    effective_date = serializers.DateField(allow_null=True, help_text=_("Date the quy trình took effect."))
    docx_url = serializers.SerializerMethodField(help_text=_("Download of the effective version as Word."))
    pdf_url = serializers.SerializerMethodField(help_text=_("Download of the effective version as PDF."))

    def _url(self, item, name: str) -> str:
        commune_id = self.context["commune"].pk
        return absolute_url(reverse(f"api:process-{name}", args=[commune_id, item.document_id]))

    @extend_schema_field(serializers.URLField())
    def get_docx_url(self, item) -> str:
        return self._url(item, "docx")

    @extend_schema_field(serializers.URLField())
    def get_pdf_url(self, item) -> str:
        return self._url(item, "pdf")


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text=_("Why the request was refused."))
