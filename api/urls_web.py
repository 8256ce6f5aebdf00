"""The user's API keys page, under the account pages."""

from django.urls import path

from . import views

urlpatterns = [
    path("tai-khoan/api/", views.tokens, name="api_tokens"),
    path("tai-khoan/api/<int:token_id>/thu-hoi/", views.revoke_token, name="api_token_revoke"),
]
