"""Demo demands from real places, in every state of the workflow."""

from __future__ import annotations

import datetime as dt
import io
import random

from django.core.files.base import ContentFile
from django.utils import timezone

from baiqianwan.accounts.models import User
from baiqianwan.orgs.models import Organisation
from baiqianwan.regions.models import Division
from baiqianwan.supply.models import Achievement

from . import notices
from .models import Connection, ConnectionStatus, Demand, DemandAttachment, DemandEvent, DemandStatus

# (title, description, division, industry or None, status, submitter username, urgency)
DEMANDS = [
    (
        "蜜柚园黄龙病蔓延，求防控技术和抗病苗木",
        "村里 300 多亩蜜柚，今年黄龙病病树明显增多，叶片斑驳黄化，果小味酸。想请专家来看看怎么防，哪里能买到不带病的苗。",
        "441422100202",
        "FRUIT-POMELO",
        "submitted",
        "changjiao_village",
        "urgent",
    ),
    (
        "柚子树黄化落果，怀疑得了黄龙病",
        "湖寮镇几个村的柚子树出现黄化、落果，希望有懂柚类病害的专家指导。",
        "441422100200",
        None,
        "submitted",
        "huliao_town",
        "soon",
    ),
    (
        "金柚裂果严重，求保果技术",
        "西河镇金柚今年裂果率很高，想了解保果和水分管理的办法。",
        "441422118000",
        "FRUIT-POMELO",
        "accepted",
        "dabu_county",
        "normal",
    ),
    (
        "英红九号红茶品质不稳定，求加工工艺指导",
        "合作社加工的英红九号红茶每批口感差别大，希望有专家指导萎凋、发酵的工艺。",
        "441881129202",
        "TEA-BLACK",
        "matching",
        "lianzhang_village",
        "normal",
    ),
    (
        "茶园小绿叶蝉危害严重",
        "连江口镇茶园夏秋季小绿叶蝉多，不想多打农药，求绿色防控办法。",
        "441881129000",
        "TEA-GARDEN",
        "accepted",
        "lianjiangkou_town",
        "soon",
    ),
    (
        "茶叶想做电商直播，不知道怎么起步",
        "村里年轻人想通过直播卖茶，需要电商运营培训。",
        "441881129202",
        "DIGITAL-ECOMMERCE",
        "solved",
        "lianzhang_village",
        "normal",
    ),
    (
        "水稻种植缺劳动力，想用无人机直播",
        "连江口镇水稻种植劳动力不足，想了解无人机直播和机插秧。",
        "441881129000",
        "MACHINE-DRONE",
        "submitted",
        "lianjiangkou_town",
        "normal",
    ),
    (
        "荔枝冬梢旺长不开花",
        "去年冬天暖，妃子笑荔枝冬梢旺长，今年开花少，求控梢促花技术。",
        "440106000000",
        None,
        "submitted",
        "gz_city",
        "soon",
    ),
    (
        "狮头鹅雏鹅死亡率高",
        "澄海区养殖户反映雏鹅死亡率高，怀疑小鹅瘟，求防控。",
        "440515000000",
        "LIVESTOCK-WATERFOWL",
        "accepted",
        "gd_admin",
        "urgent",
    ),
    (
        "对虾养殖水质差、病害多",
        "徐闻县高位池养虾水质不稳定，偷死多，求健康养殖技术。",
        "440825102000",
        "AQUA-SHRIMP",
        "accepted",
        "gd_admin",
        "soon",
    ),
    (
        "菠萝采收人工成本太高",
        "徐闻菠萝采收和搬运靠人工，成本高，想要合适的机械。",
        "440825000000",
        "FRUIT-PINEAPPLE",
        "matching",
        "gd_admin",
        "normal",
    ),
    (
        "村里生活污水直排，需要小型处理设备",
        "自然村 80 户污水直排河道，想找投资少、好维护的处理设备。",
        "441422100203",
        "VILLAGE-SANITATION",
        "draft",
        "changjiao_village",
        "normal",
    ),
    (
        "柚子皮浪费，能不能做成产品",
        "蜜柚加工后柚皮大量丢弃，想了解柚皮深加工技术。",
        "441422100202",
        None,
        "returned",
        "changjiao_village",
        "normal",
    ),
]


