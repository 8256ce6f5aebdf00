"""Domain errors: what a user is told when an action is refused. Messages are Vietnamese."""

from collections.abc import Mapping


class DomainError(Exception):
    """A refused action. `status` is the HTTP status the API answers with."""

    status = 409

    def __init__(self, message: str, *, field_errors: Mapping[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.field_errors = dict(field_errors or {})

    def __str__(self) -> str:
        return self.message


class TransitionError(DomainError):
    """The object is not in a state that allows this action."""

    status = 409


class NotAllowed(DomainError):
    """The user holds no role that allows this action on this object."""

    status = 403


class InvalidInput(DomainError):
    """The data given to the action is wrong; `field_errors` says where."""

    status = 400
