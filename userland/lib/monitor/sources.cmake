# Monitors (harbor/monitor.h, docs/monitors.md): a mutex and condition variables in a grant
# region, built on semaphores. Compiled into both runtimes (userland/lib/libraries.cmake).
list(APPEND HARBOR_USER_LIB_SOURCES ${CMAKE_CURRENT_LIST_DIR}/monitor.c)
