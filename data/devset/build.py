"""Build corpus.jsonl, queries.jsonl and qrels.tsv of the matching dev set from source/.

    .venv/bin/python data/devset/build.py

Deterministic: the same sources give byte-identical files. Judgements come from source/queries-*.txt
(grades per topic) and source/overrides.tsv (grades per document); see README.md.
"""

from __future__ import annotations

import csv
import hashlib
import json
import random
import sys
from pathlib import Path

import opencc

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "source"
DIVISIONS = HERE.parent / "divisions" / "guangdong.csv"

IP_TYPES = ["发明专利", "实用新型专利", "植物新品种权", "技术标准", "软件著作权", "技术秘密"]
MATURITY = ["实验室阶段", "小试", "中试", "示范推广", "产业化应用"]
MODES = ["转让", "许可", "作价入股", "合作开发", "技术服务"]
SERVICES = ["现场技术指导", "技术培训", "远程诊断", "科技特派员驻点服务", "项目合作"]
DIALECTS = {"4414": "客家话", "4416": "客家话", "4451": "潮汕话", "4452": "潮汕话", "4405": "潮汕话"}
SURNAMES = "陈李黄张梁林刘吴罗何郑杨谢钟邓冯曾蔡许彭赖苏卢叶余朱温丘廖潘袁"
GIVEN = "志国建华明伟文海军平东红英丽芳敏静秀玲兰燕春晓振宇锦辉源浩杰俊德贤汉松柏泽彬"
OTHER_ORGS = ["tech_co", "univ_eng", "microbe", "univ_food", "eco_east"]
# Share of topics whose queries go to the test split (the rest are for choosing changes).
TEST_SHARE = 0.4


def split_of(topic: str) -> str:
    """dev or test, by a hash of the query's first-listed topic: queries about one problem stay on
    one side, so a change cannot be chosen on a query whose near-twin it is then reported on."""
    digest = hashlib.sha256(topic.encode("utf-8")).digest()
    return "test" if digest[0] / 256 < TEST_SHARE else "dev"


def read_lines(path: Path) -> list[str]:
    return [
        line.strip()
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]


def division_names() -> dict[str, str]:
    with DIVISIONS.open(encoding="utf-8") as handle:
        return {row["code"]: row["name"] for row in csv.DictReader(handle)}


