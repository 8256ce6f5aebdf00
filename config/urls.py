from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Sổ liên hệ 213 — quản trị hệ thống"
admin.site.site_title = "Sổ liên hệ 213"

urlpatterns = [
    path("quan-tri/", admin.site.urls),
    path("", include("accounts.urls")),
    path("thong-bao/", include("notifications.urls")),
    path("", include("web.urls")),
    path("api/v1/", include("api.urls")),
    path("", include("api.urls_web")),
]
