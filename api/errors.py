"""How the API says no: one body for every refusal, in Vietnamese.

`{"detail": "<message>", "errors": {"<field>": ["<problem>", ...]}}` with
- a `DomainError` from books.actions → its status (TransitionError 409, NotAllowed 403, InvalidInput 400);
- an object the caller may not see → 404 (books.access.get_visible; existence is not revealed);
- no or a bad token → 401;
- a body that is not JSON, or does not fit the schema → 422.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from books.errors import DomainError

NOT_FOUND = gettext_lazy("Không tìm thấy hoặc bạn không có quyền xem.")
UNAUTHORIZED = gettext_lazy(
    "Cần xác thực: gửi kèm tiêu đề 'Authorization: Bearer <khóa API>' (tạo khóa ở trang /tai-khoan/api/). "
    "Lệnh POST chỉ nhận khóa API."
)


class ErrorOut(Schema):
    """Lời từ chối: sai ở đâu (`detail`) và cần sửa trường nào (`errors`)."""

    detail: str
    errors: dict[str, list[str]] = {}


def error_body(detail: str, errors: dict[str, list[str]] | None = None) -> dict[str, Any]:
    return {"detail": str(detail), "errors": errors or {}}


# pydantic's error types, said in Vietnamese; {placeholders} come from the error's context
_MESSAGES = {
    "missing": gettext_lazy("Thiếu trường bắt buộc."),
    "int_parsing": gettext_lazy("Phải là một số nguyên."),
    "int_type": gettext_lazy("Phải là một số nguyên."),
    "int_from_float": gettext_lazy("Phải là một số nguyên."),
    "float_parsing": gettext_lazy("Phải là một số."),
    "bool_parsing": gettext_lazy("Phải là true hoặc false."),
    "bool_type": gettext_lazy("Phải là true hoặc false."),
    "string_type": gettext_lazy("Phải là một chuỗi ký tự."),
    "string_too_short": gettext_lazy("Quá ngắn (ít nhất {min_length} ký tự)."),
    "string_too_long": gettext_lazy("Quá dài (tối đa {max_length} ký tự)."),
    "date_parsing": gettext_lazy("Ngày không hợp lệ: viết theo dạng YYYY-MM-DD, ví dụ 2026-10-20."),
    "date_from_datetime_parsing": gettext_lazy("Ngày không hợp lệ: viết theo dạng YYYY-MM-DD, ví dụ 2026-10-20."),
    "date_from_datetime_inexact": gettext_lazy("Chỉ ghi ngày (YYYY-MM-DD), không ghi giờ."),
    "date_type": gettext_lazy("Ngày không hợp lệ: viết theo dạng YYYY-MM-DD."),
    "greater_than_equal": gettext_lazy("Phải lớn hơn hoặc bằng {ge}."),
    "greater_than": gettext_lazy("Phải lớn hơn {gt}."),
    "less_than_equal": gettext_lazy("Phải nhỏ hơn hoặc bằng {le}."),
    "less_than": gettext_lazy("Phải nhỏ hơn {lt}."),
    "literal_error": gettext_lazy("Phải là một trong các giá trị: {expected}."),
    "enum": gettext_lazy("Phải là một trong các giá trị: {expected}."),
    "list_type": gettext_lazy("Phải là một danh sách."),
    "too_short": gettext_lazy("Cần ít nhất {min_length} phần tử."),
    "too_long": gettext_lazy("Nhiều nhất {max_length} phần tử."),
    "dict_type": gettext_lazy("Phải là một đối tượng JSON."),
    "model_type": gettext_lazy("Phải là một đối tượng JSON."),
    "model_attributes_type": gettext_lazy("Phải là một đối tượng JSON."),
    "extra_forbidden": gettext_lazy("Trường này không có trong API."),
    "json_invalid": gettext_lazy("Nội dung không phải JSON hợp lệ."),
}


def vietnamese(error: dict[str, Any]) -> str:
    template = _MESSAGES.get(str(error.get("type", "")))
    if template is None:
        return _("Giá trị không hợp lệ (%(msg)s).") % {"msg": error.get("msg", "")}
    context = dict(error.get("ctx") or {})
    if "expected" in context:
        context["expected"] = str(context["expected"]).replace(" or ", _(" hoặc "))
    try:
        return template.format(**context)
    except (KeyError, IndexError):
        return template


def field_name(loc: tuple[Any, ...] | list[Any]) -> str:
    """('body', 'payload', 'member_ids', 0) → 'member_ids.0'; ('body', 'payload') → 'body'; ('query', 'q') → 'q'."""
    parts = [str(p) for p in loc[1:]]
    if loc and loc[0] == "body":
        parts = parts[1:]  # the name of the view's body parameter says nothing to the caller
    return ".".join(parts) or "body"


def install(api: NinjaAPI) -> None:
    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return api.create_response(request, error_body(exc.message, exc.field_errors), status=exc.status)

    @api.exception_handler(OverflowError)
    def too_large(request: HttpRequest, exc: OverflowError) -> HttpResponse:
        # a number too large for the database that validation did not bound (e.g. a path id on SQLite)
        return api.create_response(request, error_body(_("Một số gửi lên quá lớn.")), status=422)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(request, error_body(str(exc) or NOT_FOUND), status=404)

    @api.exception_handler(AuthenticationError)
    def unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = api.create_response(request, error_body(UNAUTHORIZED), status=401)
        response["WWW-Authenticate"] = 'Bearer realm="solienhe"'
        return response

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        # ninja reports an unreadable body as 400 "Cannot parse request body": for us it is 422
        if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
            return api.create_response(
                request,
                error_body(
                    _("Dữ liệu gửi lên không đọc được: nội dung phải là JSON hợp lệ."),
                    {"body": [_("Nội dung không phải JSON hợp lệ.")]},
                ),
                status=422,
            )
        return api.create_response(request, error_body(str(exc)), status=exc.status_code)

    @api.exception_handler(ValidationError)
    def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors: dict[str, list[str]] = {}
        for error in exc.errors:
            errors.setdefault(field_name(error.get("loc", ())), []).append(vietnamese(error))
        summary = "; ".join(f"{name}: {' '.join(problems).rstrip('.')}" for name, problems in errors.items())
        return api.create_response(
            request,
            error_body(_("Dữ liệu gửi lên không hợp lệ — %(summary)s.") % {"summary": summary}, errors),
            status=422,
        )
