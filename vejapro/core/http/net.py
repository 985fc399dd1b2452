"""The single client-IP resolver (security-ops.md §5) and IP/CIDR matching for allow-lists."""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=64)
def parse_networks(entries: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    """Exact IPs or CIDRs; raises ValueError on an unparseable entry (startup validation reports it)."""
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry.strip())


def invalid_network_entries(entries: list[str]) -> list[str]:
    invalid = []
    for entry in entries:
        try:
            ipaddress.ip_network(entry.strip(), strict=False)
        except ValueError:
            invalid.append(entry)
    return invalid


def ip_in_networks(ip: str | None, entries: list[str]) -> bool:
    if not ip:
        return False
    try:
        address = ipaddress.ip_address(ip)
        networks = parse_networks(tuple(entries))
    except ValueError:
        return False
    return any(address in network for network in networks)


def _parse_ip(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """Forwarded headers count only when the TCP peer is a trusted proxy; a client cannot spoof its IP."""
    peer = _parse_ip(request.META.get("REMOTE_ADDR"))
    trusted = settings.TRUSTED_PROXY_CIDRS
    if peer and trusted and ip_in_networks(peer, trusted):
        real_ip = _parse_ip(request.META.get("HTTP_X_REAL_IP"))
        if real_ip:
            return real_ip
        forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if forwarded:
            rightmost = _parse_ip(forwarded[-1])
            if rightmost:
                return rightmost
    return peer


def rate_limit_ip_key(ip: str | None) -> str:
    """IPv6 clients are counted per /64 so one host cannot rotate through its prefix."""
    if not ip:
        return "unknown"
    address = ipaddress.ip_address(ip)
    if address.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return ip
