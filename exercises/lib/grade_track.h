/* exercises/lib/grade_track.h - force-included (cc -include) into the student's files only,
 * so that grade_check.c learns every handle the student's code makes, and no handle that a
 * library (the name service client, pipes) makes for itself. See grade_check.h, "Leaks". */
#ifndef GRADE_TRACK_H
#define GRADE_TRACK_H

#include <harbor/sys.h>

#ifdef __cplusplus
extern "C" {
#endif

hb_status_t grade_track_port_create(uint32_t mode, uint32_t capacity, uint32_t flags,
                                    hb_handle_t *recv_out, hb_handle_t *send_out);
hb_status_t grade_track_region_create(uint64_t size, uint32_t flags, hb_handle_t *out);
hb_status_t grade_track_sem_create(uint32_t initial, uint32_t max, hb_handle_t *out);
hb_status_t grade_track_handle_dup(hb_handle_t h, uint32_t rights, hb_handle_t *out);
hb_status_t grade_track_badge_mint(hb_handle_t send, uint64_t badge, hb_handle_t *out);

#ifdef __cplusplus
}
#endif

#define hb_port_create grade_track_port_create
#define hb_region_create grade_track_region_create
#define hb_sem_create grade_track_sem_create
#define hb_handle_dup grade_track_handle_dup
#define hb_badge_mint grade_track_badge_mint

#endif
