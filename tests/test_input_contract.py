"""The input contract (issue 16): request data is read only through the action's Form or Serializer."""

import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "wuxing"
BY_HAND = re.compile(r"request\.(data|POST|GET|FILES)(\.get\(|\.getlist\(|\[)|\.query_params\b")
# DRF's cursor paginator reads its own `cursor` parameter (an opaque token it signs and checks itself).
EXEMPT = {"api/pagination.py"}


def test_no_view_reads_request_data_by_hand():
    found = [f"{path.relative_to(SRC)}:{n}: {line.strip()}" for path in sorted(SRC.rglob("*.py"))
             if str(path.relative_to(SRC)) not in EXEMPT
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1) if BY_HAND.search(line)]
    assert not found, "read through the action's Form or Serializer instead:\n" + "\n".join(found)


def test_api_query_parameters_are_cleaned_like_the_old_hand_reading(rf):
    """A whole number is taken, anything else is absent (None: the filter is not applied); texts are stripped."""
    from wuxing.core.forms import api_query

    got = api_query(rf.get("/", {"campaign": "12", "branch": "x1", "unit": "-3", "page": "99999999999999999999999",
                                 "status": " done "}), "campaign", "branch", "unit", "page", "missing",
                    texts=("status", "period"))
    assert got == {"campaign": 12, "branch": None, "unit": None, "page": None, "missing": None, "status": "done",
                   "period": ""}
