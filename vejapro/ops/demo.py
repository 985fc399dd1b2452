"""Demo data for development and staging: fixed e-mails and ids, so a second run changes nothing."""

import datetime as dt
import io
import uuid
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from finance.models import LedgerEntry
from finance.services import ledger_entry_create, ledger_entry_reverse
from messaging.models import Appointment, CallRequest
from messaging.services import (
    appointment_create,
    appointment_hold,
    call_request_create,
    call_request_update,
    confirmation_admin_confirm,
)
from payments.services import payment_record_manual, payment_waive_deposit
from projects.estimate_demo import estimate_rules_demo_ensure
from projects.evidence.services import (
    evidence_approve_for_web,
    evidence_upload,
    project_certify,
    project_marketing_consent_set,
)
from projects.models import Evidence, Project
from projects.services import project_assign_contractor, project_assign_expert, project_create, project_transition
from vejapro.core.actors import Actor
from vejapro.core.models import Role, User
from vejapro.core.settings_helpers import local_mode, public_url

DEMO_PASSWORD = "VejaPRO-demo-2026"  # noqa: S105 - printed for local sign-in on purpose

DEMO_USERS = (
    (uuid.UUID("00000000-0000-4000-8000-000000000001"), "admin@demo.vejapro.lt", Role.ADMIN, "Aistė Administratorė"),
    (uuid.UUID("00000000-0000-4000-8000-000000000002"), "klientas@demo.vejapro.lt", Role.CLIENT, "Jonas Jonaitis"),
    (
        uuid.UUID("00000000-0000-4000-8000-000000000003"),
        "rangovas@demo.vejapro.lt",
        Role.SUBCONTRACTOR,
        "Petras Rangovas",
    ),
    (uuid.UUID("00000000-0000-4000-8000-000000000004"), "ekspertas@demo.vejapro.lt", Role.EXPERT, "Ona Agronomė"),
    (uuid.UUID("00000000-0000-4000-8000-000000000005"), "kitas@demo.vejapro.lt", Role.CLIENT, "Aušra Paulauskienė"),
)


@transaction.atomic
def demo_users_ensure() -> dict[str, User]:
    users = {}
    for user_id, email, role, full_name in DEMO_USERS:
        user = User.objects.filter(pk=user_id).first()
        if user is None:
            user = User.objects.create_user(
                email, id=user_id, role=role, full_name=full_name, is_staff=role == Role.ADMIN
            )
        if local_mode() and not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        users.setdefault(role, user)
    return users


# --- Projects in every status, with payments ---------------------------------------------------------------------
# Written through the project and payment services (actor: the demo admin), so the audit log reads like real use.

STATUS_ORDER = ("DRAFT", "PAID", "SCHEDULED", "PENDING_EXPERT", "CERTIFIED", "ACTIVE")
DEMO_CHECKLIST = {"ground": True, "seed": True, "edges": True, "cleanliness": True}
DEMO_ROBOT_CHECKLIST = {**DEMO_CHECKLIST, "robot": True, "perimeter": True}


# Ids derived from the title: fixed, so a second run finds the same rows, and each with its own short id (the first
# 8 hex characters every screen shows; a test keeps them distinct).
DEMO_PROJECT_NAMESPACE = uuid.UUID("5b0c8f1e-3a57-4d0e-9c61-7f2e4a9d8b13")


@dataclass(frozen=True)
class DemoClient:
    """The customer a demo project is for; ``owner`` is the demo login that sees it in the client portal."""

    name: str
    email: str
    phone: str
    owner: str | None = None


@dataclass(frozen=True)
class DemoProject:
    number: int
    status: str
    title: str
    address: str
    area_m2: str
    client: DemoClient
    has_robot: bool = False
    waived: bool = False
    final_payment: bool = False

    @property
    def id(self) -> uuid.UUID:
        return uuid.uuid5(DEMO_PROJECT_NAMESPACE, self.title)


