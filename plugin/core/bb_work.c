/* bb_work.c: the handler thread's work queue. */
#include "core/bb_work.h"
#include "core/bb_context.h"

static GAsyncQueue *queue;

void bb_work_init(void) {
	queue = g_async_queue_new();
}

void bb_work_free(bb_work *w) {
	if(!w)
		return;
	if(w->session_ref)
		janus_refcount_decrease(w->session_ref);
	g_free(w->transaction);
	if(w->message)
		json_decref(w->message);
	if(w->jsep)
		json_decref(w->jsep);
	if(w->type == BB_WORK_CLOSURE && w->drop)
		w->drop(w->payload);
	g_free(w);
}

void bb_work_clear(void) {
	if(!queue)
		return;
	bb_work *w;
	while((w = g_async_queue_try_pop(queue)) != NULL)
		bb_work_free(w);
	g_async_queue_unref(queue);
	queue = NULL;
}

void bb_work_push(bb_work *w) {
	if(!queue || (w->type != BB_WORK_STOP && g_atomic_int_get(&bb_ctx.stopping))) {
		bb_work_free(w);
		return;
	}
	g_async_queue_push(queue, w);
}

void bb_work_post(bb_work_type type, struct bb_session *session, janus_refcount *session_ref,
		char *transaction, json_t *message, json_t *jsep) {
	bb_work *w = g_new0(bb_work, 1);
	w->type = type;
	w->session = session;
	w->session_ref = session_ref;
	w->transaction = transaction;
	w->message = message;
	w->jsep = jsep;
	bb_work_push(w);
}

void bb_work_post_closure(void (*run)(gpointer), void (*drop)(gpointer), gpointer payload) {
	bb_work *w = g_new0(bb_work, 1);
	w->type = BB_WORK_CLOSURE;
	w->run = run;
	w->drop = drop;
	w->payload = payload;
	bb_work_push(w);
}

bb_work *bb_work_pop(gint64 timeout_us) {
	return g_async_queue_timeout_pop(queue, (guint64)timeout_us);
}
