"""The engine explains each match in Chinese (it is plain Python, without Django's translations);
pages show those lines in the language in use. Connections keep the lines as they were proposed."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext, gettext_lazy

# (the engine's line, the message it is shown as); each group goes into the message by name.
LINES = (
    (re.compile(r"^匹配关键词：(?P<words>.+)$"), gettext_lazy("匹配关键词：{words}")),
    (re.compile(r"^字词相近：(?P<words>.+)$"), gettext_lazy("字词相近：{words}")),
    (re.compile(r"^同义词：(?P<pairs>.+)$"), gettext_lazy("同义词：{pairs}")),
    (re.compile(r"^同属(?P<name>.+?)(?:产业)?$"), gettext_lazy("同属{name}产业")),
    (re.compile(r"^同在(?P<place>[^（]+)（位于(?P<where>.+)）$"), gettext_lazy("同在{place}（位于{where}）")),
    (re.compile(r"^同在(?P<place>.+)$"), gettext_lazy("同在{place}")),
    (re.compile(r"^位于粤东西北地区$"), gettext_lazy("位于粤东西北地区")),
    (re.compile(r"^近期成功对接 (?P<count>\d+) 次$"), gettext_lazy("近期成功对接 {count} 次")),
    (re.compile(r"^当前暂不可对接$"), gettext_lazy("当前暂不可对接")),
)


def reason_text(line: Any) -> str:
    """One line of a match explanation in the language in use; an unknown line as it is."""
    text = str(line)
    for pattern, message in LINES:
        found = pattern.match(text)
        if found:
            values = {key: value.replace("、", gettext("、")) for key, value in found.groupdict().items()}
            return str(message).format(**values)
    return text
