"""«Finansai» in a real Chromium at 1280 and 375 px: the live card connects to the session-authenticated stream and
changes without a reload when a payment is recorded; no CSP violation; at 375 px no horizontal scroll and 44 px
targets. Screenshots go to ``test-artifacts/``."""

import uuid
from decimal import Decimal

import pytest

from finance import sse
from finance.tests.factories import add_cost
from payments.services import payment_record_manual
from projects.tests.factories import make_project
from vejapro.backoffice.tests.test_admin_browser import (
    SMALL_TARGETS_JS,
    _csp_violations,
    _resize,
    _shot,
    _sign_in,
    browser,  # noqa: F401 - the Chromium fixture
    pytestmark,  # noqa: F401 - browser marker, skipped without chromium outside CI
)
from vejapro.core.actors import Actor

LIVE_WAIT_SECONDS = 30  # the shared snapshot is cached for 5 s and events come every 5 s


@pytest.fixture
def _finance_flags(settings):
    settings.ENABLE_FINANCE_LEDGER = True
    settings.ENABLE_FINANCE_METRICS = True
    settings.SSE_MAX_STREAM_SECONDS = 60


def _live_text(driver, metric: str) -> str:
    from selenium.webdriver.common.by import By

    return driver.find_element(By.CSS_SELECTOR, f'#vp-finance-live [data-metric="{metric}"]').text


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.usefixtures("_finance_flags")
def test_live_card_changes_after_a_payment(live_server, browser, admin_user, width):  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    project = make_project("DRAFT")
    add_cost(admin_user, "120", project=project, category="MATERIALS")
    _resize(browser, width)
    _sign_in(browser, live_server, admin_user.email)
    # Streams other tests of this process left open still hold their slots in the shared counter.
    open_before = sse.sse_open_streams()

    browser.get(f"{live_server.url}/admin/finansai/")
    _resize(browser, width)
    body = browser.find_element(By.TAG_NAME, "body").text
    for text in ("Pajamos", "Išlaidos", "Grynos išlaidos", "Pelnas", "Realaus laiko metrika", "Laukiantys mokėjimai"):
        assert text in body
    status = browser.find_element(By.CSS_SELECTOR, "[data-live-status]")
    WebDriverWait(browser, LIVE_WAIT_SECONDS).until(lambda d: status.text.startswith("Atnaujinta:"))
    assert "0,00" in _live_text(browser, "daily_volume")
    _shot(browser, f"finance-{width}")

    payment_record_manual(
        project_id=project.pk,
        payment_type="DEPOSIT",
        amount=Decimal("350.00"),
        payment_method="CASH",
        provider_event_id=f"QP-{uuid.uuid4()}",
        actor=Actor.for_user(admin_user),
        source="admin",
    )

    WebDriverWait(browser, LIVE_WAIT_SECONDS).until(lambda d: "350,00" in _live_text(d, "daily_volume"))
    assert _live_text(browser, "manual_stripe") == "1 / 0"
    assert browser.execute_script("return performance.getEntriesByType('navigation').length") == 1  # no reload
    _shot(browser, f"finance-live-{width}")
    assert _csp_violations(browser) == []

    if width == 375:
        for path in ("/admin/finansai/", "/admin/finance/ledgerentry/", "/admin/finance/ledgerentry/add/"):
            browser.get(live_server.url + path)
            _resize(browser, 375)
            browser.execute_script("document.querySelectorAll('details').forEach(d => d.open = true)")
            overflow = browser.execute_script(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 1, path
            assert browser.execute_script(SMALL_TARGETS_JS) == [], path
    # Leaving the page ends the stream: the server notices at its next write and gives the slot back.
    browser.get("about:blank")
    WebDriverWait(browser, LIVE_WAIT_SECONDS).until(lambda d: sse.sse_open_streams() == open_before)
