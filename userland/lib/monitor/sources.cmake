# Monitors (harbor/monitor.h, docs/monitors.md): a mutex and condition variables in a grant
# region, built on semaphores; monitor_names.c finds one by name (harbor/names.h). Compiled
# into both runtimes (userland/lib/libraries.cmake).
list(APPEND HARBOR_USER_LIB_SOURCES ${CMAKE_CURRENT_LIST_DIR}/monitor.c
     ${CMAKE_CURRENT_LIST_DIR}/monitor_names.c)
