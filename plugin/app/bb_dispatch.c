/* bb_dispatch.c: the handler thread's work, one item at a time (the thread is in app/bb_plugin.c). */
#include "app/bb_dispatch.h"
#include "consultation/bb_consultation.h"
#include "requests/bb_events.h"
#include "requests/bb_request.h"
#include "session/bb_session.h"

/* The handle is gone for good: whatever it took part in ends (bb_citizen_gone, bb_clerk_gone),
 * its waiting requests are dropped, and its media peer released (its loop thread has stopped). */
static void handle_gone(bb_session *s) {
	bb_request_drop_backlog(s);
	if(bb_session_role(s) == BB_ROLE_CLERK)
		bb_clerk_gone(s);
	else if(bb_session_role(s) == BB_ROLE_INTERPRETER)
		bb_interpreter_gone(s);
	else
		bb_citizen_gone(s);
	(void)bb_session_set_state(s, BB_STATE_GONE);
	bb_consultation_forget_media(s);
}

/* A handle's PeerConnection ended (hangup_media): a clerk's that ended on its own takes its
 * unanswered call with it; then the consultation sees to its sides (bb_consultation_pc_ended). */
static void media_hangup(bb_session *s) {
	gboolean requested = bb_session_pc_ended(s);
	if(!requested && bb_session_role(s) == BB_ROLE_CLERK)
		bb_clerk_pc_lost(s);
	bb_consultation_pc_ended(s, requested);
}

void bb_dispatch_tick(gint64 now_us) {
	GPtrArray *clerks = bb_registry_snapshot(BB_ROLE_CLERK);
	for(guint i = 0; i < clerks->len; i++) {
		bb_session *clerk = g_ptr_array_index(clerks, i);
		if(clerk->consultation)
			bb_consultation_watch(clerk->consultation, now_us);
	}
	g_ptr_array_free(clerks, TRUE);
}

void bb_dispatch(bb_work *w) {
	switch(w->type) {
	case BB_WORK_MESSAGE:
		bb_request_submit(w);   /* takes the work item over */
		return;
	case BB_WORK_CLOSURE:
		w->run(w->payload);
		w->drop = NULL;         /* ran: the payload belongs to the continuation now */
		break;
	case BB_WORK_QUEUE_EVENT:
		bb_events_dispatch(w->message);
		break;
	case BB_WORK_HANDLE_GONE:
		handle_gone(w->session);
		break;
	case BB_WORK_MEDIA_HANGUP:
		media_hangup(w->session);
		break;
	case BB_WORK_QUEUE_DOWN:
		bb_events_queue_down();
		break;
	case BB_WORK_QUEUE_UP:
		bb_events_queue_up();
		break;
	default:
		break;
	}
	bb_work_free(w);
}
