"""Who may call which ``/api/v1`` route: one table, checked against the URL resolver (spec §7.13, NetBox's model).

``PERMISSIONS`` has a row for every route of ``vejapro.urls`` under ``api/v1/`` and, in it, every HTTP method the view
serves; a route or a method without a row fails ``test_every_api_route_has_a_row``. Each cell is the status one
caller gets:

* ``anonymous``: no bearer token;
* ``client``: the CLIENT who owns the project; ``outsider``: a CLIENT who does not;
* ``contractor`` / ``expert``: the SUBCONTRACTOR / EXPERT assigned to the project;
* ``admin``.

Every caller sends the same request: path parameters point at one CERTIFIED project (with a photo and a failed outbox
row), at one lead or at an unknown confirmation token, and bodies are empty JSON objects. So 401 means «no bearer»,
403 «Draudžiama» a role the endpoint refuses, 404 a project that is not yours (or a secret-gated/public route that
refuses), and an allowed role reaches the endpoint's own input check (422) or its answer (200/201/204). Public routes
have their own authentication (signatures, secrets, tokens), so a bearer token changes nothing there. Feature flags
are on.
"""

import re
import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from conftest import ApiClient
from messaging.tests.factories import add_appointment, add_call_request, add_outbox
from projects.tests.factories import add_evidence, make_project
from vejapro.core.models import Role

CALLERS = ("anonymous", "client", "outsider", "contractor", "expert", "admin")
USERS = {
    "client": "client_user",
    "outsider": "outsider_client",
    "contractor": "contractor_user",
    "expert": "expert_user",
    "admin": "admin_user",
}


def row(anonymous, client, outsider, contractor, expert, admin) -> dict[str, int]:
    return dict(zip(CALLERS, (anonymous, client, outsider, contractor, expert, admin), strict=True))


def every(status: int) -> dict[str, int]:
    return row(*(status,) * len(CALLERS))


ADMIN_ONLY_422 = row(401, 403, 403, 403, 403, 422)
ADMIN_ONLY_200 = row(401, 403, 403, 403, 403, 200)

