"""hbidl_parse.py - reads a .hbidl file into declarations (docs/rpc.md, "The language").

Two steps, each small enough to read at once:
  (1) tokens(): the text becomes words, numbers and punctuation, each with its line:column;
  (2) Parser: a recursive-descent parser, one method per grammar rule of docs/rpc.md.
Every error is an IdlError that names file:line:column and says what was expected.
"""

import re


class IdlError(Exception):
    """A problem in the input, reported as `file:line:column: error: message`."""

    def __init__(self, where, message):
        super().__init__(message)
        self.where = where
        self.message = message

    def __str__(self):
        return "%s: error: %s" % (self.where, self.message)


class Where:
    """A position in the input file (1-based line and column)."""

    def __init__(self, path, line, column):
        self.path, self.line, self.column = path, line, column

    def __str__(self):
        return "%s:%d:%d" % (self.path, self.line, self.column)


class Token:
    def __init__(self, kind, text, where):
        self.kind = kind  # 'word', 'number', 'punct', 'end'
        self.text = text
        self.where = where

    def describe(self):
        return "end of file" if self.kind == "end" else "'%s'" % self.text


_TOKEN = re.compile(r"""
    (?P<space>[ \t\r]+)
  | (?P<newline>\n)
  | (?P<comment>//[^\n]*)
  | (?P<number>-?0[xX][0-9a-fA-F]+|-?[0-9]+)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<punct>[{}()<>,;=:|])
""", re.VERBOSE)


def tokens(path, text):
    """(1) Splits `text` into tokens; an unknown character is an error at its position."""
    out = []
    line, line_start, pos = 1, 0, 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        where = Where(path, line, pos - line_start + 1)
        if not m:
            raise IdlError(where, "unexpected character %r" % text[pos])
        kind = m.lastgroup
        if kind == "newline":
            line, line_start = line + 1, m.end()
        elif kind in ("number", "word", "punct"):
            out.append(Token(kind, m.group(), where))
        pos = m.end()
    out.append(Token("end", "", Where(path, line, pos - line_start + 1)))
    return out


# ---- the declarations the parser produces (hbidl_model.py gives them sizes) ----------------

class TypeRef:
    """A type as written: `u32`, `string<64>`, `array<entry, 8>`, `handle<port, send>`."""

    def __init__(self, where, name, bound=None, element=None, kind=None, rights=()):
        self.where = where
        self.name = name          # 'string', 'array', 'handle', a builtin or a declared name
        self.bound = bound        # string/array: the maximum length
        self.element = element    # array: the element's TypeRef
        self.kind = kind          # handle: 'port', 'region', 'semaphore', 'any'
        self.rights = rights      # handle: names of the rights it must carry


class Field:
    def __init__(self, where, name, type_ref, direction=None):
        self.where, self.name, self.type_ref, self.direction = where, name, type_ref, direction


class EnumDecl:
    def __init__(self, where, name, base, members):
        self.where, self.name, self.base, self.members = where, name, base, members


class StructDecl:
    def __init__(self, where, name, fields):
        self.where, self.name, self.fields = where, name, fields


class MethodDecl:
    def __init__(self, where, name, params, number):
        self.where, self.name, self.params, self.number = where, name, params, number


class InterfaceDecl:
    def __init__(self, where, name, number, methods):
        self.where, self.name, self.number, self.methods = where, name, number, methods


class FileDecl:
    def __init__(self, path, enums, structs, interfaces, order):
        self.path = path
        self.enums, self.structs, self.interfaces = enums, structs, interfaces
        self.order = order  # enums and structs in file order (how C must declare them)


HANDLE_KINDS = ("port", "region", "semaphore", "any")
RIGHT_NAMES = ("send", "recv", "dup", "transfer", "read", "write", "map", "manage")
KEYWORDS = ("interface", "struct", "enum", "in", "out", "string", "array", "handle")


