"""Passwords are hashed with Argon2id in production; older hashes are rewritten at the next login."""

import importlib

from django.contrib.auth.hashers import make_password

from tests.cast import PASSWORD


def test_production_settings_hash_new_passwords_with_argon2():
    settings_module = importlib.import_module("config.settings")
    # (the suite's autouse fixture swaps in MD5 for speed; the module itself is what production runs)
    assert settings_module.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert "MD5PasswordHasher" not in " ".join(settings_module.PASSWORD_HASHERS)


def test_a_pbkdf2_hash_is_rewritten_as_argon2_at_login(cast, settings, login_form):
    settings.PASSWORD_HASHERS = importlib.import_module("config.settings").PASSWORD_HASHERS
    user = cast.finance_clerk
    user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    user.save(update_fields=["password"])

    response = login_form(user.username, PASSWORD)

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$")
    assert user.check_password(PASSWORD)
