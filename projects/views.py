"""Project endpoints (api.md §5.4, §6): parse input, call one service or selector, render."""

from django.core.validators import EmailValidator
from rest_framework import serializers, status
from rest_framework.response import Response

from projects.models import ProjectStatus
from projects.selectors import (
    project_detail,
    project_list,
    project_list_admin,
    project_mini_triage,
    project_work_queue,
)
from projects.serializers import (
    AdminProjectOutSerializer,
    AmountField,
    AuditLogOutSerializer,
    EvidenceOutSerializer,
    LimitQuerySerializer,
    ProjectOutSerializer,
    UtcDateTimeField,
    page_response,
    status_field,
)
from projects.services import (
    project_assign_contractor,
    project_assign_expert,
    project_client_token_issue,
    project_create,
    project_transition_request,
)
from vejapro.core.accounts.authentication import SupabaseJWTAuthentication
from vejapro.core.http.api import ApiView
from vejapro.core.http.errors import ApiError
from vejapro.core.http.ratelimit import TOO_MANY_REQUESTS_TEXT, rate_limited
from vejapro.core.models import Role

ALL_ROLES = set(Role.values)
ADMIN_ONLY = {Role.ADMIN}
# Unauthenticated POST /projects: 10 per minute per client IP (security-ops.md §7).
PROJECT_CREATE_IP_LIMIT = 10
CLIENT_INFO_TEXT_MAX = 1000
CLIENT_INFO_TYPES: dict[str, type | tuple[type, ...]] = {
    "name": str,
    "email": str,
    "phone": str,
    "address": str,
    "title": str,
    "whatsapp_consent": bool,
    "quote_pending": bool,
    "contract_signed": bool,
    "estimate": dict,
    "preferred_secondary_slot": dict,
}


class OptionalBearerAuthentication(SupabaseJWTAuthentication):
    """``POST /projects``: a valid token changes ownership; an invalid one is ignored (treated as public)."""

    def authenticate(self, request):
        try:
            return super().authenticate(request)
        except ApiError:
            return None


def _client_info_problem(value, path: str = "") -> str | None:
    """The first string that is too long or holds a NUL character (PostgreSQL JSON cannot store it), else None."""
    if isinstance(value, str):
        if len(value) > CLIENT_INFO_TEXT_MAX:
            return f"Per ilgas tekstas (daugiau nei {CLIENT_INFO_TEXT_MAX} simbolių): {path}"
        return f"Neleistinas simbolis: {path}" if "\x00" in value else None
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        if isinstance(key, str) and "\x00" in key:
            return "Neleistinas simbolis lauko pavadinime"
        problem = _client_info_problem(item, f"{path}.{key}" if path else str(key))
        if problem:
            return problem
    return None


class ProjectCreateView(ApiView):
    """POST /projects (api.md §6.1): public, CLIENT or ADMIN; 201 ``ProjectOut``."""

    authentication_classes = [OptionalBearerAuthentication]
    allowed_roles = None

    class InputSerializer(serializers.Serializer):
        client_info = serializers.DictField(required=False, allow_null=True)
        name = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=128)
        area_m2 = AmountField(required=False, allow_null=True, min_value=0, max_value=99_999_999)

        def validate_client_info(self, value):
            if not value:
                return {}
            problem = _client_info_problem(value)
            if problem:
                raise serializers.ValidationError(problem)
            for key, expected in CLIENT_INFO_TYPES.items():
                if value.get(key) is not None and not isinstance(value[key], expected):
                    raise serializers.ValidationError(f"Netinkamas lauko tipas: {key}")
            if value.get("email"):
                EmailValidator(message="Neteisingas el. pašto adresas")(value["email"])
            return value

        def validate(self, attrs):
            client_info = attrs.get("client_info") or {}
            name = (attrs.get("name") or "").strip()
            if not client_info and not name:
                raise serializers.ValidationError({"client_info": "Nurodykite client_info arba name"})
            attrs["client_info"] = client_info or {"name": name}
            return attrs

    def post(self, request):
        # An invalid token counts as public; the limit runs before validation so junk requests are counted too.
        if request.user is None and rate_limited(
            request._request, group="project_create:ip", limit=PROJECT_CREATE_IP_LIMIT
        ):
            raise ApiError(429, TOO_MANY_REQUESTS_TEXT)
        data = self.parse_body(self.InputSerializer)
        actor = self.actor()
        project = project_create(client_info=data["client_info"], area_m2=data.get("area_m2"), actor=actor)
        body = ProjectOutSerializer(project, context={"viewer": actor}).data
        return Response(body, status=status.HTTP_201_CREATED)


class ProjectDetailView(ApiView):
    """GET /projects/{id} (api.md §6.2): ``ProjectDetail`` with the per-role visibility rules."""

    allowed_roles = ALL_ROLES

    def get(self, request, project_id: str):
        actor = self.actor()
        detail = project_detail(project_id=project_id, viewer=actor)
        return Response(
            {
                "project": ProjectOutSerializer(detail.project, context={"viewer": actor}).data,
                "audit_logs": AuditLogOutSerializer(detail.audit_logs, many=True).data,
                "evidences": EvidenceOutSerializer(detail.evidences, many=True).data,
            }
        )


class ClientProjectListView(ApiView):
    """GET /client/projects (api.md §6.3): the caller's own projects as ``ProjectOut``."""

    allowed_roles = {Role.CLIENT}

    class QuerySerializer(LimitQuerySerializer):
        max_limit = 100
        default_limit = 20

    def get(self, request):
        query = self.parse_query(self.QuerySerializer)
        actor = self.actor()
        result = project_list(limit=query["limit"], cursor=query.get("cursor"), client_user_id=actor.actor_id)
        return Response(page_response(result, ProjectOutSerializer, viewer=actor))


