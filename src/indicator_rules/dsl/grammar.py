"""The grammar of ``.rules`` files (pyparsing): text → a ``RulesetNode`` syntax tree.

Productions are named, top-down, a few lines each; parse actions only build nodes. Packrat
parsing is not enabled: it is process-wide in pyparsing and this grammar does not need it.
The BNF is kept in ``docs/dsl.md``.
"""

from __future__ import annotations

import bisect
import contextvars
import re
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

import attrs
import pyparsing as pp

from indicator_rules.dsl import nodes as n
from indicator_rules.errors import RulesetSyntaxError, SourceLine

__all__ = ["KEYWORDS", "MAX_NESTING", "parse_expression", "parse_ruleset"]

#: Deepest nesting of parentheses, lists and calls accepted in an expression. Real rules nest
#: far less; the bound keeps pyparsing's recursive descent well inside Python's recursion limit
#: (changing that limit would affect the whole host program).
MAX_NESTING = 16

#: A name: a letter (Chinese included) or "_", then letters, digits or "_". Python's ``re`` is
#: Unicode-aware, so ``\w`` covers Chinese; a keyword must not be followed by such a character,
#: so ``in指标`` is a name, not ``in`` — pyparsing's ``Keyword`` would look at ASCII only, and
#: building it from pyparsing's Chinese character set costs most of a second at import.
_NAME_PATTERN = r"[^\W\d]\w*"

KEYWORDS = frozenset({
    "ruleset", "title", "version", "source", "extends", "param", "severity", "disable",
    "because", "rule", "applies", "to", "tags", "doc", "fix", "at", "for", "each", "in",
    "where", "let", "when", "require", "message", "example", "pass", "fail", "and", "or",
    "not", "within", "true", "false", "null", "select", "if",
})


@attrs.frozen
class _Document:
    file: str
    text: str
    line_starts: list[int]

    def span(self, start: int, end: int | None = None) -> n.Span:
        start, end = self.offset(start), None if end is None else self.offset(end)
        line = bisect.bisect_right(self.line_starts, start)
        column = start - self.line_starts[line - 1] + 1
        return n.Span(self.file, line, column, start, start if end is None else end)

    def offset(self, location: int) -> int:
        """The file offset of ``location`` in the text being parsed (the same here)."""
        return location


@attrs.frozen
class _Embedded(_Document):
    """An expression inside a message, parsed from its unescaped text: each location in that
    text maps to the file offset of its character, so spans and carets point into the file."""

    positions: tuple[int, ...] = ()

    def offset(self, location: int) -> int:
        return self.positions[min(location, len(self.positions) - 1)]


_current: contextvars.ContextVar[_Document] = contextvars.ContextVar("rules_document")


def _span(location: int) -> n.Span:
    return _current.get().span(location)


def _offset() -> Callable[[int], int] | None:
    """How locations of the text being parsed map to the file's: None when they are the same
    (the file itself, not a message's expression)."""
    document = _current.get()
    return document.offset if isinstance(document, _Embedded) else None


def _keyword(word: str) -> pp.ParserElement:
    return pp.Regex(rf"{re.escape(word)}(?!\w)").set_name(f"'{word}'")


def _one_of_words(words: str, name: str) -> pp.ParserElement:
    alternatives = "|".join(re.escape(word) for word in words.split())
    return pp.Regex(rf"(?:{alternatives})(?!\w)").set_name(name)


K = {word: _keyword(word) for word in KEYWORDS}
KS = {word: pp.Suppress(keyword) for word, keyword in K.items()}
LPAR, RPAR, LBRACK, RBRACK, COMMA, DOT = (pp.Suppress(c) for c in "()[],.")

