from django.http import HttpRequest

from .roles import current_hat


def current_roles(request: HttpRequest) -> dict:
    """The hat the user wears now and the others they can switch to (for the header)."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    hat, hats = current_hat(request)
    return {"current_hat": hat, "hats": hats}
