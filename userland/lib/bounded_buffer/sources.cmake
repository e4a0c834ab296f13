# The bounded buffer (harbor/bounded_buffer.h, docs/bounded-buffer.md): buf[N], in, out and
# the semaphores empty, full, mutex in a grant region. Compiled into both runtimes
# (userland/lib/libraries.cmake).
list(APPEND HARBOR_USER_LIB_SOURCES ${CMAKE_CURRENT_LIST_DIR}/bounded_buffer.c)
