"""The formula language: a hand-written recursive-descent parser (no ``eval``).

Grammar, loosest binding first::

    expr        := or_expr
    or_expr     := and_expr ("or" and_expr)*
    and_expr    := not_expr ("and" not_expr)*
    not_expr    := "not" not_expr | comparison
    comparison  := additive [("<" | "<=" | ">" | ">=" | "==" | "!=") additive]   # no chaining
    additive    := term (("+" | "-") term)*
    term        := unary (("*" | "/") unary)*
    unary       := ("-" | "+") unary | power
    power       := primary ["^" unary]                                       # right-associative
    primary     := number | "#{" code "}" | "null" | name "(" [expr ("," expr)*] ")" | "(" expr ")"

So ``-2^2`` is -4 and ``2^-1`` is 0.5, as in common spreadsheet and statistics usage. Keywords and
function names are case-insensitive. Positions in errors are 1-based character counts.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Final

from .errors import FormulaError

MAX_LENGTH: Final = 4000
MAX_DEPTH: Final = 64
ROUND_DIGITS: Final = (-6, 10)

# name -> (min args, max args or None for any number)
FUNCTIONS: Final[dict[str, tuple[int, int | None]]] = {
    "if": (3, 3),
    "isnull": (1, 1),
    "coalesce": (2, None),
    "min": (2, None),
    "max": (2, None),
    "abs": (1, 1),
    "round": (1, 2),
    "prev": (1, 1),
    "sum_children": (1, 1),
    "avg_children": (1, 1),
    "count_children": (1, 1),
}
CHILD_FUNCTIONS: Final = frozenset({"sum_children", "avg_children", "count_children"})
COMPARISONS: Final = frozenset({"<", "<=", ">", ">=", "==", "!="})
CODE_PATTERN: Final = re.compile(r"[A-Za-z][A-Za-z0-9_.]*\Z")

_NUMBER = re.compile(r"(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_FULL_WIDTH = {
    "（": "(",
    "）": ")",
    "，": ",",
    "、": ",",
    "＋": "+",
    "－": "-",
    "×": "*",
    "＊": "*",
    "÷": "/",
    "／": "/",
    "＞": ">",
    "＜": "<",
    "＝": "=",
    "≥": ">=",
    "≤": "<=",
    "≠": "!=",
    "｛": "{",
    "｝": "}",
    "＃": "#",
    "．": ".",
    "＾": "^",
    "。": ".",
}
_HINTS = {
    "=": "相等比较请写“==”",
    "!": "逻辑非请写“not”",
    "&": "逻辑与请写“and”",
    "|": "逻辑或请写“or”",
}


# --- syntax tree -------------------------------------------------------------------------------
# Positions do not take part in equality, so a formula and its canonical rewrite compare equal.


@dataclass(frozen=True, slots=True)
class Number:
    value: float
    pos: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Null:
    pos: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Ref:
    code: str
    pos: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Unary:
    op: str  # "-" or "not"
    operand: Expr
    pos: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Binary:
    op: str  # + - * / ^ < <= > >= == != and or
    left: Expr
    right: Expr
    pos: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Call:
    name: str
    args: tuple[Expr, ...]
    pos: int = field(default=0, compare=False)


Expr = Number | Null | Ref | Unary | Binary | Call


# --- tokens ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # num ref name null op ( ) , end
    text: str
    pos: int
    value: float = 0.0


def _error(pos: int, what: str, formula: str) -> FormulaError:
    return FormulaError(f"第 {pos} 个字符处{what}", position=pos, formula=formula)


def tokenise(text: str) -> list[Token]:
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        pos = i + 1
        if ch.isspace():
            i += 1
            continue
        if ch.isdigit() or (ch == "." and i + 1 < n and text[i + 1].isdigit()):
            m = _NUMBER.match(text, i)
            assert m is not None
            end = m.end()
            if end < n and text[end] in "eE" and not m.group(2):
                raise _error(pos, f"的数字“{text[i : end + 1]}”格式不正确，科学记数法请写成 1e6 的形式", text)
            tokens.append(Token("num", m.group(0), pos, float(m.group(0))))
            i = end
            continue
        if ch == "#":
            if i + 1 >= n or text[i + 1] != "{":
                raise _error(pos, "的“#”后应紧跟“{数据元素编码}”", text)
            close = text.find("}", i + 2)
            if close < 0:
                raise _error(pos, "的数据元素引用缺少右花括号“}”", text)
            code = text[i + 2 : close].strip()
            if not code:
                raise _error(pos, "的数据元素编码为空", text)
            if not CODE_PATTERN.match(code):
                raise _error(
                    pos, f"的数据元素编码“{code}”不合法：只能由字母、数字、下划线和点组成，并以字母开头", text
                )
            tokens.append(Token("ref", code, pos))
            i = close + 1
            continue
        if ch.isascii() and (ch.isalpha() or ch == "_"):
            m = _NAME.match(text, i)
            assert m is not None
            word = m.group(0).lower()
            if word in ("and", "or", "not"):
                tokens.append(Token("op", word, pos))
            elif word == "null":
                tokens.append(Token("null", word, pos))
            else:
                tokens.append(Token("name", word, pos))
            i = m.end()
            continue
        two = text[i : i + 2]
        if two in ("<=", ">=", "==", "!="):
            tokens.append(Token("op", two, pos))
            i += 2
            continue
        if two == "**":
            raise _error(pos, "的“**”不是运算符，乘方请写“^”", text)
        if two in ("&&", "||"):
            raise _error(pos, f"的“{two}”不是运算符，{_HINTS[ch]}", text)
        if ch in "+-*/^<>":
            tokens.append(Token("op", ch, pos))
            i += 1
            continue
        if ch in "(),":
            tokens.append(Token(ch, ch, pos))
            i += 1
            continue
        if ch in _HINTS:
            raise _error(pos, f"的“{ch}”不是运算符，{_HINTS[ch]}", text)
        if ch in _FULL_WIDTH:
            raise _error(pos, f"出现全角字符“{ch}”，请改用半角“{_FULL_WIDTH[ch]}”", text)
        raise _error(pos, f"出现无法识别的字符“{ch}”", text)
    tokens.append(Token("end", "", n + 1))
    return tokens


# --- parser ------------------------------------------------------------------------------------


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenise(text)
        self.i = 0
        self.depth = 0

    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def advance(self) -> Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def error(self, pos: int, what: str) -> FormulaError:
        return _error(pos, what, self.text)

    def enter(self, pos: int) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(pos, f"公式嵌套超过 {MAX_DEPTH} 层")

    def parse(self) -> Expr:
        expr = self.or_expr()
        tok = self.tok
        if tok.kind == "end":
            return expr
        if tok.kind == ")":
            raise self.error(tok.pos, "多了一个右括号")
        if tok.kind == ",":
            raise self.error(tok.pos, "的逗号只能用于分隔函数参数")
        raise self.error(tok.pos, f"缺少运算符（在“{tok.text}”之前）")

    def or_expr(self) -> Expr:
        left = self.and_expr()
        while self.tok.kind == "op" and self.tok.text == "or":
            op = self.advance()
            left = Binary("or", left, self.and_expr(), op.pos)
        return left

    def and_expr(self) -> Expr:
        left = self.not_expr()
        while self.tok.kind == "op" and self.tok.text == "and":
            op = self.advance()
            left = Binary("and", left, self.not_expr(), op.pos)
        return left

    def not_expr(self) -> Expr:
        if self.tok.kind == "op" and self.tok.text == "not":
            op = self.advance()
            self.enter(op.pos)
            operand = self.not_expr()
            self.depth -= 1
            return Unary("not", operand, op.pos)
        return self.comparison()

    def comparison(self) -> Expr:
        left = self.additive()
        if self.tok.kind == "op" and self.tok.text in COMPARISONS:
            op = self.advance()
            left = Binary(op.text, left, self.additive(), op.pos)
            if self.tok.kind == "op" and self.tok.text in COMPARISONS:
                raise self.error(self.tok.pos, "的比较运算不能连用，请用 and 连接两个比较")
        return left

    def additive(self) -> Expr:
        left = self.term()
        while self.tok.kind == "op" and self.tok.text in ("+", "-"):
            op = self.advance()
            left = Binary(op.text, left, self.term(), op.pos)
        return left

    def term(self) -> Expr:
        left = self.unary()
        while self.tok.kind == "op" and self.tok.text in ("*", "/"):
            op = self.advance()
            left = Binary(op.text, left, self.unary(), op.pos)
        return left

    def unary(self) -> Expr:
        if self.tok.kind == "op" and self.tok.text in ("-", "+"):
            op = self.advance()
            self.enter(op.pos)
            operand = self.unary()
            self.depth -= 1
            return operand if op.text == "+" else Unary("-", operand, op.pos)
        return self.power()

    def power(self) -> Expr:
        base = self.primary()
        if self.tok.kind == "op" and self.tok.text == "^":
            op = self.advance()
            self.enter(op.pos)
            exponent = self.unary()
            self.depth -= 1
            return Binary("^", base, exponent, op.pos)
        return base

    def primary(self) -> Expr:
        tok = self.tok
        if tok.kind == "num":
            self.advance()
            return Number(tok.value, tok.pos)
        if tok.kind == "ref":
            self.advance()
            return Ref(tok.text, tok.pos)
        if tok.kind == "null":
            self.advance()
            return Null(tok.pos)
        if tok.kind == "(":
            self.advance()
            self.enter(tok.pos)
            inner = self.or_expr()
            self.depth -= 1
            self.expect_close(tok.pos)
            return inner
        if tok.kind == "name":
            return self.call()
        raise self.missing_operand(tok)

    def missing_operand(self, tok: Token) -> FormulaError:
        if tok.kind == "end":
            return self.error(tok.pos, "缺少运算数（公式不完整）")
        if tok.kind == ")":
            return self.error(tok.pos, "缺少运算数，却遇到右括号")
        if tok.kind == ",":
            return self.error(tok.pos, "缺少运算数，却遇到逗号")
        return self.error(tok.pos, f"缺少运算数，却遇到运算符“{tok.text}”")

    def expect_close(self, open_pos: int) -> None:
        tok = self.tok
        if tok.kind == ")":
            self.advance()
            return
        if tok.kind == "end":
            raise self.error(tok.pos, f"缺少右括号（与第 {open_pos} 个字符处的左括号配对）")
        raise self.error(tok.pos, f"缺少运算符或右括号（在“{tok.text}”之前）")

    def call(self) -> Expr:
        name_tok = self.advance()
        name = name_tok.text
        if self.tok.kind != "(":
            if name in FUNCTIONS:
                raise self.error(self.tok.pos, f"缺少左括号：函数 {name} 的参数应写在括号内")
            raise self.error(name_tok.pos, f"的“{name}”不是函数或关键字；引用数据元素请写成 #{{{name}}}")
        if name not in FUNCTIONS:
            known = "、".join(FUNCTIONS)
            raise self.error(name_tok.pos, f"：未知的函数“{name}”（可用函数：{known}）")
        open_tok = self.advance()
        self.enter(open_tok.pos)
        args: list[Expr] = []
        if self.tok.kind == ")":
            self.advance()
        else:
            while True:
                args.append(self.or_expr())
                if self.tok.kind == ",":
                    self.advance()
                    continue
                if self.tok.kind == ")":
                    self.advance()
                    break
                if self.tok.kind == "end":
                    raise self.error(
                        self.tok.pos, f"缺少右括号（函数 {name} 的参数从第 {open_tok.pos} 个字符处开始）"
                    )
                raise self.error(self.tok.pos, f"缺少逗号或右括号（在“{self.tok.text}”之前）")
        self.depth -= 1
        low, high = FUNCTIONS[name]
        if len(args) < low or (high is not None and len(args) > high):
            if high is None:
                need = f"至少 {low} 个参数"
            elif low == high:
                need = f" {low} 个参数"
            else:
                need = f" {low} 到 {high} 个参数"
            raise self.error(name_tok.pos, f"：函数 {name} 需要{need}，实际给了 {len(args)} 个")
        if name == "round":
            args = [args[0], self.round_digits(args[1] if len(args) == 2 else Number(0.0), name_tok.pos)]
        return Call(name, tuple(args), name_tok.pos)

    def round_digits(self, arg: Expr, pos: int) -> Number:
        value: float | None = None
        if isinstance(arg, Number):
            value = arg.value
        elif isinstance(arg, Unary) and arg.op == "-" and isinstance(arg.operand, Number):
            value = -arg.operand.value
        low, high = ROUND_DIGITS
        if value is None or value != int(value) or not low <= value <= high:
            where = getattr(arg, "pos", pos) or pos
            raise self.error(where, f"：round 的第二个参数必须是 {low} 到 {high} 之间的整数常量")
        return Number(float(int(value)), getattr(arg, "pos", 0))


def parse(formula: str, *, elements: Mapping[str, str] | Collection[str] | None = None) -> Expr:
    """Parse ``formula``; with ``elements`` (codes, or code -> kind), also check every reference.

    Raises :class:`FormulaError` with a Chinese message and the 1-based position.
    """
    if not isinstance(formula, str):
        raise FormulaError("公式必须是文本")
    if not formula.strip():
        raise FormulaError("公式为空", position=1, formula=formula)
    if len(formula) > MAX_LENGTH:
        raise FormulaError(f"公式过长（超过 {MAX_LENGTH} 个字符）", formula=formula)
    expr = _Parser(formula).parse()
    if elements is not None:
        check_references(expr, elements, formula=formula)
    return expr


def check_references(expr: Expr, elements: Mapping[str, str] | Collection[str], *, formula: str = "") -> None:
    """Every ``#{code}`` must name a known, non-text data element."""
    unknown: list[Ref] = []
    textual: list[Ref] = []
    for node in walk(expr):
        if isinstance(node, Ref):
            if node.code not in elements:
                unknown.append(node)
            elif isinstance(elements, Mapping) and str(elements[node.code]) == "text":
                textual.append(node)
    if unknown:
        first = unknown[0]
        message = f"第 {first.pos} 个字符处：未知的数据元素“{first.code}”"
        close = difflib.get_close_matches(first.code, list(elements), n=1)
        if close:
            message += f"，是否应为“{close[0]}”？"
        others = [f"“{r.code}”（第 {r.pos} 个字符处）" for r in unknown[1:]]
        if others:
            message += "；另有未知的数据元素：" + "、".join(others)
        raise FormulaError(message, position=first.pos, formula=formula)
    if textual:
        first = textual[0]
        raise FormulaError(
            f"第 {first.pos} 个字符处：文本型数据元素“{first.code}”不能参与计算",
            position=first.pos,
            formula=formula,
        )


