/* estimate.h: wait-time range from recent consultation durations and clerks online.
 * See docs/wait-estimate.md for the method. */
#ifndef BB_ESTIMATE_H
#define BB_ESTIMATE_H

#include <glib.h>

typedef struct bb_estimate {
	gboolean known;  /* FALSE: not enough data -> JSON null */
	int min_s;
	int max_s;
} bb_estimate;

/* durations_s: recent consultation durations (seconds) of the office, newest first, n of them.
 * position: waiting tickets ahead of the one asking (0 = next).
 * clerks: clerks online for the office (available + busy; paused count half). */
bb_estimate bb_estimate_wait(const int *durations_s, int n, int position, double clerks);

/* The same in two steps, for many positions of one office: the part that depends only on the
 * durations and clerks (sorted and trimmed once), then each position. */
typedef struct bb_estimate_basis {
	gboolean known;
	double mean;
	double sd;
	double clerks;
} bb_estimate_basis;
bb_estimate_basis bb_estimate_prepare(const int *durations_s, int n, double clerks);
bb_estimate bb_estimate_at(const bb_estimate_basis *b, int position);

/* Minimum number of recent durations needed before an estimate is given. */
#define BB_ESTIMATE_MIN_SAMPLES 3

#endif
