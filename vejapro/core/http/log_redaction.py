"""Public token links carry their credential in the path (`/api/v1/public/confirm-payment/<token>`), magic links in
the query string (`?token=`): neither may reach a log line (security-ops.md §8.2). Free of Django imports, so
gunicorn's config can use it before the application loads."""

import logging
import re

from gunicorn.glogging import Logger

TOKEN_IN_PATH = re.compile(r"(/api/v1/public/(?:confirm-payment|activations|offer)/)[^/\s?\"']+")
TOKEN_IN_QUERY = re.compile(r"([?&]token=)[^&\s\"']+")
HIDDEN = "***"


def redact_secrets(text: str) -> str:
    return TOKEN_IN_QUERY.sub(rf"\g<1>{HIDDEN}", TOKEN_IN_PATH.sub(rf"\g<1>{HIDDEN}", text))


class SecretRedactingFilter(logging.Filter):
    """Rewrites the finished message, so Django's 'Internal Server Error: <path>' lines lose the token too."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_secrets(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


class RedactingGunicornLogger(Logger):
    """gunicorn's access log with the token of a public link replaced in the path."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("U", "r"):
            if isinstance(atoms.get(key), str):
                atoms[key] = redact_secrets(atoms[key])
        return atoms
