"""The back office site: who may enter, titles, navigation order, old bookmarks (ui.md §3.1)."""

import html
import re

import pytest
from django.test import Client

from projects.tests.factories import add_estimate_rule
from vejapro.backoffice.site import ADMIN_SESSION_SECONDS
from vejapro.core.models import User

NOT_ADMIN_TEXT = "Prie admin zonos gali jungtis tik ADMIN rolė."


def _login(email: str, password: str = "Slaptas-123") -> tuple[Client, object]:
    client = Client()
    response = client.post("/admin/login/?next=/admin/", {"username": email, "password": password})
    return client, response


def _nav_groups(html: str) -> list[str]:
    sidebar = html.split('id="nav-sidebar"', 1)[1].split("</nav>", 1)[0]
    return re.findall(r'<caption>\s*<a href="[^"]*" class="section">([^<]+)</a>', sidebar)


@pytest.mark.django_db
def test_anonymous_is_sent_to_the_login_page(client):
    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.django_db
@pytest.mark.parametrize("fixture", ["client_user", "contractor_user", "expert_user"])
def test_non_admin_roles_cannot_sign_in(request, fixture):
    user = request.getfixturevalue(fixture)

    client, response = _login(user.email)

    assert response.status_code == 200
    assert NOT_ADMIN_TEXT in response.content.decode()
    assert client.get("/admin/").status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize("fixture", ["client_user", "contractor_user", "expert_user"])
def test_a_signed_in_non_admin_sees_the_role_message(request, fixture):
    client = Client()
    client.force_login(request.getfixturevalue(fixture))

    assert client.get("/admin/").status_code == 302
    response = client.get("/admin/login/?next=/admin/")
    assert NOT_ADMIN_TEXT in response.content.decode()
    assert client.get("/admin/projects/project/").status_code == 302
    assert client.get("/admin/klientai/").status_code == 302
    assert client.get("/admin/darbo-eile/").status_code == 302


@pytest.mark.django_db
def test_wrong_password_shows_the_lithuanian_error(admin_user):
    _client, response = _login(admin_user.email, "neteisingas")

    assert "Neteisingi prisijungimo duomenys." in response.content.decode()


@pytest.mark.django_db
def test_admin_signs_in_with_a_twelve_hour_session(admin_user):
    client, response = _login(admin_user.email)

    assert response.status_code == 302
    assert client.session.get_expiry_age() == ADMIN_SESSION_SECONDS
    page = client.get("/admin/")
    assert page.status_code == 200
    assert page["Cache-Control"].count("no-store") == 1


@pytest.mark.django_db
def test_break_glass_superuser_may_enter():
    User.objects.create_superuser("breakglass@vejapro.test", password="Slaptas-123")

    client, response = _login("breakglass@vejapro.test")

    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_deactivated_admin_cannot_enter(admin_user):
    client = Client()
    client.force_login(admin_user)
    admin_user.is_active = False
    admin_user.save()

    assert client.get("/admin/").status_code == 302


@pytest.mark.django_db
def test_titles_and_header_are_lithuanian(admin_client):
    html = admin_client.get("/admin/").content.decode()

    assert "<title>Darbo eilė | VejaPRO</title>" in html
    assert "VejaPRO administravimas" in html
    assert 'placeholder="Ieškoti (Ctrl+K)..."' in html
    assert "Atsijungti" in html
    assert '<html lang="lt"' in html


@pytest.mark.django_db
def test_navigation_groups_follow_the_spec_order(admin_client):
    html = admin_client.get("/admin/projects/project/").content.decode()

    groups = _nav_groups(html)

    # The spec order; calls and calendar join it with the issue that builds their screens, «Finansai» with its flag.
    assert groups == ["Darbo eilė", "Projektai", "Klientai", "Mokėjimai", "Pranešimai", "Auditas", "Nustatymai"]
    settings_block = html.split("app-settings", 1)[1].split("</table>", 1)[0]
    assert re.findall(r'<a href="[^"]+"(?: aria-current="page")?>([^<]+)</a>', settings_block) == [
        "Naudotojai",
        "Maržos",
        "Kainų taisyklės",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("old", "target"),
    [
        ("/admin/projects", "/admin/projects/project/"),
        ("/admin/audit", "/admin/core/auditlog/"),
        ("/admin/margins", "/admin/finance/margin/"),
        ("/admin/customers", "/admin/klientai/"),
        ("/admin/finance", "/admin/finansai/"),
        ("/admin/calls", "/admin/messaging/callrequest/"),
        ("/admin/calendar", "/admin/kalendorius/"),
    ],
)
def test_old_bookmarks_redirect(admin_client, old, target):
    response = admin_client.get(old)

    assert response.status_code == 302
    assert response["Location"] == target


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/admin/ai", "/admin/client/abc", "/admin/project/abc", "/admin/archive"])
def test_retired_pages_answer_404(admin_client, path):
    assert admin_client.get(path).status_code == 404


@pytest.mark.django_db
def test_history_links_open_the_audit_log_of_the_object(admin_client, contractor_user):
    response = admin_client.get(f"/admin/core/user/{contractor_user.pk}/history/")

    assert response.status_code == 302
    assert response["Location"] == f"/admin/core/auditlog/?objekto_id={contractor_user.pk}&laikotarpis=all"


