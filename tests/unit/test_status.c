/* test_status.c: every branch of the office status derivation. */
#include <glib.h>

#include "domain/status.h"

typedef struct status_case {
	const char *name;
	bb_office_facts facts;   /* within_hours, available, busy, paused, waiting, capacity */
	bb_office_status want;
	gboolean joinable;
} status_case;

static const status_case cases[] = {
	{ "outside_hours", { FALSE, 2, 0, 0, 0, 10 }, BB_OFFICE_CLOSED, FALSE },
	{ "outside_hours_full", { FALSE, 2, 0, 0, 10, 10 }, BB_OFFICE_CLOSED, FALSE },
	{ "no_clerk_online", { TRUE, 0, 0, 0, 0, 10 }, BB_OFFICE_CLOSED, FALSE },
	{ "no_clerk_but_queue_full", { TRUE, 0, 0, 0, 10, 10 }, BB_OFFICE_CLOSED, FALSE },
	{ "full_at_capacity", { TRUE, 1, 0, 0, 10, 10 }, BB_OFFICE_FULL, FALSE },
	{ "full_over_capacity", { TRUE, 0, 1, 0, 12, 10 }, BB_OFFICE_FULL, FALSE },
	{ "full_capacity_zero", { TRUE, 1, 0, 0, 0, 0 }, BB_OFFICE_FULL, FALSE },
	{ "busy_all_in_consultation", { TRUE, 0, 2, 0, 3, 10 }, BB_OFFICE_BUSY, TRUE },
	{ "busy_all_paused", { TRUE, 0, 0, 2, 3, 10 }, BB_OFFICE_BUSY, TRUE },
	{ "busy_mixed", { TRUE, 0, 1, 1, 9, 10 }, BB_OFFICE_BUSY, TRUE },
	{ "open_one_available", { TRUE, 1, 3, 1, 9, 10 }, BB_OFFICE_OPEN, TRUE },
	{ "open_empty_queue", { TRUE, 1, 0, 0, 0, 10 }, BB_OFFICE_OPEN, TRUE },
};

static void test_case(gconstpointer data)
{
	const status_case *c = data;
	bb_office_status s = bb_office_status_derive(&c->facts);
	g_assert_cmpstr(bb_office_status_name(s), ==, bb_office_status_name(c->want));
	g_assert_cmpint(bb_office_status_joinable(s), ==, c->joinable);
}

static void test_names(void)
{
	g_assert_cmpstr(bb_office_status_name(BB_OFFICE_OPEN), ==, "open");
	g_assert_cmpstr(bb_office_status_name(BB_OFFICE_BUSY), ==, "busy");
	g_assert_cmpstr(bb_office_status_name(BB_OFFICE_FULL), ==, "full");
	g_assert_cmpstr(bb_office_status_name(BB_OFFICE_CLOSED), ==, "closed");
	g_assert_cmpstr(bb_office_status_name((bb_office_status)42), ==, "closed");
	g_assert_false(bb_office_status_joinable((bb_office_status)42));
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
		char *path = g_strdup_printf("/status/%s", cases[i].name);
		g_test_add_data_func(path, &cases[i], test_case);
		g_free(path);
	}
	g_test_add_func("/status/names", test_names);
	return g_test_run();
}
