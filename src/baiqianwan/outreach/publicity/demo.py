"""This package's part of `bqw demo`, through the services and as the demo's own bureaus: 40 典型案例
published on the portal, at least one in each of the 21 cities, about the specialty industry of a
county or town (大埔蜜柚, 徐闻菠萝, 英德红茶, 凤凰单丛 …), each with 1–3 photos drawn here and passed
through the photo check, the solved demand of its county when the demo has one and the commissioners
serving there; 8 more waiting for review, returned, in draft or taken down. Two 通报表扬 lists (the
year's 优秀 commissioners, published; the units of accepted projects, a draft), and the plan itself
with two published interpretations and a draft one."""

from __future__ import annotations

import datetime as dt
import io
import json
import random
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from PIL import Image, ImageDraw

from baiqianwan.accounts.demo import desk_user
from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.commissioners.assessment.models import AssessmentScheme
from baiqianwan.commissioners.rounds.models import Assignment, AssignmentStatus
from baiqianwan.demands.models import Demand, DemandStatus
from baiqianwan.projects.models import Project, ProjectStatus
from baiqianwan.regions.models import Division
from baiqianwan.supply.models import ExpertProfile

from ..models import (
    CaseStatus,
    Commendation,
    HonourKind,
    PolicyDocument,
    PolicyKind,
    ShowcaseCase,
)
from . import services

