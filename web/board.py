"""Screens of the board role (see web/common.py for the pattern)."""

from django.urls import path  # noqa: F401

app_name = "board"
# (label, url name) pairs shown in the header when this role's hat is worn
NAV: list[tuple[str, str]] = []
urlpatterns: list = []
