"""Page-number pagination that counts at most 1,000 rows past the page asked for.

An exact COUNT(*) over a province's 2.6 million weekly reports costs hundreds of milliseconds on
every page of the list; counting a window of CAP + 1 rows from the current page costs a few. When
the window is full, `count` is a lower bound (`count_capped` is true) and `next` still leads on, so
every page stays reachable; narrow the list with its filters for an exact count.
"""

from __future__ import annotations

from django.core.paginator import EmptyPage, Paginator
from django.utils.functional import cached_property
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

CAP = 1_000
MAX_PAGE = 1_000_000  # far past any list; larger numbers would overflow the database's OFFSET


class CappedPaginator(Paginator):
    start = 0
    capped = False

    def validate_number(self, number):
        # Called by page() before anything reads `count`: the counted window starts at this page.
        if (isinstance(number, int) or str(number).isdigit()) and int(number) > MAX_PAGE:
            raise EmptyPage("out of range")
        if isinstance(number, int) or str(number).isdigit():
            self.start = max(int(number) - 1, 0) * self.per_page
        return super().validate_number(number)

    @cached_property
    def count(self) -> int:
        window = self.object_list[self.start:self.start + CAP + 1].count()
        self.capped = window > CAP
        return self.start + min(window, CAP)


class CappedPagination(PageNumberPagination):
    django_paginator_class = CappedPaginator

    def get_paginated_response(self, data):
        paginator = self.page.paginator
        return Response({"count": paginator.count, "count_capped": paginator.capped,
                         "next": self.get_next_link(), "previous": self.get_previous_link(), "results": data})

    def get_paginated_response_schema(self, schema):
        out = super().get_paginated_response_schema(schema)
        out["properties"]["count_capped"] = {"type": "boolean",
                                             "description": f"true when more than {CAP:,} rows follow this page"}
        out["required"] = [*out.get("required", []), "count_capped"]
        return out
