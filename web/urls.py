from django.urls import include, path

urlpatterns = [
    path("noi-cong-tac/yeu-cau/", include("web.requests")),
    path("noi-cong-tac/", include("web.workplace")),
    path("noi-cu-tru/", include("web.residence")),
    path("chi-bo/", include("web.cell")),
    path("ban-to-chuc/", include("web.board")),
    path("cua-toi/", include("web.member")),
    path("ban-quet/", include("web.scans")),
]
