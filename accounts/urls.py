from django.contrib.auth import views as auth_views
from django.urls import path

from . import security_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("dang-nhap/", security_views.LoginView.as_view(), name="login"),
    path("dang-nhap/ma-xac-thuc/", security_views.verify, name="two_factor_verify"),
    path("dang-nhap/ma-du-phong/", security_views.recovery, name="two_factor_recovery"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("vai-tro/", views.switch_role, name="switch_role"),
    path("healthz", views.healthz, name="healthz"),
    # the account's security (docs/security.md)
    path("tai-khoan/", security_views.security, name="account_security"),
    path("tai-khoan/xac-thuc-hai-buoc/bat-dau/", security_views.two_factor_start, name="two_factor_start"),
    path("tai-khoan/xac-thuc-hai-buoc/", security_views.two_factor_setup, name="two_factor_setup"),
    path("tai-khoan/xac-thuc-hai-buoc/ma-du-phong/", security_views.two_factor_codes, name="two_factor_codes"),
    path("tai-khoan/xac-thuc-hai-buoc/ma-moi/", security_views.two_factor_new_codes, name="two_factor_new_codes"),
    path("tai-khoan/xac-thuc-hai-buoc/tat/", security_views.two_factor_disable, name="two_factor_disable"),
    path(
        "tai-khoan/doi-mat-khau/",
        auth_views.PasswordChangeView.as_view(template_name="registration/password_change_form.html"),
        name="password_change",
    ),
    path(
        "tai-khoan/doi-mat-khau/xong/",
        auth_views.PasswordChangeDoneView.as_view(template_name="registration/password_change_done.html"),
        name="password_change_done",
    ),
    path(
        "quen-mat-khau/",
        auth_views.PasswordResetView.as_view(
            template_name="registration/password_reset_form.html",
            email_template_name="registration/password_reset_email.txt",
            subject_template_name="registration/password_reset_subject.txt",
        ),
        name="password_reset",
    ),
    path(
        "quen-mat-khau/da-gui/",
        auth_views.PasswordResetDoneView.as_view(template_name="registration/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "dat-lai-mat-khau/<uidb64>/<token>/",
        security_views.PasswordResetConfirmView.as_view(template_name="registration/password_reset_confirm.html"),
        name="password_reset_confirm",
    ),
    path(
        "dat-lai-mat-khau/xong/",
        auth_views.PasswordResetCompleteView.as_view(template_name="registration/password_reset_complete.html"),
        name="password_reset_complete",
    ),
]
