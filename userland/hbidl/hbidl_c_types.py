"""hbidl_c_types.py - how each hbidl type looks in C, and the C that puts, checks and gets it.

Three jobs per type, mirroring the three steps of every generated stub (docs/rpc.md):
  put(p, v)   writes the C value v at byte pointer p (little-endian, no padding);
  check(p)    says whether the bytes at p are a valid value (bounds, enum members, bool 0/1);
  get(p, v)   reads bytes already checked into the C value v.
Each returns a list of C lines; `out` is the status variable a failed put or check sets.
"""

RIGHT_MACROS = {"send": "HB_RIGHT_SEND", "recv": "HB_RIGHT_RECV", "dup": "HB_RIGHT_DUP",
                "transfer": "HB_RIGHT_TRANSFER", "read": "HB_RIGHT_READ",
                "write": "HB_RIGHT_WRITE", "map": "HB_RIGHT_MAP", "manage": "HB_RIGHT_MANAGE"}
OBJECT_MACROS = {"port": "HB_OBJ_PORT", "region": "HB_OBJ_REGION",
                 "semaphore": "HB_OBJ_SEMAPHORE", "any": "0"}


def at(p, extra):
    """`p + extra`, folding constants: at("request + 44", 4) is "request + 48"."""
    base, _, off = p.partition(" + ")
    if off.isdigit():
        return "%s + %d" % (base, int(off) + extra)
    if off:
        return "%s + %d" % (p, extra) if extra else p
    return "%s + %d" % (base, extra) if extra else base


def times(count, size):
    return count if size == 1 else "%s * %d" % (count, size)


def rights_expr(rights):
    return " | ".join(RIGHT_MACROS[r] for r in rights) if rights else "0"


def wire_bits(t):
    """The unsigned helper width of an int-like type: 8, 16, 32 or 64."""
    return t.size * 8


def field_decl(name, t):
    """A struct member (or local variable) holding a value of type t."""
    if t.kind == "string":
        return ["char %s[%d + 1]; /* %s: NUL-terminated */" % (name, t.bound, t.name)]
    if t.kind == "array":
        return ["uint32_t %s_count; /* how many of %s[] are used */" % (name, name),
                "%s %s[%d];" % (t.element.c, name, t.bound)]
    return ["%s %s;" % (t.c, name)]


def in_params(name, t):
    """The C parameters of an `in` parameter."""
    if t.kind == "string":
        return ["const char *%s" % name]
    if t.kind == "array":
        return ["const %s *%s" % (t.element.c, name), "uint32_t %s_count" % name]
    if t.kind == "struct":
        return ["const %s *%s" % (t.c, name)]
    if t.kind == "handle":
        return ["hb_handle_t %s" % name]
    return ["%s %s" % (t.c, name)]


def out_params(name, t):
    """The C parameters of an `out` parameter (the caller's storage)."""
    if t.kind == "string":
        return ["char %s[%d + 1]" % (name, t.bound)]
    if t.kind == "array":
        return ["%s %s[%d]" % (t.element.c, name, t.bound), "uint32_t *%s_count" % name]
    if t.kind == "handle":
        return ["hb_handle_t *%s" % name]
    return ["%s *%s" % (t.c, name)]


def put(t, p, v, count=None, out="s"):
    """C lines writing value `v` (a C expression) of type t at byte pointer `p`.
    Arrays: v is a pointer to the elements and `count` their number."""
    if t.kind == "int":
        return ["hbidl_put_u%d(%s, (uint%d_t)%s);" % (wire_bits(t), p, wire_bits(t), v)]
    if t.kind == "bool":
        return ["hbidl_put_u8(%s, %s ? 1 : 0);" % (p, v)]
    if t.kind == "enum":
        b = wire_bits(t.base)
        return ["hbidl_put_u%d(%s, (uint%d_t)%s);" % (b, p, b, v)]
    if t.kind == "struct":
        return ["if ((%s = %s_put(%s, %s)) != HB_OK) return %s;" % (out, t.c, p, v, out)]
    if t.kind == "string":
        return ["if ((%s = hbidl_put_string(%s, %s, %d)) != HB_OK) return %s;"
                % (out, p, v, t.bound, out)]
    if t.kind == "array":
        e = t.element
        lines = ["if (%s > %d) return HB_ERR_INVALID_ARG; /* more than the bound */" % (count, t.bound),
                 "hbidl_put_u32(%s, %s);" % (p, count)]
        if e.kind == "int" and e.size == 1:
            lines.append("memcpy(%s, %s, %s);" % (at(p, 4), v, count))
        else:
            lines.append("for (uint32_t i = 0; i < %s; ++i) {" % count)
            lines += ["  " + x for x in put(e, "%s + i * %d" % (at(p, 4), e.size), "%s[i]" % v
                                            if e.kind != "struct" else "&%s[i]" % v, out=out)]
            lines.append("}")
        lines.append("/* the unused elements are zeros: no stale bytes leave the task */")
        lines.append("memset(%s + %s, 0, %s);"
                     % (at(p, 4), times(count, e.size), times("(%d - %s)" % (t.bound, count), e.size)))
        return lines
    raise AssertionError(t.kind)


