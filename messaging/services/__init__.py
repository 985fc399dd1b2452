"""What messaging can do: the outbox, client confirmations, client access e-mails, leads and visits (messaging.md)."""

from messaging.services.appointments import (
    appointment_confirm_hold,
    appointment_create,
    appointment_hold,
    appointment_holds_expire,
    appointment_schedule_project,
    appointment_update,
)
from messaging.services.call_requests import (
    call_request_anonymize,
    call_request_convert,
    call_request_create,
    call_request_delete,
    call_request_update,
)
from messaging.services.client_access import ClientAccessSent, client_access_send
from messaging.services.confirmations import (
    ConfirmationRequest,
    ConfirmResult,
    Outcome,
    confirmation_admin_confirm,
    confirmation_confirm_by_client,
    confirmation_confirm_link,
    confirmation_confirm_sms,
    confirmation_preview,
    confirmation_request_for_final_payment,
    confirmation_resend,
)
from messaging.services.conversations import Turn, conversation_turn
from messaging.services.inbound_email import InboundResult, inbound_email_process
from messaging.services.outbox import (
    DispatchCounts,
    notification_retry,
    outbox_dispatch,
    outbox_dispatch_one,
    outbox_enqueue,
)

__all__ = [
    "ClientAccessSent",
    "ConfirmResult",
    "ConfirmationRequest",
    "DispatchCounts",
    "InboundResult",
    "Outcome",
    "Turn",
    "appointment_confirm_hold",
    "appointment_create",
    "appointment_hold",
    "appointment_holds_expire",
    "appointment_schedule_project",
    "appointment_update",
    "call_request_anonymize",
    "call_request_convert",
    "call_request_create",
    "call_request_delete",
    "call_request_update",
    "client_access_send",
    "confirmation_admin_confirm",
    "confirmation_confirm_by_client",
    "confirmation_confirm_link",
    "confirmation_confirm_sms",
    "confirmation_preview",
    "confirmation_request_for_final_payment",
    "confirmation_resend",
    "conversation_turn",
    "inbound_email_process",
    "notification_retry",
    "outbox_dispatch",
    "outbox_dispatch_one",
    "outbox_enqueue",
]
