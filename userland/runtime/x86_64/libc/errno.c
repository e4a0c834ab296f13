/* userland/runtime/x86_64/libc/errno.c - errno: one per task (a task has one thread). */
#include <errno.h>

int errno;
