# tests/integration/testing_out_of_tree.cmake - cmake -P script for the ctest
# testing.out_of_tree: Harbor::testing as a project outside this tree uses it.
#   (1) install this build into a fresh prefix;
#   (2) configure and build examples/testing-out-of-tree against it (find_package(Harbor
#       CONFIG), find_package(GTest), gtest_discover_tests);
#   (3) run its tests with ctest.
# Variables: HARBOR_BUILD_DIR PROJECT_DIR WORK_DIR GENERATOR C_COMPILER CXX_COMPILER
#            C_FLAGS CXX_FLAGS LINKER_FLAGS (the same compiler and sanitizer flags as ours).
set(prefix ${WORK_DIR}/prefix)
set(app_build ${WORK_DIR}/build)
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})

function(step name)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err
                  TIMEOUT 300)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "testing out-of-tree: ${name} failed (${rc})\n${out}\n${err}")
  endif()
  set(step_output "${out}" PARENT_SCOPE)
endfunction()

# (1)
step("cmake --install" ${CMAKE_COMMAND} --install ${HARBOR_BUILD_DIR} --prefix ${prefix})
foreach(file include/harbor/testing.hpp include/harbor/ipc.hpp lib/libharbor_testing.a
             lib/cmake/Harbor/HarborConfig.cmake)
  if(NOT EXISTS ${prefix}/${file})
    message(FATAL_ERROR "testing out-of-tree: the install has no ${file}")
  endif()
endforeach()

# (2)
step("configure" ${CMAKE_COMMAND} -S ${PROJECT_DIR} -B ${app_build} -G ${GENERATOR}
     -DCMAKE_PREFIX_PATH=${prefix}
     -DCMAKE_C_COMPILER=${C_COMPILER} -DCMAKE_CXX_COMPILER=${CXX_COMPILER}
     "-DCMAKE_C_FLAGS=${C_FLAGS}" "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}"
     "-DCMAKE_EXE_LINKER_FLAGS=${LINKER_FLAGS}")
step("build" ${CMAKE_COMMAND} --build ${app_build})

# (3)
step("ctest of the example" ${CMAKE_CTEST_COMMAND} --test-dir ${app_build} --output-on-failure)
if(NOT step_output MATCHES "100% tests passed, 0 tests failed out of 3")
  message(FATAL_ERROR "testing out-of-tree: expected 3 passing tests:\n${step_output}")
endif()
message(STATUS "testing out-of-tree: installed, built and ran examples/testing-out-of-tree")
file(REMOVE_RECURSE ${WORK_DIR})
