# tests/integration/testing_out_of_tree.cmake - cmake -P script for the ctest
# testing.out_of_tree: Harbor::testing as a project outside this tree uses it.
#   (1) install this build into a fresh prefix;
#   (2) configure and build examples/testing-out-of-tree against it (find_package(Harbor
#       CONFIG), find_package(GTest), gtest_discover_tests);
#   (3) run its tests with ctest.
# (1) and (2), and the variables it takes, are cmake/HarborOutOfTreeSteps.cmake's, shared
# with tests/emulator/out_of_tree.cmake.
set(HARBOR_OOT_LABEL "testing out-of-tree")
include(${CMAKE_CURRENT_LIST_DIR}/../../cmake/HarborOutOfTreeSteps.cmake)

# (1) and (2)
harbor_oot_install_and_build(include/harbor/testing.hpp include/harbor/ipc.hpp
                             lib/libharbor_testing.a lib/cmake/Harbor/HarborConfig.cmake)

# (3)
harbor_oot_step("ctest of the example" ${CMAKE_CTEST_COMMAND} --test-dir ${app_build} --output-on-failure)
if(NOT step_output MATCHES "100% tests passed, 0 tests failed out of 3")
  message(FATAL_ERROR "testing out-of-tree: expected 3 passing tests:\n${step_output}")
endif()
harbor_oot_done("installed, built and ran examples/testing-out-of-tree")
