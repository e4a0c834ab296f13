# userland/lib/names: the name service (SPEC 7, harbor/names.h, docs/names.md). The client
# (client.c) is what programs call; the server (server.cc and what it uses) is linked only by
# the name server task, which calls hb_names_serve (server.h).
list(APPEND HARBOR_USER_LIB_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/client.c
  ${CMAKE_CURRENT_LIST_DIR}/name_table.cc
  ${CMAKE_CURRENT_LIST_DIR}/registrants.cc
  ${CMAKE_CURRENT_LIST_DIR}/waiters.cc
  ${CMAKE_CURRENT_LIST_DIR}/name_server.cc
  ${CMAKE_CURRENT_LIST_DIR}/server.cc)
