"""API views for evidence, certification, the certificate, marketing consent and the gallery (api.md §7)."""

from django.http import HttpResponse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response

from projects.evidence.certificate import certificate_pdf
from projects.evidence.selectors import evidence_get_accessible, gallery_page
from projects.evidence.services import (
    SEED_COUNT_MAX,
    evidence_approve_for_web,
    evidence_seed_certification,
    evidence_upload_once,
    project_certify,
    project_marketing_consent_set,
)
from projects.models import EvidenceCategory
from projects.selectors import project_get, project_get_for_actor
from vejapro.core.http.api import ApiView
from vejapro.core.http.errors import NOT_FOUND_TEXT, ApiError
from vejapro.core.models import Role
from vejapro.core.settings_helpers import is_production
from vejapro.core.timestamps import utc_iso


class StrictBooleanField(serializers.BooleanField):
    """Only JSON ``true`` / ``false``: a string such as "yes" is a 422, not a silent coercion."""

    def to_internal_value(self, data):
        if isinstance(data, bool):
            return data
        self.fail("invalid", input=data)


@extend_schema_field({"type": "object", "additionalProperties": {"type": "boolean"}})
class ChecklistField(serializers.Field):
    """An object of booleans (api.md §7.2). The fixed items of workflow.md §9.1 are required by the engine; any other
    key is accepted here and must be ``true`` too (the engine answers 400 otherwise)."""

    default_error_messages = {
        "not_a_dict": "Laukiamas objektas",
        "bad_key": "Neleistinas simbolis lauko pavadinime",
        "not_a_bool": "Laukiama true arba false",
    }

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            self.fail("not_a_dict")
        errors = {}
        for key, value in data.items():
            if "\x00" in key:  # PostgreSQL JSON cannot store it
                errors[key] = [self.error_messages["bad_key"]]
            elif not isinstance(value, bool):
                errors[key] = [self.error_messages["not_a_bool"]]
        if errors:
            raise serializers.ValidationError(errors)
        return dict(data)

    def to_representation(self, value):
        return value


class UploadEvidenceView(ApiView):
    """POST /upload-evidence (multipart)."""

    allowed_roles = {Role.ADMIN, Role.SUBCONTRACTOR, Role.EXPERT}

    class InputSerializer(serializers.Serializer):
        project_id = serializers.CharField()
        category = serializers.ChoiceField(choices=EvidenceCategory.values)
        file = serializers.FileField(allow_empty_file=True, use_url=False)
        # Optional: a repeated key answers the photo it created (200, same body) instead of a second row.
        client_upload_key = serializers.CharField(required=False, allow_blank=True, max_length=64, default="")

    def post(self, request):
        data = self.parse_body(self.InputSerializer)
        actor = self.actor()
        project = project_get_for_actor(project_id=data["project_id"], actor=actor, roles=self.allowed_roles)
        evidence, _created = evidence_upload_once(
            project=project,
            category=data["category"],
            upload=data["file"],
            actor=actor,
            client_upload_key=data["client_upload_key"],
        )
        return Response(
            {
                "evidence_id": str(evidence.pk),
                "file_url": evidence.file_url,
                "thumbnail_url": evidence.thumbnail_url,
                "medium_url": evidence.medium_url,
                "category": evidence.category,
            }
        )


class CertifyProjectView(ApiView):
    """POST /certify-project."""

    allowed_roles = {Role.EXPERT, Role.ADMIN}

    class InputSerializer(serializers.Serializer):
        project_id = serializers.CharField()
        checklist = ChecklistField(required=False, allow_null=True, default=dict)
        notes = serializers.CharField(
            required=False, allow_blank=True, allow_null=True, max_length=2000, trim_whitespace=False, default=""
        )

    def post(self, request):
        data = self.parse_body(self.InputSerializer)
        actor = self.actor()
        project = project_get_for_actor(project_id=data["project_id"], actor=actor, roles=self.allowed_roles)
        project = project_certify(
            project=project, actor=actor, checklist=data["checklist"] or {}, notes=data["notes"] or ""
        )
        return Response({"success": True, "project_status": project.status, "certificate_ready": True})


