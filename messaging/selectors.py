"""Messaging reads: confirmation look-ups, the admin resend and retry limits, and the back office's lists. The
confirmation and outbox facts are in ``messaging.facts``."""

import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from messaging.models import (
    ADMIN_CONFIRMED_TOKEN_HASH,
    LIVE_APPOINTMENT_STATUSES,
    Appointment,
    AppointmentStatus,
    CallRequest,
    CallRequestStatus,
    ClientConfirmation,
    ConfirmationChannel,
    ConfirmationStatus,
    NotificationOutbox,
    OutboxStatus,
)
from projects.models import Project, ProjectStatus
from vejapro.core.audit.actions import AuditAction
from vejapro.core.http.errors import BadRequest, NotFound
from vejapro.core.http.pagination import decode_time_id_cursor, encode_cursor, page
from vejapro.core.models import AuditLog, Role, User
from vejapro.core.redaction import sha256_hex

ADMIN_LIMIT_WINDOW = timedelta(hours=24)
ADMIN_RESEND_LIMIT = 3
ADMIN_RETRY_LIMIT = 3


# The alphabet of every credential a confirmation was issued with (messaging.md §2.2): ``token_urlsafe`` e-mail
# tokens (``A-Z a-z 0-9 - _``, upper-cased when issued) and SMS codes (a subset). Far longer than any token, so a
# legacy row is never cut off, and short enough that nothing else is hashed.
TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")


def confirmation_find_by_token(*, token: str) -> ClientConfirmation | None:
    """The row of a presented token, or None when it is unknown (messaging.md §2.2).

    A value that is not exactly a token is unknown: nothing is trimmed or removed, so a link whose path carries the
    token with whitespace or any character outside the token alphabet around or inside it never confirms. Case does
    not matter (tokens are issued and hashed upper-cased); legacy rows are also found by the value as presented.
    The SMS reply ``TAIP <KODAS>`` is parsed before this (``sms_reply_code``) and passes its code exactly."""
    presented = token if isinstance(token, str) else ""
    if not TOKEN_RE.fullmatch(presented):
        return None
    normalized = presented.upper()
    rows = ClientConfirmation.objects.exclude(channel=ConfirmationChannel.ADMIN)
    found = rows.filter(token_hash=sha256_hex(normalized)).first()
    if found is None and presented != normalized:
        found = rows.filter(token_hash=sha256_hex(presented)).first()
    if found is not None and found.token_hash == ADMIN_CONFIRMED_TOKEN_HASH:
        return None
    return found


@dataclass(frozen=True)
class LimitState:
    remaining: int
    reset_at: datetime | None

    def as_json(self) -> dict:
        return {"remaining": self.remaining, "reset_at": self.reset_at.isoformat() if self.reset_at else None}


def _admin_action_times(*, entity_type: str, entity_ids: list, actions: list[AuditAction], now) -> dict:
    """Times of the given admin actions per (entity, action) in the rolling 24 h window, oldest first (one query).
    The window and the limits are the one rule of security-ops.md §7 for resends and retries."""
    times: dict = {}
    rows = AuditLog.objects.filter(
        entity_type=entity_type,
        entity_id__in=entity_ids,
        action__in=actions,
        timestamp__gt=now - ADMIN_LIMIT_WINDOW,
    ).order_by("timestamp")
    for entity_id, action, timestamp in rows.values_list("entity_id", "action", "timestamp"):
        times.setdefault((entity_id, action), []).append(timestamp)
    return times


def _limit_state(times: list, limit: int) -> LimitState:
    return LimitState(remaining=max(0, limit - len(times)), reset_at=times[0] + ADMIN_LIMIT_WINDOW if times else None)


def _limit_states(*, entity_type: str, entity_ids: list, action: AuditAction, limit: int, now=None) -> dict:
    """Remaining admin actions per entity in the rolling 24 h window, counted from audit rows (one query)."""
    times = _admin_action_times(
        entity_type=entity_type, entity_ids=entity_ids, actions=[action], now=now or timezone.now()
    )
    return {entity_id: _limit_state(times.get((entity_id, action), []), limit) for entity_id in entity_ids}


