/* bb_dispatch.h: what the handler thread does with one work item and with its periodic tick,
 * apart from the thread itself (app/bb_plugin.c), so that a test can drive the plugin's
 * signalling without Janus (tests/fuzz/fuzz_plugin.c). Handler thread only. */
#ifndef BB_DISPATCH_H
#define BB_DISPATCH_H

#include <glib.h>

#include "core/bb_work.h"

/* Runs one work item (any type but BB_WORK_STOP) and frees it, or hands it over (a browser
 * request waits behind an earlier one of its handle). */
void bb_dispatch(bb_work *w);
/* About once a second: the consultations' dead-media watch. */
void bb_dispatch_tick(gint64 now_us);

#endif
