"""A page of rows fetched by the caller (LIMIT/OFFSET in SQL), shaped like Django's Page for _pager.html."""

from __future__ import annotations

from types import SimpleNamespace


class Page:
    def __init__(self, rows: list, number: int, num_pages: int, count: int):
        self.object_list, self.number = rows, number
        self.paginator = SimpleNamespace(num_pages=num_pages, count=count)

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    def has_next(self) -> bool:
        return self.number < self.paginator.num_pages

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_next() or self.has_previous()

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


def page_or_404(object_list, per_page: int, number):
    """Django's page of `object_list`; no number means the first page, and a number that is not a page
    (not an integer, below 1, past the last) is 404, not a silently different page."""
    from django.core.paginator import InvalidPage, Paginator
    from django.http import Http404

    paginator = Paginator(object_list, per_page)
    if number in (None, ""):
        number = 1
    try:
        if not str(number).isdigit() or int(number) > 1_000_000:
            raise InvalidPage
        return paginator.page(int(number))
    except InvalidPage:
        raise Http404 from None
