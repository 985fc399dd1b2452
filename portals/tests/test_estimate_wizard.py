"""The estimate wizard /client/ivertinimas/ (ui.md §4.4): steps, errors, the price from the rules, the DRAFT project."""

import pytest

from projects.models import Project, ProjectStatus
from projects.tests.factories import add_estimate_rule, make_project
from vejapro.core.audit.actions import AuditAction
from vejapro.core.models import AuditLog

pytestmark = pytest.mark.django_db
URL = "/client/ivertinimas/"
FILLED = {
    "service": "lawn_installation",
    "method": "seeding",
    "area_m2": "200",
    "address": "Vilniaus g. 1, Vilnius",
    "distance_km": "40",
    "phone": "+37061234567",
    "notes": "Vartai iš kiemo",
}


@pytest.fixture
def rules(db):
    return [
        add_estimate_rule("lawn_installation", "seeding", label="Sėjimas", price_per_m2="3", minimum_price="300"),
        add_estimate_rule("lawn_installation", "roll_lawn", label="Ritininė veja", price_per_m2="8"),
    ]


@pytest.fixture
def signed_in(client, client_user):
    client.force_login(client_user)
    return client


def _post(client, step, action="next", **data):
    return client.post(URL, {"step": step, "action": action, **FILLED, **data})


def test_step_one_lists_the_active_rules(signed_in, rules):
    add_estimate_rule("overgrown_cleanup", "small", label="Mažas (<20cm)", is_active=False)
    page = signed_in.get(URL).content.decode()
    assert "Orientacinė kaina" in page
    assert "Kainos yra orientacinės ir gali keistis po eksperto apžiūros." in page
    assert "Sėjimas" in page
    assert "Ritininė veja" in page
    assert "Mažas (&lt;20cm)" not in page


@pytest.mark.parametrize(
    ("step", "data", "message"),
    [
        (1, {"service": ""}, "Pasirinkite paslaugą."),
        (1, {"method": "large"}, "Pasirinkite metodą."),
        (2, {"area_m2": "0"}, "Įveskite tinkamą plotą (1-100000 m2)."),
        (2, {"area_m2": "100001"}, "Įveskite tinkamą plotą (1-100000 m2)."),
        (2, {"address": " "}, "Įveskite objekto adresą."),
        (3, {"phone": ""}, "Įveskite telefono numerį."),
    ],
)
def test_step_errors_keep_the_values(signed_in, rules, step, data, message):
    page = _post(signed_in, step, **data).content.decode()
    assert message in page
    assert f'<input type="hidden" name="step" value="{step}">' in page
    assert 'value="Vartai iš kiemo"' in page or "Vartai iš kiemo</textarea>" in page


def test_price_from_the_rules_and_submission(signed_in, rules, client_user, settings):
    settings.ESTIMATE_TRANSPORT_MIN_EUR = "50"
    settings.ESTIMATE_TRANSPORT_EUR_PER_KM = "1.50"
    settings.ESTIMATE_MOLE_NET_EUR_PER_M2 = "1.50"
    page = _post(signed_in, 3).content.decode()
    # base max(3 * 200, 300) = 600; transport max(50, 40 * 1.5) = 60
    assert "600,00\xa0€" in page
    assert ">60,00\xa0€" in page
    assert "660,00\xa0€" in page
    version = page.split('name="rules_version" value="')[1].split('"')[0]
    priced = _post(signed_in, 4, addons=["mole_net"], rules_version=version).content.decode()
    assert "Kurmių tinklas" in priced
    assert "960,00\xa0€" in priced
    done = _post(signed_in, 4, action="submit", addons=["mole_net", "robot"], rules_version=version)
    assert "Užklausa pateikta!" in done.content.decode()
    project = Project.objects.get()
    assert project.status == ProjectStatus.DRAFT
    assert project.client_user_id == str(client_user.pk)
    estimate = project.client_info["estimate"]
    assert estimate["total"] == 960.0
    assert estimate["rules_version"] == version
    assert estimate["addons"] == ["mole_net", "robot"]
    assert project.client_info["quote_pending"] is True
    created = AuditLog.objects.get(action=AuditAction.PROJECT_CREATED, entity_id=project.pk)
    assert created.metadata == {"source": "estimate"}
    submitted = AuditLog.objects.get(action=AuditAction.ESTIMATE_SUBMITTED, entity_id=project.pk)
    assert submitted.metadata == {"rules_version": version}
    assert submitted.new_value == {
        "service": "lawn_installation",
        "method": "seeding",
        "area_m2": 200.0,
        "total": 960.0,
    }
    again = signed_in.get(URL).content.decode()
    assert "Jūs jau turite pateiktą užklausą." in again


def test_changed_rules_reprice_before_submitting(signed_in, rules):
    page = _post(signed_in, 3).content.decode()
    version = page.split('name="rules_version" value="')[1].split('"')[0]
    rules[0].price_per_m2 = 5
    rules[0].save()
    answer = _post(signed_in, 4, action="submit", rules_version=version).content.decode()
    assert "Kainų taisyklės pasikeitė. Kaina perskaičiuota – patikrinkite ir pateikite iš naujo." in answer  # noqa: RUF001
    assert "1\xa0060,00\xa0€" in answer
    assert not Project.objects.exists()


def test_one_open_estimate(signed_in, rules, client_user):
    info = {"client_id": str(client_user.pk), "quote_pending": True}
    open_one = make_project(client_info=info, client_user_id=str(client_user.pk))
    page = signed_in.get(URL).content.decode()
    assert "Jūs jau turite pateiktą užklausą." in page
    assert f"/client/projektai/{open_one.pk}/" in page
    _post(signed_in, 4, action="submit", rules_version="x")
    assert Project.objects.count() == 1
