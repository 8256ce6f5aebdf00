from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("Sổ liên hệ 213 — quản trị hệ thống")
admin.site.site_title = _("Sổ liên hệ 213")

urlpatterns = [
    path("quan-tri/", admin.site.urls),
    # set_language: the language switch in the footer (POST language=vi|en, next=…)
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("accounts.urls")),
    path("thong-bao/", include("notifications.urls")),
    path("", include("web.urls")),
    path("excel/", include("spreadsheets.views")),
    path("", include("documents.urls")),
    path("api/v1/", include("api.urls")),
    path("", include("api.urls_web")),
]

# A database that cannot be reached answers 503 in Vietnamese (config/errors.py); the rest is Django's 500.
handler500 = "config.errors.server_error"
