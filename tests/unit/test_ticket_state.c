/* test_ticket_state.c: every (state, event) pair of the ticket machine against an independent table. */
#include <glib.h>
#include <string.h>

#include "domain/ticket_state.h"

/* Written from the specification, not copied from domain/ticket_state.c: one line per legal
 * transition. Every pair not listed here must be refused. */
typedef struct legal {
	bb_ticket_state from;
	bb_ticket_event ev;
	bb_ticket_state to;
} legal;

static const legal expected_legal[] = {
	{ BB_TICKET_WAITING, BB_EV_CALL, BB_TICKET_CALLED },
	{ BB_TICKET_WAITING, BB_EV_CANCEL, BB_TICKET_CANCELLED },
	{ BB_TICKET_WAITING, BB_EV_EXPIRE, BB_TICKET_EXPIRED },
	{ BB_TICKET_WAITING, BB_EV_TRANSFER, BB_TICKET_WAITING },
	{ BB_TICKET_CALLED, BB_EV_ACCEPT, BB_TICKET_IN_CONSULTATION },
	{ BB_TICKET_CALLED, BB_EV_NO_SHOW, BB_TICKET_NO_SHOW },
	{ BB_TICKET_CALLED, BB_EV_CANCEL, BB_TICKET_CANCELLED },
	{ BB_TICKET_CALLED, BB_EV_EXPIRE, BB_TICKET_EXPIRED },
	{ BB_TICKET_CALLED, BB_EV_REQUEUE, BB_TICKET_WAITING },
	{ BB_TICKET_CALLED, BB_EV_TRANSFER, BB_TICKET_WAITING },
	{ BB_TICKET_IN_CONSULTATION, BB_EV_FINISH, BB_TICKET_DONE },
	{ BB_TICKET_IN_CONSULTATION, BB_EV_NO_SHOW, BB_TICKET_NO_SHOW },
	{ BB_TICKET_IN_CONSULTATION, BB_EV_REQUEUE, BB_TICKET_WAITING },
	{ BB_TICKET_IN_CONSULTATION, BB_EV_TRANSFER, BB_TICKET_WAITING },
	{ BB_TICKET_CALLED, BB_EV_RECOVER, BB_TICKET_WAITING },
	{ BB_TICKET_IN_CONSULTATION, BB_EV_RECOVER, BB_TICKET_WAITING },
};

static const legal *find_expected(bb_ticket_state s, bb_ticket_event e)
{
	for (gsize i = 0; i < G_N_ELEMENTS(expected_legal); i++) {
		if (expected_legal[i].from == s && expected_legal[i].ev == e)
			return &expected_legal[i];
	}
	return NULL;
}

/* One test case per (state, event) pair, so a failure names the pair. */
static void test_pair(gconstpointer data)
{
	int idx = GPOINTER_TO_INT(data);
	bb_ticket_state s = (bb_ticket_state)(idx / BB_EV_N_EVENTS);
	bb_ticket_event e = (bb_ticket_event)(idx % BB_EV_N_EVENTS);
	const legal *want = find_expected(s, e);
	bb_ticket_state to = (bb_ticket_state)99;
	gboolean ok = bb_ticket_transition(s, e, &to);
	if (want != NULL) {
		g_assert_true(ok);
		g_assert_cmpint(to, ==, want->to);
	} else {
		g_assert_false(ok);
		g_assert_cmpint(to, ==, 99);   /* *to untouched on refusal */
	}
}

static void test_final_states(void)
{
	const gboolean final[BB_TICKET_N_STATES] = {
		[BB_TICKET_WAITING] = FALSE, [BB_TICKET_CALLED] = FALSE,
		[BB_TICKET_IN_CONSULTATION] = FALSE, [BB_TICKET_DONE] = TRUE,
		[BB_TICKET_NO_SHOW] = TRUE, [BB_TICKET_CANCELLED] = TRUE, [BB_TICKET_EXPIRED] = TRUE,
	};
	for (int s = 0; s < BB_TICKET_N_STATES; s++)
		g_assert_cmpint(bb_ticket_state_is_final((bb_ticket_state)s), ==, final[s]);
}

static void test_names_roundtrip(void)
{
	const char *names[] = { "waiting", "called", "in_consultation", "done", "no_show",
	                        "cancelled", "expired" };
	G_STATIC_ASSERT(G_N_ELEMENTS(names) == BB_TICKET_N_STATES);
	for (int s = 0; s < BB_TICKET_N_STATES; s++) {
		bb_ticket_state parsed;
		g_assert_cmpstr(bb_ticket_state_name((bb_ticket_state)s), ==, names[s]);
		g_assert_true(bb_ticket_state_parse(names[s], &parsed));
		g_assert_cmpint(parsed, ==, s);
	}
	const char *bad[] = { "", "Waiting", "waiting ", "foo", "in-consultation" };
	for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
		bb_ticket_state parsed = BB_TICKET_DONE;
		g_assert_false(bb_ticket_state_parse(bad[i], &parsed));
		g_assert_cmpint(parsed, ==, BB_TICKET_DONE);
	}
	g_assert_false(bb_ticket_state_parse(NULL, NULL));
	const char *events[] = { "call", "accept", "finish", "no_show", "cancel", "expire",
	                         "requeue", "transfer", "recover" };
	G_STATIC_ASSERT(G_N_ELEMENTS(events) == BB_EV_N_EVENTS);
	for (int e = 0; e < BB_EV_N_EVENTS; e++)
		g_assert_cmpstr(bb_ticket_event_name((bb_ticket_event)e), ==, events[e]);
}

