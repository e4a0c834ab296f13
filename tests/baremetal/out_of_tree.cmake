# tests/baremetal/out_of_tree.cmake - cmake -P script for the ctest baremetal.out_of_tree
# (SPEC 10, "bare metal for everyone"):
#   (1) install this build into a fresh prefix;
#   (2) configure and build examples/bare-metal-out-of-tree (C only) against it:
#       harbor_add_boot_image makes stats.elf, and the same stats.c is built hosted;
#   (3) boot stats.elf with the installed harbor-qemu: exit code 0 and the report; with a
#       bad argument (-append): exit code 3 and the message; --gdb prints the attach line;
#       no QEMU: 127; no image: 126;
#   (4) the same source hosted, under the installed harbor-emu, prints the same report;
#   (5) a bare-metal program that calls what the small libc lacks (fopen) does not compile.
# (1) and (2) are cmake/HarborOutOfTreeSteps.cmake's. Without QEMU it says SKIPPED (the
# test's SKIP_REGULAR_EXPRESSION) and stops.
set(HARBOR_OOT_LABEL "bare-metal out-of-tree")
include(${CMAKE_CURRENT_LIST_DIR}/../../cmake/HarborOutOfTreeSteps.cmake)

find_program(qemu qemu-system-x86_64)
if(NOT qemu)
  message("SKIPPED: qemu-system-x86_64 not found - the bare-metal out-of-tree test did not run.")
  return()
endif()

# (1) and (2)
harbor_oot_install_and_build(bin/harbor-qemu bin/harbor-emu lib/cmake/Harbor/HarborX86_64.cmake
  lib/harbor/x86_64/libharbor_kernel_x86_64.a lib/harbor/x86_64/libharbor_arch_x86_64.a
  lib/harbor/x86_64/libharbor_user_x86_64.a lib/harbor/x86_64/start.o
  lib/harbor/x86_64/linker.ld lib/harbor/x86_64/user.ld lib/harbor/x86_64/include/stdio.h
  lib/harbor/x86_64/include/stdlib.h lib/harbor/x86_64/include/string.h)

# Runs harbor-qemu (ARGN) and checks its exit code and that its output matches `pattern`.
function(boot name expected_rc pattern)
  execute_process(COMMAND ${prefix}/bin/harbor-qemu ${ARGN} RESULT_VARIABLE rc
                  OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 300)
  if(NOT rc STREQUAL expected_rc)
    message(FATAL_ERROR "${HARBOR_OOT_LABEL}: ${name}: harbor-qemu exited with ${rc}, "
                        "expected ${expected_rc}\n${out}\n${err}")
  endif()
  if(NOT "${out}${err}" MATCHES "${pattern}")
    message(FATAL_ERROR "${HARBOR_OOT_LABEL}: ${name}: no \"${pattern}\" in its output:\n"
                        "${out}\n${err}")
  endif()
endfunction()

# (3)
set(image ${app_build}/stats.elf)
boot("boot stats.elf" 0 "stats: n=5 min=-7 max=40 sum=81 \\(24 characters\\)" ${image})
boot("boot stats.elf with a bad number" 3 "stats: \"x\" is not a number\n.*FAIL: init exited with code 3"
     ${image} -- -append "4 8 x")
boot("boot stats.elf with its own numbers" 0
     "\n2 +8 +0x8\n.*n=3 min=0 max=16 sum=24" ${image} -- -append "0 8 0x10")
# --gdb: QEMU waits for gdb (nobody comes: the time limit ends it, exit code 124).
boot("harbor-qemu --gdb" 124 "gdb -q -x [^ ]*stats.gdb -ex 'target remote :12391'"
     ${image} --gdb --gdb-port 12391 --timeout 2)
# No QEMU (HARBOR_QEMU names one that is not there): 127 and what to install; no image: 126.
execute_process(COMMAND ${CMAKE_COMMAND} -E env HARBOR_QEMU=${WORK_DIR}/no-such-qemu
                ${prefix}/bin/harbor-qemu ${image} RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 127 OR NOT err MATCHES "no-such-qemu not found.*apt-get install -y qemu-system-x86")
  message(FATAL_ERROR "${HARBOR_OOT_LABEL}: harbor-qemu without QEMU: exit ${rc}, expected 127 "
                      "and a hint:\n${err}")
endif()
boot("harbor-qemu of a missing image" 126 "no boot image at" ${app_build}/missing.elf)
file(READ ${app_build}/stats.gdb gdb_script)
if(NOT gdb_script MATCHES "file [^\n]*stats.elf64\nadd-symbol-file [^\n]*/stats\n")
  message(FATAL_ERROR "${HARBOR_OOT_LABEL}: stats.gdb does not load the kernel's and stats' "
                      "symbols:\n${gdb_script}")
endif()

# (4)
harbor_oot_step("harbor-emu exec stats" ${prefix}/bin/harbor-emu exec ${app_build}/stats 0 8 0x10)
if(NOT step_output MATCHES "stats: n=3 min=0 max=16 sum=24 \\(23 characters\\)")
  message(FATAL_ERROR "${HARBOR_OOT_LABEL}: the hosted stats printed:\n${step_output}")
endif()
harbor_oot_step("ctest of the project" ${CMAKE_CTEST_COMMAND} --test-dir ${app_build}
                --output-on-failure)

# (5) A function the small libc does not have is a compile-time error on bare metal.
set(bad ${WORK_DIR}/missing-function)
file(WRITE ${bad}/CMakeLists.txt "cmake_minimum_required(VERSION 3.25)\nproject(bad C)\n"
     "find_package(Harbor CONFIG REQUIRED)\nharbor_add_boot_image(bad PROGRAMS bad.c)\n")
file(WRITE ${bad}/bad.c "#include <stdio.h>\nint main(void) {\n"
     "  FILE *f = fopen(\"data.txt\", \"r\");\n  return f != NULL;\n}\n")
execute_process(COMMAND ${CMAKE_COMMAND} -S ${bad} -B ${bad}/build -G ${GENERATOR}
                -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_C_COMPILER=${C_COMPILER}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${HARBOR_OOT_LABEL}: configuring the fopen project failed:\n${out}\n${err}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${bad}/build RESULT_VARIABLE rc
                OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(rc EQUAL 0 OR NOT "${out}${err}" MATCHES "bad.c:3:[0-9]+: error: implicit declaration of function [^ ]*fopen")
  message(FATAL_ERROR "${HARBOR_OOT_LABEL}: a bare-metal call to fopen should fail to compile "
                      "at bad.c:3 (build exit ${rc}):\n${out}\n${err}")
endif()

harbor_oot_done("installed, built examples/bare-metal-out-of-tree against ${prefix}, booted it")
