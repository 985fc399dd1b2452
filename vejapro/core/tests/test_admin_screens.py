"""Every ModelAdmin: smoke (list, search, add/change pages), facts stay read-only, a fixed number of queries."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from finance.models import LedgerEntry, Margin
from messaging.models import ClientConfirmation, NotificationOutbox
from messaging.tests.factories import add_appointment, add_call_request, add_confirmation, add_outbox
from payments.models import Payment, StripeWebhookEvent
from payments.tests.factories import add_payment, add_stripe_event
from projects.models import EstimateRule, Project
from projects.tests.factories import make_project
from vejapro.core.models import AuditLog, User

# Facts (workflow.md §12): nothing can be added, edited or deleted from the admin.
FACT_MODELS = (Payment, StripeWebhookEvent, ClientConfirmation, NotificationOutbox, AuditLog, Margin, LedgerEntry)
# Facts whose admin adds a new row through a service (a margin version, a cost); still never edited or deleted.
ADDED_THROUGH_A_SERVICE = (Margin, LedgerEntry)
# «delete_selected» is not among the actions: a list with workflow actions redirects back with «no action selected»,
# a list without any actions just renders again.
BULK_DELETE_STATUS = {
    Payment: 302,
    StripeWebhookEvent: 302,
    ClientConfirmation: 302,
    NotificationOutbox: 302,
    AuditLog: 200,
    Margin: 200,
    LedgerEntry: 200,
}


@pytest.fixture(autouse=True)
def _flagged_screens_on(settings):
    # «Knygos įrašai», «Skambučių užklausos» and «Kalendorius» exist with their flags (security-ops.md §2.7).
    settings.ENABLE_FINANCE_LEDGER = True
    settings.ENABLE_CALL_ASSISTANT = True
    settings.ENABLE_CALENDAR = True


def _seed(count: int) -> None:
    from finance.services import ledger_entry_create, margin_create
    from vejapro.core.actors import Actor

    admin_user = User.objects.filter(role="ADMIN").first()
    actor = Actor.for_user(admin_user)
    start = Project.objects.count()
    for number in range(start, start + count):
        project = make_project(name=f"Klientas {number}", email=f"k{number}@example.com", phone=f"+3706200{number:04d}")
        add_payment(project, collected_by=admin_user)
        add_outbox(project, status="FAILED")
        add_confirmation(project)
        add_stripe_event(f"evt_{project.pk.hex}")
        margin_create(service_type=f"Paslauga {number}", margin_percent=Decimal("12.5"), actor=actor)
        ledger_entry_create(
            actor=actor, project_id=project.pk, entry_type="EXPENSE", category="FUEL", amount=Decimal("20")
        )
        AuditLog.objects.create(
            entity_type="project", entity_id=project.pk, action="STATUS_CHANGE", actor_type="ADMIN", actor_id="x"
        )
        User.objects.create_user(f"rangovas{number}@example.com", role="SUBCONTRACTOR")
        lead = add_call_request(f"Klientas {number}", email=f"l{number}@example.com", phone=f"+3706300{number:04d}")
        starts_at = timezone.now() + timedelta(days=number + 1)
        add_appointment(project=project, resource=admin_user, starts_at=starts_at)
        add_appointment(call_request=lead, resource=admin_user, status="HELD", starts_at=starts_at + timedelta(hours=2))
    EstimateRule.objects.get_or_create(
        service="lawn_installation", method="seeding", defaults={"label": "Sėjimas", "price_per_m2": Decimal("3")}
    )


def _changelist_urls() -> list[str]:
    return [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist") for model in admin.site._registry
    ]


def _object_of(model):
    return model.objects.order_by("pk").first()


@pytest.mark.django_db
def test_every_model_admin_renders_list_search_and_pages(admin_client):
    _seed(2)
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        changelist = reverse("admin:{}_{}_changelist".format(*info))
        assert admin_client.get(changelist).status_code == 200, changelist
        assert admin_client.get(changelist, {"q": "Klientas"}).status_code == 200, changelist
        assert admin_client.get(changelist, {"q": "zzz-nieko"}).status_code == 200, changelist
        obj = _object_of(model)
        assert obj is not None, model
        change = reverse("admin:{}_{}_change".format(*info), args=[obj.pk])
        assert admin_client.get(change).status_code == 200, change
        add = reverse("admin:{}_{}_add".format(*info))
        expected = 200 if model_admin.has_add_permission(_request_for(admin_client)) else 403
        assert admin_client.get(add).status_code == expected, add


def _request_for(client):
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = User.objects.get(pk=client.session["_auth_user_id"])
    return request


@pytest.mark.django_db
@pytest.mark.parametrize("model", FACT_MODELS, ids=lambda model: model.__name__)
def test_facts_cannot_be_changed_or_deleted(admin_client, model):
    _seed(1)
    obj = _object_of(model)
    info = (model._meta.app_label, model._meta.model_name)
    before = model.objects.count()

    change = admin_client.post(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]), {"status": "VOIDED"})
    delete = admin_client.post(reverse("admin:{}_{}_delete".format(*info), args=[obj.pk]), {"post": "yes"})
    bulk = admin_client.post(
        reverse("admin:{}_{}_changelist".format(*info)),
        {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"},
    )
    page = admin_client.get(reverse("admin:{}_{}_change".format(*info), args=[obj.pk])).content.decode()

    assert change.status_code == 403
    assert delete.status_code == 403
    assert bulk.status_code == BULK_DELETE_STATUS[model]
    assert model.objects.count() == before
    assert 'name="_save"' not in page
    assert "deletelink" not in page
    if model not in ADDED_THROUGH_A_SERVICE:
        assert admin_client.post(reverse("admin:{}_{}_add".format(*info)), {}).status_code == 403
    assert model.objects.count() == before


@pytest.mark.django_db
def test_payment_status_stays_as_recorded(admin_client):
    project = make_project(status="PAID")
    payment = add_payment(project)

    admin_client.post(reverse("admin:payments_payment_change", args=[payment.pk]), {"status": "VOIDED", "amount": "1"})

    payment.refresh_from_db()
    assert (payment.status, payment.amount) == ("SUCCEEDED", Decimal("100.00"))


@pytest.mark.django_db
def test_no_screen_queries_more_with_more_rows(admin_client):
    _seed(3)
    urls = [
        *_changelist_urls(),
        "/admin/",
        "/admin/klientai/?visi=1",
        "/admin/klientai/",
        "/admin/paieska/?q=Klientas",
        "/admin/kalendorius/",
    ]
    for url in urls:
        admin_client.get(url)
    small = {}
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            assert admin_client.get(url).status_code == 200, url
        small[url] = len(queries)

    _seed(27)
    assert Project.objects.count() == 30
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            assert admin_client.get(url).status_code == 200, url
        assert len(queries) == small[url], url


@pytest.mark.django_db
def test_outbox_never_shows_the_payload(admin_client):
    project = make_project()
    row = add_outbox(project, status="FAILED")

    listing = admin_client.get(reverse("admin:messaging_notificationoutbox_changelist")).content.decode()
    detail = admin_client.get(reverse("admin:messaging_notificationoutbox_change", args=[row.pk])).content.decode()

    for html in (listing, detail):
        assert "secret@example.com" not in html
        assert "slapta žinutė" not in html
    assert "SMTP 550 mailbox unava" in listing
    assert 'title="SMTP 550 mailbox unavailable"' in listing
    assert "Nepavyko" in listing


@pytest.mark.django_db
def test_confirmations_never_show_the_token_hash(admin_client):
    project = make_project(status="CERTIFIED")
    confirmation = add_confirmation(project)

    detail = admin_client.get(reverse("admin:messaging_clientconfirmation_change", args=[confirmation.pk]))

    assert confirmation.token_hash not in detail.content.decode()


@pytest.mark.django_db
def test_payments_list_labels_and_money(admin_client):
    project = make_project(status="PAID")
    add_payment(project, amount="1234.50", method="BANK_TRANSFER", receipt_no="K-77")
    add_payment(project, amount="0", method="WAIVED")

    html = admin_client.get(reverse("admin:payments_payment_changelist")).content.decode()

    for label in ("Projektas", "Tipas", "Suma", "Būdas", "Tiekėjas", "Būsena", "Gauta", "Kvito nr.", "Įrašė"):
        assert label in html
    assert "1\u00a0234,50\u00a0€" in html
    assert "Banko pavedimas" in html
    assert "Rankinis" in html
    assert "Pavyko" in html
    assert "Atidėtas įnašas" in html
    assert "K-77" in html


@pytest.mark.django_db
def test_outbox_names_its_object_in_lithuanian(admin_client):
    project = make_project()
    add_outbox(project, status="FAILED")

    listing = admin_client.get(reverse("admin:messaging_notificationoutbox_changelist")).content.decode()

    link = f'<a href="/admin/projects/project/{project.pk}/change/">Projektas {str(project.pk)[:8]}</a>'
    assert link in listing
    assert f"project {str(project.pk)[:8]}" not in listing


@pytest.mark.django_db
def test_list_counts_agree_with_the_number(admin_client):

    project = make_project(status="PAID")
    for _ in range(12):
        add_payment(project)

    payments = admin_client.get(reverse("admin:payments_payment_changelist")).content.decode()
    one = admin_client.get(reverse("admin:projects_project_changelist"), {"veiksmo": "visi"}).content.decode()

    assert "12 įrašų" in payments.split('class="paginator"', 1)[1]
    assert "12 mokėjimai" not in payments
    assert "1 įrašas" in one.split('class="paginator"', 1)[1]
