"""Build synonyms.txt from source/synonyms.txt.

    .venv/bin/python data/dictionaries/build_synonyms.py [--check]

Each source line is a group: the standard name first, then its synonyms, local names and common
misspellings. Terms are put in the engine's canonical form (简体, half width, lower case), groups
that share a term are merged (the standard name of the first such group stays first), and the
result is written in source order, so the same source gives a byte-identical file. With --check
nothing is written and the exit code says whether synonyms.txt is up to date.

A term that the engine drops anyway (a stopword, a generic word, a place name) or that is a single
character is an error: it would never be matched, or would match everything.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "src"))

from baiqianwan.matching.engine.normalise import clean, read_word_list  # noqa: E402
from baiqianwan.matching.engine.places import default_place_names  # noqa: E402

SOURCE = HERE / "source" / "synonyms.txt"
TARGET = HERE / "synonyms.txt"
HEADER = (
    "# 同义词表（由 build_synonyms.py 从 source/synonyms.txt 生成，请勿手改）：每行一组，第一个为规范名。\n"
    "# 检索时查询里的词按较低权重扩展到同组其他词，匹配说明写作“同义词：文档用词→查询用词”。\n"
)


def read_groups(path: Path) -> list[list[str]]:
    groups: list[list[str]] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        terms: list[str] = []
        for raw in line.split():
            term = clean(raw)
            if " " in term or not term:
                raise SystemExit(f"{path.name}:{number}: {raw} 归一化后不是一个词")
            if term not in terms:
                terms.append(term)
        if len(terms) < 2:
            raise SystemExit(f"{path.name}:{number}: 一组至少两个词")
        groups.append(terms)
    return groups


def merge(groups: list[list[str]]) -> list[list[str]]:
    """Groups sharing a term become one, in the order their first members appeared."""
    merged: list[list[str]] = []
    where: dict[str, int] = {}
    for terms in groups:
        targets = sorted({where[t] for t in terms if t in where})
        if not targets:
            where.update({t: len(merged) for t in terms})
            merged.append(list(terms))
            continue
        keep = targets[0]
        for other in targets[1:]:
            for term in merged[other]:
                if term not in merged[keep]:
                    merged[keep].append(term)
                where[term] = keep
            merged[other] = []
        for term in terms:
            if term not in merged[keep]:
                merged[keep].append(term)
            where[term] = keep
    return [group for group in merged if group]


def check_terms(groups: list[list[str]]) -> None:
    directory = HERE
    dropped = set(read_word_list(directory / "stopwords.txt")) | set(
        read_word_list(directory / "generic_terms.txt")
    )
    places = default_place_names()
    for group in groups:
        for term in group:
            if len(term) < 2:
                raise SystemExit(f"单字不能作同义词：{term}（{group[0]} 组）")
            if term in dropped or term in places:
                raise SystemExit(f"{term} 是停用词、泛用词或地名，检索时会被去掉（{group[0]} 组）")


def render(groups: list[list[str]]) -> str:
    return HEADER + "".join(" ".join(group) + "\n" for group in groups)


def build(source: Path = SOURCE) -> str:
    groups = merge(read_groups(source))
    check_terms(groups)
    return render(groups)


def main(argv: list[str]) -> int:
    text = build()
    if "--check" in argv:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        if current != text:
            sys.stderr.write("synonyms.txt 与 source/synonyms.txt 不一致，请重新生成\n")
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    groups = text.count("\n") - HEADER.count("\n")
    terms = sum(len(line.split()) for line in text.splitlines()[HEADER.count("\n") :])
    sys.stdout.write(f"synonyms.txt: {groups} groups, {terms} terms\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
