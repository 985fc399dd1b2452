"""«Kalendorius» and «Skambučio valdymas» in a real Chromium at 1280 px and 375 px (ui.md §3.5, §3.6, §5)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By

from messaging.models import Appointment, CallRequest
from messaging.tests.factories import add_appointment, add_call_request
from projects.tests.factories import make_project
from vejapro.backoffice.tests.test_admin_browser import (  # noqa: F401 - ``browser`` is a fixture
    _csp_violations,
    _resize,
    _shot,
    _sign_in,
    _wait,
    browser,
    pytestmark,
)

NO_HORIZONTAL_SCROLL_JS = "return document.documentElement.scrollWidth <= window.innerWidth + 1"


@pytest.fixture(autouse=True)
def _modules_on(settings):
    settings.ENABLE_CALENDAR = True
    settings.ENABLE_CALL_ASSISTANT = True


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1280, 375])
def test_calendar_confirms_a_hold(live_server, browser, admin_user, width):  # noqa: F811
    lead = add_call_request("Naršyklės Skambintojas")
    hold = add_appointment(call_request=lead, status="HELD", starts_at=timezone.now() + timedelta(hours=2))
    add_appointment(
        project=make_project("SCHEDULED", name="Vizito Klientas"), starts_at=timezone.now() + timedelta(hours=4)
    )
    _resize(browser, width)
    _sign_in(browser, live_server, admin_user.email)

    browser.get(f"{live_server.url}/admin/kalendorius/")
    body = browser.find_element(By.TAG_NAME, "body").text
    assert "Laukia patvirtinimo" in body
    assert "Pr" in body
    assert browser.execute_script(NO_HORIZONTAL_SCROLL_JS)
    _shot(browser, f"calendar-{width}")

    button = browser.find_element(
        By.XPATH, f"//article[@data-hold='{hold.pk}']//button[normalize-space()='Patvirtinti']"
    )
    if width == 375:
        assert button.size["height"] >= 44
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
    button.click()

    _wait(browser).until(lambda d: "Laukia patvirtinimo" not in d.find_element(By.TAG_NAME, "body").text)
    hold.refresh_from_db()
    assert hold.status == "CONFIRMED"
    assert Appointment.objects.filter(status="HELD").count() == 0
    assert _csp_violations(browser) == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1280, 375])
def test_call_request_screen_creates_a_project(live_server, browser, admin_user, width):  # noqa: F811
    lead = add_call_request("Naršyklės Ona", phone="+37061234500", email="ona@example.com")
    _resize(browser, width)
    _sign_in(browser, live_server, admin_user.email)

    browser.get(f"{live_server.url}/admin/messaging/callrequest/")
    assert "o***@e***.com / +370******00" in browser.find_element(By.TAG_NAME, "body").text
    assert browser.execute_script(NO_HORIZONTAL_SCROLL_JS)
    _shot(browser, f"call-requests-{width}")

    browser.get(f"{live_server.url}/admin/messaging/callrequest/{lead.pk}/change/")
    body = browser.find_element(By.TAG_NAME, "body").text
    assert "Skambučio valdymas" in body
    assert "ona@example.com" in body
    assert browser.execute_script(NO_HORIZONTAL_SCROLL_JS)
    _shot(browser, f"call-request-{width}")

    button = browser.find_element(By.XPATH, "//button[normalize-space()='Sukurti projektą']")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
    button.click()

    _wait(browser).until(lambda d: "Projektas sukurtas." in d.find_element(By.TAG_NAME, "body").text)
    assert CallRequest.objects.get().converted_project_id is not None
    assert _csp_violations(browser) == []
