"""manage.py stripe_reconcile --since <N>d (security-ops.md §10.9, api.md §13.1)."""

from datetime import timedelta
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from payments.models import Payment, StripeWebhookEvent
from payments.stripe import client as stripe_client
from payments.tests.factories import intent_event
from payments.tests.stripe_helpers import WEBHOOK_SECRET, deliver
from projects.models import ProjectStatus
from projects.tests.factories import make_project

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _stripe(settings):
    settings.ENABLE_STRIPE = True
    settings.STRIPE_SECRET_KEY = "sk_test_x"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET


@pytest.fixture
def stripe_events(monkeypatch):
    listed = {"events": [], "since": None}

    def events(*, since):
        listed["since"] = since
        yield from listed["events"]

    monkeypatch.setattr(stripe_client, "payment_intent_succeeded_events", events)
    return listed


def reconcile(*args) -> str:
    out = StringIO()
    call_command("stripe_reconcile", *args, stdout=out)
    return out.getvalue().strip()


def test_missing_and_unprocessed_events_are_processed(stripe_events):
    processed_project = make_project(ProjectStatus.DRAFT)
    already = intent_event(processed_project.pk)
    assert deliver(already).status_code == 200
    missing_project = make_project(ProjectStatus.DRAFT)
    missing = intent_event(missing_project.pk)
    failed_project = make_project(ProjectStatus.PENDING_EXPERT)
    refused = intent_event(failed_project.pk, "FINAL")
    stripe_events["events"] = [already, missing, refused]
    before = timezone.now()

    output = reconcile("--since", "3d")
    after = timezone.now()

    assert output == "seen=3 already=1 processed=1 failed=1"
    assert before - timedelta(days=3) <= stripe_events["since"] <= after - timedelta(days=3)
    missing_project.refresh_from_db()
    assert missing_project.status == ProjectStatus.PAID
    assert Payment.objects.count() == 2
    assert StripeWebhookEvent.objects.get(event_id=refused["id"]).outcome == "FAILED"


def test_a_second_run_changes_nothing(stripe_events):
    stripe_events["events"] = [intent_event(make_project(ProjectStatus.DRAFT).pk)]
    reconcile("--since", "1d")

    assert reconcile("--since", "1d") == "seen=1 already=1 processed=0 failed=0"
    assert Payment.objects.count() == 1


@pytest.mark.parametrize("since", ["3", "0d", "abc", "-1d"])
def test_since_must_be_a_number_of_days(stripe_events, since):
    with pytest.raises(CommandError, match="--since"):
        reconcile("--since", since)


def test_needs_the_secret_key(settings, stripe_events):
    settings.STRIPE_SECRET_KEY = ""

    with pytest.raises(CommandError, match="STRIPE_SECRET_KEY"):
        reconcile()


def test_an_event_without_the_stripe_shape_is_counted_as_failed(stripe_events):
    project = make_project(ProjectStatus.DRAFT)
    stripe_events["events"] = [{"id": "evt_broken", "type": "payment_intent.succeeded"}, intent_event(project.pk)]

    assert reconcile() == "seen=2 already=0 processed=1 failed=1"
    assert StripeWebhookEvent.objects.count() == 1


def test_the_adapter_lists_succeeded_intents_since_the_moment_as_plain_dicts(monkeypatch):
    """The adapter itself, with the SDK client replaced: the query it sends and the events it yields."""
    import stripe

    project = make_project(ProjectStatus.DRAFT)
    event = stripe.Event.construct_from(intent_event(project.pk), "sk_test_x")
    calls = []

    class Events:
        def list(self, *, params):
            calls.append(params)
            return SimpleNamespace(auto_paging_iter=lambda: iter([event]))

    monkeypatch.setattr(stripe_client, "_client", lambda: SimpleNamespace(v1=SimpleNamespace(events=Events())))
    since = timezone.now() - timedelta(days=3)

    [listed] = list(stripe_client.payment_intent_succeeded_events(since=since))

    assert calls == [{"type": "payment_intent.succeeded", "created": {"gte": int(since.timestamp())}, "limit": 100}]
    assert type(listed) is dict
    assert type(listed["data"]["object"]["metadata"]) is dict
    assert reconcile_events([listed]) == "seen=1 already=0 processed=1 failed=0"


def reconcile_events(events) -> str:
    from payments.stripe.services import stripe_reconcile

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(stripe_client, "payment_intent_succeeded_events", lambda *, since: iter(events))
        counts = stripe_reconcile(since=timezone.now())
    return f"seen={counts.seen} already={counts.already} processed={counts.processed} failed={counts.failed}"


def test_a_stripe_api_error_stops_the_command(monkeypatch):
    import stripe

    class Events:
        def list(self, *, params):
            raise stripe.APIConnectionError("network down")

    monkeypatch.setattr(stripe_client, "_client", lambda: SimpleNamespace(v1=SimpleNamespace(events=Events())))

    with pytest.raises(CommandError, match="Stripe API error"):
        reconcile()
