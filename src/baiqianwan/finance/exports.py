"""The loans as a spreadsheet (every cell written through core.spreadsheets.safe_cell, so a stored
formula or markup is text in the file)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from baiqianwan.core.spreadsheets import Column, SheetSchema

from .models import Loan

LOAN_SCHEMA = SheetSchema(
    title="贷款",
    columns=[
        Column("contract_number", "借款合同编号", width=22, text=True),
        Column("bank", "银行", width=28),
        Column("product", "信贷产品", width=24),
        Column("borrower", "借款单位", width=30),
        Column("place", "借款单位所在地", width=30),
        Column("amount", "贷款金额（元）", width=18),
        Column("rate", "年利率（%）", width=10),
        Column("term_months", "期限（月）", width=10),
        Column("lent_on", "放款日期", width=12),
        Column("under_scheme", "纳入风险补偿", width=12),
        Column("ratio", "补偿比例", width=10),
        Column("status", "状态", width=10),
    ],
)


def loan_rows(loans: Iterable[Loan]) -> Iterable[list[Any]]:
    for loan in loans:
        yield [
            loan.contract_number,
            loan.bank.name,
            loan.product.name,
            loan.borrower.name,
            loan.place.full_name,
            str(loan.amount),
            str(loan.rate),
            loan.term_months,
            loan.lent_on.isoformat(),
            "是" if loan.under_scheme else "否",
            str(loan.ratio) if loan.ratio is not None else "",
            loan.get_status_display(),
        ]