_any_identifier = pp.Regex(_NAME_PATTERN).set_name("name")
identifier = (
    _any_identifier.copy()
    .add_condition(lambda tokens: tokens[0] not in KEYWORDS,
                   message="a name (keywords such as 'in' or 'rule' cannot be names)")
    .set_name("name")
)
rule_id = pp.Regex(r"[A-Za-z]+[0-9]+(?![\w])").set_name("rule id (letters then digits, e.g. V01)")
kebab_name = pp.Regex(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)+").set_name("kebab-case rule name")
class SourceText(str):
    """A string literal's text, remembering where each of its characters stands in the file.

    Only ``\\"`` and ``\\\\`` are escapes; every other backslash is kept as written, so a regular
    expression such as ``"\\d+"`` means what it says.
    """

    positions: Sequence[int]

    @classmethod
    def from_literal(cls, raw: str, location: int,
                     offset: Callable[[int], int] | None = None) -> SourceText:
        """The text of the literal ``raw`` found at ``location`` (quotes included); ``offset``
        maps a location of the parsed text to the file's (inside a message they differ; None:
        they are the same)."""
        quote = 3 if raw.startswith('"""') else 1
        body_start = location + quote
        body = raw[quote:-quote]
        positions: Sequence[int]
        if quote == 3 or "\\" not in body:  # no escapes: each character where it stands
            text = cls(body)
            positions = range(body_start, body_start + len(body) + 1)
        else:
            chars: list[str] = []
            where: list[int] = []
            index = 0
            while index < len(body):
                if body[index] == "\\" and body[index + 1: index + 2] in ('"', "\\"):
                    index += 1
                chars.append(body[index])
                where.append(body_start + index)
                index += 1
            text = cls("".join(chars))
            positions = (*where, body_start + len(body))
        text.positions = positions if offset is None else tuple(map(offset, positions))
        return text

    def location_of(self, index: int) -> int:
        """The file offset of character ``index`` of the text."""
        return self.positions[min(index, len(self.positions) - 1)]


string = pp.Regex(r'"""[\s\S]*?"""|"(?:[^"\\\n]|\\.)*"').set_name("text in double quotes")
string.set_parse_action(
    lambda _text, location, tokens: SourceText.from_literal(tokens[0], location, _offset())
)
level = _one_of_words("error warning info", "error, warning or info")


def _action(function: Callable[[int, pp.ParseResults], object]) -> Callable[..., object]:
    def action(_text: str, location: int, tokens: pp.ParseResults) -> object:
        return function(location, tokens)

    return action


# --- expressions ------------------------------------------------------------------------------

#: Matches nothing; gives the position reached (after white space), for spans.
_location = pp.Empty().set_parse_action(lambda _text, location, _tokens: location)

expression = pp.Forward()
expression.set_name("expression")

_NUMBER = re.compile(r"(\d+(?:\.\d+)?)(%|万元|亿元|千元|元)?")
_MONEY_IN_WAN = {"万元": Decimal(1), "亿元": Decimal(10000), "千元": Decimal("0.1"),
                 "元": Decimal("0.0001")}


def _number_literal(location: int, tokens: pp.ParseResults) -> n.Constant:
    match = _NUMBER.fullmatch(tokens[0])
    assert match is not None  # the regex below only matches this shape
    number, unit = Decimal(match.group(1)), match.group(2)
    if unit == "%":
        return n.Constant("percent", number, _span(location))
    if unit:
        return n.Constant("money", number * _MONEY_IN_WAN[unit], _span(location))
    return n.Constant("number", number, _span(location))


number_literal = (
    pp.Regex(r"\d+(?:\.\d+)?(?:%|万元|亿元|千元|元)?").set_name("number").add_parse_action(
        _action(_number_literal)
    )
)
text_literal = string.copy().add_parse_action(
    _action(lambda location, tokens: n.Constant("text", tokens[0], _span(location)))
)
constant = (K["true"] | K["false"] | K["null"]).add_parse_action(
    _action(
        lambda location, tokens: n.Constant("null", None, _span(location))
        if tokens[0] == "null"
        else n.Constant("bool", tokens[0] == "true", _span(location))
    )
)
list_literal = (LBRACK - pp.Optional(pp.DelimitedList(expression)) + RBRACK).set_name("list")
list_literal.add_parse_action(
    _action(lambda location, tokens: n.ListLiteral(tuple(tokens), _span(location)))
)
_TEXT_ITEM = r'"(?:[^"\\\n]|\\.)*+"'
_NUMBER_ITEM = r"\d++(?:\.\d++)?+(?:%|万元|亿元|千元|元)?+"
_ITEM = re.compile(rf"{_TEXT_ITEM}|{_NUMBER_ITEM}")


