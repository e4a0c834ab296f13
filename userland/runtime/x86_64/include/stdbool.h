/* stdbool.h - Harbor's bare-metal libc (docs/x86_64.md "Your own program on bare metal"). */
#ifndef HARBOR_LIBC_STDBOOL_H
#define HARBOR_LIBC_STDBOOL_H

#ifndef __cplusplus
#define bool _Bool
#define true 1
#define false 0
#endif
#define __bool_true_false_are_defined 1

#endif /* HARBOR_LIBC_STDBOOL_H */
