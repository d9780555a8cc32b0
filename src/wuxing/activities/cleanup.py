"""Cleaning text that came off a scanned newspaper page or a pasted article. Pure Python, no Django.

Each rule is a separate function, tested on its own; `clean()` runs them in order. No rule drops
real content: they remove only what the scanner or the layout added (heading marks, spaces that
justified a column, breaks inside a sentence, page furniture, a phrase the scanner repeated).
"""

from __future__ import annotations

import re
import unicodedata

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_PUNCT = r"\u3000-\u303f\uff00-\uffef“”‘’《》（）【】、·—…"
# A line ending with one of these closes a sentence or a paragraph.
TERMINAL = "。！？!?；;：:”」』）)…"

# Markdown needs a space after the marks: "## 标题" is a heading, "#5 号文件" is text.
HEADING_MARK = re.compile(r"^\s{0,3}#{1,6}(?:[ \t]+|$)")
SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{CJK}{CJK_PUNCT}])[ \t\u3000]+(?=[{CJK}{CJK_PUNCT}])")
REPEATED = re.compile(r"(.{2,30}?)\1{2,}")
HAS_CJK = re.compile(rf"[{CJK}]")

# Page furniture of a district newspaper: masthead, page and edition labels, dateline of the issue,
# editors' credits, section labels. Matched against a whole (cleaned) line only.
STRAY_LINE = [
    re.compile(r"^第\s*[0-9一二三四五六七八九十]+\s*版.*$"),
    re.compile(r"^[0-9]{4}\s*年\s*[0-9]{1,2}\s*月\s*[0-9]{1,2}\s*日\s*(星期|周)[一二三四五六日天].*$"),
    re.compile(r"^(责任编辑|责编|编辑|校对|版式|美编|审核)[:：].*$"),
    re.compile(r"^(要闻|综合|时政|专版|基层党建|党建|图片新闻)$"),
    re.compile(r"^[-—=_*·\s]{3,}$"),
    re.compile(r"^\d{1,3}$"),
    re.compile(r"^[\u4e00-\u9fff]{2,8}(日报|晚报|报)$"),  # the masthead: 经开区报, 郑州日报
    # What a WeChat account puts around a post: the follow prompt, reads and likes, the share bar.
    re.compile(r"^(点击上方|点击蓝字|长按|扫码关注|扫描二维码|阅读原文|阅读\s*\d|在看|分享|点赞|预览时标签不可点).*$"),
]
# 下转第2版 / （上接第1版）: where a paper continues an article on another page.
CONTINUATION = re.compile(r"[（(]?\s*[上下]\s*[接转]\s*第\s*[0-9一二三四五六七八九十]+\s*版\s*[）)]?")
# Lines that open an article's text: its lead, its first dated sentence, a WeChat post's header.
LEAD_START = re.compile(r"^(?:本报讯|(?:20\d{2}年)?\d{1,2}月\d{1,2}日|近日|日前)")
POST_HEADER = re.compile(r"^(?:发布时间|发布日期|来源)[：:]")
# A byline standing on its own line (after the body), and a source in parentheses closing an article.
BARE_BYLINE = re.compile(r"^(?:记\s*者|通\s*讯\s*员)\s")
SOURCE_LINE = re.compile(r"^[（(][^（）()]{2,40}[）)]$")


