/* estimate.c: wait-time range from recent consultation durations and clerks online. */
#include "domain/estimate.h"

#include <math.h>
#include <stdlib.h>

/* Method (docs/wait-estimate.md has the reasoning and a worked example):
 *  1. take the newest WINDOW plausible durations (0 < d <= MAX_DURATION_S);
 *  2. sort them and drop the lowest and highest TRIM share (one very short "wrong office" call
 *     or one forgotten hang-up must not move the estimate);
 *  3. mean m and standard deviation s of what is left;
 *  4. the ticket is served after k = position + 1 consultations, shared by c clerks: the sum of
 *     k durations has mean k*m and spread sqrt(k)*s, so the range is
 *     (k*m -/+ SPREAD_Z*sqrt(k)*s) / c, widened to at least +/-MIN_REL_HALF_WIDTH of its centre;
 *  5. lower bound rounded down, upper bound rounded up to whole minutes, at least a minute wide. */
#define WINDOW 20
#define TRIM 0.10
#define MAX_DURATION_S (4 * 3600)
#define SPREAD_Z 1.0
#define MIN_REL_HALF_WIDTH 0.10
#define MAX_ESTIMATE_S (7 * 86400)
#define MAX_POSITION 100000

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

static int round_down_minute(double s)
{
	return (int)(floor(s / 60.0) * 60.0);
}

static int round_up_minute(double s)
{
	return (int)(ceil(s / 60.0) * 60.0);
}

/* Why a basis: the trimmed mean and spread depend only on the office, while a queue of 10,000
 * asks for 10,000 positions after every change; sorting the sample once per office instead of
 * once per position keeps that step cheap. */
bb_estimate_basis bb_estimate_prepare(const int *durations_s, int n, double clerks)
{
	bb_estimate_basis b = { FALSE, 0.0, 0.0, 0.0 };
	if (durations_s == NULL || n <= 0 || !(clerks > 0.0) || !isfinite(clerks))
		return b;
	int sample[WINDOW];
	int k = 0;
	for (int i = 0; i < n && k < WINDOW; i++) {
		if (durations_s[i] > 0 && durations_s[i] <= MAX_DURATION_S)
			sample[k++] = durations_s[i];
	}
	if (k < BB_ESTIMATE_MIN_SAMPLES)
		return b;
	qsort(sample, (size_t)k, sizeof sample[0], cmp_int);
	int cut = (int)(k * TRIM);
	int lo = cut, hi = k - cut;    /* keep sample[lo .. hi-1] */
	double sum = 0.0;
	for (int i = lo; i < hi; i++)
		sum += sample[i];
	double mean = sum / (hi - lo);
	double var = 0.0;
	for (int i = lo; i < hi; i++)
		var += (sample[i] - mean) * (sample[i] - mean);
	b.known = TRUE;
	b.mean = mean;
	b.sd = hi - lo > 1 ? sqrt(var / (hi - lo - 1)) : 0.0;
	b.clerks = clerks;
	return b;
}

bb_estimate bb_estimate_at(const bb_estimate_basis *b, int position)
{
	bb_estimate unknown = { FALSE, 0, 0 };
	if (!b->known || position < 0 || position > MAX_POSITION)
		return unknown;
	double served_before = position + 1.0;
	double centre = served_before * b->mean / b->clerks;
	double half = SPREAD_Z * sqrt(served_before) * b->sd / b->clerks;
	half = MAX(half, MIN_REL_HALF_WIDTH * centre);

	double low = CLAMP(centre - half, 0.0, (double)MAX_ESTIMATE_S);
	double high = CLAMP(centre + half, 0.0, (double)MAX_ESTIMATE_S);
	bb_estimate e = { TRUE, round_down_minute(low), round_up_minute(high) };
	if (e.max_s < e.min_s + 60)
		e.max_s = e.min_s + 60;
	return e;
}

bb_estimate bb_estimate_wait(const int *durations_s, int n, int position, double clerks)
{
	bb_estimate_basis b = bb_estimate_prepare(durations_s, n, clerks);
	return bb_estimate_at(&b, position);
}
