"""The transition engine against the spec (workflow.md §2-§4): every pair and every actor type, every guard text."""

import itertools

import pytest

from messaging.tests.factories import add_confirmation
from payments.models import PaymentMethod, PaymentProvider, PaymentStatus, PaymentType
from payments.tests.factories import add_payment
from projects.models import Project
from projects.services import project_transition
from projects.tests.factories import FULL_CHECKLIST, add_facts_for, add_photos, make_project
from vejapro.core.actors import Actor
from vejapro.core.http.errors import ApiError
from vejapro.core.tests.audit import assert_audited, audit_rows

STATUSES = ["DRAFT", "PAID", "SCHEDULED", "PENDING_EXPERT", "CERTIFIED", "ACTIVE"]
ACTOR_TYPES = ["SYSTEM", "SYSTEM_STRIPE", "SYSTEM_TWILIO", "SYSTEM_EMAIL", "CLIENT", "SUBCONTRACTOR", "EXPERT", "ADMIN"]
# Written out from the spec tables, not imported from the engine.
NEXT = {"DRAFT": "PAID", "PAID": "SCHEDULED", "SCHEDULED": "PENDING_EXPERT", "PENDING_EXPERT": "CERTIFIED",
        "CERTIFIED": "ACTIVE"}  # fmt: skip
ALLOWED = {
    "PAID": {"SYSTEM_STRIPE", "SUBCONTRACTOR", "ADMIN"},
    "SCHEDULED": {"SUBCONTRACTOR", "ADMIN"},
    "PENDING_EXPERT": {"SUBCONTRACTOR", "ADMIN"},
    "CERTIFIED": {"EXPERT", "ADMIN"},
    "ACTIVE": {"SYSTEM_TWILIO", "SYSTEM_EMAIL", "ADMIN"},
}


def _actor(actor_type: str) -> Actor:
    return Actor(actor_type=actor_type, actor_id=None)


def _metadata_for(target: str):
    return {"checklist": dict(FULL_CHECKLIST), "notes": "ok"} if target == "CERTIFIED" else None


@pytest.mark.django_db
@pytest.mark.parametrize(("current", "target", "actor_type"), list(itertools.product(STATUSES, STATUSES, ACTOR_TYPES)))
def test_transition_matrix(current, target, actor_type):
    project = make_project(current)
    add_facts_for(project, target)
    before = Project.objects.get(pk=project.pk)

    if current == target:
        result = project_transition(project=project, new_status=target, actor=_actor(actor_type))
        assert result.changed is False
        assert result.project.status == current
        assert_audited("STATUS_CHANGE", count=0)
        return

    if NEXT.get(current) != target:
        expected = (400, f"Negalimas perejimas: {current} -> {target}")
    elif actor_type not in ALLOWED[target]:
        expected = (403, "Prieiga uždrausta")
    else:
        expected = None

    if expected is not None:
        with pytest.raises(ApiError) as caught:
            project_transition(
                project=project, new_status=target, actor=_actor(actor_type), metadata=_metadata_for(target)
            )
        assert (caught.value.status, caught.value.detail) == expected
        after = Project.objects.get(pk=project.pk)
        assert (after.status, after.status_changed_at, after.updated_at) == (
            before.status,
            before.status_changed_at,
            before.updated_at,
        )
        assert_audited("STATUS_CHANGE", count=0)
        return

    result = project_transition(
        project=project, new_status=target, actor=_actor(actor_type), metadata=_metadata_for(target)
    )
    assert result.changed is True
    assert Project.objects.get(pk=project.pk).status == target
    rows = audit_rows("STATUS_CHANGE", entity_id=project.pk)
    assert len(rows) == 1
    assert (rows[0].old_value, rows[0].new_value, rows[0].actor_type) == (
        {"status": current},
        {"status": target},
        actor_type,
    )


def test_client_is_never_allowed_to_change_a_status():
    assert all("CLIENT" not in actors for actors in ALLOWED.values())


