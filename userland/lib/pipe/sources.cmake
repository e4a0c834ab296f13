# userland/lib/pipe: pipes and named pipes (harbor/pipe.h, docs/pipes.md), compiled into the
# runtime of both targets (userland/lib/libraries.cmake).
list(APPEND HARBOR_USER_LIB_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/pipe.c
  ${CMAKE_CURRENT_LIST_DIR}/tail.c
  ${CMAKE_CURRENT_LIST_DIR}/fifo.c)