# (place, industry, title, summary, background, what was done, results)
CASES: list[tuple[str, str, str, str, str, str, str]] = [
    (
        "441422100000",
        "FRUIT-POMELO",
        "大埔蜜柚黄龙病综合防控示范园建设",
        "科技特派团进驻湖寮镇，推行无病苗木、木虱统防统治和病树及时挖除的综合防控，示范园病株率明显下降。",
        "蜜柚是大埔县的支柱产业，湖寮镇柚园连片。近年柑橘木虱和黄龙病蔓延，部分果园挖树补苗，果农急需系统的防控技术。",
        "县科工商务局通过平台发布需求，华南农业大学科技特派团进驻湖寮镇，推行“无病苗木+木虱统防统治+病树及时挖除”的综合防控，"
        "每季在田间开展培训，并为示范果园建立档案，跟踪病株变化。",
        "示范园病株率由 8% 降到 2% 以下，带动周边 1200 多户柚农统一防控，蜜柚优果率明显提高。",
    ),
    (
        "441426000000",
        "FRUIT-CITRUS",
        "平远脐橙山地果园水肥一体化与品质提升",
        "科技特派员帮助平远县种植大户建设山地果园水肥一体化系统，节水节肥三成以上，商品果率明显提高。",
        "平远县山地多、昼夜温差大，脐橙果大味甜，是当地农民增收的重要产业。过去果园多靠人工浇水施肥，用工多、果实大小不一。",
        "科技特派员帮助种植大户建设山地果园水肥一体化系统，按树龄和物候期制定施肥方案，推广生草栽培和绿色防控，并指导合作社分级包装。",
        "示范果园节水节肥三成以上，商品果率提高 15 个百分点，合作社与电商平台签订了长期供货协议。",
    ),
    (
        "440825104000",
        "FRUIT-PINEAPPLE",
        "徐闻菠萝标准化种植与产销对接",
        "专家和科技特派员在曲界镇推广菠萝催花调控和机械化种植，建设产地预冷库，拉长上市期、减少采后损耗。",
        "徐闻县是全国重要的菠萝产区，曲界镇的“菠萝的海”闻名全国。菠萝集中上市时价格波动大，果农对催花、采收期调控和采后保鲜技术需求迫切。",
        "省农科院专家和科技特派员在曲界镇推广菠萝催花调控、测土配方施肥和机械化种植技术，协助建设产地预冷库，并通过平台对接省内外采购商和电商主播。",
        "示范基地上市期拉长近两个月，采后损耗明显减少，菠萝订单销售比例提高到四成。",
    ),
    (
        "440823000000",
        "FRUIT-PITAYA",
        "遂溪火龙果夜间补光栽培提质增效",
        "科技特派员在遂溪县推广火龙果夜间补光促花和滴灌施肥技术，冬季果比例增加，亩均效益提高约三成。",
        "遂溪县火龙果种植规模大，但冬春季光照不足，果实产量低、上市时间集中，价格容易下跌。",
        "科技特派员指导果农应用夜间补光促花技术，配套滴灌和有机肥替代化肥，建立病虫害绿色防控示范片，并组织果农到示范园现场观摩。",
        "示范园实现一年多批次挂果，冬季果比例明显增加，亩均效益提高约三成。",
    ),
    (
        "441881129000",
        "TEA-BLACK",
        "英德红茶生态茶园建设与加工工艺提升",
        "科技特派团在连江口镇推广生态茶园和红茶标准化加工，帮助茶企改造萎凋、发酵设备，茶农人均增收两千多元。",
        "英德红茶是广东名茶，连江口镇茶园面积逐年扩大。部分新建茶园管理粗放，加工工艺不稳定，成品茶品质参差不齐。",
        "科技特派团在连江口镇推广生态茶园建设、茶园病虫害绿色防控和红茶标准化加工工艺，帮助茶企改造萎凋、发酵设备，并开展茶艺和电商培训。",
        "示范茶企加工的英红九号达标率明显提高，带动茶农人均增收两千多元，茶旅融合项目吸引的游客逐年增多。",
    ),
    (
        "441882000000",
        "VEG-LEAFY",
        "连州菜心品种提纯复壮与冷链外销",
        "科技特派员与种业企业合作开展连州菜心提纯复壮，建设良种繁育基地和产地冷链，冬季外销订单稳定增长。",
        "连州菜心是国家地理标志产品，以清甜爽脆著称。多年自留种导致品种退化，冬季外销又受保鲜条件限制。",
        "科技特派员与种业企业合作开展连州菜心提纯复壮，建立良种繁育基地，推广绿色种植规程，并帮助合作社建设产地冷链和分级包装线。",
        "良种覆盖率大幅提高，菜心商品率提升，冷链直供粤港澳大湾区市场的订单稳定增长。",
    ),
    (
        "445103117000",
        "TEA-DANCONG",
        "凤凰单丛古茶树保护与精制加工",
        "科技特派团为凤凰镇古茶树普查建档，推广古树复壮和生态管护，联合茶企制定单丛茶做青、焙火工艺规程。",
        "潮安区凤凰镇是凤凰单丛茶的原产地，古茶树资源丰富。茶农加工多凭经验，古树管护和成品茶品质稳定是长期难题。",
        "科技特派团对古茶树进行普查建档，推广古树复壮和生态管护技术，联合茶企制定单丛茶做青、焙火工艺规程，并搭建质量追溯系统。",
        "建档古茶树 3000 多株，茶企产品合格率和优质茶比例提高，凤凰单丛区域品牌价值持续提升。",
    ),
    (
        "445122110000",
        "LIVESTOCK-WATERFOWL",
        "饶平狮头鹅种源保护与健康养殖",
        "科技特派员协助浮滨镇建立狮头鹅保种场，推广人工授精、孵化控温和规范免疫，种鹅繁殖率和雏鹅成活率明显提高。",
        "狮头鹅是饶平县浮滨镇的特色品种。养殖户规模小、防疫意识弱，种鹅繁殖率偏低，优良种源面临退化。",
        "科技特派员协助建立狮头鹅保种场，推广人工授精和孵化控温技术，制定鹅场免疫程序，并指导建设粪污资源化处理设施。",
        "种鹅受精率和雏鹅成活率明显提高，带动养殖户 300 多户规范化养殖。",
    ),
    (
        "440981104000",
        "FRUIT-LYCHEE",
        "高州荔枝老果园改造与保鲜外销",
        "科技特派员在根子镇推广荔枝矮化修剪和高接换种，配套采后预冷保鲜，改造果园亩产值提高一倍以上。",
        "高州市根子镇种植荔枝历史悠久，拥有大量百年以上荔枝古树。老果园树冠高大、管理困难，优质品种比例偏低。",
        "科技特派员推广荔枝矮化修剪和高接换种技术，将低效品种改接为仙进奉、井岗红糯等优质品种，配套花果期水肥管理和采后预冷保鲜技术。",
        "改造果园亩产值提高一倍以上，保鲜荔枝通过冷链销往北方市场和海外。",
    ),
    (
        "440982000000",
        "HERB-HUAJUHONG",
        "化橘红规范化种植与产品开发",
        "科研院所专家在化州建立化橘红种苗繁育和规范化种植示范基地，协助企业开发茶饮和即食产品。",
        "化橘红是化州市的道地药材，但种植中存在苗木质量不一、采收加工不规范等问题，影响药材品质和收购价格。",
        "科研院所专家在化州建立化橘红种苗繁育和规范化种植示范基地，制定采收、切制和干燥技术规程，并协助企业开发化橘红茶饮和即食产品。",
        "示范基地药材主要成分含量稳定达标，新产品进入连锁药店和电商渠道，带动种植户稳定增收。",
    ),
    (
        "441623000000",
        "FRUIT-OTHER",
        "连平鹰嘴蜜桃优质高效栽培",
        "科技特派员在连平县推广鹰嘴蜜桃整枝修剪、套袋和避雨防裂技术，优质果率提高二成以上。",
        "连平县鹰嘴蜜桃果形独特、香甜脆爽，是河源的“金字招牌”。果园普遍存在树体老化、裂果和病虫害多等问题。",
        "科技特派员推广开心形整枝修剪、果实套袋和避雨防裂技术，引进防虫网和粘虫板等绿色防控措施，并指导果农分级销售。",
        "示范果园优质果率提高二成以上，采摘游和电商销售让桃农收入明显增加。",
    ),
    (
        "441621000000",
        "TEA-GREEN",
        "紫金蝉茶标准化生产与品牌建设",
        "科技特派员帮助紫金县茶企建设清洁化加工生产线，制定蝉茶加工技术标准，标准化加工茶叶比例大幅提升。",
        "紫金县山高雾多，出产的紫金蝉茶品质独特。但茶园分散、加工以小作坊为主，品牌影响力不强。",
        "科技特派员帮助茶企建设清洁化加工生产线，制定蝉茶加工技术标准，推广茶园有机肥替代化肥，并组织茶农参加品牌推介活动。",
        "标准化加工茶叶比例大幅提升，茶园亩产值提高约两成。",
    ),
    (
        "440229000000",
        "FLOWER-POTTED",
        "翁源兰花组培育苗与设施栽培",
        "科技特派员与企业共建兰花组培实验室，攻克国兰快繁技术，推广智能温室栽培，组培苗自给率明显提高。",
        "翁源县是全国重要的国兰生产基地，兰花产业带动大量农户就业。种苗依赖外购、设施栽培技术不足制约了产业升级。",
        "科技特派员与企业共建兰花组培实验室，攻克国兰快繁技术，推广智能温室环境调控和基质栽培，并培训兰农掌握花期调控。",
        "组培苗自给率明显提高，年宵兰花品质提升，企业新增就业岗位 200 多个。",
    ),
    (
        "440281000000",
        "VEG-ROOT",
        "乐昌张溪香芋脱毒种芋繁育",
        "科技特派员在乐昌市建立香芋三级种芋繁育体系，推广轮作和配方施肥，脱毒种芋示范田亩产提高三成以上。",
        "张溪香芋是乐昌市的地理标志产品，粉糯香浓。连年种植导致种芋带病退化，产量逐年下降。",
        "科技特派员引进香芋脱毒种芋繁育技术，建立三级种芋繁育体系，推广轮作和配方施肥，减少芋疫病发生。",
        "脱毒种芋示范田亩产提高三成以上，种芋供应覆盖全市主要产区。",
    ),
    (
        "445381000000",
        "HERB-CINNAMON",
        "罗定肉桂林下套种与精深加工",
        "科技特派员推广肉桂林下套种和生态管护，协助企业开发桂油提取和肉桂调味品、日化产品，产业链产值明显提升。",
        "罗定市种植肉桂历史悠久，肉桂林遍布山区乡镇。过去以卖原料为主，产品附加值低，林农收入不稳。",
        "科技特派员推广肉桂林下套种南药和生态管护技术，协助企业开发桂油提取工艺和肉桂调味品、日化产品，并建立质量检测体系。",
        "精深加工产品增加到十余种，肉桂产业链产值明显提升，带动林农增收。",
    ),
    (
        "445322000000",
        "FRUIT-WAMPEE",
        "郁南无核黄皮保鲜与加工",
        "专家指导郁南县建设黄皮产地预冷和冷链包装设施，研发果酱、果汁、果干等产品，鲜果损耗率显著下降。",
        "郁南无核黄皮是国家地理标志产品。黄皮成熟期集中在盛夏，果皮薄、易裂果，鲜果货架期短。",
        "科研院所专家指导建设产地预冷和冷链包装设施，研发黄皮果酱、果汁、果干等加工产品，并推广疏花疏果和防裂果技术。",
        "鲜果损耗率显著下降，加工产品延长了产业链，黄皮收购价保持稳定。",
    ),
    (
        "441781000000",
        "HERB-AMOMUM",
        "阳春砂仁人工授粉与提质增产",
        "科技特派员在阳春市推广砂仁人工授粉和林下仿野生栽培，示范基地产量提高一倍以上。",
        "阳春砂仁是“四大南药”之一。砂仁自然授粉率低，长期以来产量不稳，种植户积极性不高。",
        "科技特派员推广砂仁人工授粉和林下仿野生栽培技术，引导种植户合理密植、清理林下杂草，并指导合作社规范采收加工。",
        "示范基地砂仁产量提高一倍以上，道地药材品质稳定，种植面积稳步恢复。",
    ),
    (
        "441721101000",
        "AQUA-SHELLFISH",
        "程村蚝深水筏式养殖与净化提质",
        "科技特派员帮助程村镇养殖户科学规划养殖密度，推广深水筏式吊养和海区水质监测，净化后的蚝进入大湾区商超。",
        "阳西县程村镇养蚝历史悠久，程村蚝肥美鲜甜。养殖密度过大、海区环境变化等问题影响了蚝的品质和产量。",
        "科技特派员帮助养殖户科学规划养殖密度，推广深水筏式吊养和蚝苗人工培育技术，建立海区水质监测点，并指导开展净化处理和品牌认证。",
        "蚝的成活率和肥满度提高，净化后的程村蚝进入大湾区商超，收购价明显上涨。",
    ),
    (
        "440513110000",
        "FRUIT-OTHER",
        "潮阳金灶油柑产业提质增效",
        "科技特派员在金灶镇推广油柑修剪整形、水肥一体化和绿色防控，帮助合作社对接饮品企业订单。",
        "潮阳区金灶镇是油柑主产区，近年油柑饮品走俏带动价格上涨，但果园管理粗放、病虫害多，果品大小不一。",
        "科技特派员推广油柑修剪整形、水肥一体化和绿色防控技术，帮助合作社建设分拣冷藏设施，并对接饮品企业签订订单。",
        "订单种植面积不断扩大，优质果比例提高，油柑成为金灶镇农民增收的“致富果”。",
    ),
    (
        "440523000000",
        "AQUA-SHELLFISH",
        "南澳紫菜良种选育与机械化加工",
        "专家在南澳县开展紫菜良种选育和人工采苗，推广半浮动筏式养殖，协助企业引进自动化加工生产线。",
        "南澳县海域水质优良，紫菜养殖是海岛渔民的重要收入来源。紫菜苗种退化、加工以手工为主，品质难以保证。",
        "科研院所专家在南澳开展紫菜良种选育和人工采苗，推广半浮动筏式养殖，并协助企业引进紫菜自动化加工生产线。",
        "良种紫菜产量和品质明显提高，机械加工的紫菜产品销往全国。",
    ),
    (
        "441523000000",
        "FRUIT-MUME",
        "陆河青梅老园改造与深加工",
        "科技特派员指导陆河县梅农改造老梅园、配置授粉树，协助企业研发青梅酒、果脯等产品，青梅收购价稳步提高。",
        "陆河县是“中国青梅之乡”，青梅种植遍布山区乡镇。鲜果价格低，加工产品单一，梅农收入不稳定。",
        "科技特派员指导梅农进行老梅园改造和授粉树配置，协助企业研发青梅酒、青梅果脯等系列产品，并建设标准化加工车间。",
        "青梅收购价稳步提高，深加工产品远销海内外，带动山区群众稳定增收。",
    ),
    (
        "441521000000",
        "GRAIN-RICE",
        "海丰油占米提纯与优质稻绿色栽培",
        "水稻专家在海丰县推广油占米提纯品种和优质稻绿色高产栽培，应用植保无人机统防统治，优质稻面积扩大。",
        "海丰油占米米粒细长、油润清香，但多年种植导致品种混杂、品质下降，稻农卖不上好价钱。",
        "省农科院水稻专家在海丰推广油占米提纯品种和优质稻绿色高产栽培技术，应用植保无人机统防统治，并帮助企业建设低温仓储和加工生产线。",
        "优质稻种植面积扩大，稻谷收购价高于普通稻，海丰油占米品牌知名度提升。",
    ),
    (
        "445281000000",
        "FRUIT-CITRUS",
        "普宁蕉柑脱毒容器苗建园与绿色防控",
        "科技特派员指导普宁果农用脱毒容器苗重建柑园，推广木虱联防联控和防虫网栽培，新建柑园保持低病株率。",
        "普宁蕉柑曾是潮汕地区的名牌水果，受黄龙病影响种植面积一度大幅下降，果农不敢再种。",
        "科技特派员指导果农使用脱毒容器苗重建柑园，推广木虱联防联控和防虫网栽培，定期监测病情并及时挖除病树。",
        "新建柑园保持低病株率，蕉柑种植面积逐步恢复，果农重拾种柑信心。",
    ),
    (
        "445222114000",
        "TEA-GREEN",
        "揭西坪上炒茶加工工艺提升",
        "科技特派员帮助坪上镇茶企引进杀青、揉捻和烘干一体化设备，制定炒茶加工技术规范，加工效率和一致性显著提高。",
        "揭西县坪上镇山区茶园多，炒茶工艺传承已久，但加工设备陈旧，茶叶品质不稳定。",
        "科技特派员帮助茶企引进杀青、揉捻和烘干一体化设备，制定炒茶加工技术规范，并推广茶园绿色防控技术。",
        "茶叶加工效率和一致性显著提高，坪上炒茶在省级茶叶评比中获奖，带动茶农增收。",
    ),
    (
        "441226000000",
        "FRUIT-CITRUS",
        "德庆贡柑无病苗木与绿色栽培",
        "科技特派员在德庆县推广贡柑无病苗木网室繁育和统防统治，建立质量追溯系统，病害得到有效控制。",
        "德庆贡柑皮薄汁多、清甜爽口。黄龙病和溃疡病曾使产业遭受重创，新种果园亟须可靠的苗木和防控技术。",
        "科技特派员推广无病苗木繁育体系和网室育苗，指导果农实施统防统治和生草栽培，建立贡柑质量追溯系统。",
        "新种果园病害得到有效控制，贡柑产量和品质稳步提高，溯源产品溢价明显。",
    ),
    (
        "441223000000",
        "FOREST-BAMBOO",
        "广宁竹林丰产培育与竹产品精深加工",
        "专家指导广宁县竹林丰产培育和竹笋采挖，帮助企业开发竹纤维、竹炭和即食竹笋，竹产业链条延长。",
        "广宁县竹林资源丰富，素有“竹子之乡”之称，但长期以竹材初加工为主，附加值不高。",
        "科研院所专家指导竹林丰产培育和竹笋采挖技术，帮助企业开发竹纤维、竹炭和竹笋即食产品，并推广竹材加工废料综合利用。",
        "竹产业链条延长，竹农每亩收入提高，加工企业产值持续增长。",
    ),
    (
        "440705000000",
        "HERB-CHENPI",
        "新会柑绿色种植与陈皮智能陈化仓储",
        "科技特派员推广新会柑绿色种植和黄龙病防控，协助企业建设智能化陈化仓、研发陈皮茶和陈皮食品。",
        "新会陈皮是广东“三宝”之一，陈皮产业快速发展。部分柑园存在用药不规范、陈化仓储条件参差不齐等问题。",
        "科技特派员推广新会柑绿色种植规程和黄龙病防控技术，协助企业建设智能化陈化仓，研发陈皮茶、陈皮食品等产品。",
        "柑园农残抽检合格率保持稳定，陈化仓储条件可追溯，陈皮产业综合产值持续增长。",
    ),
    (
        "440781000000",
        "GRAIN-RICE",
        "台山优质稻全程机械化生产",
        "科技特派员在台山市推广水稻机械化育插秧、无人机植保和烘干技术，扶持农机合作社开展社会化服务。",
        "台山市是广东重要的粮食产区，台山大米远近闻名。农村劳动力老龄化，“谁来种地、怎么种好地”的问题突出。",
        "科技特派员推广水稻机械化育插秧、无人机植保和烘干技术，扶持种粮大户和农机合作社开展代耕代收等社会化服务。",
        "示范片水稻生产全程机械化率大幅提高，亩均成本下降，优质稻订单收购价格上升。",
    ),
    (
        "441324000000",
        "FLOWER-POTTED",
        "龙门年桔控梢保果与盆栽技术",
        "科技特派员在龙门县推广年桔控梢促花、保果和基质盆栽技术，年桔挂果整齐，年宵销售价格提高。",
        "龙门县是广东年桔的主要产区之一，年桔是春节期间的热销花卉。盆栽年桔挂果不均、落果多，影响销售。",
        "科技特派员推广年桔控梢促花、保果和基质盆栽技术，指导种植户科学用药和水肥管理，并对接花卉市场和电商平台。",
        "年桔挂果整齐、色泽鲜亮，年宵销售价格提高，种植户收入明显增加。",
    ),
    (
        "441323000000",
        "GRAIN-TUBER",
        "惠东冬种马铃薯高产栽培",
        "科技特派员在惠东县引进脱毒种薯，推广起垄覆膜和水肥一体化栽培，建立晚疫病预警监测点，亩产提高二成以上。",
        "惠东县利用冬闲田种植马铃薯，产品销往港澳和东南亚。种薯依赖外调、晚疫病威胁较大，产量不稳。",
        "科技特派员引进优质脱毒种薯，推广起垄覆膜和水肥一体化栽培，建立晚疫病预警监测点，指导适时防控。",
        "示范片亩产提高二成以上，外销马铃薯合格率稳定，冬闲田得到充分利用。",
    ),
    (
        "440117000000",
        "FRUIT-LYCHEE",
        "从化荔枝数字果园与直播销售",
        "科技特派员在从化区建设荔枝数字果园，用气象和墒情监测指导控梢保果，并通过直播电商拓展销路。",
        "从化区是广州荔枝主产区，井岗红糯等品种深受市场欢迎。果园管理依赖经验，花果期遇异常天气损失较大。",
        "科技特派员建设荔枝数字果园，应用气象和土壤墒情监测设备指导控梢保果，推广品种改良和果园机械化，并通过直播电商拓展销售。",
        "数字果园坐果率明显提高，优质荔枝线上销售比例提高，带动周边果农采用数字化管理。",
    ),
    (
        "440118000000",
        "GRAIN-RICE",
        "增城丝苗米绿色种植与质量追溯",
        "科技特派员在增城区推广丝苗米绿色高效栽培和稻田综合种养，建立质量追溯体系，化肥农药用量明显减少。",
        "增城丝苗米是国家地理标志产品，米粒细长、晶莹油润。种植中化肥农药用量偏高，品牌溢价不足。",
        "科技特派员推广丝苗米绿色高效栽培和稻田综合种养，开展测土配方施肥，帮助企业建立从田间到餐桌的质量追溯体系。",
        "化肥农药用量明显减少，丝苗米优质优价，品牌产品销售额稳步增长。",
    ),
    (
        "440311000000",
        "LIVESTOCK-PIGEON",
        "光明乳鸽智能化养殖与预制菜开发",
        "科技特派员帮助光明区养殖企业建设立体化、智能化鸽舍，推广人工孵化，并合作开发乳鸽预制菜。",
        "光明乳鸽是深圳知名美食。养殖场面临用地紧张、环保要求高等挑战，传统养殖方式难以为继。",
        "科技特派员帮助养殖企业建设立体化、智能化鸽舍，推广人工孵化和保健养殖，并与食品企业合作开发乳鸽预制菜。",
        "单位面积养殖量提高，鸽舍环境达标排放，预制菜产品进入商超和线上渠道。",
    ),
    (
        "440403106000",
        "AQUA-MARINE",
        "白蕉海鲈健康养殖与尾水治理",
        "科技特派员在白蕉镇推广海鲈配合饲料替代冰鲜鱼和“三池两坝”尾水处理，养殖病害下降，尾水达标排放。",
        "斗门区白蕉镇是全国重要的海鲈养殖基地，白蕉海鲈享誉全国。高密度养殖带来病害和尾水排放问题。",
        "科技特派员推广海鲈健康养殖和配合饲料替代冰鲜鱼技术，指导建设“三池两坝”尾水处理设施，并协助企业开发海鲈预制菜。",
        "养殖病害发生率下降，尾水达标排放，海鲈加工产品拓宽了销路。",
    ),
    (
        "440404000000",
        "AQUA-SHRIMP",
        "金湾南美白对虾工厂化循环水养殖",
        "科技特派员在金湾区推广对虾工厂化循环水养殖和分级养殖模式，养殖成活率明显提高，一年可养多造。",
        "金湾区沿海鱼塘多，南美白对虾是主要养殖品种。传统土塘养殖受天气影响大，病害频发，养殖户损失较大。",
        "科技特派员推广对虾工厂化循环水养殖和分级养殖模式，指导养殖户做好苗种检测和水质调控，并建设尾水净化设施。",
        "对虾养殖成活率明显提高，一年可养多造，亩均效益显著增加。",
    ),
    (
        "440606106000",
        "AQUA-FRESHWATER",
        "均安桑基鱼塘改造与生态养殖",
        "科技特派员指导均安镇鱼塘标准化改造，推广生态健康养殖和底泥资源化利用，桑基鱼塘成为研学新去处。",
        "顺德是桑基鱼塘的发源地之一，均安镇池塘养殖面积大。老旧鱼塘淤积严重，养殖效益逐年下降。",
        "科技特派员指导鱼塘标准化改造，推广鳗鱼、鳜鱼生态健康养殖和鱼塘底泥资源化利用，并恢复桑基鱼塘农文旅示范片。",
        "改造后鱼塘单产和效益提高，尾水循环利用，桑基鱼塘成为研学旅游新去处。",
    ),
    (
        "440607000000",
        "VEG-MELON",
        "三水黑皮冬瓜抗病品种与订单种植",
        "科技特派员在三水区引进抗病黑皮冬瓜新品种，推广嫁接育苗和轮作，帮助合作社签订生鲜订单。",
        "三水区种植冬瓜历史悠久，黑皮冬瓜耐储运、销路广。品种退化和枯萎病影响了产量和瓜农收入。",
        "科技特派员引进抗病黑皮冬瓜新品种，推广嫁接育苗和轮作技术，帮助合作社与大湾区生鲜企业签订订单。",
        "冬瓜枯萎病发生率明显下降，亩产提高，订单种植保障了瓜农收入。",
    ),
    (
        "441900126000",
        "FRUIT-BANANA",
        "麻涌香蕉抗枯萎病品种推广",
        "科技特派员在麻涌镇引进抗枯萎病香蕉品种，推广组培苗和土壤改良，新品种蕉园发病率显著降低。",
        "麻涌镇是东莞香蕉主产区，河涌纵横、蕉林成片。香蕉枯萎病曾造成大面积减产，蕉农一度弃种。",
        "科技特派员引进抗枯萎病香蕉品种，推广组培苗和土壤改良技术，指导蕉农轮作和病株处理，并发展岭南水乡农旅。",
        "新品种蕉园发病率显著降低，香蕉产业恢复发展，农旅融合效益提升。",
    ),
    (
        "442000117000",
        "FRUIT-PINEAPPLE",
        "神湾菠萝品种复壮与农旅融合",
        "科技特派员开展神湾菠萝组培快繁和品种复壮，推广山地节水栽培，并协助举办菠萝文化节和采摘游。",
        "神湾菠萝是中山市的地理标志产品，香甜多汁。种植面积小、品种退化制约了产业发展。",
        "科技特派员开展神湾菠萝组培快繁和品种复壮，推广山地菠萝节水栽培，并协助镇里举办菠萝文化节和采摘游。",
        "复壮种苗覆盖主要种植户，菠萝品质回升，采摘游带动镇村旅游收入增长。",
    ),
    (
        "442000118000",
        "AQUA-FRESHWATER",
        "中山脆肉鲩规范养殖与预制菜开发",
        "科技特派员在小榄镇推广脆肉鲩脆化养殖规范和池塘水质在线监测，帮助企业开发脆肉鲩预制菜。",
        "中山脆肉鲩肉质爽脆，是大湾区知名水产品。传统养殖周期长，投喂和病害防控技术要求高。",
        "科技特派员推广蚕豆投喂脆化养殖规范和池塘水质在线监测，指导养殖户做好病害预防，并帮助企业开发脆肉鲩预制菜。",
        "脆化成功率和成活率提高，预制菜产品畅销大湾区，养殖户效益明显提升。",
    ),
]

