"""API plumbing shared by every app: the JSON-only body parser, strict fields, and the one exception handler.

The input contract (issue 16): every API write goes through its action's serializer, bodies are JSON
objects (uploads multipart), booleans are JSON booleans, lists of codes are lists of strings. The
exception handler maps what the services and lookups raise onto the same answers everywhere: out of
scope and missing objects are one 404 in Chinese, refused input is a 400 with Chinese messages.
"""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ParseError, ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class ObjectJSONParser(JSONParser):
    """JSON bodies must be objects. Every endpoint reads named fields, so `false`, `42` or a list at the
    top level is a client error (400 with a message), never a server error."""

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        if not isinstance(data, dict):
            raise ParseError(_("请求体应为 JSON 对象（{…}）。"))
        return data


def not_found() -> NotFound:
    # One answer for "not there" and "not yours": outsiders learn nothing from the difference.
    return NotFound(_("未找到。"))


def exception_handler(exc, context):
    """Services raise Django's PermissionDenied and ValidationError; lookups raise Http404. Map them, and
    DRF's own English "No X matches" and "Invalid pk" answers, onto the contract above."""
    if isinstance(exc, (DjangoPermissionDenied, Http404, ObjectDoesNotExist, NotFound)):
        exc = not_found()
    elif isinstance(exc, DjangoValidationError):
        exc = drf_error(exc)
    return drf_exception_handler(exc, context)


def drf_error(exc: DjangoValidationError) -> ValidationError:
    return ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages})


class StrictCharField(serializers.CharField):
    """Text and nothing else: a number or a boolean where words belong is refused, not turned into "5"."""

    default_error_messages = {"invalid": gettext_lazy("应为文字。")}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictModelSerializer(serializers.ModelSerializer):
    """ModelSerializer whose text columns take text only (StrictCharField)."""

    serializer_field_mapping = {**serializers.ModelSerializer.serializer_field_mapping,
                                models.CharField: StrictCharField, models.TextField: StrictCharField}


class StrictBooleanField(serializers.BooleanField):
    """A JSON boolean and nothing else: "false", 0 or "" are refused instead of guessed at."""

    default_error_messages = {"invalid": gettext_lazy("应为 true 或 false。")}

    def to_internal_value(self, data):
        if isinstance(data, bool):
            return data
        self.fail("invalid")


class ScopedPrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """A related id looked up through the policy (`for_user`): an id out of the caller's scope and an id
    that does not exist get the same 404, so neither discloses the other."""

    def __init__(self, **kwargs):
        self.scope = kwargs.pop("scope")  # request user -> queryset
        kwargs.setdefault("queryset", None)
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.scope(self.context["request"].user)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            if not (isinstance(data, str) and data.isdigit()):
                raise ValidationError(_("应为整数编号。"))
        try:
            return self.get_queryset().get(pk=int(data))
        except (ObjectDoesNotExist, OverflowError, ValueError):
            raise not_found() from None


def code_list(*, max_items: int = 100, max_length: int = 40, **kwargs) -> serializers.ListField:
    """A list of codes (stars, indicators, tags): strings only, bounded."""
    return serializers.ListField(child=StrictCharField(max_length=max_length), max_length=max_items, **kwargs)


def text_list(*, max_items: int = 200, max_length: int = 200, **kwargs) -> serializers.ListField:
    """A list of short texts (documents, names)."""
    return serializers.ListField(child=StrictCharField(max_length=max_length, allow_blank=True),
                                 max_length=max_items, **kwargs)


class ValueRowsList:
    """A viewset's list answered from value rows: `list_fields` read with values() through the same queryset,
    filters and keyset pagination, each page turned into the serializer's answer by `rows` (a test holds the two
    equal). A page of 50 through model objects and DRF's fields cost 4–9 ms, mostly making the objects."""

    list_fields: tuple[str, ...] = ()

    def rows(self, rows: list[dict]) -> list[dict]:
        raise NotImplementedError

    def list(self, request, *args, **kwargs):
        found = self.filter_queryset(self.get_queryset()).select_related(None).prefetch_related(None).values(
            *self.list_fields)
        page = self.paginate_queryset(found)
        rows = self.rows(list(found if page is None else page))
        return Response(rows) if page is None else self.get_paginated_response(rows)


def time_text(value, tz) -> str | None:
    """What DRF's DateTimeField answers for an aware datetime (ISO 8601 in `tz`, "Z" for UTC), without its per-value
    settings lookups: the list builders call it for every row. `tz`: timezone.get_current_timezone(), read once."""
    if value is None:
        return None
    text = value.astimezone(tz).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


class NoteSerializer(serializers.Serializer):
    """The note of a transition (return, pass, confirm, accept)."""

    note = StrictCharField(required=False, allow_blank=True, max_length=2000)


def note_of(request) -> str:
    body = NoteSerializer(data=request.data)
    body.is_valid(raise_exception=True)
    return body.validated_data.get("note", "")


def json_body(data) -> bytes:
    """`data` as DRF's JSON renderer writes it: what a cached API answer keeps (see json_answer)."""
    return JSONRenderer().render(data)


def json_answer(request, body: bytes):
    """A json_body sent as it is when DRF chose plain JSON for this client (a cache hit encodes nothing again);
    otherwise its data through the renderer chosen (the browsable page, an indented JSON)."""
    if isinstance(request.accepted_renderer, JSONRenderer) and request.accepted_media_type == JSONRenderer.media_type:
        return HttpResponse(body, content_type=JSONRenderer.media_type)
    import json

    return Response(json.loads(body))