def _literal_list(location: int, tokens: pp.ParseResults) -> n.ListLiteral:
    """The nodes of a list of text and number literals, read by one regular expression: the
    same nodes the general rule makes, each item where it stands in the file."""
    items: list[n.Expr] = []
    offset = _offset()
    for match in _ITEM.finditer(tokens[0]):
        start = location + match.start()
        raw = match.group(0)
        if raw.startswith('"'):
            text = SourceText.from_literal(raw, start, offset)
            items.append(n.Constant("text", text, _span(start)))
        else:
            items.append(_number_literal(start, pp.ParseResults([raw])))
    return n.ListLiteral(tuple(items), _span(location))


#: A list of text and number literals only (word lists: a param may hold 100,000 words), read
#: in one step; any other list does not match it and is read by ``list_literal``. Possessive,
#: so it fails (at a name, an operator, a trailing comma) without backtracking.
literal_list = pp.Regex(
    rf"\[\s*+(?:\]|(?:{_TEXT_ITEM}|{_NUMBER_ITEM})\s*+"
    rf"(?:,\s*+(?:{_TEXT_ITEM}|{_NUMBER_ITEM})\s*+)*+\])"
).set_name("list").add_parse_action(_action(_literal_list))
param_ref = (K["param"] + DOT - _any_identifier).set_name("param.NAME")
param_ref.add_parse_action(_action(lambda location, tokens: n.ParamRef(tokens[1], _span(location))))
call = (identifier + LPAR - pp.Group(pp.Optional(pp.DelimitedList(expression))) + RPAR).set_name(
    "function call"
)
call.add_parse_action(
    _action(lambda location, tokens: n.Call(tokens[0], tuple(tokens[1]), _span(location)))
)
name = identifier.copy().add_parse_action(
    _action(lambda location, tokens: n.Name(tokens[0], _span(location)))
)
parenthesised = LPAR - expression + RPAR
atom = (
    number_literal | text_literal | constant | literal_list | list_literal | param_ref | call
    | name
    | parenthesised
).set_name("value")


def _attribute_chain(_text: str, location: int, tokens: pp.ParseResults) -> object:
    node = tokens[0]
    for field_location, field_name in tokens[1:]:
        node = n.Attribute(node, field_name, _span(field_location))
    return node


postfix = (atom + pp.ZeroOrMore(pp.Group(DOT + _location + _any_identifier))).set_name("value")
postfix.add_parse_action(_attribute_chain)

unary = pp.Forward()
unary <<= (
    (pp.Literal("-") + unary).add_parse_action(
        _action(lambda location, tokens: n.Unary("-", tokens[1], _span(location)))
    )
    | postfix
).set_name("value")


def _left_fold(make: Callable[[Any, Any, Any, n.Span], object]) -> Callable[..., object]:
    def fold(_text: str, location: int, tokens: pp.ParseResults) -> object:
        node = tokens[0]
        for operator, operand in zip(tokens[1::2], tokens[2::2], strict=True):
            node = make(operator, node, operand, _span(location))
        return node

    return fold


product = (unary + pp.ZeroOrMore(pp.one_of("* /") - unary)).set_name("product")
product.add_parse_action(_left_fold(lambda op, left, right, span: n.Binary(op, left, right, span)))
total = (product + pp.ZeroOrMore(pp.one_of("+ -") - product)).set_name("sum")
total.add_parse_action(_left_fold(lambda op, left, right, span: n.Binary(op, left, right, span)))
defaulted = (total + pp.ZeroOrMore(pp.Literal("??") - total)).set_name("value")
defaulted.add_parse_action(
    _left_fold(lambda op, left, right, span: n.Binary(op, left, right, span))
)

comparison_operator = pp.one_of("== != <= >= < >").set_name("comparison operator")