# The cases not (or no longer) on the portal: (state, review note, photos, the case as above).
OTHER_CASES: list[tuple[str, str, int, tuple[str, str, str, str, str, str, str]]] = [
    (
        "submitted",
        "",
        2,
        (
            "440882000000",
            "AQUA-SHRIMP",
            "雷州对虾苗种本地化繁育",
            "科技特派员协助雷州市育苗场建设对虾良种繁育车间，本地虾苗供应比例提高，养殖户购苗成本下降。",
            "雷州市对虾养殖面积大，但优质虾苗多从外地调入，运输中成活率低，带病苗种时有发生。",
            "科技特派员协助育苗场建设良种繁育车间，推广亲虾培育和苗种病原检测技术，并指导养殖户科学放苗。",
            "本地虾苗供应比例提高，养殖户购苗成本下降，苗种检测合格率稳定。",
        ),
    ),
    (
        "submitted",
        "",
        1,
        (
            "441803000000",
            "LIVESTOCK-CHICKEN",
            "清远鸡林下生态养殖与品牌提升",
            "科技特派员在清新区推广清远鸡林下生态养殖和疫病综合防控，帮助企业建设屠宰冷链，打响地方品牌。",
            "清远鸡是广东名鸡，清新区是主产区之一。散养户多、防疫水平参差不齐，产品品质不够稳定。",
            "科技特派员推广清远鸡林下生态养殖和疫病综合防控技术，帮助企业建设屠宰冷链设施，并制定养殖技术规范。",
            "规范养殖户比例提高，鸡只成活率和出栏均匀度提升，冰鲜清远鸡进入大湾区市场。",
        ),
    ),
    (
        "submitted",
        "",
        2,
        (
            "440904000000",
            "HERB-AGARWOOD",
            "电白沉香人工结香技术推广",
            "科技特派员在电白区推广沉香人工结香技术，建立结香示范林，协助企业开发沉香茶和香品。",
            "电白区种植白木香历史悠久，但自然结香时间长、质量不稳定，林农收益周期长。",
            "科技特派员推广沉香人工结香技术，建立结香示范林，指导规范采香和加工，并协助企业开发沉香茶和香品。",
            "示范林结香率和沉香品质提高，林农收益周期明显缩短。",
        ),
    ),
    (
        "returned",
        "请补充防控前后病株率的对比数据，并说明照片拍摄的地点和时间。",
        1,
        (
            "441624000000",
            "FRUIT-OTHER",
            "和平猕猴桃溃疡病综合防控",
            "科技特派员在和平县推广猕猴桃溃疡病综合防控和避雨栽培，示范园发病率下降。",
            "和平县猕猴桃种植面积逐年扩大，溃疡病在冬春季高发，严重时整株枯死，果农损失较大。",
            "科技特派员推广猕猴桃溃疡病综合防控技术，指导果农冬季清园、伤口保护和避雨栽培，并建立病情监测点。",
            "示范园溃疡病发病率下降，果园产量恢复。",
        ),
    ),
    (
        "returned",
        "标题与正文重点不一致，请突出生草栽培的技术要点和成效。",
        2,
        (
            "441403000000",
            "FRUIT-POMELO",
            "梅县金柚产业提质增效",
            "科技特派员在梅县区推广金柚园生草栽培和有机肥替代化肥，果园土壤有机质含量提高。",
            "梅县区是金柚主产区，长期大量施用化肥导致柚园土壤酸化板结，果实品质下降。",
            "科技特派员推广柚园生草栽培、有机肥替代化肥和土壤酸化改良技术，并开展柚农培训和现场观摩。",
            "示范柚园土壤有机质含量提高，金柚口感改善。",
        ),
    ),
    (
        "draft",
        "",
        1,
        (
            "441823000000",
            "FOREST-CAMELLIA",
            "阳山油茶低产林改造",
            "科技特派员在阳山县推广油茶低产林改造和高产品种嫁接换冠，示范林产量提高。",
            "阳山县油茶林面积大，但多为老林、低产林，管理粗放，茶油产量低。",
            "科技特派员推广油茶低产林改造、高产品种嫁接换冠和测土配方施肥技术，并帮助合作社改进榨油工艺。",
            "",
        ),
    ),
    (
        "draft",
        "",
        0,
        (
            "441625000000",
            "TEA-GREEN",
            "东源仙湖茶品质提升",
            "科技特派员帮助东源县茶企改进仙湖茶加工工艺，推广茶园绿色防控，茶叶品质稳定提升。",
            "东源县仙湖茶产区山清水秀，但加工设备落后、工艺标准不统一，优质茶比例不高。",
            "科技特派员帮助茶企改进仙湖茶加工工艺，推广茶园绿色防控和有机肥替代化肥技术。",
            "",
        ),
    ),
    (
        "withdrawn",
        "文中养殖产量数据与县统计部门公布的数据不一致，先撤下，核实后请重新报送。",
        2,
        (
            "445224000000",
            "AQUA-SHELLFISH",
            "惠来鲍鱼深水网箱养殖",
            "科技特派员在惠来县推广鲍鱼深水网箱养殖和南北接力养殖模式，养殖成活率提高。",
            "惠来县海岸线长、海水清洁，鲍鱼养殖发展较快。近岸养殖密度高，夏季高温时鲍鱼死亡率较高。",
            "科技特派员推广鲍鱼深水网箱养殖和南北接力养殖模式，指导养殖户调整投喂和分苗，并建立海况预警机制。",
            "养殖成活率提高，鲍鱼规格更加整齐，养殖户效益稳步增长。",
        ),
    ),
]