def demo_demands() -> int:
    users = {u.username: u for u in User.objects.filter(username__in={d[5] for d in DEMANDS})}
    county = User.objects.filter(username="dabu_county").first()
    now = timezone.now()
    created = 0
    for offset, (title, description, division, industry, status, username, urgency) in enumerate(DEMANDS):
        if Demand.all_objects.filter(title=title).exists():
            continue
        submitter = users[username]
        when = now - dt.timedelta(days=30 - offset * 2)
        demand = Demand.all_objects.create(
            title=title,
            description=description,
            division=Division.objects.get(code=division),
            industry_id=industry,
            submitter_kind={"village": "village", "town": "town"}.get(submitter.role, "county"),
            submitted_by=submitter,
            organisation=submitter.organisation,
            contact_name=submitter.display_name[:8],
            contact_phone="13900001234",
            urgency=urgency,
            status=status,
            submitted_at=None if status == "draft" else when,
            accepted_at=when + dt.timedelta(days=1) if status in ("accepted", "matching", "solved") else None,
            solved_at=when + dt.timedelta(days=20) if status == "solved" else None,
            return_reason="请补充柚皮年产量和希望的产品方向" if status == "returned" else "",
            is_public=status in ("accepted", "matching", "solved"),
            rating=5 if status == "solved" else None,
            feedback="专家讲得很实在，直播间已经开起来了" if status == "solved" else "",
            handled_by=county if status not in ("draft", "submitted") else None,
        )
        history: list[tuple[dt.datetime, User, str, str, str]] = [
            (when, submitter, "create", "", DemandStatus.DRAFT)
        ]
        if status != "draft":
            history.append((when, submitter, "submit", "draft", "submitted"))
        if status not in ("draft", "submitted") and county is not None:
            history.append((when + dt.timedelta(days=1), county, status, "submitted", status))
        for at, actor, action, before, after in history:
            event = DemandEvent.objects.create(
                demand=demand, actor=actor, action=action, from_status=before, to_status=after
            )
            DemandEvent.objects.filter(pk=event.pk).update(at=at)
        created += 1
    return created


# Journey 1 on the demo accounts: changjiao_village's photos on its demand, one of its demands
# waiting for it to confirm the solution (华南农业大学 accepted, both sides see each other's
# contact), and a demand proposed to 华南农业大学 that scau_org has still to answer.
CONFIRMING_TITLE = "蜜柚园木虱多，求统防统治技术"
PHOTOS = (("病叶.png", (214, 180, 40)), ("柚园.png", (120, 160, 60)))


