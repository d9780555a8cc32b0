"""Build .xlsx files in memory for importer tests."""

from __future__ import annotations

import io

from openpyxl import Workbook

UNIT_HEADER = ["单位编码", "单位名称", "层级", "上级编码", "城乡类型", "区划代码"]
USER_HEADER = ["用户名", "姓名", "手机号码", "角色", "单位编码", "初始密码"]


def xlsx(rows: list[list], header: list[str] | None = UNIT_HEADER, name: str = "t.xlsx") -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    if header is not None:
        ws.append(header)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    buffer.name = name
    return buffer
