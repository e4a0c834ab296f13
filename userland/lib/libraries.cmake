# userland/lib/libraries.cmake - the user libraries of SPEC 7 (name service, pipes, monitors,
# bounded buffer), compiled into the runtime of both targets: harbor_user (hosted, included by
# userland/CMakeLists.txt) and harbor_user_x86_64 (bare metal, arch/x86_64/CMakeLists.txt).
#
# Each library is a folder userland/lib/<name>/ whose sources.cmake appends its source files
# to HARBOR_USER_LIB_SOURCES (absolute paths). Its public header is
# userland/include/harbor/<name>.h. The sources are written against harbor/sys.h only, and
# use nothing of libc beyond memcpy, memmove, memset, memcmp, strlen and strcmp (what the
# bare-metal runtime has): the same file runs hosted and under QEMU.
set(HARBOR_USER_LIB_SOURCES "")
file(GLOB _harbor_lib_parts CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/*/sources.cmake)
list(SORT _harbor_lib_parts)
foreach(_part ${_harbor_lib_parts})
  include(${_part})
endforeach()
# A library being written may list a file that does not exist yet: say so, and leave it out,
# so that the rest of the tree still configures (a call into it then fails at link time).
set(_harbor_lib_existing "")
foreach(_source ${HARBOR_USER_LIB_SOURCES})
  if(EXISTS ${_source})
    list(APPEND _harbor_lib_existing ${_source})
  else()
    message(WARNING "userland/lib: ${_source} is listed but does not exist")
  endif()
endforeach()
set(HARBOR_USER_LIB_SOURCES ${_harbor_lib_existing})
