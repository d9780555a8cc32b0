"""Keyset (cursor) pagination for every API list: any page costs what the first one does.

Page numbers make the database skip every row before the page (OFFSET): page 50,000 of a province's
weekly reports took 40 seconds. Here a page is "the next 50 rows after this one", found on the list's own
index: the list keeps its order (the view's `order_by`, with the primary key added as the last tie-breaker)
and `next` carries the sort values of the page's last row in an opaque `cursor` parameter.

NULL sorts as the largest value on every database (last ascending, first descending: PostgreSQL's own
default, so its indexes serve the order), and the "after" condition agrees with it on SQLite too. The first
sort key also bounds the scan (`>=` or `<=` the cursor's value), so PostgreSQL starts the index walk there.
"""

from __future__ import annotations

import base64
import json

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.db.models import F, Q
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

PAGE_SIZE = 50
KEY = "_wuxing_key_{}"


def _nullable(model, path: str) -> bool:
    """Whether the field at `path` (pk, a field, or a__b across relations) may hold NULL."""
    if path == "pk":
        return False
    nullable = False
    for name in path.split("__"):
        field = model._meta.get_field(name)
        nullable = nullable or field.null
        model = field.related_model or model
    return nullable


def _fields(queryset) -> list[tuple[str, bool, bool]]:
    """(field path, descending, nullable) of the list's order, ending at the primary key."""
    model = queryset.model
    order = [o for o in (queryset.query.order_by or model._meta.ordering or []) if isinstance(o, str)]
    fields = []
    for o in order:
        name = o.lstrip("-")
        if name == "?":
            continue
        name = "pk" if name in ("id", model._meta.pk.name) else name
        fields.append((name, o.startswith("-"), _nullable(model, name)))
        if name == "pk":
            break  # nothing sorts after a unique key
    if not fields or fields[-1][0] != "pk":
        fields.append(("pk", False, False))
    return fields


def _after(keys: list[tuple[str, bool, bool]], values: list) -> Q:
    """Rows strictly after the row with `values`, in the order of `keys` (NULL largest)."""
    condition = Q(pk__in=[])
    equal = Q()
    for (key, desc, nullable), value in zip(keys, values):
        if value is None:
            strict = Q(**{f"{key}__isnull": False}) if desc else Q(pk__in=[])
            same = Q(**{f"{key}__isnull": True})
        else:
            strict = Q(**{f"{key}__lt" if desc else f"{key}__gt": value})
            if nullable and not desc:
                strict |= Q(**{f"{key}__isnull": True})
            same = Q(**{key: value})
        condition |= equal & strict
        equal &= same
    key, desc, nullable = keys[0]
    if values[0] is not None and not nullable:  # where the index walk starts
        condition &= Q(**{f"{key}__lte" if desc else f"{key}__gte": values[0]})
    return condition


def _bad_cursor() -> ValidationError:
    return ValidationError({"cursor": [_("翻页参数无效，请从第一页重新开始。")]})


class KeysetPagination(BasePagination):
    cursor_query_param = "cursor"

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        fields = _fields(queryset)
        keys = [(KEY.format(i), desc, nullable) for i, (_f, desc, nullable) in enumerate(fields)]
        ordered = queryset.annotate(**{k: F(f) for (k, _d, _n), (f, _d2, _n2) in zip(keys, fields)}).order_by(*[
            F(k).desc(nulls_first=True) if desc else F(k).asc(nulls_last=True) for k, desc, _n in keys])
        cursor = request.query_params.get(self.cursor_query_param)
        try:  # a forged cursor's values are refused by the fields (wrong kind) or the database (out of range)
            if cursor:
                ordered = ordered.filter(_after(keys, self._decode(cursor, len(keys))))
            rows = list(ordered[: PAGE_SIZE + 1])
        except (ValueError, TypeError, DjangoValidationError, DataError):
            raise _bad_cursor() from None
        self.more = len(rows) > PAGE_SIZE
        rows = rows[:PAGE_SIZE]
        last = rows[-1] if rows else None
        self.last = None if last is None else [
            last[k] if isinstance(last, dict) else getattr(last, k) for k, _d, _n in keys]
        self.first_page = not cursor
        return rows

    @staticmethod
    def _decode(cursor: str, n: int) -> list:
        try:
            values = json.loads(base64.urlsafe_b64decode(cursor.encode() + b"=" * (-len(cursor) % 4)))
        except (ValueError, UnicodeDecodeError):
            values = None
        if not isinstance(values, list) or len(values) != n:
            raise _bad_cursor()
        return values

    @staticmethod
    def _encode(values: list) -> str:
        # str() keeps a datetime's microseconds (DjangoJSONEncoder would cut them to milliseconds).
        return base64.urlsafe_b64encode(json.dumps(values, default=str).encode()).decode().rstrip("=")

    def get_next_link(self):
        if not self.more or self.last is None:
            return None
        return replace_query_param(self.request.build_absolute_uri(), self.cursor_query_param,
                                   self._encode(self.last))

    def get_first_link(self):
        return None if self.first_page else remove_query_param(self.request.build_absolute_uri(),
                                                                self.cursor_query_param)

    def get_paginated_response(self, data):
        return Response({"next": self.get_next_link(), "first": self.get_first_link(), "results": data})

    def get_paginated_response_schema(self, schema):
        link = {"type": "string", "nullable": True, "format": "uri"}
        return {"type": "object", "required": ["next", "first", "results"], "properties": {
            "next": {**link, "description": "the next page (null on the last one)"},
            "first": {**link, "description": "the first page (null on the first one)"},
            "results": schema}}

    def get_schema_operation_parameters(self, view):
        return [{"name": self.cursor_query_param, "required": False, "in": "query",
                 "description": "opaque position taken from `next`", "schema": {"type": "string"}}]
