"""Public token links carry their credential in the path (`/api/v1/public/confirm-payment/<token>`), magic links in
the query string (`?token=`): neither may reach a log line (security-ops.md §8.2). Free of Django imports, so
gunicorn's config can use it before the application loads.

Redaction works on the **decoded** path, the one the application routes: a link sent as
``/api/v1/public/confirm-payment/%20TOKEN%20`` or with an encoded prefix (``confirm%2Dpayment``) is recognised
like the plain one, and everything between the link's prefix and its end (or its ``/confirm`` / ``/respond``
suffix) is hidden, whatever characters it holds. The nginx maps in ``deploy/nginx/vejapro-http.conf`` apply the
same rule to nginx's decoded ``$uri``.
"""

import logging
import re
from urllib.parse import unquote

from gunicorn.glogging import Logger

# The link prefix (any case), then everything up to the end of the path: a query string, a fragment, a quote, a line
# end, the protocol of a request line, or the end of the text. A known suffix is kept.
TOKEN_IN_PATH = re.compile(
    r"(?i)(/api/v1/public/(?:confirm-payment|activations|offer)/)(.*?)((?:/confirm|/respond)?)"
    r"(?=[?#\"'\r\n]|\s+HTTP/\d|$)"
)
TOKEN_IN_QUERY = re.compile(r"(?i)((?:^|[?&])token=)[^&\s\"'#]+")
HIDDEN = "***"


def _redact(text: str) -> str:
    text = TOKEN_IN_PATH.sub(rf"\g<1>{HIDDEN}\g<3>", text)
    return TOKEN_IN_QUERY.sub(rf"\g<1>{HIDDEN}", text)


def _matches(text: str) -> int:
    return len(TOKEN_IN_PATH.findall(text)) + len(TOKEN_IN_QUERY.findall(text))


def redact_secrets(text: str) -> str:
    """``text`` with every token hidden. When the percent-decoded text shows a token link that the raw text hides
    from the patterns (``confirm%2Dpayment``, ``%74oken=``), the decoded text is redacted and returned instead."""
    if "%" in text:
        decoded = unquote(text, errors="replace")
        if _matches(decoded) > _matches(text):
            return _redact(decoded)
    return _redact(text)


class SecretRedactingFilter(logging.Filter):
    """Rewrites the finished message, so Django's 'Not Found: <path>' lines lose the token too. Django logs the
    decoded ``request.path``, which may hold whitespace; the path pattern reads it to the end of the line."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_secrets(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


class RedactingGunicornLogger(Logger):
    """gunicorn's access log with the token of a public link replaced in the path (``%(U)s``, decoded), the request
    line (``%(r)s``, raw) and the raw URI of the query (``%(q)s``)."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("U", "r", "q"):
            if isinstance(atoms.get(key), str):
                atoms[key] = redact_secrets(atoms[key])
        return atoms
