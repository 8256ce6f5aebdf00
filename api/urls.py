"""/api/v1/: the endpoints, /openapi.json and the docs page."""

from django.urls import path, re_path

from . import views
from .api import api

urlpatterns = [
    path("docs", views.docs, name="api_docs"),
    path("", api.urls),
    # anything else under /api/v1/ answers in JSON too, not with the HTML 404 page
    re_path(r"^.*$", views.not_found),
]
