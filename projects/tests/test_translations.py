"""Model labels of projects and payments are complete in Lithuanian."""

import pytest
from django.utils import translation

from payments.models import Payment, PaymentMethod, PaymentStatus
from projects.models import EvidenceCategory, Project, ProjectStatus


@pytest.mark.parametrize(
    ("label", "lithuanian"),
    [
        (ProjectStatus.DRAFT.label, "Juodraštis"),
        (ProjectStatus.PENDING_EXPERT.label, "Laukia eksperto"),
        (ProjectStatus.ACTIVE.label, "Aktyvus"),
        (EvidenceCategory.WORK_IN_PROGRESS.label, "Darbų eiga"),
        (PaymentMethod.WAIVED.label, "Atidėtas įnašas"),
        (PaymentStatus.VOIDED.label, "Anuliuotas"),
        (Project._meta.verbose_name_plural, "projektai"),
        (Payment._meta.get_field("receipt_no").verbose_name, "kvito nr."),
    ],
)
def test_lithuanian_labels(label, lithuanian):
    with translation.override("lt"):
        assert str(label) == lithuanian
