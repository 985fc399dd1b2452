"""The back office in a real Chromium (Debian's chromium + chromedriver): sign in, dashboard, project screen, a workflow
button with the confirm dialog, at 1280 px and 375 px. Screenshots go to ``test-artifacts/`` (not committed)."""

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from messaging.tests.factories import add_confirmation, add_outbox
from payments.tests.factories import add_payment
from projects.models import Project
from projects.tests.factories import make_project
from vejapro.core.models import AuditLog

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"
PASSWORD = "Slaptas-123"
WAIT_SECONDS = 15
VIEWPORT_HEIGHT = 900

# On a developer machine without Debian's chromium the browser tests are skipped; CI (CI=true, where .ci/run installs
# the browser) runs them or fails, so a missing browser can never pass as green.
REQUIRED = os.environ.get("CI") == "true"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not (CHROMIUM and CHROMEDRIVER) and not REQUIRED, reason="chromium and chromedriver are not installed"
    ),
]


@pytest.fixture
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    assert CHROMIUM, "CI needs Debian's chromium (.ci/install-browser)"
    assert CHROMEDRIVER, "CI needs Debian's chromedriver (.ci/install-browser)"
    profile = tempfile.mkdtemp(prefix="vejapro-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--lang=lt",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"intl.accept_languages": "lt,lt-LT"})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _wait(driver):
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    # The page may be replaced while a condition is evaluated (a form posts and redirects).
    return WebDriverWait(
        driver, WAIT_SECONDS, ignored_exceptions=(NoSuchElementException, StaleElementReferenceException)
    )


def _shot(driver, name: str) -> None:
    """A full-page screenshot: the viewport is stretched to the document for the capture, then restored."""
    ARTIFACTS.mkdir(exist_ok=True)
    width = driver.execute_script("return window.innerWidth")
    height = driver.execute_script("return document.documentElement.scrollHeight")
    _resize(driver, width, min(max(height, VIEWPORT_HEIGHT), 6000))
    driver.save_screenshot(str(ARTIFACTS / f"{name}.png"))
    _resize(driver, width)


def _resize(driver, width: int, height: int = 0) -> None:
    # Headless Chromium keeps a minimum window width; the emulated layout viewport is what the page sees.
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height or VIEWPORT_HEIGHT, "deviceScaleFactor": 1, "mobile": width < 600},
    )


def _csp_violations(driver) -> list[str]:
    return [
        entry["message"]
        for entry in driver.get_log("browser")
        if "Content Security Policy" in entry["message"] or "Refused to" in entry["message"]
    ]


def _sign_in(driver, live_server, email: str) -> None:
    from selenium.webdriver.common.by import By

    driver.get(f"{live_server.url}/admin/login/?next=/admin/")
    driver.find_element(By.NAME, "username").send_keys(email)
    driver.find_element(By.NAME, "password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "#login-form input[type=submit]").click()
    try:
        _wait(driver).until(lambda d: "Darbo eilė" in d.title)
    except Exception:
        _shot(driver, "sign-in-failed")
        raise AssertionError(driver.current_url + "\n" + driver.find_element(By.TAG_NAME, "body").text[:2000]) from None


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1280, 375])
def test_admin_signs_in_and_waives_a_deposit(live_server, browser, admin_user, width):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    project = make_project(name="Naršyklės Klientas", email="narsykle@example.com", phone="+37061234500")
    make_project(name="Kitas Klientas", email="kitas@example.com", phone=None, status="SCHEDULED")
    _resize(browser, width)

    _sign_in(browser, live_server, admin_user.email)
    body = browser.find_element(By.TAG_NAME, "body").text
    assert "Darbo eilė" in body
    assert "Projektai, kuriems reikia veiksmo" in body
    assert "Naršyklės Klientas" in body
    assert "n***@e***.com / +370******00" in body
    _shot(browser, f"dashboard-{width}")

    browser.get(f"{live_server.url}/admin/projects/project/")
    _wait(browser).until(lambda d: "reikalauja dėmesio" in d.find_element(By.TAG_NAME, "body").text)
    _shot(browser, f"project-list-{width}")

    browser.get(f"{live_server.url}/admin/projects/project/{project.pk}/change/")
    _wait(browser).until(ec.presence_of_element_located((By.ID, "veiksmas-depozitas")))
    assert "Pradinis mokėjimas (DEPOSIT)" in browser.find_element(By.ID, "workflow").text
    _resize(browser, width)
    _shot(browser, f"project-screen-{width}")

    waive = browser.find_element(By.XPATH, "//button[normalize-space()='Atidėti įnašą']")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", waive)
    waive.click()
    dialog = _wait(browser).until(ec.visibility_of_element_located((By.ID, "vp-confirm")))
    assert "Atidėti įnašą? (tik juodraščio būsenos projektams)" in dialog.text
    yes = dialog.find_element(By.CSS_SELECTOR, "[data-confirm-yes]")
    assert yes.text == "Taip"
    assert dialog.find_element(By.CSS_SELECTOR, "[data-confirm-no]").text == "Atšaukti"
    if width == 375:
        assert yes.size["height"] >= 44
        assert waive.size["height"] >= 44
    yes.click()

    _wait(browser).until(lambda d: "Įnašas atidėtas, projektas apmokėtas." in d.find_element(By.TAG_NAME, "body").text)
    assert "Planavimas" in browser.find_element(By.ID, "workflow").text
    _shot(browser, f"project-paid-{width}")

    project.refresh_from_db()
    assert project.status == "PAID"
    assert AuditLog.objects.filter(entity_id=project.pk, action="STATUS_CHANGE").count() == 1
    assert Project.objects.count() == 2
    assert _csp_violations(browser) == []


