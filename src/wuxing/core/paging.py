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
