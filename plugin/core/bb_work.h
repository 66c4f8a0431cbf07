/* bb_work.h: the handler thread's one queue of work, kept in arrival order. Every thread that
 * wants signalling state changed posts a work item here; only the handler thread pops them. */
#ifndef BB_WORK_H
#define BB_WORK_H

#include <glib.h>
#include <jansson.h>
#include <janus/refcount.h>

typedef enum bb_work_type {
	BB_WORK_MESSAGE = 0,       /* a request from a browser */
	BB_WORK_CLOSURE,           /* run(payload) on the handler thread (queue-service answers) */
	BB_WORK_QUEUE_EVENT,       /* an unsolicited event from the queue service */
	BB_WORK_HANDLE_GONE,       /* Janus destroyed the handle */
	BB_WORK_MEDIA_HANGUP,      /* the PeerConnection of a handle ended */
	BB_WORK_QUEUE_DOWN,        /* lost the queue service */
	BB_WORK_QUEUE_UP,          /* queue service reachable again (hello answered) */
	BB_WORK_STOP,
} bb_work_type;

struct bb_session;

typedef struct bb_work {
	bb_work_type type;
	struct bb_session *session;     /* referenced through session_ref, or NULL */
	janus_refcount *session_ref;
	char *transaction;
	json_t *message;                /* referenced */
	json_t *jsep;                   /* referenced */
	void (*run)(gpointer payload);  /* CLOSURE: runs on the handler thread ... */
	void (*drop)(gpointer payload); /* ... or drop() frees the payload unrun (shutdown) */
	gpointer payload;
} bb_work;

void bb_work_init(void);
/* Frees every item still queued (after the handler thread stopped). */
void bb_work_clear(void);
/* Takes ownership of w; frees it at once when the plugin is stopping (except STOP). */
void bb_work_push(bb_work *w);
/* Convenience: a work item of `type` about a session (reference taken over) and a message. */
void bb_work_post(bb_work_type type, struct bb_session *session, janus_refcount *session_ref,
	char *transaction, json_t *message, json_t *jsep);
void bb_work_post_closure(void (*run)(gpointer), void (*drop)(gpointer), gpointer payload);
/* Handler thread: waits for the next item at most timeout_us; NULL when none came. */
bb_work *bb_work_pop(gint64 timeout_us);
void bb_work_free(bb_work *w);

#endif