def admin_limit_state(*, entity_type: str, entity_id, action: AuditAction, limit: int, now=None) -> LimitState:
    """Remaining admin actions in the rolling 24 h window (security-ops.md §7: resend and retry limits)."""
    key = uuid.UUID(str(entity_id))
    return _limit_states(entity_type=entity_type, entity_ids=[key], action=action, limit=limit, now=now)[key]


RESEND_ACTION_BY_CHANNEL = {
    ConfirmationChannel.EMAIL: AuditAction.ADMIN_CONFIRMATION_RESEND_EMAIL,
    ConfirmationChannel.SMS: AuditAction.ADMIN_CONFIRMATION_RESEND_SMS,
}


def resend_action(channel: str) -> AuditAction:
    return RESEND_ACTION_BY_CHANNEL[channel]


def confirmation_resend_state(*, project_id, channel: str) -> LimitState:
    if channel not in RESEND_ACTION_BY_CHANNEL:
        # WhatsApp pings and admin overrides are never resent, so nothing has used their allowance.
        return LimitState(remaining=ADMIN_RESEND_LIMIT, reset_at=None)
    return admin_limit_state(
        entity_type="project", entity_id=project_id, action=resend_action(channel), limit=ADMIN_RESEND_LIMIT
    )


def notification_retry_state(*, notification_id) -> LimitState:
    return admin_limit_state(
        entity_type="notification_outbox",
        entity_id=notification_id,
        action=AuditAction.ADMIN_NOTIFICATION_RETRY,
        limit=ADMIN_RETRY_LIMIT,
    )


def project_confirmations_list(*, project: Project) -> list[dict]:
    """Confirmations of a project, newest first, with the resend allowance of their channel (api.md §9.4)."""
    states: dict[str, LimitState] = {}
    items = []
    for row in ClientConfirmation.objects.filter(project=project).order_by("-created_at", "-id"):
        if row.channel not in states:
            states[row.channel] = confirmation_resend_state(project_id=project.pk, channel=row.channel)
        state = states[row.channel]
        items.append(
            {
                "id": str(row.pk),
                "channel": row.channel,
                "status": row.status,
                "attempts": row.attempts,
                "created_at": row.created_at,
                "expires_at": row.expires_at,
                "confirmed_at": row.confirmed_at,
                "can_resend": state.remaining > 0
                and row.status != ConfirmationStatus.CONFIRMED
                and project.status == ProjectStatus.CERTIFIED,
                "resends_remaining": state.remaining,
                "reset_at": state.reset_at,
            }
        )
    return items


def project_notifications_list(*, project: Project) -> list[dict]:
    """Outbox rows of a project, newest first; the payload is never returned (api.md §10.1)."""
    items = []
    rows = list(
        NotificationOutbox.objects.filter(entity_type="project", entity_id=project.pk).order_by("-created_at", "-id")
    )
    states = _limit_states(
        entity_type="notification_outbox",
        entity_ids=[row.pk for row in rows],
        action=AuditAction.ADMIN_NOTIFICATION_RETRY,
        limit=ADMIN_RETRY_LIMIT,
    )
    for row in rows:
        state = states[row.pk]
        items.append(
            {
                "id": str(row.pk),
                "channel": row.channel,
                "template_key": row.template_key,
                "status": row.status,
                "attempt_count": row.attempt_count,
                "last_error": row.last_error,
                "sent_at": row.sent_at,
                "created_at": row.created_at,
                "can_retry": row.status == OutboxStatus.FAILED and state.remaining > 0,
                "retries_remaining": state.remaining,
                "reset_at": state.reset_at,
            }
        )
    return items


# --- Back office reads ---


def outbox_failed_count() -> int:
    return NotificationOutbox.objects.filter(status=OutboxStatus.FAILED).count()


def confirmations_for_projects(*, project_ids: list) -> list[ClientConfirmation]:
    return list(ClientConfirmation.objects.filter(project_id__in=project_ids).order_by("-created_at", "-id"))


def outbox_for_entities(*, entity_type: str, entity_ids: list) -> list[NotificationOutbox]:
    """Outbox rows of these entities, newest first; the payload column is never loaded."""
    return list(
        NotificationOutbox.objects.filter(entity_type=entity_type, entity_id__in=entity_ids)
        .defer("payload_json")
        .order_by("-created_at", "-id")
    )