def walk(expr: Expr) -> Iterator[Expr]:
    """Every node, parents before children, left to right."""
    stack: list[Expr] = [expr]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, Unary):
            stack.append(node.operand)
        elif isinstance(node, Binary):
            stack.extend((node.right, node.left))
        elif isinstance(node, Call):
            stack.extend(reversed(node.args))


def references(expr: Expr) -> tuple[str, ...]:
    """Data element codes in order of first appearance."""
    seen: dict[str, None] = {}
    for node in walk(expr):
        if isinstance(node, Ref):
            seen.setdefault(node.code, None)
    return tuple(seen)


def uses_children(expr: Expr) -> bool:
    return any(isinstance(node, Call) and node.name in CHILD_FUNCTIONS for node in walk(expr))


# --- canonical text ----------------------------------------------------------------------------

_PRECEDENCE = {
    "or": 1,
    "and": 2,
    "not": 3,
    **dict.fromkeys(COMPARISONS, 4),
    "+": 5,
    "-": 5,
    "*": 6,
    "/": 6,
    "neg": 7,
    "^": 8,
}
_ATOM = 9


def _precedence(node: Expr) -> int:
    if isinstance(node, Binary):
        return _PRECEDENCE[node.op]
    if isinstance(node, Unary):
        return _PRECEDENCE["not" if node.op == "not" else "neg"]
    if isinstance(node, Number) and node.value < 0:
        return 0  # a negative literal is only ever written in parentheses
    return _ATOM