CLOSINGS = [
    "{place}把这一做法写入县域产业发展规划，继续通过平台发布技术需求，扩大示范范围。",
    "下一步，{place}将依托科技特派员工作站，把示范点的经验推广到更多镇村。",
    "项目实施中，县镇村三级通过平台跟踪需求对接和服务日志，做到问题有人管、服务有记录、成效可核查。",
    "这一案例表明，把科研力量精准对接到产业一线，能够有效破解县镇村产业发展中的技术难题。",
]
CAPTIONS = ["示范基地全景", "科技特派员现场技术指导", "田间技术培训会", "合作社生产现场"]

# Photo scenes by industry category, and the colour of what grows in an orchard.
SCENES = {
    "TEA": "tea",
    "AQUA": "water",
    "FLOWER": "greenhouse",
    "LIVESTOCK": "farm",
    "GRAIN": "paddy",
    "VEG": "paddy",
}
FRUIT_COLOURS = {
    "FRUIT-POMELO": (214, 206, 92),
    "FRUIT-CITRUS": (240, 150, 40),
    "FRUIT-LYCHEE": (205, 45, 55),
    "FRUIT-PINEAPPLE": (230, 190, 60),
    "FRUIT-PITAYA": (210, 40, 120),
    "FRUIT-BANANA": (200, 210, 80),
    "FRUIT-MUME": (150, 200, 70),
    "FRUIT-WAMPEE": (215, 175, 70),
    "FRUIT-OTHER": (240, 150, 160),
}