DEMO_PROJECTS = (
    DemoProject(1, "DRAFT", "Vejos įrengimas sodyboje", "Vilniaus raj., Pikeliškės", "450",
                DemoClient("Gintarė Petrauskienė", "gintare.petrauskiene@demo.vejapro.lt", "+37061234501")),
    DemoProject(2, "DRAFT", "Patikimo kliento veja (įnašas atidėtas)", "Kauno raj., Garliava", "300",
                DemoClient("Mindaugas Kazlauskas", "mindaugas.kazlauskas@demo.vejapro.lt", "+37062234502"),
                waived=True),
    DemoProject(3, "PAID", "Ritininė veja prie namo", "Vilnius, Pilaitė", "180",
                DemoClient("Laura Stankevičienė", "laura.stankeviciene@demo.vejapro.lt", "+37063234503")),
    DemoProject(4, "SCHEDULED", "Veja ir robotas vejapjovė", "Trakų raj., Lentvaris", "620",
                DemoClient("Tomas Vasiliauskas", "tomas.vasiliauskas@demo.vejapro.lt", "+37064234504"),
                has_robot=True),
    DemoProject(5, "PENDING_EXPERT", "Hidrosėja kieme", "Vilniaus raj., Avižieniai", "520",
                DemoClient("Rūta Žukauskaitė", "ruta.zukauskaite@demo.vejapro.lt", "+37065234505")),
    DemoProject(6, "CERTIFIED", "Sertifikuota veja, laukia patvirtinimo", "Klaipėda, Giruliai", "260",
                DemoClient("Jonas Jonaitis", "klientas@demo.vejapro.lt", "+37066234506",
                           owner="klientas@demo.vejapro.lt"),
                final_payment=True),
    DemoProject(7, "ACTIVE", "Užbaigtas projektas su robotu", "Vilnius, Santariškės", "800",
                DemoClient("Aušra Paulauskienė", "kitas@demo.vejapro.lt", "+37067234507",
                           owner="kitas@demo.vejapro.lt"),
                has_robot=True, final_payment=True),
)  # fmt: skip


def _demo_client_info(demo: DemoProject) -> dict:
    owner = User.objects.filter(email=demo.client.owner).first() if demo.client.owner else None
    return {
        **({"client_id": str(owner.pk)} if owner else {}),
        "name": demo.client.name,
        "email": demo.client.email,
        "phone": demo.client.phone,
        "address": demo.address,
        "title": demo.title,
    }


DEMO_PHOTO_COLOURS = {
    "SITE_BEFORE": (139, 115, 85),
    "WORK_IN_PROGRESS": (120, 150, 80),
    "EXPERT_CERTIFICATION": (46, 139, 60),
}


def _demo_image(*, colour: tuple[int, int, int], number: int) -> bytes:
    """A small JPEG made on the fly: a lawn-coloured field with a stripe, so each photo looks different."""

    image = Image.new("RGB", (640, 480), colour)
    stripe = tuple(min(channel + 40, 255) for channel in colour)
    ImageDraw.Draw(image).rectangle((0, 60 * number, 640, 60 * number + 40), fill=stripe)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return buffer.getvalue()


def demo_photos_ensure(*, project, actor: Actor) -> None:
    """Before-work, work-in-progress and three certification photos, generated and stored through the storage
    adapter by the same upload service the API uses (security-ops.md §10.9). Only missing categories are added."""

    wanted = {"SITE_BEFORE": 1, "WORK_IN_PROGRESS": 1, "EXPERT_CERTIFICATION": 3}
    for category, count in wanted.items():
        present = Evidence.objects.filter(project_id=project.pk, category=category).count()
        for number in range(present + 1, count + 1):
            data = _demo_image(colour=DEMO_PHOTO_COLOURS[category], number=number)
            upload = SimpleUploadedFile(f"demo-{category.lower()}-{number}.jpg", data, content_type="image/jpeg")
            evidence_upload(project=project, category=category, upload=upload, actor=actor)


