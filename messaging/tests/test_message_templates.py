"""The message catalogue renders the exact Lithuanian texts of messaging.md §4."""

import pytest

from messaging.message_templates import CATALOGUE, TEMPLATE_LABELS, MessageTemplateError, message_render, template_label


@pytest.fixture(autouse=True)
def _contacts(settings):
    settings.BUSINESS_PHONE = "+37065849514"
    settings.BUSINESS_EMAIL = "info@vejapro.lt"
    settings.PUBLIC_BASE_URL = "https://vejapro.lt"


def test_final_payment_confirmation_email_has_exact_subject_text_and_html():
    payload = message_render(
        channel="email",
        template_key="FINAL_PAYMENT_CONFIRMATION",
        context={
            "to": "jonas@gmail.com",
            "client_name": "Jonas",
            "token": "AB7KQ2XZ-Q1",
            "confirmation_url": "https://vejapro.lt/api/v1/public/confirm-payment/AB7KQ2XZ-Q1",
            "ttl_hours": 72,
        },
    )

    assert payload["to"] == "jonas@gmail.com"
    assert payload["subject"] == "VejaPRO - Patvirtinkite galutinį mokėjimą"
    assert payload["body_text"].startswith(
        "Sveiki, Jonas,\n"
        "gavome jūsų galutinį mokėjimą. Patvirtinkite, kad darbai atlikti ir priimti:\n"
        "https://vejapro.lt/api/v1/public/confirm-payment/AB7KQ2XZ-Q1\n"
        "\n"
        "Jūsų patvirtinimo kodas: AB7KQ2XZ-Q1\n"
        "Nuoroda galioja 72 val.\n"
        "Jei šio laiško nelaukėte, nekreipkite dėmesio.\n"
    )
    footer = "VejaPRO – Profesionalios vejos priežiūros paslaugos · +37065849514 · info@vejapro.lt"  # noqa: RUF001
    assert footer in payload["body_text"]
    html = payload["body_html"]
    assert '<html lang="lt">' in html
    assert "Mokėjimo patvirtinimas" in html
    assert "Patvirtinti mokėjimą" in html
    assert 'href="https://vejapro.lt/api/v1/public/confirm-payment/AB7KQ2XZ-Q1"' in html
    assert "Courier" in html
    assert "AB7KQ2XZ-Q1" in html
    assert "https://vejapro.lt/static/logo.png" in html
    assert "#2d7a50" in html
    assert "UAB VejaPRO" in html


def test_the_client_name_defaults_to_kliente():
    payload = message_render(
        channel="email",
        template_key="FINAL_PAYMENT_CONFIRMATION",
        context={"to": "a@b.lt", "token": "T", "confirmation_url": "https://x/a?b=1&c=2", "ttl_hours": 1},
    )

    assert payload["body_text"].startswith("Sveiki, Kliente,\n")
    assert "https://x/a?b=1&c=2" in payload["body_text"]  # plain text is never HTML-escaped


def test_final_payment_confirmation_sms_is_one_ascii_segment():
    payload = message_render(
        channel="sms",
        template_key="FINAL_PAYMENT_CONFIRMATION",
        context={"to_number": "+37061234567", "code": "AB7KQ2XZ"},
    )

    assert payload == {
        "to_number": "+37061234567",
        "body": "VejaPRO patvirtinimo kodas: AB7KQ2XZ. Atsakykite: TAIP AB7KQ2XZ",
    }
    assert payload["body"].isascii()
    assert len(payload["body"]) <= 160


def test_whatsapp_ping_text():
    payload = message_render(
        channel="whatsapp_ping", template_key="FINAL_PAYMENT_WHATSAPP_PING", context={"to": "+37061234567"}
    )

    assert payload == {"to": "+37061234567", "message": "Gavome mokėjimą. Patikrinkite el. paštą."}


def test_client_portal_access_email():
    payload = message_render(
        channel="email",
        template_key="CLIENT_PORTAL_ACCESS",
        context={
            "to": "a@b.lt",
            "client_name": "Ona",
            "portal_url": "https://vejapro.lt/client?token=x",
            "ttl_days": 7,
        },
    )

    assert payload["subject"] == "VejaPRO - Jūsų kliento portalas"
    assert payload["body_text"].startswith(
        "Sveiki, Ona,\n"
        "Jūsų projekto informacija, dokumentai ir mokėjimai – kliento portale:\n"  # noqa: RUF001
        "https://vejapro.lt/client?token=x\n"
        "\n"
        "Nuoroda galioja 7 d. Vėliau prisijunkite el. paštu ir slaptažodžiu.\n"
    )
    assert "Kliento portalas" in payload["body_html"]
    assert "Prisijungti prie portalo" in payload["body_html"]


