"""tests/hbidl/test_hbidl.py - the generator's own tests (ctest hbidl.generator, label unit).

Run alone: cd tests/hbidl && python3 -m unittest -v test_hbidl
"""

import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
TOOL = os.path.join(ROOT, "userland", "hbidl", "hbidl")
sys.path.insert(0, os.path.dirname(TOOL))

import importlib.machinery  # noqa: E402
import importlib.util  # noqa: E402

_loader = importlib.machinery.SourceFileLoader("hbidl_main", TOOL)
_spec = importlib.util.spec_from_loader("hbidl_main", _loader)
hbidl = importlib.util.module_from_spec(_spec)
_loader.exec_module(hbidl)
from hbidl_parse import IdlError  # noqa: E402


def compile_text(text, name="t.hbidl"):
    return hbidl.compile_text(name, text)


class Errors(unittest.TestCase):
    """Bad input: one error, at file:line:column, saying what was expected."""

    def error(self, text):
        with self.assertRaises(IdlError) as caught:
            compile_text(text)
        return str(caught.exception)

    def test_unknown_character_is_reported_at_its_line_and_column(self):
        self.assertEqual(self.error("interface a = 1 {\n  m() = 1; $\n}"),
                         "t.hbidl:2:12: error: unexpected character '$'")

    def test_missing_method_number_says_what_was_expected(self):
        msg = self.error("interface a = 1 {\n  m();\n}")
        self.assertTrue(msg.startswith("t.hbidl:2:6: error: expected '='"), msg)

    def test_unknown_type_names_the_builtin_types(self):
        msg = self.error("interface a = 1 {\n  m(in float x) = 1;\n}")
        self.assertIn("t.hbidl:2:8: error: unknown type 'float'", msg)
        self.assertIn("u32", msg)

    def test_parameter_without_direction(self):
        self.assertIn("expected 'in' or 'out'", self.error("interface a = 1 { m(u8 x) = 1; }"))

    def test_duplicate_method_number(self):
        msg = self.error("interface a = 1 {\n  m() = 1;\n  n() = 1;\n}")
        self.assertIn("t.hbidl:3:3: error: method number 1 is also the number of 'm'", msg)

    def test_duplicate_interface_id(self):
        self.assertIn("interface id 0x00000007 is also the id of 'a'",
                      self.error("interface a = 7 { m() = 1; }\ninterface b = 7 { m() = 1; }"))

    def test_interface_without_methods(self):
        self.assertEqual(self.error("\ninterface a = 7 { }"),
                         "t.hbidl:2:1: error: interface 'a' has no methods")

    def test_enum_value_that_does_not_fit_its_wire_type(self):
        self.assertIn("does not fit its wire type u8",
                      self.error("enum e : u8 { big = 256; }"))

    def test_handle_inside_a_struct_is_refused(self):
        self.assertIn("a handle can only be a method parameter",
                      self.error("struct s { handle<port> h; }"))

    def test_unknown_right(self):
        self.assertIn("expected a right", self.error("interface a = 1 { m(in handle<port, fly> h) = 1; }"))

    def test_generated_c_names_must_not_collide(self):
        msg = self.error("struct kv_stats { u8 x; }\ninterface kv = 1 {\n  stats() = 1;\n}")
        self.assertIn("t.hbidl:3:3: error: the stub of method kv.stats would be the C name "
                      "'kv_stats'", msg)

    def test_c_keyword_as_a_name(self):
        self.assertIn("keyword", self.error("interface a = 1 { m(in u8 int) = 1; }"))


