# cmake/HarborOutOfTreeSteps.cmake - the steps the out-of-tree ctests share. Included by the
# cmake -P scripts tests/emulator/out_of_tree.cmake (emulator.out_of_tree: examples/out-of-tree
# and harbor-emu) and tests/integration/testing_out_of_tree.cmake (testing.out_of_tree:
# examples/testing-out-of-tree and Harbor::testing), which then run what they built.
#
# The script sets before including it:
#   HARBOR_OOT_LABEL  how its failures begin ("out-of-tree: build failed (1) ...")
# and gets from its add_test command line (-D), the same for both:
#   HARBOR_BUILD_DIR  this build tree, to install
#   PROJECT_DIR       the outside project to build against the install
#   WORK_DIR          a scratch directory (emptied first, removed by harbor_oot_done)
#   GENERATOR C_COMPILER CXX_COMPILER C_FLAGS CXX_FLAGS LINKER_FLAGS
#                     the same generator, compilers and (sanitizer) flags as this build
# Sets `prefix` (the install) and `app_build` (the outside project's build tree).
set(prefix ${WORK_DIR}/prefix)
set(app_build ${WORK_DIR}/build)

# Runs a command (ARGN); stops the test, with its output, unless it exits 0. Its standard
# output is `step_output` in the caller.
function(harbor_oot_step name)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err
                  TIMEOUT 300)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${HARBOR_OOT_LABEL}: ${name} failed (${rc})\n${out}\n${err}")
  endif()
  set(step_output "${out}" PARENT_SCOPE)
endfunction()

# (1) Installs this build into a fresh prefix and checks that each file of ARGN (relative to
# the prefix) is there; (2) configures and builds PROJECT_DIR against it
# (find_package(Harbor CONFIG) finds it through CMAKE_PREFIX_PATH).
function(harbor_oot_install_and_build)
  file(REMOVE_RECURSE ${WORK_DIR})
  file(MAKE_DIRECTORY ${WORK_DIR})
  # (1)
  harbor_oot_step("cmake --install" ${CMAKE_COMMAND} --install ${HARBOR_BUILD_DIR} --prefix ${prefix})
  foreach(file ${ARGN})
    if(NOT EXISTS ${prefix}/${file})
      message(FATAL_ERROR "${HARBOR_OOT_LABEL}: the install has no ${file}")
    endif()
  endforeach()
  # (2)
  harbor_oot_step("configure" ${CMAKE_COMMAND} -S ${PROJECT_DIR} -B ${app_build} -G ${GENERATOR}
       -DCMAKE_PREFIX_PATH=${prefix}
       -DCMAKE_C_COMPILER=${C_COMPILER} -DCMAKE_CXX_COMPILER=${CXX_COMPILER}
       "-DCMAKE_C_FLAGS=${C_FLAGS}" "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}"
       "-DCMAKE_EXE_LINKER_FLAGS=${LINKER_FLAGS}")
  harbor_oot_step("build" ${CMAKE_COMMAND} --build ${app_build})
endfunction()

# The end of a passing run: says what passed and removes WORK_DIR.
function(harbor_oot_done what)
  message(STATUS "${HARBOR_OOT_LABEL}: ${what}")
  file(REMOVE_RECURSE ${WORK_DIR})
endfunction()
