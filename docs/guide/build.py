"""Build the user guide (操作手册) from the screenshots the browser journeys just saved.

    make guide    # runs the browser tests, then this script

Every image in docs/guide/img/ is copied from var/screenshots/ of the latest run (the browser tests empty
that folder when they start), so the guide never shows a screen the product no longer has. A chapter
whose screenshot is missing fails the build; images no chapter uses are removed. CI runs `make guide`.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from wuxing.core.guide import CHAPTERS, ROLES  # the words, shared with the in-app help page (帮助)

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "var" / "screenshots"
OUT = Path(__file__).resolve().parent

def main() -> int:
    img = OUT / "img"
    img.mkdir(exist_ok=True)
    lines = ["# 五星支部创建管理平台 操作手册", "",
             "本手册的截图由浏览器自动化测试在最近一次运行中生成（桌面和手机两种屏幕），与系统界面保持一致。", "",
             *ROLES, ""]
    missing, written = [], set()
    for role, steps in CHAPTERS:
        lines += [f"## {role}", ""]
        for name, text in steps:
            lines += [text, ""]
            for viewport, label in (("desktop", "电脑"), ("phone", "手机")):
                src = SHOTS / f"{name}-{viewport}.png"
                if not src.exists():
                    missing.append(src.name)
                    continue
                shutil.copyfile(src, img / src.name)
                written.add(src.name)
                lines.append(f"![{role}（{label}）](img/{src.name})")
            lines.append("")
    if missing:
        print("missing screenshots (run the browser tests first):", ", ".join(missing), file=sys.stderr)
        return 1
    for stale in img.glob("*.png"):  # a screen the guide no longer shows
        if stale.name not in written:
            stale.unlink()
    (OUT / "README.md").write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {OUT / 'README.md'} with {sum(len(s) for _r, s in CHAPTERS) * 2} screenshots")
    return 0


if __name__ == "__main__":
    sys.exit(main())
