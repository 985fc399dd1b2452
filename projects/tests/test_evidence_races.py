"""Concurrent writes on PostgreSQL: the project / evidence row locks make each event happen exactly once."""

import threading

import pytest
from django.db import connection

from projects.evidence.services import evidence_approve_for_web, project_certify, project_marketing_consent_set
from projects.models import Evidence, Project, ProjectStatus
from projects.tests.factories import add_evidence
from vejapro.core.actors import Actor
from vejapro.core.http.errors import ApiError
from vejapro.core.tests.audit import assert_audited

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
CHECKLIST = {"ground": True, "seed": True, "edges": True, "cleanliness": True}


def run_concurrently(count: int, action) -> list:
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def worker(index: int) -> None:
        try:
            barrier.wait()
            results[index] = action()
        except ApiError as error:
            results[index] = (error.status, error.detail)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_two_experts_certifying_at_once_certify_once(make_owned_project, expert_user):
    project = make_owned_project(ProjectStatus.PENDING_EXPERT)
    for _ in range(3):
        add_evidence(project)
    actor = Actor.for_user(expert_user)

    results = run_concurrently(2, lambda: project_certify(project=project.pk, actor=actor, checklist=CHECKLIST))

    assert sum(isinstance(result, Project) for result in results) == 1
    assert (400, "Projektas dar neparuotas sertifikavimui") in results
    assert_audited("CERTIFY_PROJECT", count=1)
    assert_audited("STATUS_CHANGE", count=1)


def test_concurrent_consent_and_publish_writes_one_audit_each(make_owned_project, client_user, admin_user):
    project = make_owned_project(ProjectStatus.CERTIFIED)
    photo = add_evidence(project)
    client = Actor.for_user(client_user)

    run_concurrently(3, lambda: project_marketing_consent_set(project=project.pk, consent=True, actor=client))
    run_concurrently(
        3, lambda: evidence_approve_for_web(evidence=photo.pk, actor=Actor.for_user(admin_user), is_featured=True)
    )

    assert_audited("MARKETING_CONSENT_UPDATE", count=1)
    assert_audited("EVIDENCE_APPROVED_FOR_WEB", count=1)
    assert Evidence.objects.get().is_featured is True
