"""gunicorn reads this file from its working directory (the checkout, security-ops.md §10.2); the command line of
the systemd unit stays as the specification writes it (its flags win over this file).

The access log (``--access-logfile -`` → journald) records the path without the query string and without the
referrer: magic-link tokens travel in the query string and must never be logged (security-ops.md §8.2).

gunicorn must never face the internet: nginx sits in front of it (deploy/nginx/), reads whole requests from slow
clients before it passes them on, and times them out. The settings below are the safe ones where gunicorn has a
setting, so the README's command is safe by default too (issue 14 §9); what no setting fixes is written at the end.
"""

# Public token links carry the credential in the path itself: the logger class hides it.
logger_class = "vejapro.core.http.log_redaction.RedactingGunicornLogger"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)s "%(a)s"'

# The workers of security-ops.md §10.2 (the units pass the same on their command line).
worker_class = "gthread"
threads = 8
timeout = 60
graceful_timeout = 30

# No keep-alive: every response closes its connection. A request body the application never read (a 4xx answered
# before the body was parsed) would otherwise stay in the connection's buffer and be read as the start of a next
# request, holding a thread until the client gives up. nginx opens a new upstream connection per request anyway
# (no upstream keepalive pool is configured), so this costs nothing behind it.
keepalive = 0

# Request line and header limits (gunicorn's defaults, stated so they are not loosened by accident).
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190

# What no setting fixes: a client that opens connections and sends its headers a byte at a time holds a gthread
# thread for up to gunicorn's per-read wait (a few seconds) each time it sends, so enough such clients still delay
# everyone else. Only a buffering proxy in front (nginx) removes that; hence gunicorn binds to 127.0.0.1 only.