def confirmation_requested_after(*, project_id, moment) -> bool:
    """Whether a client confirmation (e-mail or SMS) was created for the project at or after ``moment``."""
    return (
        ClientConfirmation.objects.filter(project_id=project_id, created_at__gte=moment)
        .exclude(channel=ConfirmationChannel.ADMIN)
        .exists()
    )


def outbox_retries_remaining(*, notification_ids: list) -> dict:
    """«Kartoti (N)» for many outbox rows in one query (api.md §10.2)."""
    states = _limit_states(
        entity_type="notification_outbox",
        entity_ids=notification_ids,
        action=AuditAction.ADMIN_NOTIFICATION_RETRY,
        limit=ADMIN_RETRY_LIMIT,
    )
    return {key: state.remaining for key, state in states.items()}


RESEND_CHANNELS = ("email", "sms")


def confirmation_resends_remaining(*, project_id) -> dict[str, int]:
    """Resends left per channel for the project, in one query (api.md §9.4: 3 per channel per 24 h)."""
    key = uuid.UUID(str(project_id))
    actions = {channel: resend_action(channel) for channel in RESEND_CHANNELS}
    times = _admin_action_times(
        entity_type="project", entity_ids=[key], actions=list(actions.values()), now=timezone.now()
    )
    return {
        channel: _limit_state(times.get((key, action), []), ADMIN_RESEND_LIMIT).remaining
        for channel, action in actions.items()
    }


# --- Call requests (api.md §11.2, ui.md §3.2, §3.4, §3.5, §3.13) ------------------------------------------------

CALL_REQUEST_SEARCH_LIMIT = 50


def call_request_key(call_request_id: Any) -> uuid.UUID | None:
    """The lead's UUID, or None for an id that is not one (a 404, never a 500)."""
    if isinstance(call_request_id, uuid.UUID):
        return call_request_id
    try:
        return uuid.UUID(str(call_request_id))
    except (ValueError, TypeError, AttributeError):
        return None


def call_request_list(
    *, limit: int, cursor: str | None = None, status: str | None = None, source: str | None = None
) -> dict:
    """``{"items": [CallRequest], "next_cursor", "has_more", "new_count"}`` in ``created_at DESC, id DESC`` order."""
    queryset = CallRequest.objects.all()
    if status:
        queryset = queryset.filter(status=status)
    if source:
        queryset = queryset.filter(source=source)
    if cursor:
        moment, key = decode_time_id_cursor(cursor)
        queryset = queryset.filter(Q(created_at__lt=moment) | Q(created_at=moment, id__lt=key))
    rows = list(queryset.order_by("-created_at", "-id")[: limit + 1])
    result = page(rows, limit, lambda row: encode_cursor(row.created_at, row.id))
    return {**result, "new_count": call_request_new_count()}


def call_request_new_count() -> int:
    return CallRequest.objects.filter(status=CallRequestStatus.NEW).count()


def call_requests_for_contacts(*, emails: list[str], phones: list[str]) -> list[CallRequest]:
    """The leads sharing an e-mail (case-insensitive) or a phone with a customer, newest first («Skambučiai ir
    laiškai» of the customer profile)."""
    condition = Q(pk__in=[])
    lowered = sorted({email.strip().lower() for email in emails if email and email.strip()})
    if lowered:
        condition |= Q(email_lower__in=lowered)
    numbers = sorted({phone for phone in phones if phone and phone != "unknown"})
    if numbers:
        condition |= Q(phone__in=numbers)
    return list(
        CallRequest.objects.annotate(email_lower=Lower("email")).filter(condition).order_by("-created_at", "-id")
    )


def call_request_search(*, text: str, limit: int = CALL_REQUEST_SEARCH_LIMIT) -> list[CallRequest]:
    """Leads whose id starts with ``text`` or whose name, e-mail or phone contains it (api.md §15.5)."""
    condition = Q(name__icontains=text) | Q(email__icontains=text) | Q(phone__icontains=text)
    compact = text.strip().lower().replace("-", "")
    if re.fullmatch(r"[0-9a-f]{1,32}", compact):
        # UUIDs are ordered by their hex digits on both databases, so a prefix is a range.
        low, high = uuid.UUID(compact.ljust(32, "0")), uuid.UUID(compact.ljust(32, "f"))
        condition |= Q(pk__gte=low, pk__lte=high)
    return list(CallRequest.objects.filter(condition).order_by("-created_at", "-id")[:limit])


