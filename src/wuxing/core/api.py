"""API plumbing shared by every app."""

from __future__ import annotations

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class ObjectJSONParser(JSONParser):
    """JSON bodies must be objects. Every endpoint reads named fields, so `false`, `42` or a list at the
    top level is a client error (400 with a message), never a server error."""

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        if not isinstance(data, dict):
            raise ParseError("请求体应为 JSON 对象（{…}）。")
        return data