class Parser:
    """(2) One method per rule of the grammar in docs/rpc.md."""

    def __init__(self, path, text):
        self.path = path
        self.toks = tokens(path, text)
        self.i = 0

    # -- helpers --
    def peek(self):
        return self.toks[self.i]

    def take(self):
        t = self.toks[self.i]
        self.i += 1
        return t

    def expect(self, text, context):
        t = self.take()
        if t.text != text or t.kind not in ("punct", "word"):
            raise IdlError(t.where, "expected '%s' %s, found %s" % (text, context, t.describe()))
        return t

    def name(self, what):
        t = self.take()
        if t.kind != "word":
            raise IdlError(t.where, "expected %s, found %s" % (what, t.describe()))
        if t.text in KEYWORDS:
            raise IdlError(t.where, "'%s' is a keyword and cannot be %s" % (t.text, what))
        return t

    def number(self, what):
        t = self.take()
        if t.kind != "number":
            raise IdlError(t.where, "expected %s (a number), found %s" % (what, t.describe()))
        return int(t.text, 0), t

    # -- file := { enum | struct | interface } --
    def file(self):
        enums, structs, interfaces, order = [], [], [], []
        while self.peek().kind != "end":
            t = self.peek()
            if t.text == "enum":
                d = self.enum()
                enums.append(d)
                order.append(d)
            elif t.text == "struct":
                d = self.struct()
                structs.append(d)
                order.append(d)
            elif t.text == "interface":
                interfaces.append(self.interface())
            else:
                raise IdlError(t.where, "expected 'enum', 'struct' or 'interface', found %s"
                               % t.describe())
        return FileDecl(self.path, enums, structs, interfaces, order)

    # -- enum := 'enum' NAME ':' INTTYPE '{' { NAME '=' NUMBER ';' } '}' --
    def enum(self):
        where = self.take().where
        name = self.name("an enum name")
        self.expect(":", "after the enum name (its wire type follows, e.g. ': u8')")
        base = self.name("the enum's integer type")
        self.expect("{", "to open the enum")
        members = []
        while self.peek().text != "}":
            member = self.name("an enum member name")
            self.expect("=", "after the member name (every member has an explicit value)")
            value, _ = self.number("the member's value")
            self.expect(";", "after the enum member")
            members.append((member.text, value))
        self.take()
        return EnumDecl(where, name.text, base, members)

    # -- struct := 'struct' NAME '{' { type NAME ';' } '}' --
    def struct(self):
        where = self.take().where
        name = self.name("a struct name")
        self.expect("{", "to open the struct")
        fields = []
        while self.peek().text != "}":
            type_ref = self.type_ref()
            field = self.name("a field name")
            self.expect(";", "after the field")
            fields.append(Field(field.where, field.text, type_ref))
        self.take()
        return StructDecl(where, name.text, fields)

    # -- interface := 'interface' NAME '=' NUMBER '{' { method } '}' --
    def interface(self):
        where = self.take().where
        name = self.name("an interface name")
        self.expect("=", "after the interface name (its 32-bit id follows)")
        number, _ = self.number("the interface id")
        self.expect("{", "to open the interface")
        methods = []
        while self.peek().text != "}":
            methods.append(self.method())
        self.take()
        return InterfaceDecl(where, name.text, number, methods)

    # -- method := NAME '(' [ param { ',' param } ] ')' '=' NUMBER ';' --
    # -- param  := ('in' | 'out') type NAME --
    def method(self):
        name = self.name("a method name")
        self.expect("(", "after the method name")
        params = []
        while self.peek().text != ")":
            if params:
                self.expect(",", "between parameters")
            d = self.take()
            if d.text not in ("in", "out"):
                raise IdlError(d.where, "expected 'in' or 'out' before a parameter, found %s"
                               % d.describe())
            type_ref = self.type_ref()
            pname = self.name("a parameter name")
            params.append(Field(pname.where, pname.text, type_ref, d.text))
        self.take()
        self.expect("=", "after the parameters (the method number follows)")
        number, _ = self.number("the method number")
        self.expect(";", "after the method")
        return MethodDecl(name.where, name.text, params, number)

    # -- type := NAME | 'string' '<' N '>' | 'array' '<' type ',' N '>'
    #         | 'handle' '<' KIND [ ',' RIGHT { '|' RIGHT } ] '>' --
    def type_ref(self):
        t = self.take()
        if t.kind != "word":
            raise IdlError(t.where, "expected a type, found %s" % t.describe())
        if t.text == "string":
            self.expect("<", "after 'string' (its maximum length in bytes follows)")
            bound, _ = self.number("the string's maximum length")
            self.expect(">", "to close string<...>")
            return TypeRef(t.where, "string", bound=bound)
        if t.text == "array":
            self.expect("<", "after 'array'")
            element = self.type_ref()
            self.expect(",", "after the array's element type (its maximum count follows)")
            bound, _ = self.number("the array's maximum count")
            self.expect(">", "to close array<...>")
            return TypeRef(t.where, "array", bound=bound, element=element)
        if t.text == "handle":
            self.expect("<", "after 'handle' (the kind of object follows)")
            kind = self.take()
            if kind.text not in HANDLE_KINDS:
                raise IdlError(kind.where, "expected a handle kind (%s), found %s"
                               % (", ".join(HANDLE_KINDS), kind.describe()))
            rights = []
            if self.peek().text == ",":
                self.take()
                while True:
                    r = self.take()
                    if r.text not in RIGHT_NAMES:
                        raise IdlError(r.where, "expected a right (%s), found %s"
                                       % (", ".join(RIGHT_NAMES), r.describe()))
                    rights.append(r.text)
                    if self.peek().text != "|":
                        break
                    self.take()
            self.expect(">", "to close handle<...>")
            return TypeRef(t.where, "handle", kind=kind.text, rights=tuple(rights))
        if t.text in KEYWORDS:
            raise IdlError(t.where, "expected a type, found the keyword '%s'" % t.text)
        return TypeRef(t.where, t.text)


def parse(path, text):
    """Parses the text of `path`; raises IdlError on the first problem."""
    return Parser(path, text).file()
