"""The project screen's workflow panel end to end through the admin's HTTP views (ui.md §3.3): every button calls
the same services as the API, writes the right audit rows and answers with the Lithuanian message."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from messaging.models import Appointment, ClientConfirmation
from payments.models import Payment
from payments.tests.factories import add_payment
from projects.models import Evidence, Project
from projects.tests.factories import CLIENT_INFO, make_project
from vejapro.core.models import AuditLog
from vejapro.core.tests.audit import assert_audited

ALL_TICKED = {f"check_{key}": "on" for key in ("ground", "seed", "edges", "cleanliness")}


def _url(project, action: str) -> str:
    return f"/admin/projects/project/{project.pk}/veiksmas/{action}/"


def _screen(client, project) -> str:
    return client.get(f"/admin/projects/project/{project.pk}/change/").content.decode()


def _post(client, url: str, data: dict | None = None):
    return client.post(url, data or {}, follow=True)


def _messages(response) -> list[str]:
    """The messages the user sees on the page the action redirected to."""
    return [str(message) for message in response.context["messages"]] if response.context else []


def _actions(project) -> list[str]:
    return list(
        AuditLog.objects.filter(entity_id=project.pk).order_by("timestamp", "id").values_list("action", flat=True)
    )


def _payment_key(client, project, prefix: str) -> str:
    html = _screen(client, project)
    return html.split(f'name="{prefix}-provider_event_id"', 1)[1].split('value="', 1)[1].split('"', 1)[0]


@pytest.mark.django_db
def test_draft_to_active_through_the_admin(admin_client, admin_user, contractor_user, expert_user, settings):
    settings.ENABLE_EMAIL_INTAKE = True
    settings.DEBUG = True  # the development machine `make run` starts, where «Sert. foto (seed)» exists
    # «Naujas projektas»
    response = _post(
        admin_client,
        "/admin/projects/project/add/",
        {
            "name": "Ona Onaitė",
            "email": "ona@gmail.com",
            "phone": "+37061111222",
            "address": "Vilnius",
            "area_m2": "120",
        },
    )
    project = Project.objects.get()
    assert response.redirect_chain == [(f"/admin/projects/project/{project.pk}/change/", 302)]
    assert _messages(response) == ["Projektas sukurtas."]
    assert project.status == "DRAFT"
    created = AuditLog.objects.get(entity_id=project.pk, action="PROJECT_CREATED")
    assert (created.actor_type, created.actor_id, created.metadata) == (
        "ADMIN",
        str(admin_user.pk),
        {"source": "admin"},
    )

    # DRAFT: «Pradinis mokėjimas (DEPOSIT)» records the deposit and moves to PAID in one step.
    html = _screen(admin_client, project)
    assert "Pradinis mokėjimas (DEPOSIT)" in html
    assert 'name="status"' not in html
    key = _payment_key(admin_client, project, "deposit")
    assert key.startswith("MANUAL-")
    response = _post(
        admin_client,
        _url(project, "depozitas"),
        {
            "deposit-amount": "300.00",
            "deposit-payment_method": "BANK_TRANSFER",
            "deposit-currency": "EUR",
            "deposit-provider_event_id": key,
            "deposit-receipt_no": "",
            "deposit-received_at": "2026-11-29T10:00",
            "deposit-notes": "",
        },
    )
    assert _messages(response) == ["Mokėjimas įrašytas, projektas apmokėtas."]
    project.refresh_from_db()
    assert project.status == "PAID"
    deposit = Payment.objects.get(project=project)
    recorded = AuditLog.objects.get(entity_id=deposit.pk, action="PAYMENT_RECORDED_MANUAL")
    assert recorded.metadata["source"] == "admin"
    paid = AuditLog.objects.get(entity_id=project.pk, action="STATUS_CHANGE")
    assert (paid.old_value, paid.new_value) == ({"status": "DRAFT"}, {"status": "PAID"})
    assert paid.metadata == {"source": "admin", "payment_id": str(deposit.pk)}

    # Replaying the same form (same key) changes nothing.
    again = _post(
        admin_client,
        _url(project, "depozitas"),
        {
            "deposit-amount": "300.00",
            "deposit-payment_method": "BANK_TRANSFER",
            "deposit-currency": "EUR",
            "deposit-provider_event_id": key,
        },
    )
    assert _messages(again) == ["Mokėjimas jau buvo įrašytas."]
    assert Payment.objects.count() == 1

    # PAID: «Planavimas» — assign the contractor, then «Pažymėti suplanuotu».
    assert "Planavimas" in _screen(admin_client, project)
    response = _post(admin_client, _url(project, "rangovas"), {"user": str(contractor_user.pk)})
    assert _messages(response) == ["Rangovas priskirtas."]
    response = _post(admin_client, _url(project, "pazymeti-suplanuotu"))
    assert _messages(response) == ["Šis laukas yra privalomas.", "Šis laukas yra privalomas."]
    assert project.appointments.count() == 0
    response = _post(
        admin_client,
        _url(project, "pazymeti-suplanuotu"),
        {"starts_at": "2027-05-04 10:00", "ends_at": "2027-05-04 12:00"},
    )
    assert _messages(response) == ["Projektas pažymėtas suplanuotu."]
    project.refresh_from_db()
    assert project.scheduled_for == datetime(2027, 5, 4, 7, 0, tzinfo=UTC)
    assert "Suplanuota: 2027-05-04 10:00" in _screen(admin_client, project)
    assert Appointment.objects.get(project=project).status == "CONFIRMED"

    # SCHEDULED: «Vykdymas» — assign the expert, then hand over.
    assert "Vykdymas" in _screen(admin_client, project)
    response = _post(admin_client, _url(project, "ekspertas"), {"user": str(expert_user.pk)})
    assert _messages(response) == ["Ekspertas priskirtas."]
    response = _post(admin_client, _url(project, "perduoti-ekspertui"))
    assert _messages(response) == ["Projektas perduotas ekspertui."]

    # PENDING_EXPERT: «Sertifikavimas» — seed 3 photos (development), tick everything, certify.
    html = _screen(admin_client, project)
    assert "Sertifikavimo nuotraukos: 0 / 3" in html
    assert "Pagrindo lygumas (nėra duobių &gt; 2cm)" in html
    assert "Roboto bazės stabilumas" not in html
    response = _post(admin_client, _url(project, "sert-foto-seed"))
    assert _messages(response) == ["Pridėta sertifikavimo nuotraukų: 3."]
    assert "Sertifikavimo nuotraukos: 3 / 3" in _screen(admin_client, project)
    response = _post(admin_client, _url(project, "sertifikuoti"), {**ALL_TICKED, "notes": "Viskas gerai"})
    assert _messages(response) == ["Projektas sertifikuotas."]
    project.refresh_from_db()
    assert (project.status, project.is_certified) == ("CERTIFIED", True)

    # CERTIFIED without a final payment: «Galutinis mokėjimas (FINAL)»; recording it asks the client to confirm.
    html = _screen(admin_client, project)
    assert "Galutinis mokėjimas (FINAL)" in html
    assert "Įrašius galutinį mokėjimą klientui bus išsiųstas patvirtinimo laiškas (arba SMS)." in html
    key = _payment_key(admin_client, project, "final")
    response = _post(
        admin_client,
        _url(project, "galutinis"),
        {
            "final-amount": "900",
            "final-payment_method": "CASH",
            "final-currency": "EUR",
            "final-provider_event_id": key,
        },
    )
    assert _messages(response) == ["Mokėjimas įrašytas. Patvirtinimas klientui įtrauktas į eilę."]
    final = Payment.objects.get(project=project, payment_type="FINAL")
    assert final.amount == Decimal("900.00")
    assert ClientConfirmation.objects.get(project=project).channel == "email"

    # CERTIFIED with the final payment: «Aktyvavimas» — resend once, then activate with a reason.
    html = _screen(admin_client, project)
    assert "Aktyvavimas" in html
    assert "Persiųsti el. paštu (3)" in html
    response = _post(admin_client, _url(project, "persiusti-el-pastu"))
    assert _messages(response) == ["Patvirtinimas vėl įtrauktas į eilę. Liko: 2"]
    assert "Persiųsti el. paštu (2)" in response.content.decode()
    refused = _post(admin_client, _url(project, "aktyvuoti"), {"reason": "   "})
    assert _messages(refused) == ["Įveskite priežastį."]
    response = _post(admin_client, _url(project, "aktyvuoti"), {"reason": "Klientas patvirtino telefonu"})
    assert _messages(response) == ["Projektas aktyvuotas."]
    project.refresh_from_db()
    assert project.status == "ACTIVE"
    assert "Projektas aktyvus — veiksmai nebūtini." in response.content.decode()

    assert _actions(project) == [
        "PROJECT_CREATED",
        "STATUS_CHANGE",
        "ASSIGN_CONTRACTOR",
        "STATUS_CHANGE",
        "ASSIGN_EXPERT",
        "STATUS_CHANGE",
        "EVIDENCE_SEEDED",
        "STATUS_CHANGE",
        "CERTIFY_PROJECT",
        "EMAIL_CONFIRMATION_CREATED",
        "EMAIL_CONFIRMATION_CREATED",
        "ADMIN_CONFIRMATION_RESEND_EMAIL",
        "STATUS_CHANGE",
        "ADMIN_CONFIRMED",
    ]
    transitions = AuditLog.objects.filter(entity_id=project.pk, action="STATUS_CHANGE").order_by("timestamp", "id")
    assert [row.new_value["status"] for row in transitions] == [
        "PAID",
        "SCHEDULED",
        "PENDING_EXPERT",
        "CERTIFIED",
        "ACTIVE",
    ]
    assert transitions[4].metadata == {
        "channel": "admin",
        "confirmed_by": str(admin_user.pk),
        "reason": "Klientas patvirtino telefonu",
    }
    assert all(row.actor_type == "ADMIN" for row in transitions)
    assert transitions[1].metadata == {"source": "admin"}


@pytest.mark.django_db
def test_waiving_the_deposit_moves_the_draft_to_paid(admin_client):
    project = make_project()

    response = _post(admin_client, _url(project, "atideti-inasa"), {"provider_event_id": "MANUAL-waive-1"})

    assert _messages(response) == ["Įnašas atidėtas, projektas apmokėtas."]
    project.refresh_from_db()
    assert project.status == "PAID"
    waiver = Payment.objects.get(project=project)
    assert (waiver.amount, waiver.payment_method) == (Decimal("0.00"), "WAIVED")
    assert set(_actions(project)) == {"DEPOSIT_WAIVED", "STATUS_CHANGE"}
    assert AuditLog.objects.get(entity_id=waiver.pk).metadata["source"] == "admin"


@pytest.mark.django_db
def test_draft_with_a_deposit_offers_mark_as_paid(admin_client):
    project = make_project()
    add_payment(project)

    html = _screen(admin_client, project)
    assert "Apmokėjimas" in html
    assert "Pažymėti apmokėtu" in html
    response = _post(admin_client, _url(project, "pazymeti-apmoketu"))

    assert _messages(response) == ["Projektas pažymėtas apmokėtu."]
    project.refresh_from_db()
    assert project.status == "PAID"


@pytest.mark.django_db
def test_a_refused_transition_shows_the_guard_text_and_changes_nothing(admin_client):
    project = make_project()

    response = _post(admin_client, _url(project, "pazymeti-apmoketu"))

    assert _messages(response) == ["Depozitas dar neįrašytas"]
    project.refresh_from_db()
    assert project.status == "DRAFT"
    assert not AuditLog.objects.filter(entity_id=project.pk).exists()


@pytest.mark.django_db
def test_deposit_form_validation_messages(admin_client):
    project = make_project()

    response = _post(
        admin_client,
        _url(project, "depozitas"),
        {
            "deposit-amount": "0",
            "deposit-payment_method": "CASH",
            "deposit-currency": "EU",
            "deposit-provider_event_id": "",
        },
    )

    assert sorted(_messages(response)) == sorted(
        ["Įveskite sumą (> 0).", "Valiuta turi būti 3 raidžių.", "Reikia idempotencijos ID."]
    )
    assert not Payment.objects.exists()


@pytest.mark.django_db
def test_expert_rejection_keeps_pending_expert_and_is_shown(admin_client):
    project = make_project(status="PENDING_EXPERT")

    response = _post(admin_client, _url(project, "atmesti"), {"check_ground": "on", "notes": "Kraštai nebaigti"})

    assert _messages(response) == ["Atmetimas užregistruotas."]
    project.refresh_from_db()
    assert project.status == "PENDING_EXPERT"
    row = AuditLog.objects.get(entity_id=project.pk, action="PROJECT_REJECTED")
    assert row.metadata == {"failed_items": ["seed", "edges", "cleanliness"]}
    assert "Ekspertas atmetė: Kraštai nebaigti" in _screen(admin_client, project)


@pytest.mark.django_db
def test_certify_without_photos_is_refused(admin_client):
    project = make_project(status="PENDING_EXPERT")

    response = _post(admin_client, _url(project, "sertifikuoti"), ALL_TICKED)

    assert _messages(response) == ["Reikia mažiausiai 3 sertifikavimo nuotraukų. Rasta: 0."]
    project.refresh_from_db()
    assert project.status == "PENDING_EXPERT"


@pytest.mark.django_db
def test_final_quote_for_an_estimate(admin_client):
    project = make_project(
        client_info={**CLIENT_INFO, "quote_pending": True, "estimate": {"service": "lawn_installation"}}
    )

    html = _screen(admin_client, project)
    assert "Galutinė kaina" in html
    assert "Išsaugoti galutinę kainą" in html
    bad = _post(admin_client, _url(project, "galutine-kaina"), {"service": "", "area_m2": "0", "total_price": ""})
    assert "Pasirinkite paslaugą ir metodą." in _messages(bad)
    response = _post(
        admin_client,
        _url(project, "galutine-kaina"),
        {"service": "lawn_installation", "method": "roll_lawn", "area_m2": "150", "total_price": "1800", "notes": ""},
    )

    assert _messages(response) == ["Galutinė kaina išsaugota."]
    project.refresh_from_db()
    assert (project.total_price_client, project.area_m2) == (Decimal("1800.00"), Decimal("150.00"))
    assert project.client_info["quote_pending"] is False
    row = AuditLog.objects.get(entity_id=project.pk, action="FINAL_QUOTE_SET")
    assert row.new_value == {
        "total_price_client": 1800.0,
        "area_m2": 150.0,
        "service": "lawn_installation",
        "method": "roll_lawn",
    }
    assert "Pradinis mokėjimas (DEPOSIT)" in _screen(admin_client, project)


@pytest.mark.django_db
def test_void_payment_from_the_project_screen(admin_client):
    project = make_project(status="PAID")
    payment = add_payment(project)
    url = f"/admin/projects/project/{project.pk}/mokejimas/{payment.pk}/anuliuoti/"
    assert url in _screen(admin_client, project)

    refused = _post(admin_client, url, {"reason": "  "})
    assert _messages(refused) == ["Įveskite priežastį."]
    response = _post(admin_client, url, {"reason": "Klaidingai įvestas"})

    assert _messages(response) == ["Mokėjimas anuliuotas. Projekto būsena nepakeista."]
    payment.refresh_from_db()
    project.refresh_from_db()
    assert (payment.status, payment.void_reason, project.status) == ("VOIDED", "Klaidingai įvestas", "PAID")
    assert AuditLog.objects.get(entity_id=payment.pk, action="PAYMENT_VOIDED").metadata == {
        "reason": "Klaidingai įvestas"
    }
    assert url not in _screen(admin_client, project)


@pytest.mark.django_db
def test_stripe_payments_cannot_be_voided(admin_client):
    project = make_project(status="PAID")
    payment = add_payment(project, provider="stripe", method="CARD")

    assert f"mokejimas/{payment.pk}/anuliuoti" not in _screen(admin_client, project)
    response = _post(
        admin_client, f"/admin/projects/project/{project.pk}/mokejimas/{payment.pk}/anuliuoti/", {"reason": "Bandymas"}
    )
    assert _messages(response) == ["Stripe mokėjimų anuliuoti negalima"]


@pytest.mark.django_db
def test_photos_upload_publish_hide_and_delete(admin_client, settings):
    settings.STORAGE_BACKEND = "local"
    project = make_project(status="CERTIFIED")
    Project.objects.filter(pk=project.pk).update(marketing_consent=True, marketing_consent_at=project.created_at)
    from django.core.files.uploadedfile import SimpleUploadedFile

    png = (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
        b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
    )
    response = _post(
        admin_client,
        _url(project, "ikelti-nuotrauka"),
        {"category": "SITE_BEFORE", "file": SimpleUploadedFile("pries.png", png, content_type="image/png")},
    )
    assert _messages(response) == ["Nuotrauka įkelta."]
    photo = Evidence.objects.get(project=project)
    base = f"/admin/projects/project/{project.pk}/nuotrauka/{photo.pk}"

    response = _post(admin_client, f"{base}/rodyti/", {"location_tag": "Vilniaus raj.", "is_featured": "on"})
    assert _messages(response) == ["Nuotrauka rodoma galerijoje."]
    photo.refresh_from_db()
    assert (photo.show_on_web, photo.is_featured, photo.location_tag) == (True, True, "Vilniaus raj.")

    response = _post(admin_client, f"{base}/slepti/")
    assert _messages(response) == ["Nuotrauka paslėpta iš galerijos."]
    photo.refresh_from_db()
    assert (photo.show_on_web, photo.is_featured) == (False, False)

    response = _post(admin_client, f"{base}/istrinti/", {"reason": "Ne tas sklypas"})
    assert _messages(response) == ["Nuotrauka ištrinta."]
    assert not Evidence.objects.exists()
    assert list(
        AuditLog.objects.filter(entity_id=photo.pk).order_by("timestamp", "id").values_list("action", flat=True)
    ) == ["UPLOAD_EVIDENCE", "EVIDENCE_APPROVED_FOR_WEB", "EVIDENCE_HIDDEN_FROM_WEB", "EVIDENCE_DELETED"]


@pytest.mark.django_db
def test_marketing_consent_from_more_options(admin_client):
    project = make_project(status="ACTIVE")

    response = _post(admin_client, _url(project, "rinkodaros-sutikimas"), {"marketing_consent": "on"})
    assert _messages(response) == ["Sutikimas išsaugotas."]
    project.refresh_from_db()
    assert project.marketing_consent is True

    response = _post(admin_client, _url(project, "rinkodaros-sutikimas"), {})
    assert _messages(response) == ["Sutikimas atšauktas. Nuotraukos pašalintos iš galerijos."]
    project.refresh_from_db()
    assert project.marketing_consent is False
    assert list(AuditLog.objects.filter(entity_id=project.pk).values_list("action", flat=True)) == [
        "MARKETING_CONSENT_UPDATE",
        "MARKETING_CONSENT_UPDATE",
    ]


@pytest.mark.django_db
def test_client_portal_link(admin_client, client_user):
    project = make_project(client=client_user)

    response = _post(admin_client, _url(project, "kliento-nuoroda"))

    html = response.content.decode()
    assert f"Kliento ID {client_user.pk} | Galioja iki" in html
    assert "Kopijuoti nuorodą" in html
    assert "/client?token=" in html
    assert_audited("CLIENT_TOKEN_ISSUED", entity_id=project.pk)


@pytest.mark.django_db
def test_certificate_pdf_for_certified_projects_only(admin_client):
    draft = make_project()
    certified = make_project(status="CERTIFIED")

    assert _url(certified, "sertifikatas") in _screen(admin_client, certified)
    assert _url(draft, "sertifikatas") not in _screen(admin_client, draft)
    response = admin_client.get(_url(certified, "sertifikatas"))
    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    assert response.content.startswith(b"%PDF")


@pytest.mark.django_db
def test_workflow_buttons_refuse_get_and_non_admins(client, contractor_user):
    project = make_project()
    client.force_login(contractor_user)

    assert client.post(_url(project, "pazymeti-apmoketu")).status_code == 302
    project.refresh_from_db()
    assert project.status == "DRAFT"
    assert not AuditLog.objects.exists()


@pytest.mark.django_db
def test_workflow_buttons_answer_405_to_get(admin_client):
    project = make_project()

    assert admin_client.get(_url(project, "pazymeti-apmoketu")).status_code == 405


@pytest.mark.django_db
def test_anonymise_the_client_on_request(admin_client):
    project = make_project(name="Slaptas Klientas", email="slaptas@example.com", phone="+37061234567")

    response = _post(admin_client, _url(project, "anonimizuoti"))

    assert _messages(response) == ["Klientas anonimizuotas."]
    project.refresh_from_db()
    assert project.client_info["name"] == "Anonimizuota"
    assert "email" not in project.client_info
    row = AuditLog.objects.get(entity_id=project.pk, action="PROJECT_ANONYMIZED")
    assert row.metadata == {"reason": "request"}
    again = _post(admin_client, _url(project, "anonimizuoti"))
    assert _messages(again) == ["Nebėra ką anonimizuoti."]


@pytest.mark.django_db
def test_history_shows_the_staff_status_labels(admin_client):
    project = make_project()
    add_payment(project)
    _post(admin_client, _url(project, "pazymeti-apmoketu"))

    html = _screen(admin_client, project)

    history = html.split('id="istorija"', 1)[1].split("</section>", 1)[0]
    assert "STATUS_CHANGE" in history
    assert "→ Apmokėtas" in history
    assert "→ PAID" not in history


@pytest.mark.django_db
def test_history_names_each_action_in_lithuanian(admin_client):
    project = make_project()
    add_payment(project)
    _post(admin_client, _url(project, "pazymeti-apmoketu"))

    history = _screen(admin_client, project).split('id="istorija"', 1)[1].split("</section>", 1)[0]

    assert '<span title="STATUS_CHANGE">Būsenos keitimas</span>' in history


@pytest.mark.django_db
def test_refusals_written_without_diacritics_in_the_api_read_as_lithuanian_here(admin_client, client_user):
    project = make_project(client=client_user, email=None)

    response = _post(admin_client, _url(project, "siusti-prieiga"))

    assert _messages(response) == ["Projekte nenurodytas kliento el. pašto adresas."]


@pytest.mark.django_db
def test_a_receipt_number_used_before_is_refused_in_lithuanian(admin_client):
    earlier = make_project(status="PAID")
    add_payment(earlier, receipt_no="K-100")
    project = make_project()

    response = _post(
        admin_client,
        _url(project, "depozitas"),
        {
            "deposit-amount": "100",
            "deposit-payment_method": "CASH",
            "deposit-currency": "EUR",
            "deposit-provider_event_id": "MANUAL-kvitas-1",
            "deposit-receipt_no": "K-100",
        },
    )

    assert _messages(response) == ["Toks kvito nr. jau įrašytas."]
    project.refresh_from_db()
    assert project.status == "DRAFT"
    assert not Payment.objects.filter(project=project).exists()


@pytest.mark.django_db
def test_a_refused_payment_form_comes_back_filled_in_with_the_errors_next_to_the_fields(admin_client):
    project = make_project()
    posted = {
        "deposit-amount": "0",
        "deposit-payment_method": "CARD",
        "deposit-currency": "EUR",
        "deposit-provider_event_id": "MANUAL-pildyta-1",
        "deposit-receipt_no": "K-7",
        "deposit-notes": "Sumokėjo vietoje",
    }

    response = _post(admin_client, _url(project, "depozitas"), posted)

    html = response.content.decode()
    section = html.split('id="veiksmas-depozitas"', 1)[1].split("</form>", 1)[0]
    assert '<ul class="errorlist" id="id_deposit-amount_error"><li>Įveskite sumą (&gt; 0).</li></ul>' in section
    assert 'value="K-7"' in section
    assert 'value="MANUAL-pildyta-1"' in section
    assert '<option value="CARD" selected>' in section
    assert "Sumokėjo vietoje</textarea>" in section
    again = _screen(admin_client, project).split('id="veiksmas-depozitas"', 1)[1].split("</form>", 1)[0]
    assert 'value="K-7"' not in again
    assert "errorlist" not in again


@pytest.mark.django_db
def test_a_refused_certification_keeps_the_ticked_items(admin_client):
    project = make_project(status="PENDING_EXPERT")

    response = _post(admin_client, _url(project, "sertifikuoti"), {**ALL_TICKED, "notes": "Gerai"})

    assert _messages(response) == ["Reikia mažiausiai 3 sertifikavimo nuotraukų. Rasta: 0."]
    section = response.content.decode().split('id="veiksmas-sertifikavimas"', 1)[1].split("</form>", 1)[0]
    assert section.count("checked") == 4
    assert "Gerai</textarea>" in section


@pytest.mark.parametrize(
    ("environment", "debug", "shown"),
    [("", True, True), ("", False, False), ("staging", True, False), ("production", True, False)],
)
@pytest.mark.django_db
def test_the_seed_photos_button_exists_only_on_a_development_machine(admin_client, settings, environment, debug, shown):
    settings.ENVIRONMENT, settings.DEBUG = environment, debug
    project = make_project(status="PENDING_EXPERT")

    html = _screen(admin_client, project)
    response = admin_client.post(_url(project, "sert-foto-seed"))

    assert ("Sert. foto (seed)" in html) is shown
    assert (response.status_code == 404) is not shown
    assert Evidence.objects.filter(project=project).count() == (3 if shown else 0)
