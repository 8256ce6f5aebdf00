from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("da-doc-het/", views.mark_all_read, name="mark_all_read"),
    path("<int:pk>/mo/", views.open_notification, name="open"),
    path("<int:pk>/da-doc/", views.mark_read, name="mark_read"),
]
