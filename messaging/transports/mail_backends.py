"""The development e-mail backend: Django's console backend with the recipients masked (messaging.md §3.4).

It prints the whole message, so a developer can follow a confirmation link offline, but the ``To`` and ``Cc``
addresses only as ``j***@example.com`` (security-ops.md §8.2).
"""

from email.utils import getaddresses

from django.core.mail.backends import console

from vejapro.core.redaction import mask_email_for_log

MASKED_HEADERS = ("To", "Cc")


class ConsoleEmailBackend(console.EmailBackend):
    def write_message(self, message):
        msg = message.message()
        for name in MASKED_HEADERS:
            values = msg.get_all(name)
            if values:
                del msg[name]
                msg[name] = ", ".join(mask_email_for_log(address) for _name, address in getaddresses(values))
        charset = msg.get_charset().get_output_charset() if msg.get_charset() else "utf-8"
        self.stream.write(msg.as_bytes().decode(charset) + "\n")
        self.stream.write("-" * 79)
        self.stream.write("\n")
