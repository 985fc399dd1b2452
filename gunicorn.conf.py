"""gunicorn reads this file from its working directory (the checkout, security-ops.md §10.2); the command line of
the systemd unit stays as the specification writes it.

The access log (``--access-logfile -`` → journald) records the path without the query string and without the
referrer: magic-link tokens travel in the query string and must never be logged (security-ops.md §8.2).
"""

# Public token links carry the credential in the path itself: the logger class hides it.
logger_class = "vejapro.core.http.log_redaction.RedactingGunicornLogger"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)s "%(a)s"'