# Every visible control of the header and the page that is smaller than 44 x 44 px (ui.md §5); a check box or file
# input counts by its label when the label is the larger target.
SMALL_TARGETS_JS = """
const out = [];
for (const e of document.querySelectorAll('#header a, #header button, #header input, #main a, #main button, '
    + '#main input, #main select, #main textarea, #main summary')) {
  const r = e.getBoundingClientRect();
  if (!r.width || !r.height || e.type === 'hidden' || getComputedStyle(e).visibility === 'hidden') continue;
  let box = r;
  const label = e.closest('label') || (e.id && document.querySelector('label[for="' + e.id + '"]'));
  if (['checkbox', 'radio', 'file'].includes(e.type) && label) {
    const l = label.getBoundingClientRect();
    if (l.height >= r.height) box = l;
  }
  if (box.height < 43.5 || box.width < 43.5) {
    out.push(e.tagName + '.' + e.className + ' [' + (e.innerText || e.value || e.name || '').trim().slice(0, 20)
      + '] ' + Math.round(box.width) + 'x' + Math.round(box.height));
  }
}
return out;
"""


@pytest.mark.django_db(transaction=True)
def test_mobile_layout_has_no_horizontal_scroll_and_large_targets(live_server, browser, admin_user):
    project = make_project(name="Mobilus", status="PAID")
    add_payment(project)
    add_outbox(project, status="FAILED")
    certified = make_project(name="Sertifikuotas", status="CERTIFIED")
    add_payment(certified)
    _resize(browser, 375)
    _sign_in(browser, live_server, admin_user.email)

    for path in (
        "/admin/",
        f"/admin/projects/project/{project.pk}/change/",
        f"/admin/projects/project/{certified.pk}/change/",
        "/admin/projects/project/?veiksmo=visi",
        "/admin/klientai/?visi=1",
        f"/admin/klientai/{project.client_key}/",
        "/admin/payments/payment/",
        "/admin/messaging/notificationoutbox/",
        "/admin/core/auditlog/",
        f"/admin/core/user/{admin_user.pk}/change/",
        "/admin/paieska/?q=Mob",
    ):
        browser.get(live_server.url + path)
        _resize(browser, 375)
        browser.execute_script("document.querySelectorAll('details').forEach(d => d.open = true)")
        overflow = browser.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        wide = browser.execute_script(
            "const w = document.documentElement.clientWidth;"
            "return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > w + 1)"
            ".slice(0, 5).map(e => e.tagName + '#' + e.id + '.' + e.className);"
        )
        assert overflow <= 1, (path, wide)
        assert browser.execute_script(SMALL_TARGETS_JS) == [], path
    _shot(browser, "customers-375")


@pytest.mark.django_db(transaction=True)
def test_phone_menu_opens_the_navigation(live_server, browser, admin_user):
    from selenium.webdriver.common.by import By

    _resize(browser, 375)
    _sign_in(browser, live_server, admin_user.email)

    sidebar = browser.find_element(By.ID, "nav-sidebar")
    menu = browser.find_element(By.CSS_SELECTOR, "[data-nav-toggle]")
    assert not sidebar.is_displayed()
    assert menu.is_displayed()
    assert menu.text == "Meniu"
    assert menu.size["height"] >= 44
    menu.click()
    _wait(browser).until(lambda d: d.find_element(By.ID, "nav-sidebar").is_displayed())
    assert menu.get_attribute("aria-expanded") == "true"
    _shot(browser, "menu-375")
    browser.find_element(By.ID, "nav-sidebar").find_element(By.LINK_TEXT, "Mokėjimai").click()
    _wait(browser).until(lambda d: d.current_url.endswith("/admin/payments/payment/"))
    assert "Mokėjimai" in browser.find_element(By.TAG_NAME, "h1").text

    _resize(browser, 1280)
    assert browser.find_element(By.ID, "nav-sidebar").is_displayed()
    assert not browser.find_element(By.CSS_SELECTOR, "[data-nav-toggle]").is_displayed()


