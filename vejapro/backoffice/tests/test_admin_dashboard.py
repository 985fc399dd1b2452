"""«Darbo eilė»: stat cards, worker badge, attention queue, the refresh endpoint (ui.md §3.2)."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from messaging.tests.factories import add_outbox
from payments.tests.factories import add_payment
from projects.tests.factories import make_project


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


def _card(html: str, key: str) -> str:
    return html.split(f'data-card="{key}"', 1)[1].split("</a>", 1)[0].split("</div>", 1)[0]


@pytest.mark.django_db
def test_empty_dashboard(admin_client):
    html = admin_client.get("/admin/").content.decode()

    for label in ("Projektai, kuriems reikia veiksmo", "Laukia patvirtinimo", "Nepavykę pranešimai"):
        assert label in html
    # Calls and visits come back with the issues that build their models.
    assert html.count('data-card="') == 3
    assert "Nauji skambučiai" not in html
    assert "Šiandienos vizitai" not in html
    assert "Nėra veiksmų, kuriuos reikia atlikti. Viskas tvarkoje!" in html
    assert "Pranešimų siuntimas sustojęs" in html
    assert "<script>" not in html
    assert 'src="/static/admin-custom/dashboard.js"' in html


@pytest.mark.django_db
def test_cards_queue_and_masked_contacts(admin_client):
    urgent = make_project(name="Skubioji", email="skubi@gmail.com", phone="+37061234567", status="CERTIFIED")
    add_payment(urgent, payment_type="FINAL")
    failed = make_project(name="Nepavykusi", email="nepavyko@example.com", phone=None, status="SCHEDULED")
    add_outbox(failed, status="FAILED")
    make_project(name="Juodraštinė", email="juodrastis@example.com", phone=None)
    make_project(name="Rami", email="rami@example.com", phone=None, status="ACTIVE")

    html = admin_client.get("/admin/").content.decode()

    # One count for the card and the project list: every project carrying an attention flag.
    assert ">3</span>" in _card(html, "attention")
    assert 'href="/admin/projects/project/" data-card="attention"' in html
    assert "3 projektai reikalauja dėmesio" in admin_client.get("/admin/projects/project/").content.decode()
    assert ">1</span>" in _card(html, "pending_confirmation")
    assert ">1</span>" in _card(html, "failed_outbox")
    assert 'href="/admin/projects/project/?veiksmo=pending_confirmation"' in html
    assert 'href="/admin/messaging/notificationoutbox/?status__exact=FAILED"' in html
    queue = html.split('id="vp-queue"', 1)[1].split("</section>", 1)[0]
    assert queue.index("Skubioji") < queue.index("Nepavykusi") < queue.index("Juodraštinė")
    assert "Rami" not in queue
    assert "s***@g***.com / +370******67" in queue
    assert "skubi@gmail.com" not in html
    assert "Laukia kliento patvirtinimo" in queue
    assert "Nepavyko išsiųsti pranešimo" in queue
    assert f'href="/admin/projects/project/{urgent.pk}/change/#veiksmas-aktyvavimas">Persiųsti patvirtinimą' in queue
    assert "Įrašyti depozitą" in queue


@pytest.mark.django_db
def test_worker_badge_follows_the_heartbeat(admin_client):
    cache.set("worker:heartbeat", timezone.now().isoformat())
    assert "Pranešimų siuntimas veikia" in admin_client.get("/admin/").content.decode()

    stale = timezone.now() - timedelta(minutes=10)
    cache.set("worker:heartbeat", stale.timestamp())
    html = admin_client.get("/admin/").content.decode()
    assert f"Pranešimų siuntimas sustojęs (paskutinį kartą {timezone.localtime(stale):%H:%M})" in html
    assert "vp-worker-down" in html


@pytest.mark.django_db
def test_refresh_endpoint_returns_the_live_fragment(admin_client):
    make_project(name="Naujas klientas")

    response = admin_client.get("/admin/darbo-eile/")

    assert response.status_code == 200
    data = response.json()
    assert list(data) == ["html"]
    assert "Naujas klientas" in data["html"]
    assert response["Cache-Control"].count("no-store") == 1


@pytest.mark.django_db
def test_refresh_endpoint_is_admin_only(client, client_user):
    client.force_login(client_user)

    assert client.get("/admin/darbo-eile/").status_code == 302