def format_number(value: float) -> str:
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def unparse(expr: Expr) -> str:
    """Canonical text with as few parentheses as the grammar allows; ``parse(unparse(e)) == e``."""

    def wrap(node: Expr, parens: bool) -> str:
        text = unparse(node)
        return f"({text})" if parens else text

    if isinstance(expr, Number):
        return format_number(expr.value) if expr.value >= 0 else f"(-{format_number(-expr.value)})"
    if isinstance(expr, Null):
        return "null"
    if isinstance(expr, Ref):
        return f"#{{{expr.code}}}"
    if isinstance(expr, Unary):
        if expr.op == "not":
            return "not " + wrap(expr.operand, _precedence(expr.operand) < _PRECEDENCE["not"])
        return "-" + wrap(expr.operand, _precedence(expr.operand) < _PRECEDENCE["neg"])
    if isinstance(expr, Binary):
        p = _PRECEDENCE[expr.op]
        lp, rp = _precedence(expr.left), _precedence(expr.right)
        if expr.op == "^":
            left, right = wrap(expr.left, lp <= p), wrap(expr.right, rp < _PRECEDENCE["neg"])
            return f"{left}^{right}"
        if expr.op in COMPARISONS:
            left, right = wrap(expr.left, lp <= p), wrap(expr.right, rp <= p)
        else:
            left, right = wrap(expr.left, lp < p), wrap(expr.right, rp <= p)
        return f"{left} {expr.op} {right}"
    if expr.name == "round":
        x, digits = expr.args
        assert isinstance(digits, Number)
        return f"round({unparse(x)}, {format_number(digits.value)})"
    return f"{expr.name}({', '.join(unparse(a) for a in expr.args)})"
