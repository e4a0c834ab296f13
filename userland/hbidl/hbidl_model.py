"""hbidl_model.py - gives parsed declarations their wire sizes and message layouts.

The wire format (docs/rpc.md, "Marshaling"), in three rules:
  (1) every value has a fixed size, so every field of a message has a fixed offset;
  (2) integers are little-endian, packed with no padding (a bool is one byte, 0 or 1);
  (3) string<N> is a u32 length then N bytes; array<T, N> a u32 count then N elements.
Handles travel beside the bytes, in the message's handle slots, one slot per handle parameter.

Everything that could exceed the kernel's limits is refused here, at generation time.
"""

from hbidl_parse import IdlError, HANDLE_KINDS

HB_MSG_MAX = 65536
HB_MSG_HANDLES_MAX = 16
REQUEST_HEADER = 8   # u32 interface id, u32 method number
REPLY_HEADER = 4     # i32 status

C_KEYWORDS = set("""auto break case char const continue default do double else enum extern
float for goto if inline int long register restrict return short signed sizeof static struct
switch typedef union unsigned void volatile while bool true false alignas alignof class
delete namespace new operator private protected public template this throw try catch virtual
static_assert thread_local nullptr requires concept co_await co_return co_yield export
friend mutable noexcept typename using decltype explicit""".split())


class Type:
    kind = "?"
    size = 0

    def describe(self):
        return self.name


class Int(Type):
    kind = "int"

    def __init__(self, name, size, signed):
        self.name, self.size, self.signed = name, size, signed
        self.c = ("int%d_t" if signed else "uint%d_t") % (size * 8)
        self.low = -(1 << (size * 8 - 1)) if signed else 0
        self.high = (1 << (size * 8 - 1)) - 1 if signed else (1 << (size * 8)) - 1


class Bool(Type):
    kind = "bool"
    name, size, c = "bool", 1, "bool"


class Enum(Type):
    kind = "enum"

    def __init__(self, decl, base):
        self.decl, self.base, self.name, self.size = decl, base, decl.name, base.size
        self.members = decl.members
        self.c = decl.name

    def describe(self):
        return "%s (%s)" % (self.name, self.base.name)


class String(Type):
    kind = "string"

    def __init__(self, bound):
        self.bound, self.size, self.name = bound, 4 + bound, "string<%d>" % bound


class Array(Type):
    kind = "array"

    def __init__(self, element, bound):
        self.element, self.bound = element, bound
        self.size = 4 + bound * element.size
        self.name = "array<%s, %d>" % (element.name, bound)


class Struct(Type):
    kind = "struct"

    def __init__(self, decl, fields):
        self.decl, self.name, self.c = decl, decl.name, decl.name
        self.fields = fields  # [(name, Type, offset)]
        self.size = sum(t.size for _, t, _ in fields)


class Handle(Type):
    kind = "handle"
    size = 0

    def __init__(self, kind, rights):
        self.object_kind, self.rights = kind, rights
        self.name = "handle<%s%s>" % (kind, ", " + " | ".join(rights) if rights else "")


BUILTINS = {"u8": Int("u8", 1, False), "u16": Int("u16", 2, False),
            "u32": Int("u32", 4, False), "u64": Int("u64", 8, False),
            "i8": Int("i8", 1, True), "i16": Int("i16", 2, True),
            "i32": Int("i32", 4, True), "i64": Int("i64", 8, True), "bool": Bool()}


class Param:
    """A method parameter placed in its message: a byte offset, or a handle slot."""

    def __init__(self, name, type_, direction, offset=None, slot=None):
        self.name, self.type, self.direction = name, type_, direction
        self.offset, self.slot = offset, slot


class Message:
    """One direction of one method: its size, its byte fields and its handle slots."""

    def __init__(self, header_rows, params, size, handles):
        self.header_rows = header_rows  # [(offset, size, label, type text)]
        self.params = params            # [Param] in declaration order
        self.size = size
        self.handles = handles          # number of handle slots

    def data_params(self):
        return [p for p in self.params if p.type.kind != "handle"]

    def handle_params(self):
        return [p for p in self.params if p.type.kind == "handle"]


class Method:
    def __init__(self, decl, number, request, reply):
        self.decl, self.name, self.number = decl, decl.name, number
        self.request, self.reply = request, reply
        placed = {p.name: p for p in request.params + reply.params}
        self.params = [placed[p.name] for p in decl.params]  # both directions, as declared


