/* shelf.h - exercise 12: the textbook PutItem/GetItem monitor (harbor/monitor.h).
 * Do not change this file. */
#ifndef SHELF_H
#define SHELF_H

#include <harbor/monitor.h>
#include <harbor/sys.h>

#include <stdint.h>

#define SHELF_SIZE 4

/* The monitor's shared variables (hb_monitor_data(m) points at them; zero at the start). */
struct shelf {
  uint32_t count;              /* items on the shelf */
  uint32_t in, out;            /* next slot to put into / take from */
  uint32_t items[SHELF_SIZE];
};

/* The monitor's two condition variables. */
enum { SHELF_NOT_FULL = 0, SHELF_NOT_EMPTY = 1 };

/* Puts `item` on the shelf, waiting (on SHELF_NOT_FULL) while it is full; wakes a taker.
 * Enter the monitor first and leave it at the end. Returns 0 or a failing status. */
int put_item(hb_monitor_t *m, uint32_t item);

/* Takes the oldest item into *item, waiting (on SHELF_NOT_EMPTY) while the shelf is empty;
 * wakes a putter. Returns 0 or a failing status. */
int get_item(hb_monitor_t *m, uint32_t *item);

#endif
