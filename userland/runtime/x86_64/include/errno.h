/* errno.h - Harbor's bare-metal libc (docs/x86_64.md "Your own program on bare metal").
 * A task has one thread, so errno is one variable (libc/errno.c). The numbers are Linux's, so
 * a program prints the same value on both targets; strerror (<string.h>) names them. */
#ifndef HARBOR_LIBC_ERRNO_H
#define HARBOR_LIBC_ERRNO_H

#ifdef __cplusplus
extern "C" {
#endif

extern int errno;

#define EPERM 1
#define ENOENT 2
#define EIO 5
#define EBADF 9
#define EAGAIN 11
#define ENOMEM 12
#define EACCES 13
#define EFAULT 14
#define EBUSY 16
#define EEXIST 17
#define EINVAL 22
#define ENOSPC 28
#define EPIPE 32
#define EDOM 33
#define ERANGE 34
#define ENOSYS 38
#define ETIMEDOUT 110

#ifdef __cplusplus
}
#endif

#endif /* HARBOR_LIBC_ERRNO_H */
