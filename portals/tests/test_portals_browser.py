"""The portals in a real Chromium (Debian's chromium + chromedriver, as the back office tests): each role signs in
through /login and does its main step at 1280 px and 375 px, and a photo taken offline arrives exactly once when the
network returns. Screenshots of each page go to ``test-artifacts/`` (not committed)."""

import pytest

from messaging.tests.factories import add_confirmation
from payments.models import PaymentType
from payments.tests.factories import add_payment
from projects.models import Evidence, ProjectStatus
from projects.tests.factories import add_photos, image_bytes, make_project
from vejapro.backoffice.tests.test_admin_browser import (
    CHROMEDRIVER,
    CHROMIUM,
    PASSWORD,
    REQUIRED,
    _csp_violations,
    _resize,
    _shot,
    _wait,
    browser,  # noqa: F401 - the shared Chromium fixture
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not (CHROMIUM and CHROMEDRIVER) and not REQUIRED, reason="chromium and chromedriver are not installed"
    ),
]
WIDTHS = [1280, 375]


def _body(driver) -> str:
    from selenium.webdriver.common.by import By

    return driver.find_element(By.TAG_NAME, "body").text


def _sign_in(driver, live_server, email: str, home: str) -> None:
    from selenium.webdriver.common.by import By

    driver.get(f"{live_server.url}/login")
    driver.find_element(By.NAME, "email").send_keys(email)
    driver.find_element(By.NAME, "password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    _wait(driver).until(lambda d: d.current_url == f"{live_server.url}{home}")


def _click(driver, element) -> None:
    # Headless Chromium's window can be shorter than the emulated viewport, so a native click may land off-window.
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].click()", element)


def _photo_file(tmp_path):
    path = tmp_path / "veja.jpg"
    path.write_bytes(image_bytes(size=(3200, 2400)))
    return str(path)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", WIDTHS)
def test_public_pages(live_server, browser, settings, width):  # noqa: F811
    settings.ENABLE_MARKETING_MODULE = True
    _resize(browser, width)
    browser.get(f"{live_server.url}/")
    assert "Profesionalus vejos įrengimas" in _body(browser)
    _shot(browser, f"portal-landing-{width}")
    browser.get(f"{live_server.url}/gallery")
    assert "Mūsų projektų galerija" in _body(browser)
    _shot(browser, f"portal-gallery-{width}")
    browser.get(f"{live_server.url}/login")
    _shot(browser, f"portal-login-{width}")
    browser.get(f"{live_server.url}/register")
    _shot(browser, f"portal-register-{width}")
    assert _csp_violations(browser) == []
    font = browser.execute_script("return document.fonts.check('16px \"DM Sans\"')")
    assert font is True


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", WIDTHS)
def test_client_accepts_the_work(live_server, browser, client_user, width):  # noqa: F811
    from selenium.webdriver.common.by import By

    project = make_project(ProjectStatus.CERTIFIED, client=client_user)
    add_payment(project, PaymentType.FINAL, "400.00")
    add_confirmation(project)
    _resize(browser, width)
    _sign_in(browser, live_server, client_user.email, "/client/")
    assert "Reikia jūsų veiksmo" in _body(browser)
    _shot(browser, f"portal-client-dashboard-{width}")
    _click(browser, browser.find_element(By.LINK_TEXT, "Patvirtinti darbų priėmimą"))
    _wait(browser).until(lambda d: "Patvirtinkite, kad darbai atlikti ir priimti." in _body(d))
    _shot(browser, f"portal-client-confirm-{width}")
    button = browser.find_element(By.XPATH, "//button[normalize-space()='Patvirtinu']")
    if width == 375:
        assert button.size["height"] >= 44
    _click(browser, button)
    _wait(browser).until(lambda d: "Ačiū! Patvirtinimas gautas. Jūsų projektas aktyvuotas." in _body(d))
    _shot(browser, f"portal-client-project-{width}")
    project.refresh_from_db()
    assert project.status == ProjectStatus.ACTIVE
    assert _csp_violations(browser) == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", WIDTHS)
