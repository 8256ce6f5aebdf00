"""Login with a second factor, two-factor enrolment and recovery codes, the account security page,
password change and reset (docs/security.md)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from . import two_factor
from .forms import LoginForm

SHOW_CODES = "two_factor_new_codes"


def _with_next(url: str, nxt: str) -> str:
    return f"{url}?{urlencode({'next': nxt})}" if nxt else url


def _next(request: HttpRequest, default: str = "home") -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(default)


class LoginView(auth_views.LoginView):
    """The password step; a user who has a phone enrolled (or must enrol) is sent on to that step."""

    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        current = two_factor.state(self.request)
        if current in (two_factor.NEEDS_CODE, two_factor.NEEDS_ENROLMENT):
            target = "two_factor_verify" if current == two_factor.NEEDS_CODE else "two_factor_setup"
            nxt = self.get_redirect_url()
            url = reverse(target)
            return HttpResponseRedirect(_with_next(url, nxt))
        return response


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Mã 6 chữ số trên ứng dụng xác thực"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autocapitalize": "none", "size": 8}
        ),
    )


class RecoveryForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Một mã dự phòng (dạng xxxxx-xxxxx)"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}),
    )


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """The second step of the login: the code from the phone."""
    if two_factor.state(request) != two_factor.NEEDS_CODE:
        return redirect(_next(request))
    device = two_factor.totp_device(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and device is not None:
        allowed, data = device.verify_is_allowed()
        if not allowed:
            form.add_error("code", _("Nhập sai nhiều lần. Xin đợi một lát rồi thử lại."))
        elif device.verify_token(two_factor.clean_token(form.cleaned_data["code"])):
            two_factor.mark_verified(request, device)
            return redirect(_next(request))
        else:
            form.add_error("code", _("Mã không đúng hoặc đã hết hạn. Xin nhập mã đang hiện trên ứng dụng."))
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": request.GET.get("next", "")})


@login_required
def recovery(request: HttpRequest) -> HttpResponse:
    """Lost phone: one of the ten recovery codes instead of the phone's code (each works once)."""
    if two_factor.state(request) != two_factor.NEEDS_CODE:
        return redirect(_next(request))
    device = two_factor.recovery_device(request.user)
    form = RecoveryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed = device is not None and device.verify_is_allowed()[0]
        if device is not None and not allowed:
            form.add_error("code", _("Nhập sai nhiều lần. Xin đợi một lát rồi thử lại."))
        elif device is not None and device.verify_token(form.cleaned_data["code"]):
            two_factor.mark_verified(request, device)
            left = device.remaining()
            messages.warning(
                request,
                _(
                    "Đã đăng nhập bằng mã dự phòng; còn %(left)d mã. Nếu đã mất điện thoại, hãy vào "
                    "“Bảo mật tài khoản” để tạo mã mới, hoặc nhờ quản trị hệ thống đặt lại xác thực hai bước."
                )
                % {"left": left},
            )
            return redirect(_next(request))
        else:
            form.add_error("code", _("Mã dự phòng không đúng hoặc đã dùng rồi."))
    return render(request, "accounts/two_factor_recovery.html", {"form": form, "next": request.GET.get("next", "")})


@login_required
def security(request: HttpRequest) -> HttpResponse:
    """The account page: password, two-factor state, recovery codes left, API keys."""
    device = two_factor.totp_device(request.user)
    codes = two_factor.recovery_device(request.user)
    return render(
        request,
        "accounts/security.html",
        {
            "enrolled": device is not None,
            "required": two_factor.is_required(request.user),
            "codes_left": codes.remaining() if codes is not None else 0,
        },
    )


@login_required
@require_POST
def two_factor_start(request: HttpRequest) -> HttpResponse:
    try:
        two_factor.start_enrolment(request.user)
    except two_factor.TwoFactorError as exc:
        messages.error(request, str(exc))
        return redirect("account_security")
    return redirect(_with_next(reverse("two_factor_setup"), _next(request, "account_security")))


@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Scan the QR (or type the key), then confirm with the first code; the recovery codes follow."""
    if two_factor.is_enrolled(request.user):
        return redirect("account_security")
    device = two_factor.totp_device(request.user, confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = two_factor.confirm_enrolment(request.user, form.cleaned_data["code"])
        except two_factor.TwoFactorError as exc:
            form.add_error("code", str(exc))
        else:
            confirmed = two_factor.totp_device(request.user)
            two_factor.mark_verified(request, confirmed)
            request.session[SHOW_CODES] = codes
            messages.success(request, _("Đã bật xác thực hai bước."))
            return redirect(_with_next(reverse("two_factor_codes"), _next(request, "account_security")))
    context: dict[str, Any] = {
        "device": device,
        "form": form,
        "required": two_factor.state(request) == two_factor.NEEDS_ENROLMENT,
        "next": request.GET.get("next", ""),
    }
    if device is not None:
        context["qr"] = two_factor.qr_svg(device)
        context["manual_key"] = two_factor.manual_key(device)
    return render(request, "accounts/two_factor_setup.html", context)


@login_required
def two_factor_codes(request: HttpRequest) -> HttpResponse:
    """The new recovery codes, shown once (taken out of the session as they are shown)."""
    codes = request.session.pop(SHOW_CODES, None)
    if not codes:
        return redirect("account_security")
    return render(
        request, "accounts/two_factor_codes.html", {"codes": codes, "next": _next(request, "account_security")}
    )


@login_required
@require_POST
def two_factor_new_codes(request: HttpRequest) -> HttpResponse:
    if not two_factor.is_enrolled(request.user):
        messages.error(request, _("Chưa bật xác thực hai bước."))
        return redirect("account_security")
    request.session[SHOW_CODES] = two_factor.new_recovery_codes(request.user)
    messages.success(request, _("Đã tạo 10 mã dự phòng mới; các mã cũ không dùng được nữa."))
    return redirect("two_factor_codes")


@login_required
@require_POST
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    try:
        two_factor.disable(request.user)
    except two_factor.TwoFactorError as exc:
        messages.error(request, str(exc))
    else:
        request.session[two_factor.SESSION_STATE] = two_factor.NOT_NEEDED
        messages.success(request, _("Đã tắt xác thực hai bước."))
    return redirect("account_security")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """A new password by the e-mailed link also lifts the login lock of that username."""

    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        from axes.utils import reset

        response = super().form_valid(form)
        reset(username=form.user.get_username())
        return response
