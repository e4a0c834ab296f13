# tests/emulator/out_of_tree.cmake - cmake -P script for the ctest emulator.out_of_tree:
#   (1) install this build into a fresh prefix;
#   (2) configure and build examples/out-of-tree against it (find_package(Harbor CONFIG));
#   (3) run the program under the installed harbor-emu, and its own ctest;
#   (4) run the installed showcase, which must find its programs in <prefix>/libexec.
# (1) and (2), and the variables it takes, are cmake/HarborOutOfTreeSteps.cmake's, shared
# with tests/integration/testing_out_of_tree.cmake.
set(HARBOR_OOT_LABEL "out-of-tree")
include(${CMAKE_CURRENT_LIST_DIR}/../../cmake/HarborOutOfTreeSteps.cmake)

# (1) and (2)
harbor_oot_install_and_build(bin/harbor-emu include/harbor/sys.h include/harbor/runtime.h
                             libexec/harbor/examples/hello)

# (3)
harbor_oot_step("harbor-emu exec app" ${prefix}/bin/harbor-emu exec ${app_build}/app tested)
if(NOT step_output MATCHES "out-of-tree app: \"tested\" went round the kernel")
  message(FATAL_ERROR "out-of-tree: unexpected output of the app:\n${step_output}")
endif()
harbor_oot_step("ctest of the app" ${CMAKE_CTEST_COMMAND} --test-dir ${app_build} --output-on-failure)

# (4) Without the build tree's examples as a fallback: only the installed ones count.
harbor_oot_step("installed showcase" ${CMAKE_COMMAND} -E env HARBOR_EXAMPLES_NO_BUILD_TREE=1
     ${prefix}/bin/harbor-emu)
if(NOT step_output MATCHES "All 5 acts went as expected")
  message(FATAL_ERROR "out-of-tree: the installed showcase did not pass:\n${step_output}")
endif()
harbor_oot_done("installed, built and ran examples/out-of-tree under ${prefix}")
