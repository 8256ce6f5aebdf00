from django.http import HttpRequest

from .roles import current_hat


def current_roles(request: HttpRequest) -> dict:
    """The hat the user wears now and the others they can switch to (for the header)."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    from notifications.models import unread_count
    from web.nav import links_for

    hat, hats = current_hat(request)
    return {
        "current_hat": hat,
        "hats": hats,
        "nav": links_for(hat.kind if hat else None),
        # a callable: the count query runs only when a page shows the header, once per request
        "unread_notifications": unread_count(request.user),
    }
