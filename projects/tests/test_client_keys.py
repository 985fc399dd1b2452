"""The one reader of ``client_info`` (data-model.md §2.1, security-ops.md §8.3), used by the API, the back office,
messaging, Stripe and retention alike."""

import uuid

import pytest

from projects.client_keys import (
    client_contact_masked,
    client_editable_value,
    client_email,
    client_key_confidence,
    client_key_from_info,
    client_name,
    client_phone,
    client_whatsapp_consent,
)
from vejapro.core.redaction import sha256_hex

OWNER = "5a0c6a4e-3f1b-4d7e-9a51-8f3c2b1d0e9f"


@pytest.mark.parametrize(
    ("info", "name"),
    [
        ({"name": " Jonas "}, "Jonas"),
        ({"client_name": "Ona"}, "Ona"),
        ({"name": "Jonas", "client_name": "Ona"}, "Jonas"),
        ({"name": "   ", "client_name": "Ona"}, "Ona"),
        ({"name": 42}, ""),
        ({}, ""),
        (None, ""),
    ],
)
def test_the_name_falls_back_to_the_legacy_key(info, name):
    assert client_name(info) == name


@pytest.mark.parametrize(
    ("info", "email", "phone"),
    [
        ({"email": " jonas@gmail.com ", "phone": " +37061234567 "}, "jonas@gmail.com", "+37061234567"),
        ({"email": "", "phone": "  "}, None, None),
        ({"email": 5, "phone": ["+370"]}, None, None),
        (None, None, None),
    ],
)
def test_email_and_phone_are_trimmed_text_or_none(info, email, phone):
    assert (client_email(info), client_phone(info)) == (email, phone)


@pytest.mark.parametrize(("value", "consent"), [(True, True), ("true", False), (1, False), (None, False)])
def test_only_an_explicit_true_is_whatsapp_consent(value, consent):
    assert client_whatsapp_consent({"whatsapp_consent": value}) is consent


def test_the_project_screen_reads_its_keys_through_the_same_readers():
    info = {"client_name": " Ona ", "email": " ona@example.com ", "phone": "", "whatsapp_consent": "yes", "title": "X"}
    values = {key: client_editable_value(info, key) for key in ("name", "email", "phone", "whatsapp_consent", "title")}
    assert values == {"name": "Ona", "email": "ona@example.com", "phone": None, "whatsapp_consent": False, "title": "X"}
    assert client_editable_value(info, "address") is None


@pytest.mark.parametrize(
    ("info", "confidence"),
    [
        ({"client_id": OWNER, "email": "jonas@gmail.com"}, "HIGH"),
        ({"email": "Jonas@Gmail.com", "phone": "861234567"}, "MEDIUM"),
        ({"email": "jonas@gmail.com"}, "LOW"),
        ({"phone": "+37061234567"}, "LOW"),
        ({"name": "Be kontaktų"}, "LOW"),
    ],
)
def test_key_confidence_follows_what_the_key_was_made_of(info, confidence):
    assert client_key_confidence(client_key=client_key_from_info(info), client_info=info) == confidence


def test_the_key_of_email_and_phone_is_their_hash_in_normal_form():
    key = client_key_from_info({"email": "Jonas@Gmail.com", "phone": "8 612 34567"})
    assert key == sha256_hex("jonas@gmail.com|+37061234567")
    assert client_key_from_info({"client_id": OWNER.upper()}) == str(uuid.UUID(OWNER))
    # A key the contacts no longer produce (they were edited since) is not trusted.
    assert (
        client_key_confidence(client_key=key, client_info={"email": "kitas@gmail.com", "phone": "+37061234567"})
        == "LOW"
    )


def test_the_masked_contact():
    assert client_contact_masked({"email": "jonas@gmail.com", "phone": "+37061234567"}).count(" / ") == 1
    assert client_contact_masked({}) == "-"