def check(t, p, what):
    """C lines that return HB_ERR_INVALID_ARG unless the bytes at `p` are a valid t."""
    if t.kind in ("int",):
        return []  # every bit pattern is a valid integer
    if t.kind == "bool":
        return ["if (hbidl_get_u8(%s) > 1) return HB_ERR_INVALID_ARG; /* %s: bool is 0 or 1 */"
                % (p, what)]
    if t.kind == "enum":
        return ["/* %s: one of the enum's members */" % what,
                "if (!%s_is_valid((int64_t)%s)) return HB_ERR_INVALID_ARG;"
                % (t.c, get_expr(t.base, p))]
    if t.kind == "struct":
        return ["if (%s_check(%s) != HB_OK) return HB_ERR_INVALID_ARG; /* %s */" % (t.c, p, what)]
    if t.kind == "string":
        return ["if (hbidl_check_string(%s, %d) != HB_OK) return HB_ERR_INVALID_ARG; /* %s */"
                % (p, t.bound, what)]
    if t.kind == "array":
        e = t.element
        lines = ["if (hbidl_get_u32(%s) > %d) return HB_ERR_INVALID_ARG; /* %s: count > bound */"
                 % (p, t.bound, what)]
        inner = check(e, "%s + i * %d" % (at(p, 4), e.size), what + "[i]")
        if inner:
            lines.append("for (uint32_t i = 0; i < hbidl_get_u32(%s); ++i) {" % p)
            lines += ["  " + x for x in inner]
            lines.append("}")
        return lines
    raise AssertionError(t.kind)


def get_expr(t, p):
    """A C expression reading an int-like value (int, bool or enum) at `p`."""
    if t.kind == "int":
        raw = "hbidl_get_u%d(%s)" % (wire_bits(t), p)
        return "(%s)%s" % (t.c, raw) if t.signed else raw
    if t.kind == "bool":
        return "(hbidl_get_u8(%s) != 0)" % p
    if t.kind == "enum":
        return "(%s)%s" % (t.c, get_expr(t.base, p))
    raise AssertionError(t.kind)


def get(t, p, v, count=None):
    """C lines reading checked bytes at `p` into the C lvalue `v` (arrays: v is the element
    array and `count` the lvalue receiving the count; structs and strings: v is a pointer)."""
    if t.kind in ("int", "bool", "enum"):
        return ["%s = %s;" % (v, get_expr(t, p))]
    if t.kind == "struct":
        return ["%s_get(%s, %s);" % (t.c, p, v)]
    if t.kind == "string":
        return ["hbidl_get_string(%s, %s);" % (p, v)]
    if t.kind == "array":
        e = t.element
        lines = ["%s = hbidl_get_u32(%s);" % (count, p)]
        if e.kind == "int" and e.size == 1:
            lines.append("memcpy(%s, %s, %s);" % (v, at(p, 4), count))
        else:
            lines.append("for (uint32_t i = 0; i < %s; ++i) {" % count)
            lines += ["  " + x for x in get(e, "%s + i * %d" % (at(p, 4), e.size),
                                            "&%s[i]" % v if e.kind == "struct" else "%s[i]" % v)]
            lines.append("}")
        return lines
    raise AssertionError(t.kind)