@pytest.mark.django_db(transaction=True)
def test_more_options_stay_open_after_their_own_buttons(live_server, browser, admin_user):
    from selenium.webdriver.common.by import By

    project = make_project(name="Sutikimas", status="ACTIVE")
    _resize(browser, 1280)
    _sign_in(browser, live_server, admin_user.email)

    browser.get(f"{live_server.url}/admin/projects/project/{project.pk}/change/")
    extra = browser.find_element(By.ID, "papildomos")
    assert extra.get_attribute("open") is None
    extra.find_element(By.TAG_NAME, "summary").click()
    extra.find_element(By.NAME, "marketing_consent").click()
    extra.find_element(By.XPATH, ".//button[normalize-space()='Išsaugoti']").click()

    _wait(browser).until(lambda d: "Sutikimas išsaugotas." in d.find_element(By.TAG_NAME, "body").text)
    assert browser.current_url.endswith("#papildomos")
    extra = browser.find_element(By.ID, "papildomos")
    assert extra.get_attribute("open") is not None
    # The result sits inside the block, right under its title.
    assert extra.find_element(By.CSS_SELECTOR, "summary + .vp-local-messages").text == "Sutikimas išsaugotas."
    assert browser.find_element(By.NAME, "marketing_consent").is_selected()
    project.refresh_from_db()
    assert project.marketing_consent is True


@pytest.mark.django_db(transaction=True)
def test_a_refused_form_shows_its_errors_where_the_person_is(live_server, browser, admin_user):
    from selenium.webdriver.common.by import By

    project = make_project(name="Klaidinga forma")
    _resize(browser, 375)
    _sign_in(browser, live_server, admin_user.email)
    browser.get(f"{live_server.url}/admin/projects/project/{project.pk}/change/")
    section = browser.find_element(By.ID, "veiksmas-depozitas")
    section.find_element(By.NAME, "deposit-receipt_no").send_keys("K-9")
    button = section.find_element(By.XPATH, ".//button[normalize-space()='Įrašyti mokėjimą']")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
    button.click()

    _wait(browser).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#veiksmas-depozitas .vp-local-messages"))
    section = browser.find_element(By.ID, "veiksmas-depozitas")
    local = section.find_element(By.CSS_SELECTOR, ".vp-local-messages")
    assert "Įveskite sumą (> 0)." in local.text
    top = browser.execute_script("return arguments[0].getBoundingClientRect().top", local)
    assert 0 <= top < browser.execute_script("return window.innerHeight")
    assert "Įveskite sumą (> 0)." in section.find_element(By.CSS_SELECTOR, ".errorlist").text
    assert section.find_element(By.NAME, "deposit-receipt_no").get_attribute("value") == "K-9"
    _shot(browser, "refused-deposit-375")


@pytest.mark.django_db(transaction=True)
def test_a_double_click_sends_a_workflow_button_once(live_server, browser, admin_user, settings):
    from selenium.webdriver.common.by import By

    settings.ENABLE_EMAIL_INTAKE = True
    project = make_project(name="Dvigubas", status="CERTIFIED")
    add_payment(project, payment_type="FINAL")
    add_confirmation(project)
    _resize(browser, 1280)
    _sign_in(browser, live_server, admin_user.email)
    browser.get(f"{live_server.url}/admin/projects/project/{project.pk}/change/")

    button = browser.find_element(By.XPATH, "//button[normalize-space()='Persiųsti el. paštu (3)']")
    # Hold the first submission (as a slow network would) and count the submissions that would go out.
    sent = browser.execute_script(
        "let sent = 0;"
        "const hold = (event) => { if (!event.defaultPrevented) { sent += 1; } event.preventDefault(); };"
        "window.addEventListener('submit', hold);"
        "arguments[0].click(); arguments[0].click(); arguments[0].click();"
        "window.removeEventListener('submit', hold);"
        "return sent;",
        button,
    )
    assert sent == 1
    browser.get(f"{live_server.url}/admin/projects/project/{project.pk}/change/")
    button = browser.find_element(By.XPATH, "//button[normalize-space()='Persiųsti el. paštu (3)']")
    browser.execute_script("arguments[0].click(); arguments[0].click();", button)

    queued = "Patvirtinimas vėl įtrauktas į eilę. Liko: 2"
    _wait(browser).until(lambda d: queued in d.find_element(By.TAG_NAME, "body").text)
    assert "Persiųsti el. paštu (2)" in browser.find_element(By.ID, "workflow").text
    assert AuditLog.objects.filter(entity_id=project.pk, action="ADMIN_CONFIRMATION_RESEND_EMAIL").count() == 1