class Interface:
    def __init__(self, decl, methods):
        self.decl, self.name, self.number, self.methods = decl, decl.name, decl.number, methods

    def max_request(self):
        return max([m.request.size for m in self.methods] or [REQUEST_HEADER])

    def max_reply(self):
        return max([m.reply.size for m in self.methods] or [REPLY_HEADER])

    def max_reply_handles(self):
        return max([m.reply.handles for m in self.methods] or [0])


class Model:
    def __init__(self, path, base, order, interfaces):
        self.path, self.base = path, base
        self.order = order            # Enum and Struct types in declaration order
        self.interfaces = interfaces


def _check_name(where, name, what, taken):
    if name in C_KEYWORDS or name in BUILTINS:
        raise IdlError(where, "%s '%s' is a C or C++ keyword or a built-in type name" % (what, name))
    if name in taken:
        raise IdlError(where, "%s '%s' is declared twice (first at %s)" % (what, name, taken[name]))
    taken[name] = where


def _resolve(ref, types, allow_handle):
    if ref.name == "string":
        if ref.bound < 1:
            raise IdlError(ref.where, "string<%d>: the maximum length must be at least 1" % ref.bound)
        if ref.bound > HB_MSG_MAX:
            raise IdlError(ref.where, "string<%d> is longer than a whole message (HB_MSG_MAX = %d)"
                           % (ref.bound, HB_MSG_MAX))
        return String(ref.bound)
    if ref.name == "array":
        element = _resolve(ref.element, types, False)
        if element.kind in ("string", "array"):
            raise IdlError(ref.element.where, "an array's elements are integers, bool, enums or "
                           "structs: put the %s in a struct" % element.name)
        if ref.bound < 1:
            raise IdlError(ref.where, "array<..., %d>: the maximum count must be at least 1" % ref.bound)
        a = Array(element, ref.bound)
        if a.size > HB_MSG_MAX:
            raise IdlError(ref.where, "%s takes %d bytes, more than a whole message (HB_MSG_MAX = %d)"
                           % (a.name, a.size, HB_MSG_MAX))
        return a
    if ref.name == "handle":
        if not allow_handle:
            raise IdlError(ref.where, "a handle can only be a method parameter (not in a struct "
                           "or an array): each handle needs a slot of its own in the message")
        return Handle(ref.kind, ref.rights)
    if ref.name in BUILTINS:
        return BUILTINS[ref.name]
    if ref.name in types:
        return types[ref.name]
    raise IdlError(ref.where, "unknown type '%s' (built-in types: %s, string<N>, array<T, N>, "
                   "handle<kind, rights>; a struct or enum must be declared before it is used)"
                   % (ref.name, ", ".join(BUILTINS)))


def _message(where, label, header_rows, header_size, params, types):
    placed, offset, slot = [], header_size, 0
    for p in params:
        t = _resolve(p.type_ref, types, True)
        if t.kind == "handle":
            placed.append(Param(p.name, t, p.direction, slot=slot))
            slot += 1
        else:
            placed.append(Param(p.name, t, p.direction, offset=offset))
            offset += t.size
    if offset > HB_MSG_MAX:
        raise IdlError(where, "the %s takes %d bytes, more than HB_MSG_MAX (%d): shrink a string "
                       "or array bound" % (label, offset, HB_MSG_MAX))
    if slot > HB_MSG_HANDLES_MAX:
        raise IdlError(where, "the %s carries %d handles, more than HB_MSG_HANDLES_MAX (%d)"
                       % (label, slot, HB_MSG_HANDLES_MAX))
    return Message(header_rows, placed, offset, slot)


def _claim(c_names, name, where, what):
    if name in c_names:
        first_where, first = c_names[name]
        raise IdlError(where, "%s would be the C name '%s', already used by %s (%s): rename one"
                       % (what, name, first, first_where))
    c_names[name] = (where, what)


