"""The REST API, /api/v1/: thin — it reads through books.access and acts through books.actions."""

from __future__ import annotations

from ninja import NinjaAPI
from ninja.parser import Parser
from ninja.renderers import JSONRenderer

from . import comments, errors, letters, members, records
from .auth import BearerToken, SessionRead

DESCRIPTION = """\
API của Sổ liên hệ 213. Xác thực: `Authorization: Bearer <khóa API>` (tạo ở /tai-khoan/api/ hoặc
`manage.py create_api_token`). Trình duyệt đã đăng nhập được đọc (GET); mọi lệnh POST cần khóa API.
Mỗi người chỉ thấy những gì vai trò của mình cho phép; đối tượng không được xem trả về 404.
Lỗi: `{"detail": "...", "errors": {"trường": ["..."]}}` — 400 dữ liệu sai, 403 không có quyền,
409 trạng thái không cho phép, 422 không đúng lược đồ. Ngày theo ISO (YYYY-MM-DD).
"""


class VietnameseJSON(JSONRenderer):
    """JSON with the letters as they are ("Đảng ủy"), not as \\u escapes."""

    json_dumps_params = {"ensure_ascii": False}


class BlankIsNotGiven(Parser):
    """`?cell=&state=` (a form left blank, as the docs page's "try it" sends) filters nothing."""

    def parse_querydict(self, data, list_fields, request):  # type: ignore[no-untyped-def]
        parsed = super().parse_querydict(data, list_fields, request)
        return {key: value for key, value in parsed.items() if value not in ("", [])}


# Endpoint docstrings are Vietnamese: ninja publishes them as the operations' descriptions.
api = NinjaAPI(
    title="Sổ liên hệ 213 — API",
    version="1",
    description=DESCRIPTION,
    auth=[BearerToken(), SessionRead()],
    renderer=VietnameseJSON(),
    parser=BlankIsNotGiven(),
    urls_namespace="api",
    docs_url=None,  # ninja's own docs load Swagger from a CDN; ours is server-rendered (api.views.docs)
)
errors.install(api)
api.add_router("", members.router)
api.add_router("", letters.router)
api.add_router("", comments.router)
api.add_router("", records.books_router)
api.add_router("", records.register_router)
api.add_router("", records.notices_router)
api.add_router("", records.meetings_router)
api.add_router("", records.directory_router)