def _comparison(location: int, tokens: pp.ParseResults) -> object:
    items = list(tokens)
    if len(items) == 1:
        return items[0]
    left, operator = items[0], items[1]
    if operator == "not":  # not in
        return n.Membership(left, items[3], True, _span(location))
    if operator == "in":
        return n.Membership(left, items[2], False, _span(location))
    tolerance = items[4] if len(items) > 3 else None
    return n.Compare(operator, left, items[2], tolerance, _span(location))


comparison = (
    defaulted
    + pp.Optional(
        (comparison_operator - defaulted + pp.Optional(K["within"] - defaulted))
        | (K["not"] + K["in"] - defaulted)
        | (K["in"] - defaulted)
    )
).set_name("comparison")
comparison.add_parse_action(_action(_comparison))

negation = pp.Forward()
negation.set_name("condition")
negation <<= (
    (K["not"] + ~K["in"] - negation).add_parse_action(
        _action(lambda location, tokens: n.Not(tokens[1], _span(location)))
    )
    | comparison
).set_name("condition")
conjunction = (negation + pp.ZeroOrMore(K["and"] - negation)).set_name("condition")
conjunction.add_parse_action(
    _left_fold(lambda op, left, right, span: n.Logical("and", left, right, span))
)
disjunction = (conjunction + pp.ZeroOrMore(K["or"] - conjunction)).set_name("condition")
disjunction.add_parse_action(
    _left_fold(lambda op, left, right, span: n.Logical("or", left, right, span))
)
filtered = (
    disjunction + pp.ZeroOrMore((K["where"] | K["select"]) - disjunction)
).set_name("expression")
filtered.add_parse_action(
    _left_fold(lambda op, left, right, span: n.Filter(left, right, span) if op == "where"
               else n.Map(left, right, span))
)
expression <<= filtered

# --- rules ------------------------------------------------------------------------------------


def _tagged(tag: str, element: pp.ParserElement) -> pp.ParserElement:
    marker = pp.Empty().set_parse_action(lambda: tag)
    return pp.Group(marker + element)


for_each = _tagged(
    "for",
    _location + KS["for"] - KS["each"] - identifier - KS["in"] - disjunction
    + pp.Optional(KS["where"] - expression),
).set_name("for each")
let = _tagged("let", _location + KS["let"] - identifier - pp.Suppress("=") - expression)
when = _tagged("when", _location + KS["when"] - expression)
require = _tagged("require", _location + KS["require"] - expression)
message = _tagged("message", _location + KS["message"] - string)
severity_clause = _tagged(
    "severity", _location + KS["severity"] - level + pp.Optional(KS["if"] - expression)
)
applies = _tagged(
    "applies",
    _location + KS["applies"] - KS["to"] - _one_of_words("project department batch",
                                                         "project, department or batch"),
)
tags = _tagged("tags", _location + KS["tags"] - pp.Group(pp.DelimitedList(string)))
doc = _tagged("doc", _location + KS["doc"] - string)
fix = _tagged("fix", _location + KS["fix"] - string)
at = _tagged("at", _location + KS["at"] - identifier + pp.OneOrMore(DOT + _any_identifier))
example = _tagged(
    "example", _location + KS["example"] - _one_of_words("pass fail", "pass or fail") - string
)
clause = (
    for_each | let | when | require | message | severity_clause | applies | tags | doc | fix | at
    | example
).set_name("rule clause (severity, for each, let, when, require, message, example …)")
rule = (
    _location + KS["rule"] - rule_id + pp.Optional(kebab_name, default="") + string
    + pp.Group(pp.ZeroOrMore(clause))
).set_name("rule")

