"""Pages of the API: the user's keys (/tai-khoan/api/) and the docs (/api/v1/docs).

The docs are rendered on the server from the OpenAPI document: no Swagger, no CDN, no script.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import ApiToken

from .forms import NewTokenForm

HTTP_METHODS = ("get", "post", "put", "patch", "delete")


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    """List the user's keys; POST makes a new one.

    The new secret is shown in the answer to the POST itself and nowhere else: storing it to
    show after a redirect (session, message) would keep the secret on the server.
    """
    form = NewTokenForm(request.POST or None)
    created: tuple[ApiToken, str] | None = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            created = ApiToken.issue(request.user, form.cleaned_data["name"])  # type: ignore[arg-type]
            form = NewTokenForm()
            status = 201
        else:
            status = 400
    context = {
        "form": form,
        "created": created[0] if created else None,
        "secret": created[1] if created else None,
        "tokens": ApiToken.objects.filter(user=request.user).order_by("-created_at", "-pk"),
    }
    return render(request, "api/tokens.html", context, status=status)


@login_required
@require_POST
def revoke_token(request: HttpRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    if token.is_active:
        token.revoke()
        messages.success(
            request,
            _("Đã thu hồi khóa “%(name)s”. Các chương trình dùng khóa này sẽ bị từ chối.") % {"name": token.name},
        )
    else:
        messages.info(request, _("Khóa “%(name)s” đã được thu hồi từ trước.") % {"name": token.name})
    return redirect("api_tokens")


@csrf_exempt
def not_found(request: HttpRequest) -> HttpResponse:
    """An address under /api/v1/ that names no endpoint (or an id that is not a number).

    CSRF-exempt: a POST to such an address changes nothing and must get this JSON 404, not
    Django's HTML 403 page about a missing CSRF cookie (the API takes bearer keys, no cookies)."""
    from .errors import NOT_FOUND, error_body

    return JsonResponse(error_body(NOT_FOUND), status=404, json_dumps_params={"ensure_ascii": False})


# --------------------------------------------------------------------------- docs


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def type_of(schema: dict[str, Any]) -> dict[str, Any]:
    """A schema as the page shows it: a text, and the schema it links to (if any)."""
    if "$ref" in schema:
        name = _ref_name(schema["$ref"])
        return {"text": name, "link": name}
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            parts = [type_of(s) for s in schema[key]]
            return {"text": " | ".join(p["text"] for p in parts), "parts": parts}
    if schema.get("type") == "array":
        inner = type_of(schema.get("items", {}))
        return {"text": _("danh sách %(text)s") % {"text": inner["text"]}, "parts": [inner], "array": True}
    if "enum" in schema:
        return {"text": " | ".join(f'"{v}"' for v in schema["enum"])}
    if "const" in schema:
        return {"text": f'"{schema["const"]}"'}
    kind = schema.get("type", "")
    fmt = schema.get("format")
    names = {
        "integer": _("số nguyên"),
        "string": _("chuỗi"),
        "boolean": "true/false",
        "number": _("số"),
        "object": _("đối tượng"),
        "null": "null",
    }
    if kind == "string" and fmt == "date":
        return {"text": _("ngày (YYYY-MM-DD)")}
    if kind == "string" and fmt == "date-time":
        return {"text": _("thời điểm (ISO 8601)")}
    if kind == "object" and "additionalProperties" in schema:
        inner = type_of(schema["additionalProperties"])
        return {"text": _("{khóa: %(text)s}") % {"text": inner["text"]}, "parts": [inner]}
    return {"text": names.get(kind, kind or _("bất kỳ"))}


def _links(t: dict[str, Any]) -> list[str]:
    found = [t["link"]] if "link" in t else []
    for part in t.get("parts", []):
        found.extend(_links(part))
    return found


def _fields(schema: dict[str, Any]) -> list[dict[str, Any]]:
    required = set(schema.get("required", []))
    rows = []
    for name, prop in schema.get("properties", {}).items():
        t = type_of(prop)
        rows.append(
            {
                "name": name,
                "type": t["text"],
                "links": _links(t),
                "required": name in required,
                "description": prop.get("description", ""),
                "default": prop.get("default"),
                "has_default": "default" in prop,
                "bounds": ", ".join(
                    f"{label} {prop[key]}"
                    for key, label in (("minimum", "≥"), ("maximum", "≤"), ("maxLength", _("tối đa ký tự:")))
                    if key in prop
                ),
            }
        )
    return rows


def describe(document: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI document arranged for the docs page: operations grouped by tag, then schemas."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for path, item in document.get("paths", {}).items():
        for method in HTTP_METHODS:
            op = item.get(method)
            if op is None:
                continue
            params = [
                {
                    "name": p["name"],
                    "in": p["in"],
                    "required": p.get("required", False),
                    "type": type_of(p.get("schema", {}))["text"],
                    "description": p.get("description") or p.get("schema", {}).get("description", ""),
                }
                for p in op.get("parameters", [])
            ]
            body = None
            content = op.get("requestBody", {}).get("content", {}).get("application/json")
            if content:
                t = type_of(content.get("schema", {}))
                body = {"type": t["text"], "links": _links(t), "required": op["requestBody"].get("required", False)}
            responses = []
            for code, response in op.get("responses", {}).items():
                schema = response.get("content", {}).get("application/json", {}).get("schema", {})
                t = type_of(schema) if schema else {"text": ""}
                responses.append(
                    {
                        "code": code,
                        "type": t["text"],
                        "links": _links(t),
                        "description": response.get("description", ""),
                    }
                )
            tag = (op.get("tags") or [_("Khác")])[0]
            groups.setdefault(tag, []).append(
                {
                    "id": op.get("operationId", f"{method}-{path}"),
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "parameters": params,
                    "query": [p for p in params if p["in"] == "query"],
                    "has_path_params": any(p["in"] == "path" for p in params),
                    "body": body,
                    "success": [r for r in responses if int(r["code"]) < 400],
                    "error_codes": [r["code"] for r in responses if int(r["code"]) >= 400],
                }
            )
    schemas = [
        # only what a client sends has optional fields worth marking; an answer always has them all
        {
            "name": name,
            "description": schema.get("description", ""),
            "fields": _fields(schema),
            "is_input": name.endswith("In"),
        }
        for name, schema in sorted(document.get("components", {}).get("schemas", {}).items())
    ]
    return {
        "groups": [{"tag": tag, "slug": f"nhom-{i}", "operations": ops} for i, (tag, ops) in enumerate(groups.items())],
        "schemas": schemas,
        "count": sum(len(ops) for ops in groups.values()),
    }


def docs(request: HttpRequest) -> HttpResponse:
    from .api import api

    document = api.get_openapi_schema(path_prefix=request.path.removesuffix("docs").rstrip("/"))
    context = {
        **describe(document),
        "info": document.get("info", {}),
        "openapi_url": request.path.removesuffix("docs") + "openapi.json",
    }
    return render(request, "api/docs.html", context)
