"""Admin endpoints of messaging: confirmations, activation override, notifications, client access (api.md)."""

from rest_framework import serializers
from rest_framework.response import Response

from messaging.selectors import project_confirmations_list, project_notifications_list
from messaging.services import (
    client_access_send,
    confirmation_admin_confirm,
    confirmation_resend,
    notification_retry,
)
from projects.selectors import project_get
from projects.serializers import UtcDateTimeField
from vejapro.core.api import ApiView
from vejapro.core.models import Role


class AdminApiView(ApiView):
    allowed_roles = {Role.ADMIN}


class AdminConfirmView(AdminApiView):
    """POST /admin/projects/{id}/admin-confirm (api.md §9.1)."""

    class InputSerializer(serializers.Serializer):
        # Not trimmed here: a reason made only of spaces is the service's 400, not a 422 (workflow.md §6.6).
        reason = serializers.CharField(min_length=3, max_length=500, trim_whitespace=False)

    def post(self, request, project_id: str):
        data = self.parse_body(self.InputSerializer)
        project = confirmation_admin_confirm(project_id=project_id, reason=data["reason"], actor=self.actor())
        return Response({"success": True, "project_id": str(project.pk), "new_status": project.status})


class ConfirmationListView(AdminApiView):
    """GET /admin/projects/{id}/confirmations (api.md §9.4)."""

    class OutputSerializer(serializers.Serializer):
        id = serializers.CharField()
        channel = serializers.CharField()
        status = serializers.CharField()
        attempts = serializers.IntegerField()
        created_at = UtcDateTimeField()
        expires_at = UtcDateTimeField()
        confirmed_at = UtcDateTimeField(allow_null=True)
        can_resend = serializers.BooleanField()
        resends_remaining = serializers.IntegerField()
        reset_at = UtcDateTimeField(allow_null=True)

    def get(self, request, project_id: str):
        project = project_get(project_id=project_id)
        items = project_confirmations_list(project=project)
        return Response({"items": self.OutputSerializer(items, many=True).data})


class ConfirmationResendView(AdminApiView):
    """POST /admin/projects/{id}/confirmations/resend (api.md §9.5)."""

    def post(self, request, project_id: str):
        body = request.data if hasattr(request.data, "get") else {}
        channel = body.get("channel", "email")
        state = confirmation_resend(project_id=project_id, channel=channel, actor=self.actor())
        return Response(state.as_json())


class NotificationListView(AdminApiView):
    """GET /admin/projects/{id}/notifications (api.md §10.1)."""

    class OutputSerializer(serializers.Serializer):
        id = serializers.CharField()
        channel = serializers.CharField()
        template_key = serializers.CharField()
        status = serializers.CharField()
        attempt_count = serializers.IntegerField()
        last_error = serializers.CharField(allow_null=True)
        sent_at = UtcDateTimeField(allow_null=True)
        created_at = UtcDateTimeField()
        can_retry = serializers.BooleanField()
        retries_remaining = serializers.IntegerField()
        reset_at = UtcDateTimeField(allow_null=True)

    def get(self, request, project_id: str):
        project = project_get(project_id=project_id)
        items = project_notifications_list(project=project)
        return Response({"items": self.OutputSerializer(items, many=True).data})


class NotificationRetryView(AdminApiView):
    """POST /admin/notifications/{id}/retry (api.md §10.2)."""

    def post(self, request, notification_id: str):
        state = notification_retry(notification_id=notification_id, actor=self.actor())
        return Response(state.as_json())


class SendClientAccessView(AdminApiView):
    """POST /admin/projects/{id}/send-client-access (api.md §5.5)."""

    def post(self, request, project_id: str):
        sent = client_access_send(project_id=project_id, actor=self.actor())
        return Response({"sent_to": sent.sent_to, "expires_at": sent.expires_at, "project_id": str(sent.project_id)})