# --- Appointments, resources and slots (messaging.md §8.2-§8.3, api.md §11.5-§11.6) ---------------------------

APPOINTMENT_NOT_FOUND_TEXT = "Vizitas nerastas"
NO_RESOURCE_TEXT = "Nėra darbuotojo planavimui"
FROM_AFTER_TO_TEXT = "from_ts must be <= to_ts"
SCHEDULE_ROLES = (Role.ADMIN, Role.SUBCONTRACTOR)
SUNDAY = 6


def appointment_key(appointment_id: Any) -> uuid.UUID | None:
    return call_request_key(appointment_id)


def appointment_overlaps(*, resource_id: Any, starts_at: datetime, ends_at: datetime, exclude_id: Any = None) -> bool:
    """Whether a HELD or CONFIRMED visit of the worker intersects ``[starts_at, ends_at)`` (data-model.md §4.4);
    an expired hold still blocks until the expiry job cancels it."""
    rows = Appointment.objects.filter(
        resource_id=resource_id,
        status__in=LIVE_APPOINTMENT_STATUSES,
        starts_at__lt=ends_at,
        ends_at__gt=starts_at,
    )
    if exclude_id is not None:
        rows = rows.exclude(pk=exclude_id)
    return rows.exists()


def _schedulable(user: User | None) -> bool:
    return user is not None and user.is_active and user.role in SCHEDULE_ROLES


def schedule_resource_find(*, caller: User | None = None) -> User:
    """Whose calendar is booked (messaging.md §8.3, api.md §11.7): the calling worker, ``SCHEDULE_DEFAULT_RESOURCE_ID``
    when it names an active user, else the oldest active ADMIN or SUBCONTRACTOR; none → 400."""
    if _schedulable(caller):
        return caller
    configured = call_request_key(settings.SCHEDULE_DEFAULT_RESOURCE_ID)
    if configured is not None:
        user = User.objects.filter(pk=configured, is_active=True).first()
        if user is not None:
            return user
    oldest = User.objects.filter(is_active=True, role__in=SCHEDULE_ROLES).order_by("created_at", "id").first()
    if oldest is None:
        raise BadRequest(NO_RESOURCE_TEXT)
    return oldest


def slot_find(
    *,
    resource: User,
    first_day: date,
    days: int,
    start_times: list[time],
    duration: timedelta,
    earliest: datetime,
    exclude_starts: frozenset[datetime] = frozenset(),
) -> tuple[datetime, datetime] | None:
    """The first free slot (messaging.md §8.3): candidate starts are Europe/Vilnius wall-clock times, day by day from
    ``first_day`` for ``days`` days, Sundays skipped, each made aware in its own day's offset (so a daylight-saving
    change moves nothing), not before ``earliest``, not in ``exclude_starts`` and not overlapping a live visit."""
    zone = ZoneInfo(settings.TIME_ZONE)
    last_day = first_day + timedelta(days=days)
    busy = list(
        Appointment.objects.filter(
            resource=resource,
            status__in=LIVE_APPOINTMENT_STATUSES,
            ends_at__gt=datetime.combine(first_day, time.min, tzinfo=zone),
            starts_at__lt=datetime.combine(last_day, time.max, tzinfo=zone),
        ).values_list("starts_at", "ends_at")
    )
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        if day.weekday() == SUNDAY:
            continue
        for start_time in start_times:
            start = datetime.combine(day, start_time, tzinfo=zone)
            end = start + duration
            if start < earliest or start in exclude_starts:
                continue
            if any(start < busy_end and end > busy_start for busy_start, busy_end in busy):
                continue
            return start, end
    return None


