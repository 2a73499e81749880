from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from baiqianwan.regions.models import Division
from baiqianwan.web.demo import demo_is_loaded, demo_load
from baiqianwan.web.scale import SCALES, SEED, data_present, scale_load


class Command(BaseCommand):
    help = "载入演示数据（单位、人员、各角色用户），结果确定可重现；--scale 生成全省规模的数据"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--if-empty", action="store_true", help="数据库已有数据时跳过")
        parser.add_argument(
            "--scale",
            choices=sorted(SCALES),
            help="按规模生成数据：province 全省（约 10 万条需求）、city 梅州市、county 大埔县",
        )
        parser.add_argument(
            "--seed", type=int, default=SEED, help=f"随机种子（默认 {SEED}），同一种子生成相同数据"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not Division.objects.exists():
            raise CommandError("请先载入行政区划：bqw regions load")
        if options["scale"]:
            self._scale(options)
            return
        if options["if_empty"] and demo_is_loaded():
            self.stdout.write("数据库已有数据，跳过演示数据。")
            return
        result = demo_load()
        counts = (
            f"单位 {result['organisations']} 个，人员 {result['people']} 名，科技成果 {result['achievements']} 项，"
            f"专家 {result['experts']} 名，科技需求 {result['demands']} 条，特派员选派批次 {result['rounds']} 个、"
            f"团队 {result['teams']} 个、服务日志 {result['service_logs']} 条，指标年报 {result['reports']} 份，"
            f"申报指南 {result['calls']} 个、申报 {result['applications']} 项、评分表 {result['review_sheets']} 份、"
            f"科创载体 {result['carriers']} 个，成果挂牌 {result['listings']} 项、技术交易 {result['deals']} 笔，"
            f"信贷产品 {result['credit_products']} 个、贷款 {result['loans']} 笔，"
            f"创新创业子基金 {result['sub_funds']} 支、投资 {result['investments']} 笔，"
            f"科技金融服务中心和站点 {result['finance_stations']} 个，"
            f"县域研究机构 {result['outposts']} 个，致富带头人 {result['leaders']} 名、"
            f"致富共同体 {result['leader_groups']} 个，人才工程入选 {result['talent_selections']} 人次，"
            f"门户网站提交的需求 {result['public_demands']} 条，"
            f"科普活动 {result['outreach_events']} 场、培训科学教师 {result['trained_teachers']} 名，"
            f"智库成员 {result['think_tank_members']} 名、深调研报告 {result['think_tank_reports']} 份、"
            f"研讨会和论坛 {result['think_tank_seminars']} 场，"
            f"典型案例 {result['showcase_cases']} 个（已发布 {result['published_cases']} 个）、"
            f"通报表扬 {result['commendations']} 份、政策文件和解读 {result['policy_documents']} 篇"
        )
        self.stdout.write(f"演示数据：{counts}。")
        self.stdout.write(f"演示账号（密码均为 {result['password']}）：")
        for username, role, binding in result["users"]:  # type: ignore[attr-defined]
            self.stdout.write(f"  {username:<20}{role:<14}{binding}")
        secret = str(result["totp_secret"])
        grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
        self.stdout.write(
            "两步验证：省科技厅和系统、安全、审计管理员账号登录后须输入动态验证码。"
            "在手机身份验证器中手动添加密钥（基于时间，6 位，30 秒）：\n"
            f"  {grouped}\n"
            "这是公开的演示密钥，只用于演示数据。"
        )

    def _scale(self, options: dict[str, Any]) -> None:
        if data_present():
            if options["if_empty"]:
                self.stdout.write("数据库已有数据，跳过规模数据。")
                return
            raise CommandError(
                "数据库中已有演示数据或规模数据，规模数据只能生成到空库（已有数据时可加 --if-empty 跳过）"
            )
        area = Division.objects.filter(code=SCALES[options["scale"]]).first()
        if area is None:
            raise CommandError(
                f"行政区划中没有 {SCALES[options['scale']]}，请先载入行政区划：bqw regions load"
            )
        started = time.perf_counter()
        self.stdout.write(f"生成{area.full_name}规模数据（种子 {options['seed']}）：")
        counts = scale_load(area=area, seed=options["seed"], report=self.stdout.write)
        self.stdout.write(
            f"完成，用时 {time.perf_counter() - started:.1f} 秒；派驻方案填补岗位 {counts['filled']}。"
            f"各级账号用户名为“层级_区划代码”（如 county_441422），密码均为 {counts['password']}。"
        )
