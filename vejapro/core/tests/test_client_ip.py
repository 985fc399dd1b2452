"""The single client-IP resolver (security-ops.md §5)."""

import pytest
from django.test import RequestFactory

from vejapro.core.http.net import client_ip, rate_limit_ip_key

rf = RequestFactory()


def resolve(settings, trusted: list[str], **meta) -> str | None:
    settings.TRUSTED_PROXY_CIDRS = trusted
    return client_ip(rf.get("/", **meta))


def test_without_trusted_proxies_the_peer_is_the_client(settings):
    assert resolve(settings, [], REMOTE_ADDR="198.51.100.7", HTTP_X_REAL_IP="10.0.0.1") == "198.51.100.7"


def test_untrusted_peer_cannot_spoof_forwarded_headers(settings):
    ip = resolve(
        settings,
        ["127.0.0.1/32"],
        REMOTE_ADDR="198.51.100.7",
        HTTP_X_REAL_IP="10.0.0.1",
        HTTP_X_FORWARDED_FOR="10.0.0.2",
    )

    assert ip == "198.51.100.7"


def test_trusted_proxy_x_real_ip_wins(settings):
    ip = resolve(
        settings,
        ["127.0.0.1/32"],
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_REAL_IP=" 203.0.113.9 ",
        HTTP_X_FORWARDED_FOR="203.0.113.1",
    )

    assert ip == "203.0.113.9"


def test_trusted_proxy_right_most_forwarded_for_entry(settings):
    ip = resolve(
        settings, ["127.0.0.0/8"], REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.5 , 203.0.113.6"
    )

    assert ip == "203.0.113.6"


def test_trusted_proxy_unparseable_real_ip_falls_back_to_forwarded_for(settings):
    ip = resolve(
        settings, ["127.0.0.1"], REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="not-an-ip", HTTP_X_FORWARDED_FOR="203.0.113.5"
    )

    assert ip == "203.0.113.5"


def test_trusted_proxy_without_forwarded_headers_gives_the_peer(settings):
    assert resolve(settings, ["127.0.0.1/32"], REMOTE_ADDR="127.0.0.1") == "127.0.0.1"


def test_ipv6_addresses_are_used_as_they_are(settings):
    ip = resolve(settings, ["::1/128"], REMOTE_ADDR="::1", HTTP_X_REAL_IP="2001:db8::42")

    assert ip == "2001:db8::42"


@pytest.mark.parametrize(
    ("ip", "key"),
    [
        ("203.0.113.5", "203.0.113.5"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff::1", "2001:db8:1:2::/64"),
        (None, "unknown"),
    ],
)
def test_rate_limit_keys_mask_ipv6_to_64(ip, key):
    assert rate_limit_ip_key(ip) == key