param = _tagged(
    "param",
    _location + KS["param"] - identifier - (pp.Literal("+=") | pp.Literal("=")) - expression
    + pp.Optional(KS["doc"] - string),
).set_name("param")
severity_override = _tagged(
    "severity_override", _location + KS["severity"] - (rule_id | pp.Literal("*")) - level
)
disable = _tagged(
    "disable", _location + KS["disable"] - rule_id - KS["because"] - string
).set_name("disable")
header = _tagged("header", (K["ruleset"] | K["title"] | K["version"] | K["source"]) - string)
extends = _tagged("extends", _location + KS["extends"] - string)
item = (
    header | extends | param | severity_override | disable | _tagged("rule", pp.Group(rule))
).set_name("ruleset item (ruleset, extends, param, severity, disable, rule)")
ruleset_grammar = pp.ZeroOrMore(item)  # comments are blanked out before parsing (_scan)
expression_grammar = expression.copy()


# --- from parse results to nodes -----------------------------------------------------------


def _template(text: SourceText) -> n.Template:
    """Split a message into text and ``{expression}`` parts; ``{{``/``}}`` are literal braces."""
    document = _current.get()
    parts: list[str | n.Expr] = []
    literal = ""
    index = 0
    while index < len(text):
        char = text[index]
        if text.startswith("{{", index) or text.startswith("}}", index):
            literal += char
            index += 2
            continue
        if char == "{":
            end = text.find("}", index)
            if end < 0:
                raise _syntax_error(document, text.location_of(index), "unclosed '{' in message")
            if literal:
                parts.append(literal)
                literal = ""
            parts.append(_sub_expression(text, index + 1, end))
            index = end + 1
            continue
        if char == "}":
            raise _syntax_error(document, text.location_of(index),
                                "'}' without '{' in message (write '}}' for a literal brace)")
        literal += char
        index += 1
    if literal:
        parts.append(literal)
    return n.Template(tuple(parts), document.span(text.location_of(0)))


def _sub_expression(text: SourceText, start: int, end: int) -> n.Expr:
    """Parse ``text[start:end]``, an expression inside a message, keeping file positions.

    The expression is parsed as unescaped (``{words_in(goal, [\\"市委办\\"])}`` holds the
    literal ``"市委办"``), and every location in it is mapped back to the file.
    """
    document = _current.get()
    embedded = _Embedded(document.file, document.text, document.line_starts,
                         tuple(text.location_of(index) for index in range(start, end + 1)))
    code = str(text[start:end])
    scanned = _scan(embedded, code)  # its depth: the file's scan skipped the message's text
    token = _current.set(embedded)
    try:
        result = expression_grammar.parse_with_tabs().parse_string(code, parse_all=True)
    except pp.ParseBaseException as error:
        message = _expected_message(error, "an operator or the closing '}'")
        raise _syntax_error(document, embedded.offset(error.loc), message) from None
    except RecursionError:
        raise _syntax_error(document, embedded.offset(scanned.deepest), _TOO_DEEP) from None
    finally:
        _current.reset(token)
    node: n.Expr = result[0]
    return node


def _rule(tokens: pp.ParseResults) -> n.RuleNode:
    location, identifier_, kebab, title, clauses = tokens
    fields: dict[str, Any] = {
        "severity": None, "applies_to": None, "tags": (), "doc": "", "fix": "", "at": (),
        "message": None, "severity_span": None, "at_span": None,
    }
    statements: list[n.Statement] = []
    examples: list[n.ExampleNode] = []
    severity_cases: list[n.SeverityCase] = []
    single: set[str] = set()
    for tag, clause_location, *rest in clauses:
        span = _span(clause_location)
        if tag == "severity" and len(rest) > 1:  # severity LEVEL if CONDITION
            severity_cases.append(n.SeverityCase(rest[0], rest[1], span))
            continue
        if tag in ("message", "severity", "applies", "tags", "doc", "fix", "at"):
            if tag in single:
                raise _syntax_error(_current.get(), clause_location,
                                    f"'{tag}' is given twice in rule {identifier_}")
            single.add(tag)
        if tag == "for":
            condition = rest[2] if len(rest) > 2 else None
            statements.append(n.ForEach(rest[0], rest[1], condition, span))
        elif tag == "let":
            statements.append(n.Let(rest[0], rest[1], span))
        elif tag == "when":
            statements.append(n.When(rest[0], span))
        elif tag == "require":
            statements.append(n.Require(rest[0], span))
        elif tag == "message":
            fields["message"] = _template(rest[0])
        elif tag == "severity":
            fields["severity"], fields["severity_span"] = rest[0], span
        elif tag == "applies":
            fields["applies_to"] = rest[0]
        elif tag == "tags":
            fields["tags"] = tuple(rest[0])
        elif tag in ("doc", "fix"):
            fields[tag] = rest[0]
        elif tag == "at":
            fields["at"], fields["at_span"] = tuple(rest), span
        elif tag == "example":
            examples.append(n.ExampleNode(rest[0], rest[1], span))
    return n.RuleNode(
        rule_id=identifier_, title=title, name=kebab or None, statements=tuple(statements),
        examples=tuple(examples), span=_span(location), severity_cases=tuple(severity_cases),
        **fields,
    )