class AssignedProjectListView(ApiView):
    """GET /contractor/projects and /expert/projects (api.md §6.4): the caller's assigned projects."""

    assignee_field = ""

    class QuerySerializer(LimitQuerySerializer):
        status = status_field(required=False)

    def get(self, request):
        query = self.parse_query(self.QuerySerializer)
        result = project_list(
            limit=query["limit"],
            cursor=query.get("cursor"),
            status=query.get("status"),
            **{self.assignee_field: self.actor().actor_id or ""},
        )
        return Response(page_response(result, AdminProjectOutSerializer))


class ContractorProjectListView(AssignedProjectListView):
    allowed_roles = {Role.SUBCONTRACTOR}
    assignee_field = "assigned_contractor_id"


class ExpertProjectListView(AssignedProjectListView):
    allowed_roles = {Role.EXPERT}
    assignee_field = "assigned_expert_id"


class AdminProjectListView(ApiView):
    """GET /admin/projects (api.md §6.5)."""

    allowed_roles = ADMIN_ONLY

    class QuerySerializer(LimitQuerySerializer):
        status = status_field(required=False)
        assigned_contractor_id = serializers.CharField(required=False, allow_blank=True)
        assigned_expert_id = serializers.CharField(required=False, allow_blank=True)

    def get(self, request):
        query = self.parse_query(self.QuerySerializer)
        result = project_list_admin(
            limit=query["limit"],
            cursor=query.get("cursor"),
            status=query.get("status"),
            assigned_contractor_id=query.get("assigned_contractor_id"),
            assigned_expert_id=query.get("assigned_expert_id"),
        )
        return Response(page_response(result, AdminProjectOutSerializer))


class AdminProjectWorkQueueView(ApiView):
    """GET /admin/projects/view (api.md §6.6): the work-queue read model with masked contacts."""

    allowed_roles = ADMIN_ONLY

    class QuerySerializer(LimitQuerySerializer):
        status = status_field(required=False)
        attention_only = serializers.BooleanField(required=False, default=False)
        as_of = UtcDateTimeField(required=False)

    def get(self, request):
        query = self.parse_query(self.QuerySerializer)
        return Response(
            project_work_queue(
                limit=query["limit"],
                cursor=query.get("cursor"),
                as_of=query.get("as_of"),
                status=query.get("status"),
                attention_only=query["attention_only"],
            )
        )


class AdminProjectMiniTriageView(ApiView):
    """GET /admin/projects/mini-triage (api.md §6.7)."""

    allowed_roles = ADMIN_ONLY

    class QuerySerializer(serializers.Serializer):
        limit = serializers.IntegerField(required=False, min_value=1, max_value=50, default=20)

    def get(self, request):
        query = self.parse_query(self.QuerySerializer)
        return Response(project_mini_triage(limit=query["limit"]))


class ProjectAssignView(ApiView):
    """POST /admin/projects/{id}/assign-contractor and /assign-expert (api.md §6.8)."""

    allowed_roles = ADMIN_ONLY
    assign = None

    class InputSerializer(serializers.Serializer):
        user_id = serializers.CharField()

    def post(self, request, project_id: str):
        data = self.parse_body(self.InputSerializer)
        result = self.assign(project_id=project_id, user_id=data["user_id"], actor=self.actor())
        return Response({"success": True, "no_change": not result.changed})


class AssignContractorView(ProjectAssignView):
    assign = staticmethod(project_assign_contractor)


class AssignExpertView(ProjectAssignView):
    assign = staticmethod(project_assign_expert)


class TransitionStatusView(ApiView):
    """POST /transition-status (api.md §6.9): 200 ``ProjectOut``, changed or unchanged."""

    allowed_roles = {Role.ADMIN, Role.SUBCONTRACTOR, Role.EXPERT}

    class InputSerializer(serializers.Serializer):
        project_id = serializers.CharField(required=False, allow_null=True, allow_blank=True)
        entity_id = serializers.CharField(required=False, allow_null=True, allow_blank=True)
        entity_type = serializers.CharField(required=False, allow_null=True, allow_blank=True)
        new_status = serializers.ChoiceField(choices=ProjectStatus.values)
        actor = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=64)

        def validate_entity_type(self, value):
            if value is not None and value != "project":
                raise serializers.ValidationError("entity_type turi būti project")
            return value

        def validate(self, attrs):
            project_id = attrs.get("project_id") or attrs.get("entity_id")
            if not project_id:
                raise serializers.ValidationError({"project_id": "Privalomas project_id arba entity_id"})
            attrs["project_id"] = project_id
            return attrs

    def post(self, request):
        data = self.parse_body(self.InputSerializer)
        actor = self.actor()
        result = project_transition_request(
            project_id=data["project_id"],
            new_status=data["new_status"],
            actor=actor,
            actor_override=data.get("actor"),
        )
        return Response(ProjectOutSerializer(result.project, context={"viewer": actor}).data)


class ClientTokenView(ApiView):
    """GET /admin/projects/{id}/client-token (api.md §5.4)."""

    allowed_roles = ADMIN_ONLY

    def get(self, request, project_id: str):
        issued = project_client_token_issue(project_id=project_id, actor=self.actor())
        return Response(
            {
                "token": issued.token,
                "expires_at": issued.expires_at,
                "client_id": issued.client_id,
                "portal_url": issued.portal_url,
            }
        )