def leaf_photo(seed: str, blotch: tuple[int, int, int]) -> bytes:
    """A small, real PNG: a pomelo leaf with the blotchy yellowing of 黄龙病 (drawn, deterministic)."""
    from PIL import Image, ImageDraw, ImageFilter  # Pillow comes with weasyprint (PDF output)

    rng = random.Random(seed)
    image = Image.new("RGB", (640, 480), (236, 240, 228))
    draw = ImageDraw.Draw(image)
    draw.ellipse((90, 110, 550, 370), fill=(58, 122, 52))
    draw.line((100, 240, 545, 240), fill=(170, 190, 120), width=5)
    for _ in range(26):
        x, y, r = rng.randint(150, 490), rng.randint(150, 330), rng.randint(10, 34)
        draw.ellipse((x - r, y - r // 2, x + r, y + r // 2), fill=blotch)
    buffer = io.BytesIO()
    image.filter(ImageFilter.GaussianBlur(2)).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def demo_journey() -> int:
    """Idempotent; returns how many records it added."""
    village = User.objects.filter(username="changjiao_village").first()
    county = User.objects.filter(username="dabu_county").first()
    scau = Organisation.all_objects.filter(name="华南农业大学").first()
    scau_user = User.objects.filter(username="scau_org").first()
    technique = Achievement.all_objects.filter(title="柑橘黄龙病综合防控技术").first()
    if not (village and county and scau and scau_user and technique):
        return 0
    added = 0
    first = Demand.all_objects.filter(title=DEMANDS[0][0]).first()
    if first is not None and not first.attachments.exists():
        for name, blotch in PHOTOS:
            data = leaf_photo(name, blotch)
            attachment = DemandAttachment(demand=first, name=name, content_type="image/png", size=len(data))
            attachment.file.save(name, ContentFile(data), save=False)
            attachment.save()
            added += 1

    if not Demand.all_objects.filter(title=CONFIRMING_TITLE).exists():
        now = timezone.now()
        demand = Demand.all_objects.create(
            title=CONFIRMING_TITLE,
            description="去年挖了病树补了新苗，今年柑橘木虱又多起来，担心黄龙病再传开。想学统防统治，什么时候打药、打什么药。",
            division_id="441422100202",
            industry_id="FRUIT-POMELO",
            submitter_kind="village",
            submitted_by=village,
            organisation=village.organisation,
            contact_name="长教村委会",
            contact_phone="13900001234",
            urgency="soon",
            status=DemandStatus.CONFIRMING,
            submitted_at=now - dt.timedelta(days=24),
            accepted_at=now - dt.timedelta(days=23),
            handled_by=county,
            is_public=True,
        )
        connection = Connection.all_objects.create(
            demand=demand,
            target_kind="achievement",
            achievement=technique,
            status=ConnectionStatus.SUCCEEDED,
            proposed_by=county,
            reasons=["匹配关键词：木虱、黄龙病", "同属沙田柚/蜜柚产业"],
            responded_by=scau_user,
            contact_name="华农植保团队 梁老师",
            contact_phone="020-85280000",
            outcome="专家到村讲解木虱统防统治，带村民完成春梢期第一次统一喷药",
        )
        for days, actor, action, before, after, note in (
            (24, village, "create", "", "draft", ""),
            (24, village, "submit", "draft", "submitted", ""),
            (23, county, "accept", "submitted", "accepted", ""),
            (22, county, "start", "accepted", "matching", "向“柑橘黄龙病综合防控技术”发起对接"),
            (21, scau_user, "respond", "matching", "matching", "柑橘黄龙病综合防控技术接受了对接"),
            (
                3,
                county,
                "outcome",
                "matching",
                "matching",
                f"与“柑橘黄龙病综合防控技术”对接成功：{connection.outcome}",
            ),
            (3, county, "solve", "matching", "confirming", ""),
        ):
            event = DemandEvent.objects.create(
                demand=demand, actor=actor, action=action, from_status=before, to_status=after, note=note
            )
            DemandEvent.objects.filter(pk=event.pk).update(at=now - dt.timedelta(days=days))
        notices.demand_changed(demand=demand, action="solve", actor=county)
        added += 2

    proposed = Demand.all_objects.filter(title=DEMANDS[2][0], status=DemandStatus.ACCEPTED).first()
    if proposed is not None and not proposed.connections.exists():
        connection = Connection.all_objects.create(
            demand=proposed,
            target_kind="institution",
            organisation=scau,
            proposed_by=county,
            reasons=["匹配关键词：保果、裂果", "同属沙田柚/蜜柚产业"],
        )
        Demand.all_objects.filter(pk=proposed.pk).update(status=DemandStatus.MATCHING)
        DemandEvent.objects.create(
            demand=proposed,
            actor=county,
            action="start",
            from_status="accepted",
            to_status="matching",
            note="向“华南农业大学”发起对接",
        )
        notices.connection_proposed(connection=connection, actor=county)
        added += 1
    return added