class CertificateView(ApiView):
    """GET /projects/{id}/certificate: the PDF, inline."""

    allowed_roles = set(Role.values)

    def get(self, request, project_id: str):
        project = project_get_for_actor(project_id=project_id, actor=self.actor())
        response = HttpResponse(certificate_pdf(project=project), content_type="application/pdf")
        response["Content-Disposition"] = f"inline; filename=certificate_{project.pk}.pdf"
        response["Cache-Control"] = "no-store"
        return response


class SeedCertPhotosView(ApiView):
    """POST /admin/projects/{id}/seed-cert-photos: development helper, absent in production."""

    allowed_roles = {Role.ADMIN}

    class InputSerializer(serializers.Serializer):
        count = serializers.IntegerField(required=False, default=3, min_value=1, max_value=SEED_COUNT_MAX)

    def initial(self, request, *args, **kwargs):
        if is_production():
            raise ApiError(404, NOT_FOUND_TEXT)
        super().initial(request, *args, **kwargs)

    def post(self, request, project_id: str):
        data = self.parse_body(self.InputSerializer)
        project = project_get(project_id=project_id)
        created = evidence_seed_certification(project=project, count=data["count"], actor=self.actor())
        return Response({"success": True, "created": len(created)})


class MarketingConsentView(ApiView):
    """POST /projects/{id}/marketing-consent: the owning client or an admin."""

    allowed_roles = {Role.CLIENT, Role.ADMIN}

    class InputSerializer(serializers.Serializer):
        consent = StrictBooleanField(required=False, default=True)

    def post(self, request, project_id: str):
        data = self.parse_body(self.InputSerializer)
        actor = self.actor()
        project = project_get_for_actor(project_id=project_id, actor=actor, roles=self.allowed_roles)
        project = project_marketing_consent_set(project=project, consent=data["consent"], actor=actor)
        return Response(
            {
                "success": True,
                "marketing_consent": project.marketing_consent,
                "marketing_consent_at": utc_iso(project.marketing_consent_at),
            }
        )


class ApproveForWebView(ApiView):
    """POST /evidences/{id}/approve-for-web."""

    feature_flag = "ENABLE_MARKETING_MODULE"
    allowed_roles = {Role.EXPERT, Role.ADMIN}

    class InputSerializer(serializers.Serializer):
        location_tag = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=128)
        is_featured = StrictBooleanField(required=False, allow_null=True)

    def post(self, request, evidence_id: str):
        data = self.parse_body(self.InputSerializer)
        actor = self.actor()
        evidence = evidence_get_accessible(evidence_id=evidence_id, actor=actor, roles=self.allowed_roles)
        evidence_approve_for_web(
            evidence=evidence,
            actor=actor,
            location_tag=data.get("location_tag"),
            is_featured=data.get("is_featured"),
        )
        return Response({"success": True})


class GalleryView(ApiView):
    """GET /gallery: the public before/after feed."""

    feature_flag = "ENABLE_MARKETING_MODULE"
    authentication_classes: list = []
    allowed_roles = None

    class QuerySerializer(serializers.Serializer):
        limit = serializers.IntegerField(required=False, default=24, min_value=1, max_value=60)
        cursor = serializers.CharField(required=False, allow_blank=True)
        location_tag = serializers.CharField(required=False, max_length=128)
        featured_only = serializers.BooleanField(required=False, default=False)

    def get(self, request):
        query = self.parse_query(self.QuerySerializer)
        result = gallery_page(
            limit=query["limit"],
            cursor=query.get("cursor") or None,
            location_tag=query.get("location_tag"),
            featured_only=query["featured_only"],
        )
        return Response(result, headers={"Cache-Control": "public, max-age=300"})
