"""Screens of the residence role (see web/common.py for the pattern)."""

from django.urls import path  # noqa: F401

app_name = "residence"
# (label, url name) pairs shown in the header when this role's hat is worn
NAV: list[tuple[str, str]] = []
urlpatterns: list = []
