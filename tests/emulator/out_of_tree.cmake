# tests/emulator/out_of_tree.cmake - cmake -P script for the ctest emulator.out_of_tree:
#   (1) install this build into a fresh prefix;
#   (2) configure and build examples/out-of-tree against it (find_package(Harbor CONFIG));
#   (3) run the program under the installed harbor-emu, and its own ctest;
#   (4) run the installed showcase, which must find its programs in <prefix>/libexec.
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
    message(FATAL_ERROR "out-of-tree: ${name} failed (${rc})\n${out}\n${err}")
  endif()
  set(step_output "${out}" PARENT_SCOPE)
endfunction()

# (1)
step("cmake --install" ${CMAKE_COMMAND} --install ${HARBOR_BUILD_DIR} --prefix ${prefix})
foreach(file bin/harbor-emu include/harbor/sys.h include/harbor/runtime.h
             libexec/harbor/examples/hello)
  if(NOT EXISTS ${prefix}/${file})
    message(FATAL_ERROR "out-of-tree: the install has no ${file}")
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
step("harbor-emu exec app" ${prefix}/bin/harbor-emu exec ${app_build}/app tested)
if(NOT step_output MATCHES "out-of-tree app: \"tested\" went round the kernel")
  message(FATAL_ERROR "out-of-tree: unexpected output of the app:\n${step_output}")
endif()
step("ctest of the app" ${CMAKE_CTEST_COMMAND} --test-dir ${app_build} --output-on-failure)

# (4) Without the build tree's examples as a fallback: only the installed ones count.
step("installed showcase" ${CMAKE_COMMAND} -E env HARBOR_EXAMPLES_NO_BUILD_TREE=1
     ${prefix}/bin/harbor-emu)
if(NOT step_output MATCHES "All 5 acts went as expected")
  message(FATAL_ERROR "out-of-tree: the installed showcase did not pass:\n${step_output}")
endif()
message(STATUS "out-of-tree: installed, built and ran examples/out-of-tree under ${prefix}")
file(REMOVE_RECURSE ${WORK_DIR})
