"""The application's URLs plus a stock admin changelist for Member (the baseline of bench/pages.py).

`BaselineMemberAdmin` is the default ModelAdmin with list_display of the same columns as our
members list (name, birth date, party card, cell, residence commune, exemption) and a search on
the name, card and ID number. It shows the same rows as our list: the members of one workplace
committee, named by BENCH_ADMIN_COMMITTEE (an organisation id; bench/pages.py sets it).
"""

from __future__ import annotations

import os

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.urls import path

from config.urls import handler500
from config.urls import urlpatterns as app_urlpatterns
from members.models import Member

site = admin.AdminSite(name="bench_admin")


class BaselineMemberAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = (
        "full_name",
        "birth_date",
        "party_card_number",
        "workplace_cell",
        "residence_commune",
        "exemption",
    )
    search_fields = ("full_name", "party_card_number", "national_id")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Member]:
        committee = int(os.environ.get("BENCH_ADMIN_COMMITTEE", "0"))
        qs: QuerySet[Member] = super().get_queryset(request)
        return qs.filter(Q(workplace_cell_id=committee) | Q(workplace_cell__parent_id=committee))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


site.register(Member, BaselineMemberAdmin)

urlpatterns = [path("bench-admin/", site.urls), *app_urlpatterns]

__all__ = ["handler500", "urlpatterns"]