class Limits(unittest.TestCase):
    """Anything that could exceed HB_MSG_MAX or HB_MSG_HANDLES_MAX is refused when generating."""

    def test_request_one_byte_over_the_maximum_is_refused(self):
        # header 8 + (4 + 65520) = 65532 fits; 4 bytes more do not
        compile_text("interface a = 1 { m(in string<65520> s) = 1; }")
        with self.assertRaises(IdlError) as c:
            compile_text("interface a = 1 { m(in string<65520> s, in u64 x) = 1; }")
        self.assertIn("more than HB_MSG_MAX (65536)", str(c.exception))

    def test_reply_over_the_maximum_is_refused(self):
        with self.assertRaises(IdlError) as c:
            compile_text("struct b { array<u64, 4000> x; }\n"
                         "interface a = 1 { m(out b one, out b two, out b three) = 1; }")
        self.assertIn("the reply of a.m takes", str(c.exception))

    def test_seventeen_handles_are_refused_sixteen_pass(self):
        params = ", ".join("in handle<any> h%d" % i for i in range(16))
        compile_text("interface a = 1 { m(%s) = 1; }" % params)
        with self.assertRaises(IdlError) as c:
            compile_text("interface a = 1 { m(%s, in handle<any> h16) = 1; }" % params)
        self.assertIn("more than HB_MSG_HANDLES_MAX (16)", str(c.exception))


class Output(unittest.TestCase):
    CALC = os.path.join(ROOT, "userland", "examples", "calc.hbidl")

    def generate(self, path):
        with open(path, encoding="utf-8") as f:
            return hbidl.compile_text(path, f.read())

    def test_the_same_input_gives_the_same_bytes(self):
        self.assertEqual(self.generate(self.CALC), self.generate(self.CALC))

    def test_output_does_not_depend_on_the_directory(self):
        with open(self.CALC, encoding="utf-8") as f:
            text = f.read()
        self.assertEqual(hbidl.compile_text("/somewhere/else/calc.hbidl", text),
                         hbidl.compile_text("calc.hbidl", text))

    def test_every_file_names_its_source_and_generator(self):
        for name, text in self.generate(self.CALC).items():
            self.assertIn("generated by hbidl from calc.hbidl", text.splitlines()[0], name)

    def test_layout_table_gives_each_fields_offset_and_size(self):
        header = self.generate(self.CALC)["calc_rpc.h"]
        self.assertIn(" *        8     1  op            calc_op (u8)", header)
        self.assertIn(" *        9     4  a             i32", header)
        self.assertIn(" *       13     4  b             i32", header)
        self.assertIn("#define CALC_COMPUTE_REQUEST_SIZE 17u", header)

    def test_no_generated_line_is_wider_than_the_house_width_of_100(self):
        for source in (self.CALC, os.path.join(ROOT, "userland", "examples", "kv.hbidl"),
                       os.path.join(HERE, "types.hbidl"),
                       os.path.join(ROOT, "tests", "bench", "rpc_bench.hbidl"),
                       os.path.join(ROOT, "userland", "lib", "names", "names.hbidl")):
            for name, text in self.generate(source).items():
                for n, line in enumerate(text.splitlines(), 1):
                    self.assertLessEqual(len(line), 100, "%s:%d" % (name, n))

    def test_command_line_writes_files_and_reports_errors_with_exit_1(self):
        with tempfile.TemporaryDirectory() as out:
            r = subprocess.run([sys.executable, TOOL, "-o", out, self.CALC],
                               capture_output=True, text=True)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(sorted(os.listdir(out)),
                             ["calc_rpc.h", "calc_rpc.hpp", "calc_rpc_client.c",
                              "calc_rpc_server.c", "calc_rpc_wire.h"])
            bad = os.path.join(out, "bad.hbidl")
            with open(bad, "w") as f:
                f.write("interface bad = 1 {\n  m(in u8) = 1;\n}\n")
            r = subprocess.run([sys.executable, TOOL, "--check", bad], capture_output=True,
                               text=True)
            self.assertEqual(r.returncode, 1)
            self.assertEqual(r.stderr.strip(),
                             "%s:2:10: error: expected a parameter name, found ')'" % bad)


if __name__ == "__main__":
    unittest.main()