def _demo_project_ensure(demo: DemoProject, users: dict[str, User]) -> None:

    admin = Actor.for_user(users[Role.ADMIN])
    project = Project.objects.filter(pk=demo.id).first()
    if project is None:
        project = project_create(
            project_id=demo.id,
            client_info=_demo_client_info(demo),
            area_m2=Decimal(demo.area_m2),
            has_robot=demo.has_robot,
            total_price_client=Decimal(demo.area_m2) * Decimal("6.50"),
            actor=admin,
            source="admin",
        )
    project_assign_contractor(project_id=project.pk, user_id=str(users[Role.SUBCONTRACTOR].pk), actor=admin)
    if STATUS_ORDER.index(demo.status) >= STATUS_ORDER.index("SCHEDULED"):
        project_assign_expert(project_id=project.pk, user_id=str(users[Role.EXPERT].pk), actor=admin)

    target = STATUS_ORDER.index(demo.status)
    if demo.waived:
        payment_waive_deposit(project_id=project.pk, provider_event_id=f"DEMO-{demo.number}-WAIVER", actor=admin,
                              notes="Patikimas klientas", source="admin")  # fmt: skip
    elif target >= STATUS_ORDER.index("PAID"):
        payment_record_manual(
            project_id=project.pk,
            payment_type="DEPOSIT",
            amount=Decimal("150.00"),
            payment_method="BANK_TRANSFER",
            provider_event_id=f"DEMO-{demo.number}-DEPOSIT",
            receipt_no=f"DEMO-{demo.number}-A",
            # Spread over the last months, so «Finansai» has income in more than one period.
            received_at=timezone.now() - dt.timedelta(days=15 * demo.number),
            actor=admin,
            source="admin",
        )
    project.refresh_from_db()
    for status in STATUS_ORDER[STATUS_ORDER.index(project.status) + 1 : target + 1]:
        if status == "CERTIFIED":
            expert = Actor.for_user(users[Role.EXPERT])
            demo_photos_ensure(project=project, actor=admin)
            checklist = DEMO_ROBOT_CHECKLIST if demo.has_robot else DEMO_CHECKLIST
            project = project_certify(project=project, actor=expert, checklist=checklist, notes="Demo sertifikavimas")
            continue
        if status == "ACTIVE":
            _demo_final_payment(demo, project, admin)
            project = confirmation_admin_confirm(project_id=project.pk, reason="Demo: klientas patvirtino", actor=admin)
            continue
        project = project_transition(
            project=project, new_status=status, actor=admin, metadata={"source": "admin"}
        ).project
    if demo.final_payment:
        _demo_final_payment(demo, project, admin)


def _demo_final_payment(demo: DemoProject, project, admin: Actor) -> None:

    payment_record_manual(
        project_id=project.pk,
        payment_type="FINAL",
        amount=Decimal(demo.area_m2) * Decimal("6.50") - Decimal("150.00"),
        payment_method="CASH",
        provider_event_id=f"DEMO-{demo.number}-FINAL",
        receipt_no=f"DEMO-{demo.number}-B",
        received_at=timezone.now() - dt.timedelta(days=5 * demo.number),
        actor=admin,
        source="admin",
    )


@transaction.atomic
def demo_projects_ensure(users: dict[str, User]) -> int:
    for demo in DEMO_PROJECTS:
        _demo_project_ensure(demo, users)
    return len(DEMO_PROJECTS)


# --- Costs over the last few months, so «Finansai» shows a real picture ----------------------------------------
# (number, days ago, project number or None for overhead, entry type, category, amount, method, description)
DEMO_COSTS = (
    (1, 100, None, "EXPENSE", "INSURANCE", "420.00", "BANK_TRANSFER", "Civilinės atsakomybės draudimas"),
    (2, 95, 7, "EXPENSE", "MATERIALS", "960.00", "BANK_TRANSFER", "Sėklos ir trąšos"),
    (3, 90, None, "TAX", "TAXES", "310.00", "BANK_TRANSFER", "VSD įmokos"),
    (4, 80, 7, "EXPENSE", "SUBCONTRACTOR", "700.00", "BANK_TRANSFER", "Roboto montavimas"),
    (5, 62, None, "EXPENSE", "TOOLS", "185.40", "CARD", "Trimeris"),
    (6, 60, 6, "EXPENSE", "MATERIALS", "540.00", "CARD", "Ritininė veja"),
    (7, 55, None, "EXPENSE", "FUEL", "86.70", "CARD", "Degalai VW"),
    (8, 40, None, "TAX", "TAXES", "295.00", "BANK_TRANSFER", "VSD įmokos"),
    (9, 33, 5, "EXPENSE", "FUEL", "64.20", "CASH", "Degalai į Avižienius"),
    (10, 25, None, "EXPENSE", "REPAIR", "230.00", "CASH", "Vejapjovės remontas"),
    (11, 12, 4, "EXPENSE", "MATERIALS", "410.00", "BANK_TRANSFER", "Dirvožemis"),
    (12, 6, None, "EXPENSE", "FUEL", "72.15", "CARD", "Degalai VW"),
    (13, 2, None, "EXPENSE", "OTHER", "45.00", "CASH", "Kita"),
)
DEMO_REVERSED_COST = 5  # a tool bought twice by mistake: corrected by a reversal


