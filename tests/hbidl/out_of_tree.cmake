# tests/hbidl/out_of_tree.cmake - ctest hbidl.out_of_tree: this build installed into a
# temporary prefix, then tests/hbidl/out-of-tree (harbor_add_interface from the installed
# package: bin/hbidl, HarborIdl.cmake) configured, built and its test run under harbor-emu.
set(HARBOR_OOT_LABEL "hbidl out-of-tree")
include(${CMAKE_CURRENT_LIST_DIR}/../../cmake/HarborOutOfTreeSteps.cmake)

harbor_oot_install_and_build(bin/hbidl libexec/harbor/hbidl/hbidl
                             libexec/harbor/hbidl/hbidl_parse.py
                             lib/cmake/Harbor/HarborIdl.cmake lib/cmake/Harbor/HarborConfig.cmake)
foreach(file greet_rpc.h greet_rpc_wire.h greet_rpc_client.c greet_rpc_server.c greet_rpc.hpp)
  if(NOT EXISTS ${app_build}/hbidl/greet_rpc/${file})
    message(FATAL_ERROR "hbidl out-of-tree: the build generated no ${file}")
  endif()
endforeach()
harbor_oot_step("ctest of the example" ${CMAKE_CTEST_COMMAND} --test-dir ${app_build} --output-on-failure)
if(NOT step_output MATCHES "100% tests passed, 0 tests failed out of 1")
  message(FATAL_ERROR "hbidl out-of-tree: expected 1 passing test:\n${step_output}")
endif()
harbor_oot_done("installed, generated, built and ran tests/hbidl/out-of-tree")