def main() -> int:
    rng = random.Random(20240607)
    names = division_names()
    counties = [code for code in names if code.endswith("000000") and code[4:6] != "00"]
    orgs: dict[str, tuple[str, str, list[str]]] = {}
    for line in read_lines(SOURCE / "orgs.tsv"):
        key, name, region, serves = line.split("\t")
        orgs[key] = (name, region, serves.split(","))
    docs: list[dict[str, object]] = []
    aspects_of: dict[str, list[str]] = {}
    units: dict[str, str] = {}

    def add(doc: dict[str, object], aspects: list[str], unit: str = "") -> None:
        region = str(doc["region"])
        if region not in names:
            raise SystemExit(f"unknown region {region} in {doc['title']}")
        docs.append(doc)
        aspects_of[str(doc["id"])] = aspects
        if unit:
            units[str(doc["id"])] = unit

    # Achievements.
    number = 0
    for path in sorted(SOURCE.glob("achievements-*.txt")):
        aspect, industry = "", ""
        for line in read_lines(path):
            if line.startswith("@"):
                _, aspect, industry = line.split()
                continue
            parts = [p.strip() for p in line.split("|")]
            title, intro = parts[0], parts[1]
            keywords = parts[2] if len(parts) > 2 else ""
            pool = [k for k, (_, _, serves) in orgs.items() if industry in serves] or OTHER_ORGS
            if industry == "其他":
                pool = OTHER_ORGS
            org_name, region, _ = orgs[rng.choice(pool)]
            text = f"{intro}完成单位：{org_name}。"
            text += f"成果类型：{rng.choice(IP_TYPES)}；成熟度：{rng.choice(MATURITY)}；"
            text += f"转化方式：{'、'.join(rng.sample(MODES, rng.randint(1, 3)))}。"
            if industry != "其他" and rng.random() < 0.5:
                place = names[rng.choice(counties)]
                text += f"已在{place}等地示范应用。"
            number += 1
            add(
                {
                    "id": f"A{number:04d}",
                    "kind": "achievement",
                    "title": title,
                    "text": text,
                    "keywords": keywords,
                    "industry": industry,
                    "region": region,
                    "available": rng.random() > 0.08,
                },
                [aspect],
            )

    # Experts (provincial and city units, then county extension staff and commissioners).
    number = 0
    used_names: set[str] = set()
    for path in (SOURCE / "experts.txt", SOURCE / "experts-county.txt"):
        for line in read_lines(path):
            aspects, industry, rank, unit, fields, bio = [p.strip() for p in line.split("|")]
            if "@" in unit:
                unit_name, region = unit.split("@")
            else:
                unit_name, region, _ = orgs[unit]
            while True:
                name = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice((1, 2))))
                if name not in used_names:
                    used_names.add(name)
                    break
            text = f"{rank}，{unit_name}。{bio}可提供{'、'.join(rng.sample(SERVICES, 2))}。"
            dialect = DIALECTS.get(region[:4])
            if dialect and dialect not in bio:
                text += f"会讲{dialect}。"
            number += 1
            add(
                {
                    "id": f"E{number:04d}",
                    "kind": "expert",
                    "title": name,
                    "text": text,
                    "keywords": fields.replace("、", " "),
                    "industry": industry,
                    "region": region,
                    "available": rng.random() > 0.15,
                },
                aspects.split(","),
                unit_name,
            )

    # Institutions.
    for number, line in enumerate(read_lines(SOURCE / "institutions.txt"), start=1):
        aspects, industry, name, region, description = [p.strip() for p in line.split("|")]
        add(
            {
                "id": f"I{number:04d}",
                "kind": "institution",
                "title": name,
                "text": description,
                "keywords": "",
                "industry": industry,
                "region": region,
                "available": True,
            },
            aspects.split(","),
        )

    known_aspects = {a for aspects in aspects_of.values() for a in aspects}
    titles: dict[str, list[str]] = {}
    for doc in docs:
        titles.setdefault(str(doc["title"]), []).append(str(doc["id"]))

    # Queries and judgements.
    to_traditional = opencc.OpenCC("s2t")
    queries: list[dict[str, object]] = []
    traditional = 0
    grades: dict[str, dict[str, int]] = {}
    splits: dict[str, str] = {}
    for path in sorted(SOURCE.glob("queries-*.txt")):
        for line in read_lines(path):
            qid, industry, region, judged, text = [p.strip() for p in line.split("|", 4)]
            if region not in names:
                raise SystemExit(f"{qid}: unknown region {region}")
            if text.startswith("繁:"):
                text = to_traditional.convert(text[2:])
                traditional += 1
            wanted: dict[str, int] = {}
            for item in judged.split():
                aspect, grade = item.split("=")
                if aspect not in known_aspects:
                    raise SystemExit(f"{qid}: unknown topic {aspect}")
                wanted[aspect] = int(grade)
            splits[qid] = split_of(judged.split()[0].split("=")[0])
            per_doc: dict[str, int] = {}
            for doc_id, aspects in aspects_of.items():
                values = [wanted[a] for a in aspects if a in wanted]
                if values:
                    per_doc[doc_id] = max(values)
            grades[qid] = per_doc
            query: dict[str, object] = {"id": qid, "text": text, "region": region}
            if industry:
                query["industry"] = industry
            queries.append(query)
    for line in read_lines(SOURCE / "overrides.tsv"):
        qid, selector, grade = line.split("\t")
        kind, _, value = selector.partition(":")
        if kind == "t":
            targets = titles.get(value, [])
        elif kind == "d":
            targets = [value] if value in aspects_of else []
        else:
            targets = [doc_id for doc_id, unit in units.items() if unit == value]
        if not targets or qid not in grades:
            raise SystemExit(f"override matches nothing: {line}")
        for doc_id in targets:
            grades[qid][doc_id] = int(grade)

    for qid, per_doc in grades.items():
        if not any(g >= 2 for g in per_doc.values()):
            sys.stderr.write(f"warning: {qid} has no document graded 2 or 3\n")

    with (HERE / "corpus.jsonl").open("w", encoding="utf-8") as handle:
        for doc in docs:
            handle.write(json.dumps(doc, ensure_ascii=False) + "\n")
    with (HERE / "queries.jsonl").open("w", encoding="utf-8") as handle:
        for query in queries:
            handle.write(json.dumps(query, ensure_ascii=False) + "\n")
    with (HERE / "qrels.tsv").open("w", encoding="utf-8") as handle:
        handle.write("query_id\tdoc_id\trelevance\n")
        for qid, per_doc in grades.items():
            for doc_id in sorted(per_doc):
                handle.write(f"{qid}\t{doc_id}\t{per_doc[doc_id]}\n")
    for part in ("dev", "test"):
        with (HERE / f"qrels.{part}.tsv").open("w", encoding="utf-8") as handle:
            handle.write("query_id\tdoc_id\trelevance\n")
            for qid, per_doc in grades.items():
                if splits[qid] == part:
                    for doc_id in sorted(per_doc):
                        handle.write(f"{qid}\t{doc_id}\t{per_doc[doc_id]}\n")

    kinds: dict[str, int] = {}
    for doc in docs:
        kinds[str(doc["kind"])] = kinds.get(str(doc["kind"]), 0) + 1
    histogram = [0, 0, 0, 0]
    for per_doc in grades.values():
        for grade in per_doc.values():
            histogram[grade] += 1
    sys.stdout.write(f"documents {len(docs)} {kinds}\n")
    sys.stdout.write(f"queries {len(queries)} ({traditional} in traditional script)\n")
    sys.stdout.write(f"judgements {sum(histogram)}, by grade 0-3: {histogram}\n")
    counts = {part: sum(1 for s in splits.values() if s == part) for part in ("dev", "test")}
    sys.stdout.write(f"split: {counts['dev']} dev, {counts['test']} test queries\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
