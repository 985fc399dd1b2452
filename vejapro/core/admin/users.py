"""«Naudotojai» (ui.md §3.12): local users, their roles and the staff tokens."""

from datetime import UTC, datetime

from django import forms
from django.contrib import admin
from django.contrib.auth.models import Group
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from vejapro.core.accounts.services import user_create, user_token_issue, user_update
from vejapro.core.actors import Actor
from vejapro.core.admin.base import ServiceSavedModelAdmin
from vejapro.core.admin.display import EMPTY, format_local
from vejapro.core.admin.errors import message_error
from vejapro.core.http.errors import ApiError
from vejapro.core.models import Role, User
from vejapro.core.settings_helpers import local_mode

site = admin.site

# Roles come from the token (README §2), not from Django groups: the group screen is not part of the back office.
if site.is_registered(Group):
    site.unregister(Group)


# --- «Naudotojai» -------------------------------------------------------------------------------------------
class UserCreateForm(forms.Form):
    user_id = forms.UUIDField(
        label=_("Supabase user ID (UUID)"),
        required=False,
        help_text=_("Leave empty for contractors and experts who use only portal links: a new UUID is created."),
    )
    email = forms.EmailField(label=_("E-mail"), max_length=255)
    full_name = forms.CharField(label=_("Name"), max_length=128, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False, widget=forms.TextInput({"type": "tel"}))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    password = forms.CharField(
        label=_("Password"),
        required=False,
        min_length=8,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Local mode only: the password for signing in without Supabase."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not local_mode():
            del self.fields["password"]


class UserChangeForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "phone", "role", "is_active"]
        labels = {
            "full_name": _("Name"),
            "phone": _("Phone"),
            "role": _("Role"),
            "is_active": _("Active"),
        }
        help_texts = {
            "role": _("For Supabase users change the role in Supabase as well."),
            "is_active": _("Deactivating a user refuses their tokens at once."),
        }


class RoleFilter(admin.SimpleListFilter):
    title = _("role")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return Role.choices

    def queryset(self, request, queryset):
        return queryset.filter(role=self.value()) if self.value() else queryset


@admin.register(User, site=site)
class UserAdmin(ServiceSavedModelAdmin):
    list_title = _("Users")
    add_label = _("New user")
    add_form = UserCreateForm
    created_message = _("User created.")
    list_display = ["email", "display_name", "role_label", "is_active", "created_local", "last_login_local"]
    list_display_links = ["email"]
    list_filter = [RoleFilter, "is_active"]
    search_fields = ["email", "full_name", "phone"]
    ordering = ["email"]
    form = UserChangeForm
    readonly_fields = ["email", "created_local", "last_login_local"]
    fieldsets = [
        (None, {"fields": ["email", "full_name", "phone", "role", "is_active"]}),
        (_("Activity"), {"fields": ["created_local", "last_login_local"]}),
    ]
    change_form_template = "admin/core/user/change_form.html"

    @admin.display(description=_("Name"), ordering="full_name")
    def display_name(self, obj):
        return obj.full_name or EMPTY

    @admin.display(description=_("Role"), ordering="role")
    def role_label(self, obj):
        return obj.get_role_display()

    @admin.display(description=_("Created"), ordering="created_at")
    def created_local(self, obj):
        return format_local(obj.created_at)

    @admin.display(description=_("Last sign-in"), ordering="last_login")
    def last_login_local(self, obj):
        return format_local(obj.last_login)

    def get_urls(self):
        urls = [
            path(
                "<uuid:user_id>/portalo-nuoroda/",
                self.admin_site.admin_view(require_POST(self.portal_link_view)),
                name="core_user_portal_link",
            ),
        ]
        return urls + super().get_urls()

    # Add: a plain form that calls user_create (audit USER_CREATED).
    def create_through_service(self, request, form, actor):
        data = form.cleaned_data
        return user_create(
            email=data["email"],
            role=data["role"],
            full_name=data["full_name"],
            phone=data["phone"],
            user_id=data["user_id"],
            password=data.get("password") or None,
            actor=actor,
        )

    # Change: the fields go through user_update (audit USER_UPDATED); is_staff follows the role.
    def update_through_service(self, request, obj, form, actor) -> bool:
        data = form.cleaned_data
        _user, changed = user_update(
            user=obj.pk,
            actor=actor,
            role=data["role"],
            full_name=data["full_name"],
            phone=data["phone"],
            is_active=data["is_active"],
        )
        return changed

    def change_view(self, request, object_id, form_url="", extra_context=None):
        user = self.get_object(request, object_id)
        can_link = user is not None and user.role in (Role.SUBCONTRACTOR, Role.EXPERT) and user.is_active
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), "can_link": can_link})

    def portal_link_view(self, request, user_id):
        """«Sugeneruoti portalo nuorodą»: a 7-day portal link for a contractor or expert (audit *_TOKEN_ISSUED)."""
        user = get_object_or_404(User, pk=user_id)
        try:
            minted = user_token_issue(user=user, role=user.role, actor=Actor.for_user(request.user, request))
        except ApiError as exc:
            message_error(request, exc)
            return HttpResponseRedirect(reverse("admin:core_user_change", args=[user.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Portal link"),
            "opts": self.model._meta,
            "original": user,
            "link": minted.portal_url,
            "expires": format_local(datetime.fromtimestamp(minted.expires_at, tz=UTC)),
            "back_url": reverse("admin:core_user_change", args=[user.pk]),
        }
        return TemplateResponse(request, "admin/vejapro/portal_link.html", context)


# --- «Auditas» ----------------------------------------------------------------------------------------------