/* Values from a corrupted row or a bad cast must be refused, not index out of the table. */
static void test_out_of_range(void)
{
	bb_ticket_state to;
	g_assert_false(bb_ticket_transition((bb_ticket_state)-1, BB_EV_CALL, &to));
	g_assert_false(bb_ticket_transition(BB_TICKET_N_STATES, BB_EV_CALL, &to));
	g_assert_false(bb_ticket_transition(BB_TICKET_WAITING, (bb_ticket_event)-1, &to));
	g_assert_false(bb_ticket_transition(BB_TICKET_WAITING, BB_EV_N_EVENTS, &to));
	g_assert_cmpstr(bb_ticket_state_name(BB_TICKET_N_STATES), ==, "unknown");
	g_assert_cmpstr(bb_ticket_event_name(BB_EV_N_EVENTS), ==, "unknown");
	g_assert_false(bb_ticket_state_is_final(BB_TICKET_N_STATES));
}

/* g_ptr_array_sort passes pointers to the elements. */
static gint cmp_names(gconstpointer a, gconstpointer b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The database trigger ticket_check_transition() (latest definition in sql/migrations) must
 * allow exactly the (from, to) pairs with from != to that the C table allows: two guards that
 * disagree would turn a legal C transition into a database error, or let bad updates through. */
static void test_matches_database_trigger(void)
{
	const char *root = g_getenv("BB_SOURCE_ROOT");
	if (root == NULL) {
		g_test_skip("BB_SOURCE_ROOT not set (run through meson test)");
		return;
	}
	g_autofree char *dir_path = g_build_filename(root, "sql", "migrations", NULL);
	GDir *dir = g_dir_open(dir_path, 0, NULL);
	g_assert_nonnull(dir);
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
	const char *n;
	while ((n = g_dir_read_name(dir)) != NULL) {
		if (g_str_has_suffix(n, ".sql"))
			g_ptr_array_add(names, g_strdup(n));
	}
	g_dir_close(dir);
	g_ptr_array_sort(names, cmp_names);   /* numbered migrations apply in name order */
	char *body = NULL;
	for (guint i = 0; i < names->len; i++) {
		g_autofree char *path = g_build_filename(dir_path, names->pdata[i], NULL);
		g_autofree char *sql = NULL;
		g_assert_true(g_file_get_contents(path, &sql, NULL, NULL));
		const char *start = strstr(sql, "FUNCTION ticket_check_transition()");
		if (start == NULL)
			continue;
		const char *end = strstr(start, "END $$");
		g_assert_nonnull(end);
		g_free(body);
		body = g_strndup(start, (gsize)(end - start));
	}
	g_ptr_array_unref(names);
	g_assert_nonnull(body);

	gboolean in_sql[BB_TICKET_N_STATES][BB_TICKET_N_STATES] = { { FALSE } };
	GRegex *re = g_regex_new("\\('([a-z_]+)',\\s*'([a-z_]+)'\\)", 0, 0, NULL);
	GMatchInfo *mi = NULL;
	int pairs = 0;
	g_regex_match(re, body, 0, &mi);
	while (g_match_info_matches(mi)) {
		g_autofree char *from_s = g_match_info_fetch(mi, 1);
		g_autofree char *to_s = g_match_info_fetch(mi, 2);
		bb_ticket_state from, to;
		g_assert_true(bb_ticket_state_parse(from_s, &from));
		g_assert_true(bb_ticket_state_parse(to_s, &to));
		in_sql[from][to] = TRUE;
		pairs++;
		g_match_info_next(mi, NULL);
	}
	g_match_info_free(mi);
	g_regex_unref(re);
	g_free(body);
	g_assert_cmpint(pairs, >, 0);

	gboolean in_c[BB_TICKET_N_STATES][BB_TICKET_N_STATES] = { { FALSE } };
	for (int s = 0; s < BB_TICKET_N_STATES; s++) {
		for (int e = 0; e < BB_EV_N_EVENTS; e++) {
			bb_ticket_state to;
			if (bb_ticket_transition((bb_ticket_state)s, (bb_ticket_event)e, &to) && (int)to != s)
				in_c[s][to] = TRUE;
		}
	}
	for (int s = 0; s < BB_TICKET_N_STATES; s++) {
		for (int t = 0; t < BB_TICKET_N_STATES; t++) {
			if (in_c[s][t] != in_sql[s][t])
				g_test_message("mismatch %s -> %s: C %d, SQL %d", bb_ticket_state_name(s),
				               bb_ticket_state_name(t), in_c[s][t], in_sql[s][t]);
			g_assert_cmpint(in_c[s][t], ==, in_sql[s][t]);
		}
	}
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	/* report every wrong pair, not just the first */
	g_test_set_nonfatal_assertions();
	for (int s = 0; s < BB_TICKET_N_STATES; s++) {
		for (int e = 0; e < BB_EV_N_EVENTS; e++) {
			char *path = g_strdup_printf("/ticket_state/pair/%s/%s",
			                             bb_ticket_state_name((bb_ticket_state)s),
			                             bb_ticket_event_name((bb_ticket_event)e));
			g_test_add_data_func(path, GINT_TO_POINTER(s * BB_EV_N_EVENTS + e), test_pair);
			g_free(path);
		}
	}
	g_test_add_func("/ticket_state/final", test_final_states);
	g_test_add_func("/ticket_state/names", test_names_roundtrip);
	g_test_add_func("/ticket_state/out_of_range", test_out_of_range);
	g_test_add_func("/ticket_state/matches_database_trigger", test_matches_database_trigger);
	return g_test_run();
}