INTERPRETATIONS = [
    (
        "政策解读：科技支撑“百千万工程”实施方案的阶段目标",
        dt.date(2023, 6, 20),
        True,
        "2023年6月7日，广东省科学技术厅印发《广东省科技支撑“百县千镇万村高质量发展工程”促进城乡区域协调发展实施方案(试行)》"
        "（粤科农字〔2023〕116号，以下简称《方案》）。《方案》按 2025 年、2027 年和 2035 年三个时间节点提出工作目标，层层递进。\n"
        "一、到2025年：打基础、建体系\n"
        "《方案》提出，到2025年，“全省县镇村以创新为引领的经济体系和发展模式加快形成”，“在县、镇打造创新驱动发展样板”。具体包括七个方面："
        "科技成果转化服务“百千万工程”体系初步建立；探索粤东粤西粤北地区科技金融融合发展模式；科创载体提质增效行动取得初步效果；"
        "积极引导全领域、复合型人才投身服务“百千万工程”；引导科研院校到县域设立研究机构；组织实施创新强镇计划，培育一批创新型专业镇；"
        "进一步完善科技特派员助农机制，“推动千名农村科技特派员下乡服务”。\n"
        "二、到2027年：能力显著增强\n"
        "到2027年，“全省县镇村创新驱动发展能力显著增强”，“科技支撑产业竞争力明显提升”。《方案》要求“突破一批农业农村领域产业堵点、技术难点、发展痛点”；"
        "科技成果转化服务体系和人才支撑服务发展体系基本建立；科技金融促进粤东粤西粤北地区创新发展效能进一步增强；科创载体充分发挥引领区域产学研用协同发展的作用；"
        "“科研院校县域研究机构有力支撑地方创新发展”；进一步扩大创新型专业镇规模，“打造一批全国经济强镇”；持续推动科技特派员科技下乡、服务“三农”。\n"
        "三、展望2035年：城乡基本实现现代化\n"
        "展望2035年，“全省县镇村科技创新整体实力进一步增强”，“新型城镇化基本实现”，“主要创新指标达到世界领先水平”，"
        "“科技支撑乡村振兴取得决定性进展”，“城乡区域发展更加协调更加平衡”，“全省城乡基本实现社会主义现代化”。\n"
        "四、怎样理解三个节点\n"
        "2025年重在体系“初步建立”和模式“探索”，2027年重在体系“基本建立”和能力“显著增强”，2035年落脚于基本实现社会主义现代化。"
        "本平台按这三个节点监测各市、县、镇的进展：例如下乡服务的科技特派员人数，对照“千名农村科技特派员”的目标统计。",
    ),
    (
        "政策解读：科技支撑“百千万工程”的八项任务和四项保障措施",
        dt.date(2023, 7, 5),
        True,
        "《方案》围绕“百千万工程”部署了八项任务和四项保障措施，各项任务均由省科技厅牵头，各地市科技部门、高校和科研院所按职责落实。\n"
        "（一）关键技术攻关。立足地区科技需求，指导科研院校各类高水平科研创新平台开展协同攻关，"
        "“培育一批新品种、创制一批新装备、开发一批新技术、研发一批新产品”；鼓励粤东粤西粤北地区企事业单位积极参与科技研发项目。\n"
        "（二）成果落地转化。完善科技成果转化服务体系，“培育科技成果交易市场”；“建立职务科技成果转化尽职免责认定工作机制”；"
        "鼓励珠三角地区的省实验室和省重点实验室到粤东粤西粤北地区开展技术培训和成果转移转化。\n"
        "（三）科技金融。引导社会资本与省创新创业基金在粤东粤西粤北地区设立子基金；推动银行机构开发针对农村特色优势科技产业的信贷产品和服务，"
        "“适当提高粤东粤西粤北地区科技信贷风险补偿比例”；建立上市后备科技企业培育机制，“推动科技金融服务向县域镇域村域延伸下沉”。\n"
        "（四）科创载体。支持粤东粤西粤北地区申报工程技术研究中心，“在专职科研人数、研发设备、产学研合作等方面给予倾斜”；"
        "鼓励符合条件的高校、研究院所和科技型企业申报省重点实验室；支持建设高水平新型研发机构。\n"
        "（五）专业镇转型升级。“建立健全创新型专业镇申报、管理与验收评价体系”，认定一批创新型专业镇；"
        "引导珠三角和粤东粤西粤北地区产业关联度高的专业镇开展合作。\n"
        "（六）科技特派员组团式帮扶。“推动千名科技特派员下乡服务”，“对承担省级重点派驻任务视同承担省级科技计划项目”；"
        "拓展多领域复合型科技特派员选派渠道，鼓励联农带农创新创业，“推进科技特派团工作站建设”。\n"
        "（七）科技要素配置。“鼓励科研院校加强县域布局设点”；优化科技奖励体系，“设立科技成果推广奖”。\n"
        "（八）人才与科普。组建智库联盟开展深调研；省重大人才工程对艰苦边远地区和基层一线人才在遴选数量和资助额度上倾斜支持；"
        "组织文化科技卫生“三下乡”科普活动，利用南澳科学会议等平台邀请院士进农村、进校园、进社区，培训粤东粤西粤北地区中小学科学辅导老师。\n"
        "四项保障措施是：加强组织领导，“建立省市协调推进工作机制”；加大资金投入，优化“大专项+任务清单”项目布局，发挥省创新创业基金等金融工具的杠杆作用；"
        "做好考核评估，“加强市县镇科技创新统计监测”；营造良好氛围，宣传推广典型案例、模式、经验，“通报表扬一批先进单位和先进个人”。",
    ),
    (
        "政策解读：科技特派员组团式帮扶怎样落地（征求意见稿）",
        dt.date(2025, 3, 1),
        False,
        "《方案》三、(六)要求“深入实施科技特派员制度”，“推动千名科技特派员下乡服务”。组团式帮扶的要点有三：一是拓展多领域复合型科技特派员选派渠道，"
        "精准对接当地科技需求；二是鼓励科技特派员联农带农创新创业，扶持一批科技型农村致富带头人；三是推进科技特派团工作站建设，"
        "统筹团队资源，加强日常管理。本解读将结合各地市的做法进一步补充。",
    ),
]