@pytest.mark.django_db
def test_change_writes_timestamps_and_certification_fields():
    project = make_project("PENDING_EXPERT")
    add_photos(project)

    result = project_transition(
        project=project, new_status="CERTIFIED", actor=_actor("EXPERT"), metadata={"checklist": FULL_CHECKLIST}
    )

    project.refresh_from_db()
    assert project.status == "CERTIFIED"
    assert project.is_certified is True
    assert project.certified_at is not None
    assert project.status_changed_at == project.certified_at
    assert result.project.status == "CERTIFIED"

    add_facts_for(project, "ACTIVE")
    project_transition(project=project, new_status="ACTIVE", actor=_actor("SYSTEM_EMAIL"))
    certified_at = project.certified_at
    project.refresh_from_db()
    assert (project.status, project.is_certified, project.certified_at) == ("ACTIVE", True, certified_at)


@pytest.mark.django_db
def test_audit_row_carries_the_entry_point_metadata_and_actor_id():
    project = make_project("DRAFT")
    add_payment(project)
    actor = Actor(actor_type="ADMIN", actor_id="admin-sub", ip_address="10.0.0.1", user_agent="pytest")

    project_transition(project=project, new_status="PAID", actor=actor, metadata={"source": "admin"})

    [row] = assert_audited(
        "STATUS_CHANGE",
        entity_type="project",
        entity_id=project.pk,
        actor_id="admin-sub",
        metadata={"source": "admin"},
        exact=True,
    )
    assert (row.ip_address, row.user_agent) == ("10.0.0.1", "pytest")


@pytest.mark.django_db
def test_noop_skips_guards_and_actor_checks():
    project = make_project("PAID")  # no deposit fact at all

    result = project_transition(project=project, new_status="PAID", actor=_actor("CLIENT"))

    assert result.changed is False
    assert audit_rows() == []


@pytest.mark.django_db
def test_unknown_project_is_404():
    with pytest.raises(ApiError) as caught:
        project_transition(project="not-a-uuid", new_status="PAID", actor=_actor("ADMIN"))
    assert (caught.value.status, caught.value.detail) == (404, "Projektas nerastas")


# --- guards ------------------------------------------------------------------------------------------------------


def _refused(project, target, actor_type="ADMIN", metadata=None) -> tuple[int, str]:
    with pytest.raises(ApiError) as caught:
        project_transition(project=project, new_status=target, actor=_actor(actor_type), metadata=metadata)
    project.refresh_from_db()
    assert_audited("STATUS_CHANGE", count=0)
    return caught.value.status, caught.value.detail


@pytest.mark.django_db
class TestDepositGuard:
    def test_without_any_payment(self):
        project = make_project("DRAFT")
        assert _refused(project, "PAID") == (400, "Deposit payment not recorded")
        assert project.status == "DRAFT"

    @pytest.mark.parametrize(
        "payment",
        [
            {"payment_type": PaymentType.FINAL},
            {"status": PaymentStatus.VOIDED},
            {"payment_type": PaymentType.UNKNOWN, "provider": PaymentProvider.STRIPE},
        ],
        ids=["final-only", "voided-deposit", "unknown-type"],
    )
    def test_payments_that_are_not_a_deposit_fact(self, payment):
        project = make_project("DRAFT")
        add_payment(project, **payment)
        assert _refused(project, "PAID") == (400, "Deposit payment not recorded")

    @pytest.mark.parametrize(
        "payment",
        [
            {"provider": PaymentProvider.MANUAL},
            {"provider": PaymentProvider.STRIPE, "method": None},
            {"amount": "0.00", "method": PaymentMethod.WAIVED},
        ],
        ids=["manual", "stripe", "waiver"],
    )
    def test_deposit_facts(self, payment):
        project = make_project("DRAFT")
        add_payment(project, **payment)
        assert project_transition(project=project, new_status="PAID", actor=_actor("SUBCONTRACTOR")).changed


