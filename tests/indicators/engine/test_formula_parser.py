"""The formula parser: what it accepts, the tree it builds, and every error with its position."""

from __future__ import annotations

import pytest

from baiqianwan.indicators.engine import FormulaError, parse, references, unparse
from baiqianwan.indicators.engine.parser import Binary, Call, Null, Number, Ref, Unary, tokenise

CATALOGUE = {"rd_spend": "number", "gdp": "number", "staff": "number", "note": "text", "is_town": "yes_no"}


@pytest.mark.parametrize(
    "formula",
    [
        "#{rd_spend} / #{gdp} * 100",
        "1",
        ".5 + 1.25e3 - 2E-2",
        "-#{gdp}",
        "--#{gdp}",
        "+#{gdp}",
        "#{gdp} ^ 2 ^ 0.5",
        "(#{rd_spend} + 1) * (#{gdp} - 1)",
        "if(#{gdp} > 0, #{rd_spend} / #{gdp}, null)",
        "IF(#{gdp} >= 0 AND NOT isnull(#{rd_spend}), 1, 0)",
        "coalesce(#{rd_spend}, #{gdp}, 0)",
        "min(#{rd_spend}, #{gdp}, 3) + max(1, 2) + abs(-#{gdp})",
        "round(#{rd_spend} / 3, 2) + round(#{gdp}) + round(#{gdp}, -2)",
        "sum_children(#{gdp}) + avg_children(#{gdp}) + count_children(#{gdp} > 0)",
        "sum_children(sum_children(#{gdp}))",
        "(#{gdp} - prev(#{gdp})) / prev(#{gdp}) * 100",
        "#{gdp} == 1 or #{gdp} != 2 and #{gdp} < 3",
        "not #{is_town} == 1",
        "#{ rd_spend }",
        "\t#{gdp}\n*\u30002",
    ],
)
def test_valid_formulas_parse_and_round_trip(formula: str) -> None:
    expr = parse(formula, elements=CATALOGUE)
    text = unparse(expr)
    assert parse(text) == expr
    assert unparse(parse(text)) == text


def test_precedence_and_associativity() -> None:
    assert parse("1 + 2 * 3") == Binary("+", Number(1), Binary("*", Number(2), Number(3)))
    assert parse("1 - 2 - 3") == Binary("-", Binary("-", Number(1), Number(2)), Number(3))
    assert parse("8 / 4 / 2") == Binary("/", Binary("/", Number(8), Number(4)), Number(2))
    assert parse("2 ^ 3 ^ 2") == Binary("^", Number(2), Binary("^", Number(3), Number(2)))
    # -2^2 is -(2^2); 2^-1 is 2^(-1)
    assert parse("-2 ^ 2") == Unary("-", Binary("^", Number(2), Number(2)))
    assert parse("2 ^ -1") == Binary("^", Number(2), Unary("-", Number(1)))
    assert parse("1 < 2 and 3 > 2 or 0") == Binary(
        "or", Binary("and", Binary("<", Number(1), Number(2)), Binary(">", Number(3), Number(2))), Number(0)
    )
    assert parse("not 1 and 0") == Binary("and", Unary("not", Number(1)), Number(0))
    assert parse("not 1 + 1 > 2") == Unary("not", Binary(">", Binary("+", Number(1), Number(1)), Number(2)))


def test_tree_nodes_and_positions() -> None:
    expr = parse("if(#{gdp} > 0, null, round(#{gdp}))")
    assert isinstance(expr, Call)
    assert expr.name == "if"
    assert expr.pos == 1
    cond, yes, no = expr.args
    assert isinstance(cond, Binary)
    assert cond.pos == 11
    assert isinstance(cond.left, Ref)
    assert cond.left.pos == 4
    assert isinstance(yes, Null)
    # round(x) is stored as round(x, 0)
    assert no == Call("round", (Ref("gdp"), Number(0)))
    assert references(parse("#{b} + #{a} * #{b}")) == ("b", "a")


def test_unparse_is_canonical() -> None:
    assert unparse(parse("(#{a}+#{b})*#{c}")) == "(#{a} + #{b}) * #{c}"
    assert unparse(parse("#{a} - (#{b} - #{c})")) == "#{a} - (#{b} - #{c})"
    assert unparse(parse("(#{a} - #{b}) - #{c}")) == "#{a} - #{b} - #{c}"
    assert unparse(parse("(-2)^2")) == "(-2)^2"
    assert unparse(parse("(1 < 2) == 1")) == "(1 < 2) == 1"
    assert unparse(parse("IF(1,2,3)")) == "if(1, 2, 3)"
    assert unparse(parse("1.50")) == "1.5"
    assert unparse(parse("1e20")) == "1e+20"


def test_tokens_carry_one_based_positions() -> None:
    tokens = tokenise("#{a} >= 10")
    assert [(t.kind, t.text, t.pos) for t in tokens] == [
        ("ref", "a", 1),
        ("op", ">=", 6),
        ("num", "10", 9),
        ("end", "", 11),
    ]


