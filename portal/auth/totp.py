"""Authenticator-app codes (TOTP, RFC 6238) and recovery codes: pure, no Flask, no database."""

import hashlib
import hmac
import secrets
from datetime import UTC, datetime

import pyotp

STEP_SECONDS = 30
# One step either side of now (pyotp's valid_window=1): a phone's clock a little fast or slow.
DRIFT_STEPS = 1
RECOVERY_CODE_COUNT = 10
# No 0/O or 1/I/L to misread on paper; 12 of these 31 letters and digits are about 59 bits.
RECOVERY_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
RECOVERY_CODE_LENGTH = 12


def new_secret() -> str:
    """A random 160-bit secret in base32, as authenticator apps expect (RFC 4226's length)."""
    return pyotp.random_base32(32)


def grouped(text: str, size: int = 4) -> str:
    """Text in groups of ``size`` for reading aloud or typing: ABCD EFGH ..."""
    return " ".join(text[i : i + size] for i in range(0, len(text), size))


def setup_uri(secret: str, account: str, issuer: str) -> str:
    """The otpauth:// address an app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=issuer)


def _utc(moment: datetime) -> datetime:
    # The portal's times are naive UTC; pyotp would read a naive time as the server's local time.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def code_at(secret: str, moment: datetime) -> str:
    """The code an app shows at ``moment`` (naive UTC, like every time in the portal)."""
    return pyotp.TOTP(secret).at(_utc(moment))


def matching_step(secret: str, code: str, moment: datetime) -> int | None:
    """The latest step within the drift window whose code is ``code``, or None.

    The same check as pyotp's ``verify(code, valid_window=1)``, but it says which step
    matched, so the caller can refuse that step (or an older one) a second time.
    """
    code = digits_only(code)
    if len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    now_step = totp.timecode(_utc(moment))
    for step in range(now_step + DRIFT_STEPS, now_step - DRIFT_STEPS - 1, -1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def digits_only(text: str) -> str:
    """What was typed, without the spaces or dashes people put in to read it."""
    return "".join(ch for ch in (text or "") if not ch.isspace() and ch != "-")


def looks_like_app_code(text: str) -> bool:
    code = digits_only(text)
    return len(code) == 6 and code.isascii() and code.isdigit()


def new_recovery_codes() -> list[str]:
    """Ten random single-use codes, shown once."""
    return [
        "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
        for _ in range(RECOVERY_CODE_COUNT)
    ]


def recovery_code_hash(code: str) -> str:
    """What is stored of a recovery code.

    A plain SHA-256 is enough here, unlike for passwords: each code is random with about
    59 bits of entropy, so nobody can guess their way back from the hash, and a slow hash
    would only slow down sign-in. The same code always gives the same hash, so a typed code
    is found by looking up its hash.
    """
    normal = digits_only(code).upper()
    return hashlib.sha256(normal.encode()).hexdigest()
