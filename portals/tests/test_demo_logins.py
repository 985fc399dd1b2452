"""`make run` demo data: every printed login signs in at /login and finds something in its portal (issue 9 §7)."""

import pytest
from django.core.management import call_command

from vejapro.core.settings_helpers import public_url
from vejapro.ops.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def test_demo_logins_work_in_every_portal(client, settings, capsys):
    settings.ENABLE_MARKETING_MODULE = True
    call_command("load_demo_data")
    output = capsys.readouterr().out
    assert f"Sign-in for the portals: {public_url('/login')}" in output
    assert "Gallery photos published: 2" in output
    expected = {
        "klientas@demo.vejapro.lt": ("/client/", "Patvirtinti darbų priėmimą"),
        "rangovas@demo.vejapro.lt": ("/contractor/", "Projektas #"),
        "ekspertas@demo.vejapro.lt": ("/expert/", "Laukia patikros"),
    }
    for email, (home, text) in expected.items():
        response = client.post("/login", {"email": email, "password": DEMO_PASSWORD})
        assert response["Location"] == home
        assert text in client.get(home).content.decode()
        client.post("/logout")
    gallery = client.get("/gallery").content.decode()
    assert gallery.count('class="gallery-card"') == 1
    assert "Išskirtinis" in client.get("/").content.decode()