def appointment_list(
    *,
    limit: int,
    cursor: str | None = None,
    status: str | None = None,
    resource_id: uuid.UUID | None = None,
    from_ts: datetime | None = None,
    to_ts: datetime | None = None,
) -> dict:
    """``{"items", "next_cursor", "has_more", "held_count"}`` in ``starts_at DESC, id DESC`` order (api.md §11.5)."""
    if from_ts and to_ts and from_ts > to_ts:
        raise BadRequest(FROM_AFTER_TO_TEXT)
    rows = Appointment.objects.all()
    if status:
        rows = rows.filter(status=status)
    if resource_id:
        rows = rows.filter(resource_id=resource_id)
    if from_ts:
        rows = rows.filter(starts_at__gte=from_ts)
    if to_ts:
        rows = rows.filter(starts_at__lte=to_ts)
    if cursor:
        moment, key = decode_time_id_cursor(cursor)
        rows = rows.filter(Q(starts_at__lt=moment) | Q(starts_at=moment, id__lt=key))
    items = list(rows.order_by("-starts_at", "-id")[: limit + 1])
    result = page(items, limit, lambda row: encode_cursor(row.starts_at, row.id))
    return {**result, "held_count": appointment_held_count()}


def appointment_held_count() -> int:
    return Appointment.objects.filter(status=AppointmentStatus.HELD).count()


def appointment_holds_pending(*, limit: int) -> list[Appointment]:
    """HELD visits, earliest first («Laukia patvirtinimo», api.md §11.6)."""
    return list(
        Appointment.objects.filter(status=AppointmentStatus.HELD)
        .select_related("project", "call_request")
        .order_by("starts_at", "id")[:limit]
    )


def schedule_resource_get(*, resource_id: Any) -> User:
    """A worker named by the admin (api.md §11.7): 400 for a malformed id or an inactive user, 404 unknown."""
    key = call_request_key(resource_id)
    if key is None:
        raise BadRequest("Invalid resource_id")
    user = User.objects.filter(pk=key).first()
    if user is None:
        raise NotFound("Vartotojas nerastas")
    if not user.is_active:
        raise BadRequest("Vartotojas neaktyvus")
    return user


@dataclass
class CalendarDay:
    day: date
    in_month: bool
    visits: list

    @property
    def count(self) -> int:
        return len(self.visits)

    @property
    def hours(self) -> float:
        return sum((visit.ends_at - visit.starts_at).total_seconds() for visit in self.visits) / 3600


def appointment_calendar_month(*, year: int, month: int) -> list[CalendarDay]:
    """The six-week grid of the month view (ui.md §3.6), Monday first, each day with its HELD and CONFIRMED visits in
    Europe/Vilnius time; one query whatever the number of visits."""
    zone = ZoneInfo(settings.TIME_ZONE)
    first = date(year, month, 1)
    grid_start = first - timedelta(days=first.weekday())
    days = [grid_start + timedelta(days=offset) for offset in range(42)]
    visits = (
        Appointment.objects.filter(
            status__in=LIVE_APPOINTMENT_STATUSES,
            starts_at__gte=datetime.combine(days[0], time.min, tzinfo=zone),
            starts_at__lt=datetime.combine(days[-1] + timedelta(days=1), time.min, tzinfo=zone),
        )
        .select_related("project", "call_request")
        .order_by("starts_at", "id")
    )
    by_day: dict[date, list] = {day: [] for day in days}
    for visit in visits:
        by_day[visit.starts_at.astimezone(zone).date()].append(visit)
    return [CalendarDay(day=day, in_month=day.month == month, visits=by_day[day]) for day in days]


def appointments_of_day(*, day: date) -> list[Appointment]:
    """The day list of the calendar: HELD and CONFIRMED visits of one local day, earliest first."""
    zone = ZoneInfo(settings.TIME_ZONE)
    return list(
        Appointment.objects.filter(
            status__in=LIVE_APPOINTMENT_STATUSES,
            starts_at__gte=datetime.combine(day, time.min, tzinfo=zone),
            starts_at__lt=datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone),
        )
        .select_related("project", "call_request")
        .order_by("starts_at", "id")
    )


def appointments_for(*, project_id: Any = None, call_request_id: Any = None) -> list[Appointment]:
    """«Vizitai» of a project or a lead, latest first, with their worker."""
    rows = Appointment.objects.select_related("resource").order_by("-starts_at", "-id")
    if project_id is not None:
        return list(rows.filter(project_id=project_id))
    return list(rows.filter(call_request_id=call_request_id))