def build(decl, base):
    """Checks the parsed file `decl` and lays out every message; raises IdlError."""
    types, names, order = {}, {}, []
    for d in decl.order:
        _check_name(d.where, d.name, "type", names)
        if d.__class__.__name__ == "EnumDecl":
            b = BUILTINS.get(d.base.text)
            if not isinstance(b, Int):
                raise IdlError(d.base.where, "an enum's wire type must be an integer type "
                               "(u8 ... i64), not '%s'" % d.base.text)
            if not d.members:
                raise IdlError(d.where, "enum '%s' has no members" % d.name)
            seen_names, seen_values = {}, {}
            for member, value in d.members:
                if member in seen_names:
                    raise IdlError(d.where, "enum '%s': member '%s' appears twice" % (d.name, member))
                if value in seen_values:
                    raise IdlError(d.where, "enum '%s': '%s' and '%s' both have the value %d"
                                   % (d.name, seen_values[value], member, value))
                if not b.low <= value <= b.high:
                    raise IdlError(d.where, "enum '%s': %s = %d does not fit its wire type %s"
                                   % (d.name, member, value, b.name))
                seen_names[member], seen_values[value] = True, member
            t = Enum(d, b)
        else:
            if not d.fields:
                raise IdlError(d.where, "struct '%s' has no fields" % d.name)
            fields, offset, seen = [], 0, {}
            for f in d.fields:
                _check_name(f.where, f.name, "field", seen)
                ft = _resolve(f.type_ref, types, False)
                fields.append((f.name, ft, offset))
                offset += ft.size
            t = Struct(d, fields)
            if t.size > HB_MSG_MAX:
                raise IdlError(d.where, "struct '%s' takes %d bytes, more than HB_MSG_MAX (%d)"
                               % (d.name, t.size, HB_MSG_MAX))
        types[d.name] = t
        order.append(t)

    interfaces, numbers = [], {}
    for i in decl.interfaces:
        _check_name(i.where, i.name, "interface", names)
        if not 0 < i.number <= 0xFFFFFFFF:
            raise IdlError(i.where, "interface id %d must be a 32-bit number other than 0" % i.number)
        if i.number in numbers:
            raise IdlError(i.where, "interface id 0x%08X is also the id of '%s'"
                           % (i.number, numbers[i.number]))
        numbers[i.number] = i.name
        if not i.methods:
            raise IdlError(i.where, "interface '%s' has no methods" % i.name)
        methods, method_names, method_numbers = [], {}, {}
        for m in i.methods:
            _check_name(m.where, m.name, "method", method_names)
            if not 0 < m.number <= 0xFFFFFFFF:
                raise IdlError(m.where, "method number %d must be a 32-bit number other than 0"
                               % m.number)
            if m.number in method_numbers:
                raise IdlError(m.where, "method number %d is also the number of '%s'"
                               % (m.number, method_numbers[m.number]))
            method_numbers[m.number] = m.name
            seen = {}
            for p in m.params:
                _check_name(p.where, p.name, "parameter", seen)
                if p.name in ("port", "timeout", "ctx"):
                    raise IdlError(p.where, "parameter name '%s' is taken by the generated stubs"
                                   % p.name)
            ins = [p for p in m.params if p.direction == "in"]
            outs = [p for p in m.params if p.direction == "out"]
            request = _message(m.where, "request of %s.%s" % (i.name, m.name),
                               [(0, 4, "interface id", "u32 = 0x%08X" % i.number),
                                (4, 4, "method", "u32 = %d" % m.number)],
                               REQUEST_HEADER, ins, types)
            reply = _message(m.where, "reply of %s.%s" % (i.name, m.name),
                             [(0, 4, "status", "i32: HB_OK, else nothing follows")],
                             REPLY_HEADER, outs, types)
            methods.append(Method(m, m.number, request, reply))
        interfaces.append(Interface(i, methods))
    # The C names the generated files declare must not collide (kv_stats the type against
    # kv_stats the stub of method kv.stats), or the C compiler would report it, far from here.
    c_names = {}
    for t in order:
        c_names.setdefault(t.name, (t.decl.where, "type '%s'" % t.name))
        for s in ("_put", "_check", "_get", "_is_valid"):
            c_names.setdefault(t.name + s, (t.decl.where, "type '%s'" % t.name))
    for i in interfaces:
        for s in ("_ops", "_reply_buffer", "_dispatch", "_serve", "_take_long_request"):
            _claim(c_names, i.name + s, i.decl.where, "interface '%s'" % i.name)
        for m in i.methods:
            _claim(c_names, "%s_%s" % (i.name, m.name), m.decl.where,
                   "the stub of method %s.%s" % (i.name, m.name))
    if not interfaces and not order:
        raise IdlError(decl.path + ":1:1", "the file declares nothing")
    return Model(decl.path, base, order, interfaces)


__all__ = ["build", "HANDLE_KINDS", "HB_MSG_MAX", "HB_MSG_HANDLES_MAX"]
