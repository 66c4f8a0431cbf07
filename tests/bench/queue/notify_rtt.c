/* notify_rtt.c: PostgreSQL's own NOTIFY -> LISTEN round trip, the baseline of positions.mjs.
 * One connection LISTENs and waits on its socket with poll() (as the service's loop does), another
 * sends NOTIFY; prints one round trip in microseconds per line.
 * Usage: notify_rtt CONNINFO COUNT */
#include <libpq-fe.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static long long now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

static PGconn *connect_or_die(const char *conninfo)
{
	PGconn *c = PQconnectdb(conninfo);
	if (PQstatus(c) != CONNECTION_OK) {
		fprintf(stderr, "connect: %s", PQerrorMessage(c));
		exit(1);
	}
	return c;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: notify_rtt CONNINFO COUNT\n");
		return 2;
	}
	int count = atoi(argv[2]);
	PGconn *listener = connect_or_die(argv[1]);
	PGconn *sender = connect_or_die(argv[1]);
	PQclear(PQexec(listener, "LISTEN bb_bench"));
	PQsetnonblocking(listener, 1);
	for (int i = 0; i < count; i++) {
		long long t0 = now_us();
		PQclear(PQexec(sender, "NOTIFY bb_bench, 'x'"));
		PGnotify *n = NULL;
		while (!n) {
			struct pollfd p = {.fd = PQsocket(listener), .events = POLLIN};
			if (poll(&p, 1, 5000) <= 0) {
				fprintf(stderr, "no notification within 5 s\n");
				return 1;
			}
			PQconsumeInput(listener);
			n = PQnotifies(listener);
		}
		PQfreemem(n);
		printf("%lld\n", now_us() - t0);
	}
	PQfinish(listener);
	PQfinish(sender);
	return 0;
}