# fmt: off
PERMISSIONS: dict[str, dict[str, dict[str, int]]] = {
    # --- accounts (vejapro.core.accounts.urls) ---
    "auth/me": {"GET": row(401, 200, 200, 200, 200, 200)},
    # Local mode (no Supabase): the refresh proxy does not exist.
    "auth/refresh": {"POST": every(404)},
    # Off unless enabled with a secret, and then only with the X-Admin-Token-Secret header.
    "admin/token": {"GET": every(404)},
    "admin/users/<str:user_id>/contractor-token": {"GET": ADMIN_ONLY_200},
    "admin/users/<str:user_id>/expert-token": {"GET": ADMIN_ONLY_200},
    # --- system ---
    # Without the X-Deploy-Token header the hook does not exist.
    "deploy/webhook": {"POST": every(404)},
    # --- projects ---
    # Public: anyone may ask for a quote; an empty body is invalid.
    "projects": {"POST": every(422)},
    "projects/<str:project_id>": {"GET": row(401, 200, 403, 200, 200, 200)},
    "client/projects": {"GET": row(401, 200, 200, 403, 403, 403)},
    "contractor/projects": {"GET": row(401, 403, 403, 200, 403, 403)},
    "expert/projects": {"GET": row(401, 403, 403, 403, 200, 403)},
    "admin/projects": {"GET": ADMIN_ONLY_200},
    "admin/projects/view": {"GET": ADMIN_ONLY_200},
    "admin/projects/mini-triage": {"GET": ADMIN_ONLY_200},
    "admin/projects/<str:project_id>/assign-contractor": {"POST": ADMIN_ONLY_422},
    "admin/projects/<str:project_id>/assign-expert": {"POST": ADMIN_ONLY_422},
    "admin/projects/<str:project_id>/client-token": {"GET": ADMIN_ONLY_200},
    "transition-status": {"POST": row(401, 403, 403, 422, 422, 422)},
    # --- evidence (projects.evidence.urls) ---
    "upload-evidence": {"POST": row(401, 403, 403, 422, 422, 422)},
    "certify-project": {"POST": row(401, 403, 403, 403, 422, 422)},
    "projects/<str:project_id>/certificate": {"GET": row(401, 200, 403, 200, 200, 200)},
    "admin/projects/<str:project_id>/seed-cert-photos": {"POST": ADMIN_ONLY_200},
    # ``consent`` defaults to true: an empty body gives consent.
    "projects/<str:project_id>/marketing-consent": {"POST": row(401, 200, 403, 403, 403, 200)},
    # A certification photo of a project without marketing consent cannot be published: 400.
    "evidences/<str:evidence_id>/approve-for-web": {"POST": row(401, 403, 403, 403, 400, 400)},
    "gallery": {"GET": every(200)},
    # --- payments ---
    "projects/<str:project_id>/payments/manual": {"POST": ADMIN_ONLY_422},
    "projects/<str:project_id>/quick-payment-and-transition": {"POST": row(401, 403, 403, 422, 422, 422)},
    "admin/projects/<str:project_id>/payments/deposit-waive": {"POST": ADMIN_ONLY_422},
    "admin/projects/<str:project_id>/payments": {"GET": ADMIN_ONLY_200},
    # --- Stripe (payments.stripe.urls) ---
    # A delivery without a Stripe-Signature header is refused before anything is stored.
    "webhook/stripe": {"POST": every(400)},
    "admin/projects/<str:project_id>/payment-link": {"POST": ADMIN_ONLY_422},
    # --- messaging ---
    "admin/projects/<str:project_id>/admin-confirm": {"POST": ADMIN_ONLY_422},
    "admin/projects/<str:project_id>/confirmations": {"GET": ADMIN_ONLY_200},
    # No final payment recorded yet, so there is nothing to confirm: 400.
    "admin/projects/<str:project_id>/confirmations/resend": {"POST": row(401, 403, 403, 403, 403, 400)},
    "admin/projects/<str:project_id>/notifications": {"GET": ADMIN_ONLY_200},
    "admin/notifications/<str:notification_id>/retry": {"POST": ADMIN_ONLY_200},
    "admin/projects/<str:project_id>/send-client-access": {"POST": ADMIN_ONLY_200},
    # The token is the credential: an unknown one is 404 for everyone.
    "public/confirm-payment/<str:token>": {"GET": every(404), "POST": every(404)},
    "public/activations/<str:token>/confirm": {"GET": every(404), "POST": every(404)},
    # Twilio always gets 200 (TwiML); an unsigned request is only logged as TWILIO_SIGNATURE_INVALID.
    "webhook/twilio": {"POST": every(200)},
    # --- finance ---
    "admin/finance/view": {"GET": ADMIN_ONLY_200},
    "admin/finance/mini-triage": {"GET": ADMIN_ONLY_200},
    # The contractor records and sees the costs of the projects assigned to them (finance.md §2.2).
    "admin/finance/ledger": {"GET": row(401, 403, 403, 200, 403, 200), "POST": row(401, 403, 403, 422, 403, 422)},
    "admin/finance/ledger/<str:entry_id>/reverse": {"POST": ADMIN_ONLY_422},
    # Without start and end the summary covers everything recorded (finance.md §5.2 defaults).
    "admin/finance/summary": {"GET": ADMIN_ONLY_200},
    "admin/finance/projects/<str:project_id>": {"GET": row(401, 403, 403, 200, 403, 200)},
    "admin/finance/metrics": {"GET": ADMIN_ONLY_200},
    "admin/margins": {"GET": ADMIN_ONLY_200, "POST": ADMIN_ONLY_422},


    # --- leads (messaging) ---
    # Public: anyone may leave a lead; an empty body is invalid.
    "call-requests": {"POST": every(422)},
    "admin/call-requests": {"GET": ADMIN_ONLY_200},
    # An empty PATCH changes nothing; DELETE removes the lead.
    "admin/call-requests/<str:call_request_id>": {"PATCH": ADMIN_ONLY_200, "DELETE": row(401, 403, 403, 403, 403, 204)},
    # --- calendar (messaging) ---
    "admin/appointments": {"GET": ADMIN_ONLY_200, "POST": ADMIN_ONLY_422},
    "admin/appointments/mini-triage": {"GET": ADMIN_ONLY_200},
    # The world's visit is a live hold.
    "admin/appointments/<str:appointment_id>/confirm-hold": {"POST": ADMIN_ONLY_200},
    "admin/appointments/<str:appointment_id>": {"PATCH": ADMIN_ONLY_200},
    # CloudMailin's own Basic auth (none configured here); an empty delivery has no sender: 400.
    "webhook/email/inbound": {"POST": every(400)},
    # The chat's shared secret is not set here; an empty message is refused.
    "webhook/chat/events": {"POST": every(400)},
    # Like the SMS webhook: always 200 TwiML; an unsigned request is only audited.
    "webhook/twilio/voice": {"POST": every(200)},


    # --- back office read models and the audit log (vejapro.backoffice.urls) ---
    "audit-logs": {"GET": row(401, 403, 403, 200, 200, 200)},
    "audit-logs/export": {"GET": ADMIN_ONLY_200},
    "admin/dashboard": {"GET": ADMIN_ONLY_200},
    "admin/customers": {"GET": ADMIN_ONLY_200},
    "admin/customers/stats": {"GET": ADMIN_ONLY_200},
    "admin/customers/<str:client_key>/profile": {"GET": ADMIN_ONLY_200},
    # ``q`` is required.
    "admin/search": {"GET": ADMIN_ONLY_422},
}
# fmt: on