def test_contractor_uploads_and_hands_over(live_server, browser, contractor_user, tmp_path, width):  # noqa: F811
    from selenium.webdriver.common.by import By

    project = make_project(ProjectStatus.SCHEDULED, contractor=contractor_user, client_info={"name": "Jonas"})
    _resize(browser, width)
    _sign_in(browser, live_server, contractor_user.email, "/contractor/")
    _shot(browser, f"portal-contractor-list-{width}")
    _click(browser, browser.find_element(By.CSS_SELECTOR, ".row-link"))
    _wait(browser).until(lambda d: "Darbai baigti – perduoti ekspertui" in _body(d))  # noqa: RUF001
    browser.find_element(By.NAME, "files").send_keys(_photo_file(tmp_path))
    _click(browser, browser.find_element(By.XPATH, "//button[normalize-space()='Įkelti']"))
    _wait(browser).until(lambda d: "veja.jpg: Išsiųsta" in _body(d))
    _wait(browser).until(lambda d: "Laukia siuntimo: 0" in _body(d))
    _shot(browser, f"portal-contractor-project-{width}")
    assert Evidence.objects.filter(project=project).count() == 1
    stored = Evidence.objects.get(project=project)
    assert stored.client_upload_key
    browser.refresh()
    _click(browser, browser.find_element(By.XPATH, "//button[normalize-space()='Darbai baigti – perduoti ekspertui']"))  # noqa: RUF001
    alert = _wait(browser).until(lambda d: d.switch_to.alert)
    assert alert.text == "Įkelta nuotraukų: 1. Ar tikrai perduoti ekspertui?"
    alert.accept()
    _wait(browser).until(lambda d: "Išsaugota" in _body(d))
    project.refresh_from_db()
    assert project.status == ProjectStatus.PENDING_EXPERT
    assert _csp_violations(browser) == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", WIDTHS)
def test_expert_certifies(live_server, browser, expert_user, width):  # noqa: F811
    from selenium.webdriver.common.by import By

    project = make_project(ProjectStatus.PENDING_EXPERT, expert=expert_user)
    add_photos(project, 3)
    _resize(browser, width)
    _sign_in(browser, live_server, expert_user.email, "/expert/")
    _shot(browser, f"portal-expert-list-{width}")
    browser.get(f"{live_server.url}/expert/projektai/{project.pk}/")
    for box in browser.find_elements(By.CSS_SELECTOR, "input[type=checkbox][name^=item_]"):
        _click(browser, box)
    _shot(browser, f"portal-expert-project-{width}")
    _click(browser, browser.find_element(By.XPATH, "//button[normalize-space()='Sertifikuoti']"))
    alert = _wait(browser).until(lambda d: d.switch_to.alert)
    assert alert.text == "Ar tikrai norite sertifikuoti šį projektą?"
    alert.accept()
    _wait(browser).until(lambda d: "Projektas sėkmingai sertifikuotas" in _body(d))
    project.refresh_from_db()
    assert project.status == ProjectStatus.CERTIFIED
    assert _csp_violations(browser) == []


@pytest.mark.django_db(transaction=True)
def test_offline_photo_arrives_once_when_the_network_returns(live_server, browser, contractor_user, tmp_path):  # noqa: F811
    from selenium.webdriver.common.by import By

    project = make_project(ProjectStatus.SCHEDULED, contractor=contractor_user)
    _resize(browser, 375)
    _sign_in(browser, live_server, contractor_user.email, "/contractor/")
    browser.get(f"{live_server.url}/contractor/projektai/{project.pk}/")
    browser.set_network_conditions(offline=True, latency=0, throughput=0)
    browser.find_element(By.NAME, "files").send_keys(_photo_file(tmp_path))
    _click(browser, browser.find_element(By.XPATH, "//button[normalize-space()='Įkelti']"))
    _wait(browser).until(lambda d: "Laukia siuntimo: 1" in _body(d))
    _shot(browser, "portal-offline-queued-375")
    assert Evidence.objects.filter(project=project).count() == 0
    browser.set_network_conditions(offline=False, latency=0, throughput=500 * 1024)
    browser.execute_script("window.dispatchEvent(new Event('online'))")
    _wait(browser).until(lambda d: "veja.jpg: Išsiųsta" in _body(d))
    _shot(browser, "portal-offline-sent-375")
    browser.execute_script("window.dispatchEvent(new Event('online'))")
    browser.refresh()
    assert "Laukia siuntimo" not in _body(browser) or "Laukia siuntimo: 0" in _body(browser)
    assert Evidence.objects.filter(project=project).count() == 1
    photo = Evidence.objects.get(project=project)
    assert photo.client_upload_key