# ---- photos ----------------------------------------------------------------------------------------


def _shade(rng: random.Random, colour: tuple[int, int, int], spread: int = 14) -> tuple[int, int, int]:
    r, g, b = (max(0, min(255, c + rng.randint(-spread, spread))) for c in colour)
    return (r, g, b)


def landscape(rng: random.Random, industry: str) -> bytes:
    """A drawn photo of the place: sky, sun, hills, and rows of what the industry grows (JPEG)."""
    width, height = 640, 426
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    horizon = rng.randint(int(height * 0.36), int(height * 0.48))
    top, bottom = _shade(rng, (95, 160, 225), 20), _shade(rng, (214, 232, 244), 8)
    for y in range(horizon + 1):
        t = y / horizon
        draw.line(
            (0, y, width, y), fill=tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        )
    sx, sy, sr = rng.randint(60, width - 60), rng.randint(40, max(50, horizon - 90)), rng.randint(22, 36)
    draw.ellipse((sx - sr, sy - sr, sx + sr, sy + sr), fill=(255, 238, 160))
    for _ in range(rng.randint(2, 5)):
        cx, cy = rng.randint(0, width), rng.randint(20, max(30, horizon - 60))
        for _ in range(4):
            dx, dy, r = rng.randint(-40, 40), rng.randint(-8, 8), rng.randint(14, 26)
            draw.ellipse((cx + dx - r * 2, cy + dy - r, cx + dx + r * 2, cy + dy + r), fill=(247, 249, 252))
    for depth, base in enumerate(((104, 150, 128), (76, 132, 84))):
        lift = 70 - depth * 35
        points = [(0, height)]
        for x in range(0, width + 80, 80):
            points.append((x, horizon - rng.randint(lift // 3, lift)))
        points.append((width, height))
        draw.polygon(points, fill=_shade(rng, base, 8))
    ground = _shade(rng, (96, 156, 72), 12)
    draw.rectangle((0, horizon, width, height), fill=ground)
    scene = "water" if industry.startswith("AQUA") else SCENES.get(industry.split("-")[0], "orchard")
    rows = rng.randint(5, 8)
    for row in range(rows):
        t = (row + 1) / rows
        y = horizon + int((height - horizon) * t * t) - 6
        size = 5 + int(28 * t)
        if scene == "tea":
            colour = _shade(rng, (38, 105, 48), 10)
            for x in range(-size, width + size, max(4, size)):
                draw.ellipse((x - size, y - size // 2, x + size, y + size // 2), fill=colour)
        elif scene == "paddy":
            colour = _shade(rng, (120, 180, 70) if row % 2 else (170, 196, 80), 10)
            draw.rectangle((0, y - size // 2, width, y + size // 2), fill=colour)
            draw.line((0, y + size // 2, width, y + size // 2), fill=(110, 100, 70), width=max(1, size // 10))
        elif scene == "water":
            colour = _shade(rng, (70, 130, 170), 12)
            for x in range(rng.randint(-60, 0), width, size * 6):
                draw.rectangle(
                    (x, y - size // 2, x + size * 5, y + size // 2), fill=colour, outline=(150, 130, 90)
                )
                for f in range(x + size // 2, x + size * 5, max(6, size)):
                    draw.ellipse((f - 3, y - 3, f + 3, y + 3), fill=(235, 235, 225))
        elif scene == "greenhouse":
            for x in range(rng.randint(-40, 0), width, size * 5):
                draw.rectangle(
                    (x, y - size, x + size * 4, y + size // 2), fill=(226, 232, 236), outline=(170, 178, 184)
                )
                for f in range(x + 4, x + size * 4 - 2, max(5, size // 2)):
                    draw.ellipse((f - 2, y - 2, f + 2, y + 2), fill=_shade(rng, (200, 60, 150), 40))
        elif scene == "farm":
            for x in range(rng.randint(-40, 0), width, size * 7):
                draw.rectangle((x, y - size, x + size * 4, y + size // 2), fill=(236, 230, 214))
                draw.polygon(
                    [(x - 4, y - size), (x + size * 2, y - size * 2), (x + size * 4 + 4, y - size)],
                    fill=(170, 60, 45),
                )
                for _ in range(4):
                    bx = x + size * 4 + rng.randint(6, size * 2)
                    draw.ellipse((bx - 3, y - 3, bx + 3, y + 3), fill=(250, 250, 250))
        else:
            fruit = FRUIT_COLOURS.get(industry, (235, 160, 50))
            for x in range(rng.randint(-size, 0), width + size, size * 2 + 4):
                draw.rectangle(
                    (x - size // 8, y - size // 3, x + size // 8, y + size // 2), fill=(105, 78, 48)
                )
                draw.ellipse((x - size, y - size * 2, x + size, y), fill=_shade(rng, (48, 118, 52), 12))
                if industry.startswith("FRUIT"):
                    for _ in range(3):
                        fx, fy = (
                            x + rng.randint(-size // 2, size // 2),
                            y - rng.randint(size // 3, size + size // 2),
                        )
                        r = max(2, size // 8)
                        draw.ellipse((fx - r, fy - r, fx + r, fy + r), fill=fruit)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=86)
    return buffer.getvalue()


# ---- who writes, what is linked -------------------------------------------------------------------


def _named(role: str, division: Division) -> User | None:
    """A demo login of the bureau (not a desk account), if the demo has one."""
    return (
        User.objects.filter(role=role, division=division, is_active=True)
        .exclude(username__startswith="desk_")
        .order_by("pk")
        .first()
    )


def _county_of(place: Division) -> Division | None:
    if place.level == "county":
        return place
    parent = place.parent
    return parent if parent is not None and parent.level == "county" else None


def _writer(place: Division) -> User:
    """The county bureau's demo login, else the city bureau's, else the county's (or, where there
    is no county level, the city's) desk account."""
    county = _county_of(place)
    city = Division.objects.get(code=f"{place.code[:4]}00000000")
    return (
        (county and _named(Role.COUNTY, county))
        or _named(Role.CITY, city)
        or (desk_user(Role.COUNTY, county) if county else desk_user(Role.CITY, city))
    )


def _area(place: Division) -> str:
    """The code prefix of the county a place is in (or of the town, where there is no county)."""
    return place.code[:6] if _county_of(place) else place.code[:9]


def _solved_demand(writer: User, place: Division, industry: str) -> int | None:
    solved = Q(status=DemandStatus.SOLVED) | Q(status=DemandStatus.CLOSED, solved_at__isnull=False)
    demands = Demand.objects.for_user(writer).filter(solved, division_id__startswith=_area(place))
    match = demands.filter(industry_id=industry).order_by("pk").first() or demands.order_by("pk").first()
    return match.pk if match else None


def _people(writer: User, place: Division) -> list[int]:
    serving = Assignment.all_objects.filter(
        need__town_id__startswith=_area(place),
        status__in=[AssignmentStatus.ACCEPTED, AssignmentStatus.COMPLETED],
    ).values("nomination__expert__person")
    return list(
        services.people_choices(writer).filter(pk__in=serving).order_by("pk").values_list("pk", flat=True)[:3]
    )


def _write(rng: random.Random, spec: tuple[str, str, str, str, str, str, str], photos: int) -> ShowcaseCase:
    code, industry, title, summary, background, action, results = spec
    place = Division.objects.get(code=code)
    writer = _writer(place)
    where = (_county_of(place) or place).name
    case = services.case_create(
        acting_user=writer,
        place_code=code,
        title=title,
        summary=summary,
        body="\n".join([background, action, rng.choice(CLOSINGS).format(place=where)]),
        results=results,
        industry_code=industry,
        demand_id=_solved_demand(writer, place, industry),
        person_ids=_people(writer, place),
    )
    for caption in rng.sample(CAPTIONS, photos):
        services.photo_add(
            acting_user=writer,
            case_id=case.pk,
            name=f"{caption}.jpg",
            data=landscape(rng, industry),
            caption=f"{place.name}{caption}",
        )
    return case


def _cases(rng: random.Random, province: User, today: dt.date) -> dict[str, int]:
    start = dt.date(2024, 3, 1)
    span = max(1, (today - start).days)
    published = []
    for spec in CASES:
        case = _write(rng, spec, rng.randint(1, 3))
        services.case_submit(acting_user=case.created_by, case_id=case.pk)
        services.case_review(acting_user=province, case_id=case.pk, publish=True)
        published.append(case.pk)
    # Spread over the months the programme has run, as they would have come in.
    for pk, day in zip(published, sorted(rng.sample(range(span), len(published))), strict=True):
        moment = timezone.make_aware(dt.datetime.combine(start + dt.timedelta(days=day), dt.time(10)))
        ShowcaseCase.all_objects.filter(pk=pk).update(
            submitted_at=moment - dt.timedelta(days=rng.randint(2, 12)), published_at=moment
        )
    for state, note, photos, spec in OTHER_CASES:
        case = _write(rng, spec, photos)
        if state == "draft":
            continue
        services.case_submit(acting_user=case.created_by, case_id=case.pk)
        if state == "returned":
            services.case_review(acting_user=province, case_id=case.pk, publish=False, note=note)
        elif state == "withdrawn":
            services.case_review(acting_user=province, case_id=case.pk, publish=True)
            services.case_withdraw(acting_user=province, case_id=case.pk, note=note)
    counts = dict(ShowcaseCase.all_objects.values_list("status").annotate(n=Count("id")))
    return {"cases": sum(counts.values()), "published_cases": counts.get(CaseStatus.PUBLISHED, 0)}


# ---- 通报表扬 ----------------------------------------------------------------------------------------


def _assessment_year() -> int:
    scheme = AssessmentScheme.all_objects.filter(finalised=True).order_by("-year").first()
    return scheme.year if scheme else 2025


def _commissioners_by_hand(province: User, item: Commendation) -> None:
    """The demo's commissioners serving that year, when no assessment has been finalised."""
    serving = (
        Assignment.all_objects.filter(status=AssignmentStatus.ACCEPTED)
        .select_related("nomination__expert__person__organisation", "need__town")
        .order_by("pk")
    )
    seen: set[int] = set()
    for assignment in serving:
        person = assignment.nomination.expert.person
        if person.pk in seen or len(seen) >= 5:
            continue
        seen.add(person.pk)
        services.entry_add(
            acting_user=province,
            commendation_id=item.pk,
            kind=HonourKind.PERSON,
            name=person.name,
            organisation=person.organisation.name,
            reason=f"{item.year} 年度驻{assignment.need.town.name}开展科技服务，服务日志完整，成效突出",
            place_code=assignment.need.town_id,
        )
    if not seen:
        for expert in ExpertProfile.all_objects.select_related("person__organisation").order_by("pk")[:5]:
            services.entry_add(
                acting_user=province,
                commendation_id=item.pk,
                kind=HonourKind.PERSON,
                name=expert.person.name,
                organisation=expert.person.organisation.name,
                reason=f"{item.year} 年度深入县镇村开展技术指导和培训，成效突出",
            )


UNITS = [
    (
        "华南农业大学驻大埔县湖寮镇科技特派团",
        "组团服务湖寮镇蜜柚产业，建立黄龙病综合防控示范园，带动柚农统一防控",
        "441422100000",
    ),
    (
        "英德市连江口镇科技特派员工作站",
        "统筹驻镇科技特派员开展红茶生产加工技术服务，工作站管理规范、服务保障到位",
        "441881129000",
    ),
]


def _commendations(province: User) -> int:
    year = _assessment_year()
    honoured = services.commendation_create(
        acting_user=province,
        title=f"{year} 年度优秀科技特派员通报表扬",
        year=year,
        intro=(
            f"{year} 年，全省科技特派员深入县镇村一线，围绕特色产业开展技术攻关、成果转化和技术培训，"
            "涌现出一批扎根基层、成效突出的先进集体和先进个人。根据年度考核结果，对以下集体和个人予以通报表扬。"
        ),
    )
    try:
        services.commendation_fill(acting_user=province, commendation_id=honoured.pk, source="commissioners")
    except ValidationError:
        _commissioners_by_hand(province, honoured)
    for name, reason, place in UNITS:
        services.entry_add(
            acting_user=province,
            commendation_id=honoured.pk,
            kind=HonourKind.UNIT,
            name=name,
            reason=reason,
            place_code=place,
        )
    services.commendation_publish(acting_user=province, commendation_id=honoured.pk, publish=True)

    finished = (
        Project.all_objects.filter(status=ProjectStatus.PASSED, finished_at__isnull=False)
        .order_by("-finished_at")
        .values_list("finished_at", flat=True)
        .first()
    )
    project_year = timezone.localtime(finished).year if finished else year
    draft = services.commendation_create(
        acting_user=province,
        title=f"{project_year} 年度科技支撑“百千万工程”项目先进承担单位通报表扬",
        year=project_year,
        intro="对承担科技支撑“百千万工程”项目、通过验收且成效突出的单位予以通报表扬（名单审核中）。",
    )
    try:
        services.commendation_fill(acting_user=province, commendation_id=draft.pk, source="projects")
    except ValidationError:
        for name, reason, place in UNITS:
            services.entry_add(
                acting_user=province,
                commendation_id=draft.pk,
                kind=HonourKind.UNIT,
                name=name,
                reason=reason,
                place_code=place,
            )
    return Commendation.all_objects.count()


# ---- 政策与解读 -----------------------------------------------------------------------------------


def _policies(province: User) -> int:
    folder = Path(settings.DATA_DIR) / "plan"
    document = json.loads((folder / "plan.json").read_text(encoding="utf-8"))["document"]
    text = (folder / "policy-zh-hans.txt").read_text(encoding="utf-8").strip()
    plan = services.policy_create(
        acting_user=province,
        kind=PolicyKind.POLICY,
        title=document["title"],
        issuer=document["issuer"],
        document_number=document["doc_number"],
        issued_on=dt.date.fromisoformat(document["date"]),
        body=text,
    )
    services.policy_publish(acting_user=province, policy_id=plan.pk, publish=True)
    for title, issued_on, publish, body in INTERPRETATIONS:
        reading = services.policy_create(
            acting_user=province,
            kind=PolicyKind.INTERPRETATION,
            title=title,
            issuer=document["issuer"],
            issued_on=issued_on,
            body=body,
            interprets_id=plan.pk,
        )
        if publish:
            services.policy_publish(acting_user=province, policy_id=reading.pk, publish=True)
    return PolicyDocument.all_objects.count()


def _counts() -> dict[str, int]:
    return {
        "cases": ShowcaseCase.all_objects.count(),
        "published_cases": ShowcaseCase.all_objects.filter(is_published=True).count(),
        "commendations": Commendation.all_objects.count(),
        "policies": PolicyDocument.all_objects.count(),
    }


@transaction.atomic
def demo_publicity(rng: random.Random) -> dict[str, int]:
    """Idempotent: a second run finds the cases and returns what is there."""
    if ShowcaseCase.all_objects.exists():
        return _counts()
    province = User.objects.get(username="gd_admin")
    _cases(rng, province, timezone.localdate())
    _commendations(province)
    _policies(province)
    return _counts()
