from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class LoginForm(AuthenticationForm):
    """The login form with Vietnamese labels and phone-friendly inputs."""

    error_messages = {
        "invalid_login": gettext_lazy(
            "Tên đăng nhập hoặc mật khẩu không đúng. Xin kiểm tra lại (chữ hoa, chữ thường)."
        ),
        "inactive": gettext_lazy("Tài khoản này đã bị khóa."),
    }

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Tên đăng nhập")
        self.fields["username"].widget.attrs.update({"autocapitalize": "none", "autocomplete": "username"})
        self.fields["password"].label = _("Mật khẩu")