@pytest.mark.django_db
def test_phones_get_a_menu_button_for_the_navigation(admin_client):
    page = admin_client.get("/admin/").content.decode()

    assert 'data-nav-toggle aria-controls="nav-sidebar" aria-expanded="false">Meniu</button>' in page
    assert 'id="nav-sidebar"' in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "target"),
    [
        ("/admin/core/", "/admin/core/auditlog/"),
        ("/admin/projects/", "/admin/projects/project/"),
        ("/admin/payments/", "/admin/payments/payment/"),
        ("/admin/messaging/", "/admin/messaging/notificationoutbox/"),
        ("/admin/finance/", "/admin/finance/margin/"),
    ],
)
def test_django_app_pages_open_the_first_screen_of_the_app(admin_client, path, target):
    response = admin_client.get(path)

    assert (response.status_code, response["Location"]) == (302, target)


@pytest.mark.django_db
def test_breadcrumbs_and_titles_read_as_lithuanian(admin_client, contractor_user):
    listing = admin_client.get("/admin/core/auditlog/").content.decode()
    user = admin_client.get(f"/admin/core/user/{contractor_user.pk}/change/").content.decode()

    crumbs = listing.split('<div class="breadcrumbs">', 1)[1].split("</div>", 1)[0]
    assert "Branduolys" not in crumbs
    assert "Audito žurnalas" in crumbs
    crumbs = user.split('<div class="breadcrumbs">', 1)[1].split("</div>", 1)[0]
    text = html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", crumbs))).strip()
    assert text == "Darbo eilė \u203a Naudotojai \u203a Rangovas Petras"
    assert "<title>Rangovas Petras | Naudotojas | VejaPRO</title>" in user
    assert "<h1>Naudotojas</h1>" in user
    assert "Pakeisti naudotojas" not in user


@pytest.mark.django_db
def test_list_search_has_no_show_all_link_that_only_drops_the_default_filter(admin_client):
    listing = admin_client.get("/admin/projects/project/").content.decode()
    searched = admin_client.get("/admin/core/auditlog/", {"q": "STATUS"}).content.decode()

    assert "Rodyti visus" not in listing
    assert 'alt="Ieškoti"' in listing
    assert "0 rezultatų" in searched


@pytest.mark.django_db
def test_a_superuser_whose_role_was_changed_cannot_enter():
    user = User.objects.create_superuser("demoted@vejapro.test", password="Slaptas-123")
    # A role change takes the superuser flag with it (the database refuses a superuser of another role).
    User.objects.filter(pk=user.pk).update(role="CLIENT", is_staff=False, is_superuser=False)

    client, response = _login("demoted@vejapro.test")

    assert NOT_ADMIN_TEXT in response.content.decode()
    assert client.get("/admin/").status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/admin/projects/project/", "/admin/payments/payment/", "/admin/core/auditlog/"])
def test_lists_offer_no_facet_counts_toggle(admin_client, path):
    html = admin_client.get(path).content.decode()

    assert "Rodyti skaičius" not in html
    assert admin_client.get(path, {"_facets": "True"}).status_code == 200


@pytest.mark.django_db
def test_django_pages_and_messages_the_lithuanian_catalogue_of_django_lacks(admin_client, admin_user, expert_user):
    refused = admin_client.post(f"/admin/core/user/{expert_user.pk}/change/", {"full_name": "X", "role": "BLOGA"})
    password = admin_client.get("/admin/password_change/").content.decode()
    short = admin_client.post(
        "/admin/password_change/",
        {"old_password": "Slaptas-123", "new_password1": "trump", "new_password2": "kitas"},
    ).content.decode()
    rule = add_estimate_rule("lawn_installation", "seeding", label="Sėjimas", price_per_m2="3", minimum_price="100")
    saved = admin_client.post(
        f"/admin/projects/estimaterule/{rule.pk}/change/",
        {
            "service": "lawn_installation",
            "method": "seeding",
            "label": "Sėjimas",
            "price_per_m2": "3.5",
            "minimum_price": "100",
            "is_active": "on",
        },
        follow=True,
    )
    logged_out = admin_client.post("/admin/logout/").content.decode()

    assert "Ištaisykite žemiau nurodytą klaidą." in refused.content.decode()
    assert "Saugumo sumetimais įveskite seną slaptažodį" in password
    assert "Slaptažodis negali būti dažnai naudojamas." in password
    assert "Slaptažodžiai nesutampa." in short
    link = f'<a href="/admin/projects/estimaterule/{rule.pk}/change/">Sėjimas</a>'
    assert [str(message) for message in saved.context["messages"]] == [f"Išsaugota: kainų taisyklė „{link}“."]
    assert "Jūs atsijungėte nuo VejaPRO administravimo." in logged_out
    for page in (refused.content.decode(), password, short, logged_out):
        assert "Please" not in page
        assert "Thanks for" not in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "label"),
    [
        ("/admin/projects/project/", "Naujas projektas"),
        ("/admin/core/user/", "Naujas naudotojas"),
        ("/admin/finance/margin/", "Nauja maržos taisyklė"),
        ("/admin/projects/estimaterule/", "Nauja kainų taisyklė"),
    ],
)
def test_add_buttons_and_pages_are_named_in_lithuanian(admin_client, path, label):
    listing = admin_client.get(path).content.decode()
    add = admin_client.get(f"{path}add/").content.decode()

    button = listing.split('class="addlink">', 1)[1].split("</a>", 1)[0].strip()
    assert button == label
    assert f"<h1>{label}</h1>" in add
    assert "Naujas kainų" not in listing + add
    assert "Naujas maržos" not in listing + add
