"""Fill English translations into django.po from a JSON object {msgid: msgstr}, clearing the
fuzzy mark of each entry it fills: `python scripts/po_fill.py translations.json`. Used after
`bqw makemessages -l en`; untouched entries stay as they are."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

PO = (
    Path(__file__).resolve().parents[1] / "src" / "baiqianwan" / "locale" / "en" / "LC_MESSAGES" / "django.po"
)
ENTRY = re.compile(r'^msgid ((?:".*"\n)+)msgstr ((?:".*"\n?)+)', re.M)


def _unquote(block: str) -> str:
    return "".join(json.loads(f'"{part}"') for part in re.findall(r'"((?:[^"\\]|\\.)*)"', block))


def fill(text: str, translations: dict[str, str]) -> tuple[str, int]:
    entries = text.split("\n\n")
    filled = 0
    for i, entry in enumerate(entries):
        match = ENTRY.search(entry + "\n")
        if not match or _unquote(match.group(1)) not in translations:
            continue
        lines = [line for line in entry.split("\n") if not line.startswith("#|")]
        lines = [
            re.sub(r"^#, fuzzy, ", "#, ", line) if line.startswith("#,") else line
            for line in lines
            if line != "#, fuzzy"
        ]
        entry = "\n".join(lines)
        head = entry[: entry.index("\nmsgstr ") + 1]
        entries[i] = head + "msgstr " + json.dumps(translations[_unquote(match.group(1))], ensure_ascii=False)
        filled += 1
    return "\n\n".join(entries).rstrip("\n") + "\n", filled


def main() -> None:
    translations = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    text, filled = fill(PO.read_text(encoding="utf-8"), translations)
    PO.write_text(text, encoding="utf-8")
    print(f"filled {filled} of {len(translations)}")


if __name__ == "__main__":
    main()