def _ruleset(results: pp.ParseResults, document: _Document) -> n.RulesetNode:
    headers: dict[str, str] = {}
    extends: list[tuple[str, n.Span]] = []
    params: list[n.ParamNode] = []
    severities: list[n.SeverityNode] = []
    disables: list[n.DisableNode] = []
    rules: list[n.RuleNode] = []
    for tag, *rest in results:
        if tag == "header":
            headers[rest[0]] = rest[1]
        elif tag == "extends":
            extends.append((rest[1], _span(rest[0])))
        elif tag == "param":
            location, param_name, operator, value, *doc_tokens = rest
            params.append(n.ParamNode(param_name, value, operator == "+=",
                                      doc_tokens[0] if doc_tokens else "", _span(location)))
        elif tag == "severity_override":
            severities.append(n.SeverityNode(rest[1], rest[2], _span(rest[0])))
        elif tag == "disable":
            disables.append(n.DisableNode(rest[1], rest[2], _span(rest[0])))
        elif tag == "rule":
            rules.append(_rule(rest[0]))
    return n.RulesetNode(
        name=headers.get("ruleset"), title=headers.get("title", ""),
        version=headers.get("version", ""), source=headers.get("source", ""),
        extends=tuple(extends), params=tuple(params), severities=tuple(severities),
        disables=tuple(disables), rules=tuple(rules), span=document.span(0),
    )


# --- errors -------------------------------------------------------------------------------


_AFTER_RULESET_ITEM = "a rule clause or a ruleset item (rule, param, severity, disable, extends)"


def _expected_message(error: pp.ParseBaseException, at_end: str = _AFTER_RULESET_ITEM) -> str:
    found = error.pstr[error.loc:error.loc + 12].split("\n")[0].strip()
    expected = str(error.msg).removeprefix("Expected ")
    if expected == "end of text":
        expected = at_end
    shown = f"'{found}'" if found else "end of text"
    return f"expected {expected}, found {shown}"


def _syntax_error(document: _Document, location: int, message: str) -> RulesetSyntaxError:
    # at the end of the file, point just after the last thing written rather than at a blank line
    span = document.span(min(location, len(document.text.rstrip())))
    return RulesetSyntaxError(message, SourceLine.at(document.text, span.file, span.line,
                                                     span.column))


def _document(text: str, file: str) -> _Document:
    starts = [0] + [match.end() for match in re.finditer("\n", text)]
    return _Document(file, text, starts)


_TOO_DEEP = f"expression nested too deeply (at most {MAX_NESTING} levels)"
#: What the scan stops at: a comment, a text, a bracket, a full-width space, a prefix operator.
_SCANNED = re.compile(r'[#"()\[\]\u3000-]|(?<!\w)not(?!\w)')


@attrs.frozen
class _Scanned:
    """A document's text as the grammar reads it (comments blanked out) and the location of
    its deepest nesting (where a parse too deep for Python's stack is reported)."""

    code: str
    deepest: int


