import binascii

import pytest
from django_otp.oath import totp


def code_for(device) -> str:
    """The 6 digits the user's phone shows now for `device`."""
    return f"{totp(binascii.unhexlify(device.key), step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.fixture
def login_form(client):
    """Log in through the real login page (the way axes and the second factor see it)."""

    def post(username, password, **extra):
        return client.post("/dang-nhap/", {"username": username, "password": password}, **extra)

    return post