@pytest.mark.parametrize(
    ("formula", "position", "message"),
    [
        ("(#{rd_spend} + 1", 17, "第 17 个字符处缺少右括号（与第 1 个字符处的左括号配对）"),
        ("#{rd_spend} / (#{gdp} * 100", 28, "缺少右括号"),
        ("#{a} + 1)", 9, "第 9 个字符处多了一个右括号"),
        ("#{a} +", 7, "第 7 个字符处缺少运算数（公式不完整）"),
        ("#{a} * / 2", 8, "缺少运算数，却遇到运算符“/”"),
        ("()", 2, "缺少运算数，却遇到右括号"),
        ("max(1,,2)", 7, "缺少运算数，却遇到逗号"),
        ("#{a} #{b}", 6, "缺少运算符"),
        ("(1 2)", 4, "缺少运算符或右括号"),
        ("1, 2", 2, "的逗号只能用于分隔函数参数"),
        ("if(1 2, 3)", 6, "缺少逗号或右括号"),
        ("max(1, 2", 9, "缺少右括号（函数 max 的参数从第 4 个字符处开始）"),
        ("1 < 2 < 3", 7, "比较运算不能连用"),
        ("#{a} = 1", 6, "相等比较请写“==”"),
        ("!#{a}", 1, "逻辑非请写“not”"),
        ("#{a} && #{b}", 6, "逻辑与请写“and”"),
        ("#{a} || #{b}", 6, "逻辑或请写“or”"),
        ("#{a} ** 2", 6, "乘方请写“^”"),
        ("#{a}（1）", 5, "全角字符“（”，请改用半角“(”"),
        ("#{a} ＋ 1", 6, "全角字符“＋”"),
        ("#{a} $ 1", 6, "无法识别的字符“$”"),
        ("1 + 研发", 5, "无法识别的字符“研”"),
        ("# {a}", 1, "“#”后应紧跟“{数据元素编码}”"),
        ("1 + #{a", 5, "缺少右花括号"),
        ("#{}", 1, "数据元素编码为空"),
        ("#{1a}", 1, "编码“1a”不合法"),
        ("#{研发投入}", 1, "编码“研发投入”不合法"),
        ("1e + 2", 1, "数字“1e”格式不正确"),
        ("rd_spend + 1", 1, "“rd_spend”不是函数或关键字；引用数据元素请写成 #{rd_spend}"),
        ("sqrt(4)", 1, "未知的函数“sqrt”"),
        ("if 1", 4, "缺少左括号"),
        ("if(1, 2)", 1, "函数 if 需要 3 个参数，实际给了 2 个"),
        ("isnull()", 1, "函数 isnull 需要 1 个参数，实际给了 0 个"),
        ("coalesce(1)", 1, "函数 coalesce 需要至少 2 个参数"),
        ("round(1, 2, 3)", 1, "函数 round 需要 1 到 2 个参数"),
        ("round(#{a}, #{b})", 13, "round 的第二个参数必须是 -6 到 10 之间的整数常量"),
        ("round(#{a}, 1.5)", 13, "整数常量"),
        ("round(#{a}, 11)", 13, "整数常量"),
        ("not", 4, "缺少运算数"),
    ],
)
def test_syntax_errors_name_the_position(formula: str, position: int, message: str) -> None:
    with pytest.raises(FormulaError) as info:
        parse(formula)
    assert info.value.position == position
    assert message in info.value.message
    assert str(info.value).startswith(f"第 {position} 个字符处")
    assert info.value.formula == formula


def test_empty_too_long_and_too_deep() -> None:
    with pytest.raises(FormulaError, match="公式为空"):
        parse("   ")
    with pytest.raises(FormulaError, match="公式过长"):
        parse("1+" * 2500 + "1")
    with pytest.raises(FormulaError, match="嵌套超过 64 层"):
        parse("(" * 80 + "1" + ")" * 80)
    with pytest.raises(FormulaError, match="嵌套超过 64 层"):
        parse("-" * 200 + "1")
    parse("(" * 60 + "1" + ")" * 60)


def test_unknown_elements_reported_against_the_catalogue() -> None:
    with pytest.raises(FormulaError) as info:
        parse("#{rd_spnd} / #{gdp} + #{foo}", elements=CATALOGUE)
    err = info.value
    assert err.position == 1
    assert "未知的数据元素“rd_spnd”，是否应为“rd_spend”？" in err.message
    assert "“foo”（第 23 个字符处）" in err.message
    with pytest.raises(FormulaError, match="第 10 个字符处：文本型数据元素“note”不能参与计算"):
        parse("#{gdp} + #{note}", elements=CATALOGUE)
    # a plain collection of codes works too
    parse("#{gdp}", elements={"gdp"})
    with pytest.raises(FormulaError, match="未知的数据元素“gdp”"):
        parse("#{gdp}", elements=set())
