"""Time-based one-time codes (RFC 6238) for admin and committee accounts."""
import time

import pyotp
import segno
from pyotp.utils import strings_equal
from flask import current_app

from ideas.accounts.models import Role, User


def new_secret() -> str:
    return pyotp.random_base32()


def required_for(user: User) -> bool:
    """Whether the user's roles oblige a second factor at password sign-in."""
    names = {n.strip() for n in current_app.config["TOTP_REQUIRED_ROLES"].split(",") if n.strip()}
    return any(Role(name) in user.roles for name in names if name in Role._value2member_map_)


def accept_code(user: User, secret: str, code: str) -> bool:
    """True for a current code not used before; remembers its time step so it is not replayed."""
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    totp = pyotp.TOTP(secret)
    counter = int(time.time()) // totp.interval
    for step in (counter, counter - 1, counter + 1):  # one step of clock drift either way
        if strings_equal(code, totp.generate_otp(step)):
            if user.totp_last_step is not None and step <= user.totp_last_step:
                return False
            user.totp_last_step = step
            return True
    return False


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=current_app.config["TOTP_ISSUER"])


def qr_data_uri(uri: str) -> str:
    """The enrolment QR code as an SVG data URI (CSP allows data: images only)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2)
