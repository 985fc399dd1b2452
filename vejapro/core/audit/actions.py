"""The audit action registry: every action name the code writes (workflow.md §13.4). ``audit_record`` refuses a
name that is not here. The stored values never change; the labels are what the back office shows."""

from django.db import models
from django.utils.translation import pgettext_lazy


class AuditAction(models.TextChoices):
    # Projects, photos, users
    PROJECT_CREATED = "PROJECT_CREATED", pgettext_lazy("audit action", "Project created")
    PROJECT_UPDATED = "PROJECT_UPDATED", pgettext_lazy("audit action", "Project updated")
    DRAFT_UPDATED = "DRAFT_UPDATED", pgettext_lazy("audit action", "Draft updated")
    ESTIMATE_SUBMITTED = "ESTIMATE_SUBMITTED", pgettext_lazy("audit action", "Estimate submitted")
    FINAL_QUOTE_SET = "FINAL_QUOTE_SET", pgettext_lazy("audit action", "Final price set")
    STATUS_CHANGE = "STATUS_CHANGE", pgettext_lazy("audit action", "Status change")
    ASSIGN_CONTRACTOR = "ASSIGN_CONTRACTOR", pgettext_lazy("audit action", "Contractor assigned")
    ASSIGN_EXPERT = "ASSIGN_EXPERT", pgettext_lazy("audit action", "Expert assigned")
    UPLOAD_EVIDENCE = "UPLOAD_EVIDENCE", pgettext_lazy("audit action", "Photo uploaded")
    EVIDENCE_SEEDED = "EVIDENCE_SEEDED", pgettext_lazy("audit action", "Certification photos added")
    EVIDENCE_DELETED = "EVIDENCE_DELETED", pgettext_lazy("audit action", "Photo deleted")
    CERTIFY_PROJECT = "CERTIFY_PROJECT", pgettext_lazy("audit action", "Project certified")
    PROJECT_REJECTED = "PROJECT_REJECTED", pgettext_lazy("audit action", "Project rejected")
    MARKETING_CONSENT_UPDATE = "MARKETING_CONSENT_UPDATE", pgettext_lazy("audit action", "Marketing consent changed")
    MARKETING_CONSENT_REVOKE = "MARKETING_CONSENT_REVOKE", pgettext_lazy("audit action", "Marketing consent withdrawn")
    EVIDENCE_APPROVED_FOR_WEB = "EVIDENCE_APPROVED_FOR_WEB", pgettext_lazy("audit action", "Photo published")
    EVIDENCE_HIDDEN_FROM_WEB = "EVIDENCE_HIDDEN_FROM_WEB", pgettext_lazy("audit action", "Photo hidden")
    PROJECT_DELETED = "PROJECT_DELETED", pgettext_lazy("audit action", "Project deleted")
    PROJECT_ANONYMIZED = "PROJECT_ANONYMIZED", pgettext_lazy("audit action", "Client data anonymised")
    CLIENT_TOKEN_ISSUED = "CLIENT_TOKEN_ISSUED", pgettext_lazy("audit action", "Client portal link issued")
    CLIENT_ACCESS_EMAIL_SENT = "CLIENT_ACCESS_EMAIL_SENT", pgettext_lazy("audit action", "Client access e-mail sent")
    CONTRACTOR_TOKEN_ISSUED = "CONTRACTOR_TOKEN_ISSUED", pgettext_lazy("audit action", "Contractor portal link issued")
    EXPERT_TOKEN_ISSUED = "EXPERT_TOKEN_ISSUED", pgettext_lazy("audit action", "Expert portal link issued")
    USER_CREATED = "USER_CREATED", pgettext_lazy("audit action", "User created")
    USER_UPDATED = "USER_UPDATED", pgettext_lazy("audit action", "User updated")

    # Payments and confirmations
    PAYMENT_RECORDED_MANUAL = "PAYMENT_RECORDED_MANUAL", pgettext_lazy("audit action", "Payment recorded")
    PAYMENT_RECORDED_STRIPE = "PAYMENT_RECORDED_STRIPE", pgettext_lazy("audit action", "Stripe payment received")
    DEPOSIT_WAIVED = "DEPOSIT_WAIVED", pgettext_lazy("audit action", "Deposit waived")
    PAYMENT_LINK_CREATED = "PAYMENT_LINK_CREATED", pgettext_lazy("audit action", "Payment link created")
    PAYMENT_VOIDED = "PAYMENT_VOIDED", pgettext_lazy("audit action", "Payment voided")
    FIN_CHANNEL_UNAVAILABLE = (
        "FIN_CHANNEL_UNAVAILABLE",
        pgettext_lazy("audit action", "No channel for the confirmation"),
    )
    EMAIL_CONFIRMATION_CREATED = (
        "EMAIL_CONFIRMATION_CREATED",
        pgettext_lazy("audit action", "Confirmation requested by e-mail"),
    )
    SMS_CONFIRMATION_CREATED = (
        "SMS_CONFIRMATION_CREATED",
        pgettext_lazy("audit action", "Confirmation requested by SMS"),
    )
    ADMIN_CONFIRMED = "ADMIN_CONFIRMED", pgettext_lazy("audit action", "Confirmed by the administrator")
    EMAIL_CONFIRMATION_INVALID_TOKEN = (
        "EMAIL_CONFIRMATION_INVALID_TOKEN",
        pgettext_lazy("audit action", "E-mail confirmation: invalid link"),
    )
    EMAIL_CONFIRMATION_FAILED = (
        "EMAIL_CONFIRMATION_FAILED",
        pgettext_lazy("audit action", "E-mail confirmation: attempts used up"),
    )
    EMAIL_CONFIRMATION_EXPIRED = (
        "EMAIL_CONFIRMATION_EXPIRED",
        pgettext_lazy("audit action", "E-mail confirmation expired"),
    )
    EMAIL_CONFIRMATION_INVALID_PROJECT_STATUS = (
        "EMAIL_CONFIRMATION_INVALID_PROJECT_STATUS",
        pgettext_lazy("audit action", "E-mail confirmation: wrong project status"),
    )
    EMAIL_CONFIRMATION_FINAL_PAYMENT_MISSING = (
        "EMAIL_CONFIRMATION_FINAL_PAYMENT_MISSING",
        pgettext_lazy("audit action", "E-mail confirmation: final payment missing"),
    )
    EMAIL_CONFIRMED = "EMAIL_CONFIRMED", pgettext_lazy("audit action", "Client confirmed by e-mail")
    SMS_CONFIRMATION_INVALID_TOKEN_ATTEMPT = (
        "SMS_CONFIRMATION_INVALID_TOKEN_ATTEMPT",
        pgettext_lazy("audit action", "SMS confirmation: invalid code"),
    )
    SMS_CONFIRMATION_FAILED = (
        "SMS_CONFIRMATION_FAILED",
        pgettext_lazy("audit action", "SMS confirmation: attempts used up"),
    )
    SMS_CONFIRMATION_EXPIRED = "SMS_CONFIRMATION_EXPIRED", pgettext_lazy("audit action", "SMS confirmation expired")
    SMS_CONFIRMATION_INVALID_PROJECT_STATUS = (
        "SMS_CONFIRMATION_INVALID_PROJECT_STATUS",
        pgettext_lazy("audit action", "SMS confirmation: wrong project status"),
    )
    SMS_CONFIRMATION_FINAL_PAYMENT_MISSING = (
        "SMS_CONFIRMATION_FINAL_PAYMENT_MISSING",
        pgettext_lazy("audit action", "SMS confirmation: final payment missing"),
    )
    SMS_CONFIRMED = "SMS_CONFIRMED", pgettext_lazy("audit action", "Client confirmed by SMS")
    ADMIN_CONFIRMATION_RESEND_EMAIL = (
        "ADMIN_CONFIRMATION_RESEND_EMAIL",
        pgettext_lazy("audit action", "Confirmation resent by e-mail"),
    )
    ADMIN_CONFIRMATION_RESEND_SMS = (
        "ADMIN_CONFIRMATION_RESEND_SMS",
        pgettext_lazy("audit action", "Confirmation resent by SMS"),
    )

    # Messages, calls, calendar
    ADMIN_NOTIFICATION_RETRY = "ADMIN_NOTIFICATION_RETRY", pgettext_lazy("audit action", "Notification sent again")
    NOTIFICATION_FAILED = "NOTIFICATION_FAILED", pgettext_lazy("audit action", "Notification not delivered")
    CALL_REQUEST_CREATED = "CALL_REQUEST_CREATED", pgettext_lazy("audit action", "Call request created")
    CALL_REQUEST_UPDATED = "CALL_REQUEST_UPDATED", pgettext_lazy("audit action", "Call request updated")
    CALL_REQUEST_DELETED = "CALL_REQUEST_DELETED", pgettext_lazy("audit action", "Call request deleted")
    APPOINTMENT_CREATED = "APPOINTMENT_CREATED", pgettext_lazy("audit action", "Visit created")
    APPOINTMENT_UPDATED = "APPOINTMENT_UPDATED", pgettext_lazy("audit action", "Visit updated")
    APPOINTMENT_CONFIRMED = "APPOINTMENT_CONFIRMED", pgettext_lazy("audit action", "Visit confirmed")
    APPOINTMENT_CANCELLED = "APPOINTMENT_CANCELLED", pgettext_lazy("audit action", "Visit cancelled")
    INTAKE_UPDATED = "INTAKE_UPDATED", pgettext_lazy("audit action", "Request details updated")
    OFFER_SENT = "OFFER_SENT", pgettext_lazy("audit action", "Visit time offered")
    OFFER_ACCEPTED = "OFFER_ACCEPTED", pgettext_lazy("audit action", "Offer accepted")
    OFFER_REJECTED = "OFFER_REJECTED", pgettext_lazy("audit action", "Offer declined")
    EMAIL_INBOUND_RECEIVED = "EMAIL_INBOUND_RECEIVED", pgettext_lazy("audit action", "E-mail received")
    EMAIL_REPLY_MERGED = "EMAIL_REPLY_MERGED", pgettext_lazy("audit action", "E-mail reply added to the request")
    EMAIL_AUTO_REPLY_MISSING_DATA = (
        "EMAIL_AUTO_REPLY_MISSING_DATA",
        pgettext_lazy("audit action", "Automatic reply: details missing"),
    )

    # Finance and prices
    FINANCE_LEDGER_ENTRY_CREATED = "FINANCE_LEDGER_ENTRY_CREATED", pgettext_lazy("audit action", "Ledger entry created")
    FINANCE_LEDGER_ENTRY_REVERSED = (
        "FINANCE_LEDGER_ENTRY_REVERSED",
        pgettext_lazy("audit action", "Ledger entry reversed"),
    )
    ADMIN_MARGIN_CREATED = "ADMIN_MARGIN_CREATED", pgettext_lazy("audit action", "Margin rule created")
    ESTIMATE_RULE_CREATED = "ESTIMATE_RULE_CREATED", pgettext_lazy("audit action", "Price rule created")
    ESTIMATE_RULE_UPDATED = "ESTIMATE_RULE_UPDATED", pgettext_lazy("audit action", "Price rule changed")

    # Security and operations
    TWILIO_SIGNATURE_INVALID = "TWILIO_SIGNATURE_INVALID", pgettext_lazy("audit action", "Invalid Twilio signature")
    STRIPE_SIGNATURE_INVALID = "STRIPE_SIGNATURE_INVALID", pgettext_lazy("audit action", "Invalid Stripe signature")
    EMAIL_WEBHOOK_AUTH_INVALID = (
        "EMAIL_WEBHOOK_AUTH_INVALID",
        pgettext_lazy("audit action", "E-mail webhook: sign-in refused"),
    )
    CHAT_WEBHOOK_AUTH_INVALID = (
        "CHAT_WEBHOOK_AUTH_INVALID",
        pgettext_lazy("audit action", "Chat webhook: sign-in refused"),
    )
    RATE_LIMIT_BLOCKED = "RATE_LIMIT_BLOCKED", pgettext_lazy("audit action", "Request limit exceeded")
    LOGIN_FAILED = "LOGIN_FAILED", pgettext_lazy("audit action", "Sign-in failed")
    DEPLOY_WEBHOOK_EXECUTED = "DEPLOY_WEBHOOK_EXECUTED", pgettext_lazy("audit action", "Deployment started")
    LEGACY_IMPORT_EXECUTED = "LEGACY_IMPORT_EXECUTED", pgettext_lazy("audit action", "Legacy data imported")
    RETENTION_PURGE_EXECUTED = "RETENTION_PURGE_EXECUTED", pgettext_lazy("audit action", "Old data purged")


def audit_action_label(value: str) -> str:
    """What people read for a stored action; rows written before a name joined the registry show the raw name."""
    try:
        return str(AuditAction(value).label)
    except ValueError:
        return value