def _demo_cost_id(number: int) -> uuid.UUID:
    return uuid.UUID(f"00000000-0000-4000-8000-0000000003{number:02d}")


@transaction.atomic
def demo_costs_ensure(users: dict[str, User]) -> int:
    """Ledger entries through the finance services; entries that exist are left alone (their dates are relative
    to the first run)."""
    admin = Actor.for_user(users[Role.ADMIN])
    now = timezone.now()
    for number, days_ago, project_number, entry_type, category, amount, method, description in DEMO_COSTS:
        if LedgerEntry.objects.filter(pk=_demo_cost_id(number)).exists():
            continue
        project_id = next((d.id for d in DEMO_PROJECTS if d.number == project_number), None)
        ledger_entry_create(
            actor=admin,
            project_id=project_id,
            entry_type=entry_type,
            category=category,
            amount=Decimal(amount),
            payment_method=method,
            description=description,
            occurred_at=now - dt.timedelta(days=days_ago),
            entry_id=_demo_cost_id(number),
        )
    if not LedgerEntry.objects.filter(reverses_entry_id=_demo_cost_id(DEMO_REVERSED_COST)).exists():
        ledger_entry_reverse(
            actor=admin, entry_id=_demo_cost_id(DEMO_REVERSED_COST), reason="Dublikatas: trimeris įrašytas du kartus"
        )
    return len(DEMO_COSTS)


# --- Leads and visits (issue 10) ------------------------------------------------------------------------------
# Leads in every status from every channel, this week's visits of the scheduled projects and one hold waiting for the
# admin, written through the messaging services; each is found again by its demo e-mail or project.

DEMO_LEADS = (
    (
        "Rūta Naujokė",
        "+37060000101",
        "ruta@demo.vejapro.lt",
        "public",
        "NEW",
        "Miestas: Vilnius; Paslauga: Vejos įrengimas",
    ),
    ("Skambutis", "+37060000102", "skambutis@demo.vejapro.lt", "voice", "NEW", None),
    ("Pokalbis", "+37060000103", "pokalbis@demo.vejapro.lt", "chat", "CONTACTED", None),
    ("Laura Laiškaitė", "", "laura@demo.vejapro.lt", "email", "SCHEDULED", None),
    ("Tomas Uždarytas", "+37060000105", "tomas@demo.vejapro.lt", "public", "CLOSED", "Persigalvojo"),
)
DEMO_HOLD_LEAD = "ruta@demo.vejapro.lt"
DEMO_VISIT_STATUSES = ("SCHEDULED", "PENDING_EXPERT")


def _this_week_at(day_offset: int, hour: int):
    """A weekday of the current week (Monday + ``day_offset``) at ``hour`` Vilnius time."""
    today = timezone.localdate()
    day = today - timedelta(days=today.weekday()) + timedelta(days=day_offset)
    return timezone.make_aware(datetime.combine(day, time(hour)))