def test_offer_email_shows_vilnius_time_and_carries_the_invite_and_thread_headers():
    payload = message_render(
        channel="email",
        template_key="OFFER_EMAIL",
        context={
            "to": "a@b.lt",
            "client_name": "Ona",
            "slot_start": "2026-03-02T08:00:00+00:00",
            "slot_end": "2026-03-02T09:00:00+00:00",
            "address": "Vilnius, Gedimino pr. 1",
            "offer_url": "https://vejapro.lt/api/v1/public/offer/TOK",
            "extra_headers": {"In-Reply-To": "<m1@mail>"},
        },
    )

    assert payload["subject"] == "VejaPRO: Apžiūros pasiūlymas"
    assert "Siūlome apžiūros laiką: 2026-03-02 10:00–11:00 (Lietuvos laiku)\n" in payload["body_text"]  # noqa: RUF001
    assert "Adresas: Vilnius, Gedimino pr. 1\n" in payload["body_text"]
    assert "Patvirtinti: https://vejapro.lt/api/v1/public/offer/TOK?action=accept\n" in payload["body_text"]
    assert "Atsisakyti: https://vejapro.lt/api/v1/public/offer/TOK?action=reject\n" in payload["body_text"]
    assert "Apžiūros pasiūlymas" in payload["body_html"]
    assert payload["ics"]["address"] == "Vilnius, Gedimino pr. 1"
    assert payload["extra_headers"] == {"In-Reply-To": "<m1@mail>"}


def test_whatsapp_offer_ping_masks_the_address():
    payload = message_render(
        channel="whatsapp_ping",
        template_key="WHATSAPP_OFFER_PING",
        context={"to": "+37061234567", "email": "jonas@gmail.com"},
    )

    assert payload["message"] == (
        "VejaPRO: Jums išsiųstas apžiūros pasiūlymas el. paštu (j***@gmail.com). Patikrinkite paštą."
    )


def test_missing_data_auto_reply_lists_each_missing_field():
    payload = message_render(
        channel="email",
        template_key="EMAIL_AUTO_REPLY_MISSING_DATA",
        context={"to": "a@b.lt", "missing_fields": ["phone", "address", "service_type", "area_m2"]},
    )

    assert payload["subject"] == "Re: Jūsų užklausa"
    assert payload["body_text"].startswith(
        "Sveiki, Kliente,\n"
        "ačiū už jūsų laišką. Kad galėtume pasiūlyti apžiūros laiką, atsakykite į šį laišką ir nurodykite:\n"
        "- telefono numerį, kad galėtume su jumis susisiekti\n"
        "- paslaugos vietos adresą (gatvė, miestas)\n"
        "- kokios paslaugos jums reikia (pvz. vejos įrengimas, vejos priežiūra, aeracija, tręšimas)\n"
        "- apytikslį vejos plotą (kvadratiniais metrais)\n"
        "\n"
        "Ačiū! VejaPRO komanda\n"
    )
    assert "Trūkstama informacija" in payload["body_html"]


def test_missing_data_auto_reply_answers_the_inbound_subject():
    payload = message_render(
        channel="email",
        template_key="EMAIL_AUTO_REPLY_MISSING_DATA",
        context={"to": "a@b.lt", "missing_fields": ["phone"], "inbound_subject": "Vejos įrengimas"},
    )

    assert payload["subject"] == "Re: Vejos įrengimas"


def test_texts_stay_lithuanian_whatever_the_active_language():
    from django.utils import translation

    with translation.override("en"):
        payload = message_render(
            channel="sms", template_key="FINAL_PAYMENT_CONFIRMATION", context={"to_number": "+3706", "code": "X1Y2"}
        )

    assert payload["body"].startswith("VejaPRO patvirtinimo kodas:")


def test_an_unknown_template_is_a_programming_error():
    with pytest.raises(MessageTemplateError):
        message_render(channel="email", template_key="NOPE", context={"to": "a@b.lt"})


def test_a_missing_context_field_is_a_programming_error():
    with pytest.raises(MessageTemplateError, match="token"):
        message_render(
            channel="email",
            template_key="FINAL_PAYMENT_CONFIRMATION",
            context={"to": "a@b.lt", "confirmation_url": "https://x", "ttl_hours": 72},
        )


def test_every_template_key_has_its_lithuanian_name():
    keys = {key for _channel, key in CATALOGUE}

    assert set(TEMPLATE_LABELS) == keys
    assert template_label("FINAL_PAYMENT_CONFIRMATION") == "Galutinio mokėjimo patvirtinimas"
    assert template_label("CLIENT_PORTAL_ACCESS") == "Prieiga prie kliento portalo"