def _collect(patterns, prefix: str = "") -> dict[str, type]:
    views: dict[str, type] = {}
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            views.update(_collect(pattern.url_patterns, route))
        elif isinstance(pattern, URLPattern):
            views[route] = pattern.callback.view_class
    return views


def api_views() -> dict[str, type]:
    """The view class of every route under ``api/v1/`` (the route without the prefix)."""
    [api] = [p for p in get_resolver().url_patterns if isinstance(p, URLResolver) and str(p.pattern) == "api/v1/"]
    return _collect(api.url_patterns)


def api_routes() -> dict[str, set[str]]:
    """Every route under ``api/v1/`` with the HTTP methods its view serves."""
    return {
        route: {
            name.upper() for name in view.http_method_names if name not in ("head", "options") and hasattr(view, name)
        }
        for route, view in api_views().items()
    }


def test_every_api_route_has_a_row():
    served = api_routes()

    assert set(served) == set(PERMISSIONS), "add a row to PERMISSIONS for each new /api/v1 route"
    assert {route: set(cells) for route, cells in PERMISSIONS.items()} == served
    assert all(set(cells) == set(CALLERS) for methods in PERMISSIONS.values() for cells in methods.values())


@pytest.fixture
def world(settings, client_user, contractor_user, expert_user):
    """One CERTIFIED project of ``client_user`` with the contractor and the expert assigned, a certification photo
    a failed notification and a held visit, and one lead; every route's path parameters point at these rows."""
    settings.ENABLE_STRIPE = True
    settings.STRIPE_SECRET_KEY = "sk_test_x"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_test_secret_0123456789"
    settings.ALLOW_INSECURE_WEBHOOKS = False
    settings.ENABLE_MARKETING_MODULE = True
    settings.ENABLE_EMAIL_INTAKE = True
    settings.ENABLE_FINANCE_LEDGER = True
    settings.ENABLE_FINANCE_METRICS = True
    settings.ENABLE_MANUAL_PAYMENTS = True
    settings.ENABLE_TWILIO = True
    settings.TWILIO_AUTH_TOKEN = "twilio-test-token"
    settings.ENABLE_CALL_ASSISTANT = True
    settings.ENABLE_CALENDAR = True
    settings.ENABLE_EMAIL_WEBHOOK = True
    project = make_project("CERTIFIED", client=client_user, contractor=contractor_user, expert=expert_user)
    return {
        "project_id": project.pk,
        "client_key": project.client_key,
        "evidence_id": add_evidence(project).pk,
        "notification_id": add_outbox(project, status="FAILED").pk,
        "token": "NEZINOMAS-TOKEN",
        "entry_id": uuid.uuid4(),
        "call_request_id": add_call_request().pk,
        "appointment_id": add_appointment(project=project, status="HELD").pk,
    }


def call(request, world: dict, route: str, method: str, caller: str):
    user = request.getfixturevalue(USERS[caller]) if caller in USERS else None
    if "<str:user_id>" in route:
        target = "contractor_user" if "contractor-token" in route else "expert_user"
        world = {**world, "user_id": request.getfixturevalue(target).pk}
    path = "/api/v1/" + re.sub(r"<str:(\w+)>", lambda match: str(world[match.group(1)]), route)
    client = ApiClient(user, enforce_csrf_checks=True)
    response = (
        client.get(path)
        if method == "GET"
        else client.generic(method, path, data="{}", content_type="application/json")
    )
    # A streamed answer (the metrics stream) holds a connection slot until it is closed.
    response.close()
    return response


CASES = [
    pytest.param(route, method, caller, expected, id=f"{method} {route} {caller}")
    for route, methods in PERMISSIONS.items()
    for method, cells in methods.items()
    for caller, expected in cells.items()
]


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "method", "caller", "expected"), CASES)
def test_permission_matrix(request, world, route, method, caller, expected):
    response = call(request, world, route, method, caller)

    assert response.status_code == expected, response.content[:300]
    if expected == 401:
        assert response.json() == {"detail": "Truksta Bearer zetono"}
    if expected == 403:
        # A role the view lets in but a project that is not the caller's: «Prieiga uždrausta»; else the role gate.
        owner_check = caller == "outsider" and Role.CLIENT in (api_views()[route].allowed_roles or ())
        assert response.json() == {"detail": "Prieiga uždrausta" if owner_check else "Draudžiama"}