@pytest.mark.django_db
class TestCertificationGuard:
    @pytest.mark.parametrize("metadata", [None, {}, {"checklist": {}}, {"checklist": ["ground"]}, {"checklist": "x"}])
    def test_checklist_required(self, metadata):
        project = make_project("PENDING_EXPERT")
        add_photos(project)
        assert _refused(project, "CERTIFIED", "EXPERT", metadata) == (400, "Reikalingas kontrolinis sąrašas")

    @pytest.mark.parametrize(
        "checklist",
        [
            {"ground": True, "seed": True, "edges": True},
            {**FULL_CHECKLIST, "seed": False},
            {**FULL_CHECKLIST, "extra": False},
            {**FULL_CHECKLIST, "edges": "true"},
        ],
        ids=["missing-key", "false-value", "extra-false", "string-true"],
    )
    def test_every_item_confirmed(self, checklist):
        project = make_project("PENDING_EXPERT")
        add_photos(project)
        assert _refused(project, "CERTIFIED", "EXPERT", {"checklist": checklist}) == (
            400,
            "Visi kontrolinio sąrašo punktai turi būti patvirtinti",
        )

    def test_robot_items_required_when_the_project_has_a_robot(self):
        project = make_project("PENDING_EXPERT", has_robot=True)
        add_photos(project)
        assert _refused(project, "CERTIFIED", "EXPERT", {"checklist": FULL_CHECKLIST}) == (
            400,
            "Visi kontrolinio sąrašo punktai turi būti patvirtinti",
        )
        robot = {**FULL_CHECKLIST, "robot": True, "perimeter": True}
        assert project_transition(
            project=project, new_status="CERTIFIED", actor=_actor("EXPERT"), metadata={"checklist": robot}
        ).changed

    def test_three_certification_photos(self):
        project = make_project("PENDING_EXPERT")
        add_photos(project, 2)
        add_photos(project, 5, category="SITE_BEFORE")
        assert _refused(project, "CERTIFIED", "EXPERT", {"checklist": FULL_CHECKLIST}) == (
            400,
            "Reikia bent 3 sertifikavimo nuotraukų",
        )


@pytest.mark.django_db
class TestActivationGuard:
    def test_final_payment_required(self):
        project = make_project("CERTIFIED")
        add_confirmation(project, channel="admin", status="CONFIRMED")
        add_payment(project, PaymentType.FINAL, status=PaymentStatus.VOIDED)
        assert _refused(project, "ACTIVE", "SYSTEM_EMAIL") == (400, "Final payment not recorded")

    def test_confirmation_required(self):
        project = make_project("CERTIFIED")
        add_payment(project, PaymentType.FINAL)
        add_confirmation(project, "abc", expires_at=project.created_at)
        assert _refused(project, "ACTIVE", "SYSTEM_TWILIO") == (400, "Client confirmation not received")


# --- order of the checks (workflow.md §4: idempotency → matrix → actor → guards in table order) ---------------


@pytest.mark.django_db
class TestOrder:
    @pytest.mark.parametrize("target", list(ALLOWED))
    def test_actor_is_checked_before_the_guards(self, target):
        current = next(status for status, nxt in NEXT.items() if nxt == target)
        project = make_project(current)  # no payment, photo or confirmation: every guard would refuse
        assert _refused(project, target, "CLIENT") == (403, "Prieiga uždrausta")

    def test_matrix_is_checked_before_the_actor(self):
        project = make_project("DRAFT")
        assert _refused(project, "ACTIVE", "CLIENT") == (400, "Negalimas perejimas: DRAFT -> ACTIVE")

    @pytest.mark.parametrize(
        ("checklist", "detail"),
        [
            (None, "Reikalingas kontrolinis sąrašas"),
            ({"ground": True}, "Visi kontrolinio sąrašo punktai turi būti patvirtinti"),
        ],
    )
    def test_checklist_is_checked_before_the_photos(self, checklist, detail):
        project = make_project("PENDING_EXPERT")  # no photo at all
        metadata = None if checklist is None else {"checklist": checklist}
        assert _refused(project, "CERTIFIED", "EXPERT", metadata) == (400, detail)

    def test_final_payment_is_checked_before_the_confirmation(self):
        project = make_project("CERTIFIED")
        assert _refused(project, "ACTIVE", "ADMIN") == (400, "Final payment not recorded")

    def test_unknown_status_value_is_a_matrix_error(self):
        project = make_project("DRAFT")
        assert _refused(project, "DONE", "ADMIN") == (400, "Negalimas perejimas: DRAFT -> DONE")
