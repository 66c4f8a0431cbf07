/* metrics_offices.h: the per-office gauges of GET /metrics (docs/operations.md "Metrics"). */
#ifndef BB_METRICS_OFFICES_H
#define BB_METRICS_OFFICES_H

#include "store/app.h"

/* Appends every per-office family (HELP, TYPE, one sample per office and label) in Prometheus
 * text format. When the database does not answer, the families it feeds are left out and those
 * of the office cache still appear. Loop only. */
void bb_metrics_append_offices(GString *s, bb_app *app);

#endif
