"""The input contract (issue 16): request data is read only through the action's Form or Serializer."""

import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "wuxing"
BY_HAND = re.compile(r"request\.(data|POST|GET|FILES)(\.get\(|\.getlist\(|\[)")


def test_no_view_reads_request_data_by_hand():
    found = [f"{path.relative_to(SRC)}:{n}: {line.strip()}" for path in sorted(SRC.rglob("*.py"))
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1) if BY_HAND.search(line)]
    assert not found, "read through the action's Form or Serializer instead:\n" + "\n".join(found)
