/* exercises/lib/grade_check.h - what an exercise's test driver uses to give a verdict.
 *
 * A test driver (exercises/<name>/tests/driver.c) is a Harbor program: `driver TEST` runs the
 * test named TEST against the student's functions, and ends with
 *
 *   exit 0  the test passed
 *   exit 1  a check failed: it printed GRADE-FAIL lines (expected, actual, hint)
 *   exit 3  the student's code left handles open: it printed GRADE-LEAK lines
 *
 * exercises/grade reads the exit code from harbor-emu's --report-json (what the kernel saw),
 * and the GRADE- lines only for the details. Deadlocks, timeouts and crashes need nothing
 * from the driver: the kernel reports them (a blocked task's wait, a signal).
 *
 * Leaks are what the kernel still holds: between grade_student_begin() and
 * grade_check_leaks(), every handle the student's code obtains with hb_port_create,
 * hb_region_create, hb_sem_create, hb_handle_dup or hb_badge_mint is remembered (the grader
 * compiles the student's files with -include grade_track.h, which routes those calls through
 * grade_check.c; libraries' own handles are not the student's and are not counted), and
 * grade_check_leaks() asks the kernel (hb_handle_info) which of them are still open. Handles
 * the driver gave the student are checked by name with grade_expect_closed().
 */
#ifndef GRADE_CHECK_H
#define GRADE_CHECK_H

#include <harbor/sys.h>

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define GRADE_EXIT_PASS 0
#define GRADE_EXIT_FAIL 1
#define GRADE_EXIT_LEAK 3

/* Checks: on a mismatch, print expected/actual/hint and end the task with GRADE_EXIT_FAIL. */
void grade_expect_int(int64_t expected, int64_t actual, const char *what, const char *hint);
/* Status codes are printed by name (HB_ERR_PEER_CLOSED, ...). */
void grade_expect_status(hb_status_t expected, hb_status_t actual, const char *what,
                         const char *hint);
/* Strings: the first differing byte is marked. */
void grade_expect_str(const char *expected, const char *actual, const char *what,
                      const char *hint);
/* An unconditional failure with a free-form actual. */
void grade_fail(const char *expected, const char *actual, const char *hint)
    __attribute__((noreturn));

/* Leak tracking (see above). */
void grade_student_begin(void);
void grade_check_leaks(const char *hint);                /* GRADE_EXIT_LEAK if any */
void grade_expect_closed(hb_handle_t h, const char *what, const char *hint);

/* Starts this same driver as a helper task running `role` (argv[1] of the child), with
 * `count` handles moved into its start message. The driver's path comes from GRADE_SELF,
 * which the grader defines when it compiles the driver. */
hb_status_t grade_spawn_role(const char *role, const hb_handle_t *handles, uint32_t count,
                             hb_task_id_t *id);
/* Waits for a helper and checks it exited 0 (a helper's failure fails the test). */
void grade_join(hb_task_id_t id, const char *role);

/* printf-like output to the console (one hb_debug_write). */
void grade_print(const char *format, ...) __attribute__((format(printf, 1, 2)));

#ifdef __cplusplus
}
#endif

#endif /* GRADE_CHECK_H */