def _scan(document: _Document, text: str | None = None) -> _Scanned:
    """Check what the grammar cannot say well, before parsing: nesting depth, unterminated
    text, and full-width spaces (U+3000) outside text, where they look like spaces but are not.

    Depth counts brackets and runs of prefix operators (``not not not x``, ``- - 1``: two or
    more in a row, each a level, as each nests the parse one level deeper), at most
    :data:`MAX_NESTING`. The text is scanned in one pass (its plain stretches skipped in C), so
    scanning is linear in its size. ``text``: what is scanned, if not the document's own text
    (an expression inside a message, whose locations the document maps to the file's).
    """
    text = document.text if text is None else text
    depth = run = deepest = deepest_at = 0
    outer: list[int] = []  # the depth outside each open bracket
    index = last = 0
    comments: list[tuple[int, int]] = []
    while (found := _SCANNED.search(text, index)) is not None:
        where, token = found.start(), found.group(0)
        if text[last:where].strip():  # an operand or an operator in between: a new run
            run = 0
        index = last = found.end()
        if token == "#":
            newline = text.find("\n", where)
            index = last = len(text) if newline < 0 else newline
            comments.append((where, index))
            continue
        if token == '"':
            index = last = _skip_string(document, text, where)
            run = 0
            continue
        if token == "\u3000":
            raise _syntax_error(document, where, "full-width space (U+3000) outside text; "
                                "write a normal space")
        if token in ")]":
            depth, run = (outer.pop() if outer else 0), 0
            continue
        if token in "([":
            outer.append(depth)
            depth, run = depth + (run if run > 1 else 0) + 1, 0
            level = depth
        else:  # not, -
            run += 1
            level = depth + (run if run > 1 else 0)
        if level > MAX_NESTING:
            raise _syntax_error(document, where, _TOO_DEEP)
        if level > deepest:
            deepest, deepest_at = level, where
    # comments blanked out (same length, so every position stays that of the file): cheaper
    # than letting the grammar skip them before every token
    pieces, last = [], 0
    for begin, finish in comments:
        pieces += [text[last:begin], " " * (finish - begin)]
        last = finish
    return _Scanned("".join([*pieces, text[last:]]), deepest_at)


def _skip_string(document: _Document, text: str, start: int) -> int:
    if text.startswith('"""', start):
        end = text.find('"""', start + 3)
        if end < 0:
            raise _syntax_error(document, start, 'unterminated text: no closing """')
        return end + 3
    index = start + 1
    while index < len(text) and text[index] not in '"\n':
        index += 2 if text[index] == "\\" else 1
    if index >= len(text) or text[index] != '"':
        raise _syntax_error(document, start, "unterminated text: no closing \" on this line")
    return index + 1


def parse_ruleset(text: str, file: str = "<rules>") -> n.RulesetNode:
    """Parse the text of a ``.rules`` file; raises :class:`RulesetSyntaxError` at the first error.

    Syntax errors stop the parse (what follows cannot be trusted); name and type errors are found
    later, all at once, by the checker.
    """
    text = text.removeprefix("\ufeff")
    document = _document(text, file)
    scanned = _scan(document)
    token = _current.set(document)
    try:
        results = ruleset_grammar.parse_with_tabs().parse_string(scanned.code, parse_all=True)
        return _ruleset(results, document)
    except pp.ParseBaseException as error:
        raise _syntax_error(document, error.loc, _expected_message(error)) from None
    except RecursionError:  # the scan's bound keeps far from this: reported where deepest
        raise _syntax_error(document, scanned.deepest, _TOO_DEEP) from None
    finally:
        _current.reset(token)


def parse_expression(text: str, file: str = "<expression>") -> n.Expr:
    """Parse one expression (used by tests and by ``explain``)."""
    document = _document(text, file)
    scanned = _scan(document)
    token = _current.set(document)
    try:
        node: n.Expr = expression_grammar.parse_with_tabs().parse_string(
            scanned.code, parse_all=True)[0]
        return node
    except pp.ParseBaseException as error:
        message = _expected_message(error, "an operator or the end of the expression")
        raise _syntax_error(document, error.loc, message) from None
    except RecursionError:
        raise _syntax_error(document, scanned.deepest, _TOO_DEEP) from None
    finally:
        _current.reset(token)
