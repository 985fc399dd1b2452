"""«Naudotojai»: create and update through the user services with USER_CREATED / USER_UPDATED (ui.md §3.12)."""

import uuid

import pytest

from vejapro.core.accounts.services import user_create, user_update
from vejapro.core.actors import Actor
from vejapro.core.http.errors import ApiError
from vejapro.core.models import AuditLog, User

ADD_URL = "/admin/core/user/add/"


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.mark.django_db
def test_list_columns_and_filters(admin_client, contractor_user):
    html = admin_client.get("/admin/core/user/").content.decode()

    assert "<h1>Naudotojai</h1>" in html
    for label in ("El. paštas", "Vardas", "Rolė", "Aktyvus", "Sukurta", "Paskutinis prisijungimas"):
        assert label in html
    assert contractor_user.email in html
    assert "Rangovas" in html
    contractors = admin_client.get("/admin/core/user/", {"role": "SUBCONTRACTOR"}).content.decode()
    assert contractor_user.email in contractors
    assert "admin@vejapro.test" not in contractors


@pytest.mark.django_db
def test_create_a_token_only_contractor(admin_client, admin_user):
    page = admin_client.get(ADD_URL).content.decode()
    assert "Naujas naudotojas" in page
    assert "Supabase naudotojo ID (UUID)" in page
    assert "Slaptažodis" in page  # local mode

    response = admin_client.post(
        ADD_URL,
        {
            "email": "Naujas.Rangovas@Example.com",
            "full_name": "Naujas",
            "phone": "+37060000011",
            "role": "SUBCONTRACTOR",
        },
        follow=True,
    )

    assert _messages(response) == ["Naudotojas sukurtas."]
    user = User.objects.get(email="naujas.rangovas@example.com")
    assert (user.role, user.is_staff, user.has_usable_password()) == ("SUBCONTRACTOR", False, False)
    row = AuditLog.objects.get(entity_id=user.pk, action="USER_CREATED")
    assert (row.actor_type, row.actor_id) == ("ADMIN", str(admin_user.pk))
    assert (row.new_value, row.metadata) == ({"role": "SUBCONTRACTOR", "is_active": True}, {"source": "admin"})


@pytest.mark.django_db
def test_create_an_admin_with_a_supabase_id_and_local_password(admin_client):
    supabase_id = uuid.uuid4()

    admin_client.post(
        ADD_URL,
        {"user_id": str(supabase_id), "email": "antras@vejapro.test", "role": "ADMIN", "password": "Slaptas-456"},
    )

    user = User.objects.get(pk=supabase_id)
    assert user.is_staff is True
    assert user.check_password("Slaptas-456")


@pytest.mark.django_db
def test_duplicate_email_is_refused(admin_client, contractor_user):
    response = admin_client.post(ADD_URL, {"email": contractor_user.email, "role": "EXPERT"}, follow=True)

    assert _messages(response) == ["Naudotojas su šiuo el. paštu jau yra"]
    assert User.objects.filter(email=contractor_user.email).count() == 1


@pytest.mark.django_db
def test_password_only_in_local_mode(admin_user, settings):
    settings.SUPABASE_URL = "https://example.supabase.co"

    with pytest.raises(ApiError):
        user_create(email="x@example.com", role="CLIENT", password="Slaptas-123", actor=Actor.for_user(admin_user))


@pytest.mark.django_db
def test_update_role_keeps_is_staff_equal_to_admin(admin_client, admin_user, expert_user):
    url = f"/admin/core/user/{expert_user.pk}/change/"
    page = admin_client.get(url).content.decode()
    assert page.count("Supabase naudotojams rolę pakeiskite ir Supabase sistemoje.") == 1
    assert 'name="is_staff"' not in page

    response = admin_client.post(
        url, {"full_name": "Ekspertė Ona", "phone": "", "role": "ADMIN", "is_active": "on", "is_staff": ""}, follow=True
    )

    assert _messages(response) == ["Išsaugota"]
    expert_user.refresh_from_db()
    assert (expert_user.role, expert_user.is_staff) == ("ADMIN", True)
    row = AuditLog.objects.get(entity_id=expert_user.pk, action="USER_UPDATED")
    assert (row.old_value, row.new_value) == (
        {"role": "EXPERT", "is_active": True},
        {"role": "ADMIN", "is_active": True},
    )
    assert row.metadata == {"source": "admin"}


@pytest.mark.django_db
def test_deactivate_and_no_op_update(admin_user, contractor_user):
    actor = Actor.for_user(admin_user)

    user, changed = user_update(
        user=contractor_user,
        actor=actor,
        role="SUBCONTRACTOR",
        full_name="Rangovas Petras",
        phone=None,
        is_active=False,
    )
    again, changed_again = user_update(
        user=contractor_user,
        actor=actor,
        role="SUBCONTRACTOR",
        full_name="Rangovas Petras",
        phone=None,
        is_active=False,
    )

    assert (changed, changed_again, user.is_active, again.is_active) == (True, False, False, False)
    assert AuditLog.objects.filter(entity_id=contractor_user.pk, action="USER_UPDATED").count() == 1


@pytest.mark.django_db
def test_an_admin_cannot_lock_themselves_out(admin_client, admin_user):
    response = admin_client.post(
        f"/admin/core/user/{admin_user.pk}/change/",
        {"full_name": "Adminas", "role": "CLIENT", "is_active": "on"},
        follow=True,
    )

    assert _messages(response) == ["Negalima atimti administratoriaus prieigos sau"]
    admin_user.refresh_from_db()
    assert admin_user.role == "ADMIN"


@pytest.mark.django_db
def test_users_are_never_deleted(admin_client, contractor_user):
    assert admin_client.post(f"/admin/core/user/{contractor_user.pk}/delete/", {"post": "yes"}).status_code == 403
    assert User.objects.filter(pk=contractor_user.pk).exists()


@pytest.mark.django_db
def test_portal_link_for_contractors(admin_client, contractor_user, client_user):
    page = admin_client.get(f"/admin/core/user/{contractor_user.pk}/change/").content.decode()
    assert "Sugeneruoti portalo nuorodą" in page
    assert (
        "Sugeneruoti portalo nuorodą"
        not in admin_client.get(f"/admin/core/user/{client_user.pk}/change/").content.decode()
    )

    response = admin_client.post(f"/admin/core/user/{contractor_user.pk}/portalo-nuoroda/")

    html = response.content.decode()
    assert "/contractor?token=" in html
    assert "Nuoroda galioja iki" in html
    assert "Kopijuoti" in html
    assert AuditLog.objects.filter(entity_id=contractor_user.pk, action="CONTRACTOR_TOKEN_ISSUED").count() == 1