@transaction.atomic
def demo_leads_ensure(users: dict[str, User]) -> tuple[int, int]:
    """Returns (leads, visits) of the demo."""
    admin = Actor.for_user(users[Role.ADMIN])
    for name, phone, email, source, status, notes in DEMO_LEADS:
        lead = CallRequest.objects.filter(email=email).first()
        if lead is None:
            lead = call_request_create(name=name, phone=phone, email=email, notes=notes, source=source, actor=admin)
        call_request_update(call_request_id=lead.pk, actor=admin, changes={"status": status})
    resource = users[Role.SUBCONTRACTOR]
    visits = 0
    for offset, project in enumerate(Project.objects.filter(status__in=DEMO_VISIT_STATUSES).order_by("created_at")):
        if not Appointment.objects.filter(project=project).exists():
            starts_at = _this_week_at(offset, 10)
            appointment_create(
                actor=admin, project_id=project.pk, resource=resource, starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=3), notes="Demo vizitas",
            )  # fmt: skip
        visits += 1
    lead = CallRequest.objects.get(email=DEMO_HOLD_LEAD)
    if not Appointment.objects.filter(call_request=lead).exists():
        starts_at = _this_week_at(5, 10)
        appointment_hold(
            actor=admin, resource=resource, starts_at=starts_at, ends_at=starts_at + timedelta(hours=1),
            channel="CHAT", conversation_id="DEMO-CHAT-1", call_request=lead,
            hold_minutes=settings.EMAIL_HOLD_DURATION_MINUTES,
        )  # fmt: skip
    return len(DEMO_LEADS), visits + 1


def demo_data_load() -> list[str]:

    users = demo_users_ensure()
    projects = demo_projects_ensure(users)
    costs = demo_costs_ensure(users)

    leads, visits = demo_leads_ensure(users)
    rules = estimate_rules_demo_ensure()
    gallery = demo_gallery_ensure(users)
    lines = [
        "Demo data ready.",
        f"Projects: {projects} (every status, with payments)",
        f"Ledger entries: {costs} costs over the last months, one corrected (back office «Finansai»)",
        f"Leads: {leads} (every status and channel); visits this week: {visits} (one hold waiting)",
        f"Price rules created: {rules} (sample prices, flagged «Pavyzdinė kaina» in the back office)",
        f"Gallery photos published: {gallery}",
        "",
    ]
    if local_mode():
        lines.append(f"Password for every demo user: {DEMO_PASSWORD}")
        for _user_id, email, role, _name in DEMO_USERS:
            lines.append(f"  {role:<14} {email}")
        lines += ["", f"Back office: {public_url('/admin/')}", *demo_portal_lines()]
    return lines


# --- Portals (issue 9): the public gallery and where each demo person signs in ---------------------------------

DEMO_GALLERY_PROJECT = 7
DEMO_GALLERY_LOCATION = "Vilniaus raj."


@transaction.atomic
def demo_gallery_ensure(users: dict[str, User]) -> int:
    """The finished demo project, with the client's consent, shows its before photo and one certification photo in
    the gallery (featured), so the landing and ``/gallery`` have something to show. Returns the published count."""
    demo = next(d for d in DEMO_PROJECTS if d.number == DEMO_GALLERY_PROJECT)
    client = Actor.for_user(users[Role.CLIENT])
    expert = Actor.for_user(users[Role.EXPERT])
    project = project_marketing_consent_set(project=demo.id, consent=True, actor=client)
    photos = Evidence.objects.filter(project_id=project.pk).order_by("uploaded_at", "id")
    chosen = [p for p in photos if p.category == "SITE_BEFORE"][:1] + [
        p for p in photos if p.category == "EXPERT_CERTIFICATION"
    ][:1]
    for photo in chosen:
        evidence_approve_for_web(
            evidence=photo,
            actor=expert,
            location_tag=DEMO_GALLERY_LOCATION,
            is_featured=photo.category == "EXPERT_CERTIFICATION",
        )
    return len(chosen)


def demo_portal_lines() -> list[str]:
    return [
        f"Sign-in for the portals: {public_url('/login')}",
        f"  CLIENT         {public_url('/client/')} (projects in every status; one waits for the acceptance)",
        f"  SUBCONTRACTOR  {public_url('/contractor/')}",
        f"  EXPERT         {public_url('/expert/')} (one project waits for the certification)",
        f"Public pages: {public_url('/')} and {public_url('/gallery')} (with ENABLE_MARKETING_MODULE=true)",
    ]
