"""The certification checklist items exactly as the expert portal, the admin and the certificate show them
(workflow.md §9.1). The transition guard (``projects.services``) requires ``checklist_required_keys``."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    label: Promise
    guidance: Promise
    robot_only: bool = False


CHECKLIST_ITEMS: tuple[ChecklistItem, ...] = (
    ChecklistItem(
        "ground",
        _("Ground evenness (no holes > 2cm)"),
        _("No holes deeper than 2 cm, no bumps higher than 3 cm, slope at most 25°."),
    ),
    ChecklistItem(
        "seed",
        # xgettext:no-python-format
        _("Even sowing (≥80% of the area)"),
        _("Grass density at least 80 %, no bare patches larger than 0.5 m²."),
    ),
    ChecklistItem(
        "edges",
        _("Edge finishing"),
        _("Edges and the perimeter zone are finished (photo mandatory)."),
    ),
    ChecklistItem(
        "robot",
        _("Robot base stability"),
        _("The robot base is level and fixed."),
        robot_only=True,
    ),
    ChecklistItem(
        "perimeter",
        _("Perimeter cable integrity"),
        _("Cable 5 to 10 cm from the edge, pegged every 75 cm, signal above 80 %."),
        robot_only=True,
    ),
    ChecklistItem(
        "cleanliness",
        _("Site cleanliness"),
        _("Construction waste removed."),
    ),
)
CHECKLIST_KEYS = tuple(item.key for item in CHECKLIST_ITEMS)


def checklist_items_for(*, has_robot: bool) -> tuple[ChecklistItem, ...]:
    """The items shown for one project: the robot items only when it has a robot mower."""
    return tuple(item for item in CHECKLIST_ITEMS if has_robot or not item.robot_only)


def checklist_required_keys(*, has_robot: bool) -> tuple[str, ...]:
    """The keys that must be present and ``true`` to certify: items 4-5 only with a robot mower."""
    return tuple(item.key for item in checklist_items_for(has_robot=has_robot))


def checklist_confirmed_labels(checklist: dict | None) -> list[str]:
    """Labels of the ticked (``true``) items in checklist order; unknown keys are ignored."""
    checklist = checklist if isinstance(checklist, dict) else {}
    return [str(item.label) for item in CHECKLIST_ITEMS if checklist.get(item.key) is True]


def checklist_failed_items(*, has_robot: bool, checklist: dict | None) -> list[str]:
    """The required keys not ticked when the expert presses «Atmesti» (workflow.md §9.3)."""
    checklist = checklist if isinstance(checklist, dict) else {}
    return [item.key for item in checklist_items_for(has_robot=has_robot) if checklist.get(item.key) is not True]
