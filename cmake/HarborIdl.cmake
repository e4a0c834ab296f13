# cmake/HarborIdl.cmake - harbor_add_interface(TARGET FILE): RPC stubs from a .hbidl file at
# build time (SPEC 8, docs/rpc.md).
#
#   harbor_add_interface(calc_rpc calc.hbidl)       # a static library of the generated C
#   target_link_libraries(calc-server PRIVATE calc_rpc)
#   #include "calc_rpc.h"  (C)   or   #include "calc_rpc.hpp"  (C++)
#
# TARGET is a static library holding <base>_rpc_client.c and <base>_rpc_server.c, with the
# generated headers on its include path; it links Harbor::user (harbor_user inside the Harbor
# tree). The files are written to ${CMAKE_CURRENT_BINARY_DIR}/hbidl/<TARGET>/ and remade when
# the .hbidl file or the generator changes. Options:
#   SOURCES_VAR var   also set `var` to the generated .c files (to compile them into another
#                     target, e.g. a bare-metal program: the C needs only harbor/sys.h,
#                     memcpy, memset)
#   INCLUDE_DIR_VAR var   set `var` to the directory of the generated headers
#
# Used inside the tree (CMakeLists.txt includes it) and installed with Harbor: HarborConfig
# includes it, with HARBOR_IDL_COMPILER pointing at the installed bin/hbidl.
include_guard(GLOBAL)

if(NOT DEFINED HARBOR_IDL_COMPILER)
  set(HARBOR_IDL_COMPILER ${CMAKE_CURRENT_LIST_DIR}/../userland/hbidl/hbidl)
endif()
find_package(Python3 COMPONENTS Interpreter QUIET)

function(harbor_add_interface target file)
  cmake_parse_arguments(ARG "" "SOURCES_VAR;INCLUDE_DIR_VAR" "" ${ARGN})
  get_filename_component(source ${file} ABSOLUTE)
  get_filename_component(base ${file} NAME_WE)
  set(out ${CMAKE_CURRENT_BINARY_DIR}/hbidl/${target})
  set(generated ${out}/${base}_rpc.h ${out}/${base}_rpc_wire.h ${out}/${base}_rpc.hpp
                ${out}/${base}_rpc_client.c ${out}/${base}_rpc_server.c)
  get_filename_component(idl_dir ${HARBOR_IDL_COMPILER} DIRECTORY)
  file(GLOB idl_parts ${idl_dir}/hbidl_*.py)
  if(Python3_Interpreter_FOUND)
    set(run ${Python3_EXECUTABLE} ${HARBOR_IDL_COMPILER})
  else()
    set(run ${HARBOR_IDL_COMPILER})
  endif()
  add_custom_command(OUTPUT ${generated}
    COMMAND ${run} -o ${out} ${source}
    DEPENDS ${source} ${HARBOR_IDL_COMPILER} ${idl_parts}
    COMMENT "hbidl ${file}"
    VERBATIM)
  add_library(${target} STATIC ${out}/${base}_rpc_client.c ${out}/${base}_rpc_server.c
              ${out}/${base}_rpc.h ${out}/${base}_rpc_wire.h ${out}/${base}_rpc.hpp)
  target_include_directories(${target} PUBLIC ${out})
  if(TARGET harbor_user)
    target_link_libraries(${target} PUBLIC harbor_user)
  else()
    target_link_libraries(${target} PUBLIC Harbor::user)
  endif()
  if(ARG_SOURCES_VAR)
    set(${ARG_SOURCES_VAR} ${out}/${base}_rpc_client.c ${out}/${base}_rpc_server.c PARENT_SCOPE)
  endif()
  if(ARG_INCLUDE_DIR_VAR)
    set(${ARG_INCLUDE_DIR_VAR} ${out} PARENT_SCOPE)
  endif()
endfunction()