def normalise(text: str) -> str:
    """NFKC for width (full-width digits and letters), unify line endings, drop control characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    out = []
    for ch in text:
        if ch in "\n\t":
            out.append(ch)
        elif unicodedata.category(ch) == "Cc" or ch in "\u200b\ufeff":
            continue
        else:
            out.append(ch)
    text = "".join(out)
    # NFKC turns full-width ASCII into ASCII but keeps CJK punctuation as the press uses it.
    return "".join(unicodedata.normalize("NFKC", ch) if "\uff01" <= ch <= "\uff5e" and ch not in "（），：；！？" else ch
                   for ch in text)


def strip_heading_marks(line: str) -> tuple[str, bool]:
    """'## 标题' → ('标题', True): OCR tools emit Markdown; the mark tells us the line is a heading."""
    match = HEADING_MARK.match(line)
    if match and line[match.end():].strip():
        return line[match.end():].strip(), True
    return line, False


BYLINE_SPAN = re.compile(r"[（(][^（）()]*(?:记\s*者|通\s*讯\s*员)[^（）()]*[）)]")


def remove_cjk_spaces(line: str) -> str:
    """'明 湖 办 事 处 召 开' → '明湖办事处召开': spaces a justified column put between characters.

    Inside a byline （记者 王芳 通讯员 赵磊 孙丽）, a byline line after the body (记者 王芳 通讯员 赵磊 文/图)
    and a closing source （九龙办事处 马超 李娜） the spaces separate names and are kept (runs of them folded
    to one); only the keywords themselves are closed up."""
    stripped = line.strip()
    if BARE_BYLINE.match(stripped) or (SOURCE_LINE.match(stripped) and not CONTINUATION.fullmatch(stripped)):
        span = re.sub(r"记\s*者", "记者", stripped)
        span = re.sub(r"通\s*讯\s*员", "通讯员", span)
        return re.sub(r"[ \t\u3000]+", " ", span)
    out, last = [], 0
    for m in BYLINE_SPAN.finditer(line):
        out.append(SPACE_BETWEEN_CJK.sub("", line[last:m.start()]))
        span = re.sub(r"记\s*者", "记者", m.group(0))
        span = re.sub(r"通\s*讯\s*员", "通讯员", span)
        out.append(re.sub(r"[ \t\u3000]+", " ", span))
        last = m.end()
    out.append(SPACE_BETWEEN_CJK.sub("", line[last:]))
    return "".join(out)


def collapse_repeats(line: str) -> str:
    """'五星支部五星支部五星支部创建' → '五星支部创建': a phrase the scanner repeated three or more times."""
    # Only phrases with Chinese in them: digits such as 1000000 or 2020-2020 are real content.
    return REPEATED.sub(lambda m: m.group(1) if HAS_CJK.search(m.group(1)) else m.group(0), line)


def remove_continuations(line: str) -> str:
    """'…参加会议。（下转第2版）' → '…参加会议。'"""
    return CONTINUATION.sub("", line)


def is_stray(line: str) -> bool:
    return any(p.match(line.strip()) for p in STRAY_LINE)


def ends_sentence(line: str) -> bool:
    return bool(line) and line.rstrip()[-1] in TERMINAL


def mark_titles(lines: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """Flag headline lines: those marked as headings, and the up to three short title-like lines
    standing right above an article's opening line — a 本报讯 lead, or a first sentence that starts with
    its date — with blank lines and a WeChat post's header between them allowed."""
    flags = [heading for _text, heading in lines]
    for i, (text, _h) in enumerate(lines):
        if not LEAD_START.match(text) or (i > 0 and lines[i - 1][0].strip() and not ends_sentence(lines[i - 1][0])
                                          and not looks_like_title(lines[i - 1][0])):
            continue
        j, taken = i - 1, 0
        while j >= 0 and taken < 3:
            candidate = lines[j][0]
            if not candidate.strip() or POST_HEADER.match(candidate):
                j -= 1
                continue
            if not looks_like_title(candidate):
                break
            flags[j] = True
            taken += 1
            j -= 1
    return [(text, flag) for (text, _h), flag in zip(lines, flags)]


def join_broken_lines(lines: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """Rejoin a sentence the layout broke: across a line break, or across blank lines left where a
    column or page broke. Headlines keep their own lines; a blank line after a finished sentence
    stays a paragraph break."""
    lines = mark_titles(lines)
    out: list[tuple[str, bool]] = []
    pending_blank = False
    for text, title in lines:
        if not text.strip():
            pending_blank = True
            continue
        if (out and not title and not out[-1][1] and not ends_sentence(out[-1][0]) and not text.startswith("本报讯")
                and not POST_HEADER.match(out[-1][0]) and not POST_HEADER.match(text) and not BARE_BYLINE.match(text)):
            out[-1] = (out[-1][0] + text.strip(), False)
        else:
            if pending_blank and out:
                out.append(("", False))
            out.append((text.strip(), title))
        pending_blank = False
    return out


def looks_like_title(line: str) -> bool:
    """Short, no sentence punctuation inside: how headlines and subtitles look."""
    s = line.strip()
    return (2 <= len(s) <= 40 and not any(p in s for p in "。；;") and not s.startswith("本报讯")
            and not POST_HEADER.match(s) and not BARE_BYLINE.match(s) and not SOURCE_LINE.match(s))


def clean(text: str) -> tuple[str, list[tuple[str, bool]]]:
    """Run every rule; returns the clean text and its lines with a heading flag."""
    lines = []
    for raw in normalise(text).split("\n"):
        line, heading = strip_heading_marks(raw)
        line = collapse_repeats(remove_continuations(remove_cjk_spaces(line))).strip()
        if line and is_stray(line):
            continue
        lines.append((line, heading))
    joined = join_broken_lines(lines)
    return "\n".join(text for text, _h in joined), joined
