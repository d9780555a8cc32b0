"""The OpenAPI schema class (its own module: drf-spectacular imports DRF views, which load the parsers in
core.api)."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from rest_framework.permissions import AllowAny

_DETAIL = {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]}
# A refused request: field errors ({"field": ["…"]}), {"detail": "…"} or {"errors": [...]}.
_INVALID = {"type": "object", "additionalProperties": True}


def _error(description: str, schema: dict) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


class WuxingAutoSchema(AutoSchema):
    """Documents the error answers every operation can give, so clients (and schemathesis) know them:
    400 refused input, 401/403 for views that need a signed-in user, 404 for an object named in the path,
    body or query that is out of reach (or a page past the end), 429 where a throttle applies. The
    bodies are DRF's own shapes."""

    def _get_response_bodies(self, direction="response"):
        bodies = super()._get_response_bodies(direction)
        if direction != "response":
            return bodies
        errors = {}
        if self.method != "DELETE":
            errors["400"] = _error("请求参数或内容有误", _INVALID)
        if not all(isinstance(p, AllowAny) for p in self.view.get_permissions()):
            errors["401"] = _error("未登录或令牌无效", _DETAIL)
            errors["403"] = _error("无权执行此操作", _DETAIL)
        errors["404"] = _error("对象不存在或不在您的范围内", _DETAIL)
        if self.view.get_throttles():
            errors["429"] = _error("请求过于频繁，请稍后再试", _DETAIL)
        for code, body in errors.items():
            bodies.setdefault(code, body)
        return bodies
