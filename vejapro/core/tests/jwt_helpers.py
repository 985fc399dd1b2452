"""Token builders for the authentication tests: HS256 with the test secret, ES256 with a locally made P-256 key."""

import base64
import hashlib
import hmac
import json
import time
import uuid

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from jwt.algorithms import ECAlgorithm

TEST_SECRET = "test-jwt-secret-that-is-long-enough-0123456789"


def claims(**overrides) -> dict:
    now = int(time.time())
    base = {
        "sub": str(uuid.uuid4()),
        "email": "jonas@example.com",
        "app_metadata": {"role": "CLIENT"},
        "aud": "authenticated",
        "iat": now,
        "exp": now + 3600,
    }
    base.update(overrides)
    return {key: value for key, value in base.items() if value is not ...}


def hs256(secret: str = TEST_SECRET, **overrides) -> str:
    return jwt.encode(claims(**overrides), secret, algorithm="HS256")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def hand_signed(header: dict, payload: dict, hmac_key: bytes) -> str:
    """A token whose header says whatever we want, signed with HMAC-SHA256 over ``hmac_key``."""
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(payload).encode())}"
    signature = hmac.new(hmac_key, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(signature)}"


class EcKey:
    """An EC P-256 key pair with its JWK (what Supabase publishes in its JWKS)."""

    def __init__(self, kid: str = "key-1") -> None:
        self.kid = kid
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.jwk = {**ECAlgorithm.to_jwk(self.private_key.public_key(), as_dict=True), "kid": kid, "alg": "ES256"}

    def sign(self, *, kid: str | None = None, **overrides) -> str:
        return jwt.encode(claims(**overrides), self.private_key, algorithm="ES256", headers={"kid": kid or self.kid})

    def public_pem(self) -> bytes:
        return self.private_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
