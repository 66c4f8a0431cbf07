/* callback_mail.c: "almost your turn" and "your turn now" mails with the link that resumes the
 * ticket, and the end of the hold (store/callback.h has the whole contract). */
#include "appointments/callback_mail.h"
#include "appointments/appt_internal.h"
#include "appointments/appt_texts.h"

#include "base/logging.h"
#include "base/secret.h"
#include "store/tickets.h"

#include <string.h>

#define MAILS_PER_RUN "20"

/* The words of the two mails, per citizen_lang (German for anything else). Blanks: {number}
 * {office} {ahead} {link} {minutes}. */
typedef struct callback_texts {
	const char *lang;
	const char *subject_almost, *body_almost, *subject_turn, *body_turn, *footer;
} callback_texts;

static const callback_texts texts[] = {
	{"de", "Bald sind Sie dran: {number}, {office}",
	 "Ihre Wartenummer {number} bei {office} ist bald an der Reihe: noch {ahead} vor Ihnen.\n"
	 "Bitte öffnen Sie jetzt diesen Link, um ins virtuelle Wartezimmer zurückzukehren (auf jedem Gerät, in jedem Browser):\n{link}\n",
	 "Sie sind jetzt dran: {number}, {office}",
	 "Ihre Wartenummer {number} bei {office} ist jetzt an der Reihe. Wir halten Ihren Platz {minutes} Minuten frei.\n"
	 "Bitte öffnen Sie diesen Link:\n{link}\nKommen Sie bis dahin nicht zurück, verfällt die Wartenummer.\n",
	 "Sie haben diese Adresse nur für die Wartenummer {number} angegeben. Sie wird gelöscht, sobald die Wartenummer endet.\n"},
	{"en", "Almost your turn: {number}, {office}",
	 "Your ticket {number} at {office} is almost up: {ahead} ahead of you.\n"
	 "Please open this link now to return to the virtual waiting room (on any device, in any browser):\n{link}\n",
	 "Your turn now: {number}, {office}",
	 "Your ticket {number} at {office} is up now. We keep your place for {minutes} minutes.\n"
	 "Please open this link:\n{link}\nIf you do not come back by then, the ticket expires.\n",
	 "You left this address only for ticket {number}. It is erased as soon as the ticket ends.\n"},
	{"tr", "Sıranız yaklaşıyor: {number}, {office}",
	 "{office} için {number} numaralı sıranız yaklaşıyor: önünüzde {ahead} kişi var.\n"
	 "Sanal bekleme odasına dönmek için lütfen şimdi bu bağlantıyı açın (her cihazda, her tarayıcıda):\n{link}\n",
	 "Sıra sizde: {number}, {office}",
	 "{office} için {number} numaralı sıranız geldi. Yerinizi {minutes} dakika tutuyoruz.\n"
	 "Lütfen bu bağlantıyı açın:\n{link}\nO zamana kadar dönmezseniz sıra numaranız geçersiz olur.\n",
	 "Bu adresi yalnızca {number} numaralı sıra için verdiniz. Sıra sona erer ermez silinir.\n"},
	{"ar", "اقترب دورك: {number}، {office}",
	 "اقترب دور رقمك {number} لدى {office}: أمامك {ahead}.\n"
	 "يرجى فتح هذا الرابط الآن للعودة إلى غرفة الانتظار الافتراضية (على أي جهاز وفي أي متصفح):\n{link}\n",
	 "حان دورك الآن: {number}، {office}",
	 "حان الآن دور رقمك {number} لدى {office}. نحتفظ بمكانك لمدة {minutes} دقيقة.\n"
	 "يرجى فتح هذا الرابط:\n{link}\nإذا لم تعد حتى ذلك الحين، ينتهي رقم الانتظار.\n",
	 "لقد أعطيت هذا العنوان فقط لرقم الانتظار {number}. يُحذف فور انتهاء رقم الانتظار.\n"},
	{"uk", "Скоро ваша черга: {number}, {office}",
	 "Ваш номер {number} в {office} скоро буде викликано: перед вами ще {ahead}.\n"
	 "Будь ласка, відкрийте зараз це посилання, щоб повернутися до віртуальної зали очікування (на будь-якому пристрої, у будь-якому браузері):\n{link}\n",
	 "Ваша черга зараз: {number}, {office}",
	 "Ваш номер {number} в {office} зараз на черзі. Ми тримаємо ваше місце {minutes} хвилин.\n"
	 "Будь ласка, відкрийте це посилання:\n{link}\nЯкщо ви не повернетеся до того часу, номер втратить чинність.\n",
	 "Ви залишили цю адресу лише для номера {number}. Її буде видалено, щойно номер завершиться.\n"},
	{"ru", "Скоро ваша очередь: {number}, {office}",
	 "Ваш номер {number} в {office} скоро вызовут: перед вами ещё {ahead}.\n"
	 "Пожалуйста, откройте сейчас эту ссылку, чтобы вернуться в виртуальный зал ожидания (на любом устройстве, в любом браузере):\n{link}\n",
	 "Ваша очередь сейчас: {number}, {office}",
	 "Ваш номер {number} в {office} сейчас на очереди. Мы держим ваше место {minutes} минут.\n"
	 "Пожалуйста, откройте эту ссылку:\n{link}\nЕсли вы не вернётесь к этому времени, номер станет недействительным.\n",
	 "Вы оставили этот адрес только для номера {number}. Он будет удалён, как только номер завершится.\n"},
};

static const callback_texts *texts_for(const char *lang)
{
	for (guint i = 0; lang && i < G_N_ELEMENTS(texts); i++)
		if (strcmp(texts[i].lang, lang) == 0)
			return &texts[i];
	return &texts[0];
}

gboolean bb_callback_enabled(bb_app *app)
{
	return app->cfg.callback_notify_position > 0 && app->cfg.checkin_url && *app->cfg.checkin_url &&
		app->appointments && bb_mailer_enabled(app->appointments->mailer);
}

/* The link's token: an HMAC of the ticket and its address generation under the service's secret,
 * so both mails of one address carry the same link without the token being stored anywhere (the
 * database keeps its SHA-256 only, as of the resume token), and a new address gets a new one. */
static char *link_token(bb_app *app, const char *ticket_id, const char *changes)
{
	g_autofree char *msg = g_strdup_printf("bb-callback-link/1/%s/%s", ticket_id, changes);
	const char *secret = app->cfg.internal_secret ? app->cfg.internal_secret : "";
	return g_compute_hmac_for_string(G_CHECKSUM_SHA256, (const guchar *)secret, strlen(secret), msg, -1);
}

/* Row of a claimed ticket: id, number, office, lang, address, changes, tickets ahead. */
enum { C_ID, C_NUMBER, C_OFFICE, C_LANG, C_EMAIL, C_CHANGES, C_AHEAD };

static void send_one(bb_app *app, const PGresult *r, int i, gboolean turn)
{
	const callback_texts *tx = texts_for(bb_db_str(r, i, C_LANG));
	const bb__appt_texts *atx = bb__appt_texts_for(bb_db_str(r, i, C_LANG));
	bb_office *o = bb_office_get(app, PQgetvalue(r, i, C_OFFICE));
	const char *office = !o ? PQgetvalue(r, i, C_OFFICE) : atx->office_en && o->name_en && *o->name_en ? o->name_en : o->name_de;
	g_autofree char *token = link_token(app, PQgetvalue(r, i, C_ID), PQgetvalue(r, i, C_CHANGES));
	const char *page = app->cfg.checkin_url;
	/* the office too: the widget's `join` names one (the service resumes by the token alone) */
	g_autofree char *link = g_strdup_printf("%s%soffice=%s&resume=%s", page, strchr(page, '?') ? "&" : "?",
		PQgetvalue(r, i, C_OFFICE), token);
	g_autofree char *minutes = g_strdup_printf("%d", (app->cfg.callback_hold_s + 59) / 60);
	const char *number = PQgetvalue(r, i, C_NUMBER);
	g_autofree char *subject = bb__appt_fill(turn ? tx->subject_turn : tx->subject_almost, "number", number,
		"office", office, NULL);
	g_autofree char *body = bb__appt_fill(turn ? tx->body_turn : tx->body_almost, "number", number,
		"office", office, "ahead", PQgetvalue(r, i, C_AHEAD), "link", link, "minutes", minutes, NULL);
	g_autofree char *footer = bb__appt_fill(tx->footer, "number", number, NULL);
	g_autofree char *text = g_strdup_printf("%s\n-- \n%s", body, footer);
	bb_mail mail = {.to = PQgetvalue(r, i, C_EMAIL), .subject = subject, .text = text};
	bb_mailer_send(app->appointments->mailer, &mail);
	bb_info("callback", "ticket=%s office=%s mail=%s", PQgetvalue(r, i, C_ID), PQgetvalue(r, i, C_OFFICE),
		turn ? "turn" : "almost");
}

/* Claims due mails of one kind with one statement and sends them. "almost": waiting tickets
 * with an address and no mail yet, at most callback_notify_position ahead; the claim stores the
 * link token's hash. "turn": tickets whose turn came while away, after their "almost" mail. */
static void send_due(bb_app *app, gboolean turn)
{
	g_autofree char *near = g_strdup_printf("%d", app->cfg.callback_notify_position);
	const char *p[] = {near};
	bb_err err = {0};
	PGresult *r = bb__appt_exec(app, turn
		? "UPDATE ticket t SET callback_mail = 'turn' WHERE t.id IN (SELECT id FROM ticket WHERE state = 'waiting' "
		  "AND callback_email IS NOT NULL AND callback_mail = 'almost' AND callback_turn_at IS NOT NULL "
		  "LIMIT " MAILS_PER_RUN " FOR UPDATE SKIP LOCKED) "
		  "RETURNING t.id, t.number, t.office_id, t.lang, t.callback_email, t.callback_changes, 0"
		: "WITH due AS (SELECT t.id, (SELECT count(*) FROM ticket w WHERE w.office_id = t.office_id "
		  "AND w.state = 'waiting' AND (w.priority > t.priority OR (w.priority = t.priority "
		  "AND (w.arrived_at, w.id) < (t.arrived_at, t.id)))) AS ahead FROM ticket t WHERE t.state = 'waiting' "
		  "AND t.callback_email IS NOT NULL AND t.callback_mail IS NULL) "
		  "SELECT t.id, t.number, t.office_id, t.lang, t.callback_email, t.callback_changes, due.ahead "
		  "FROM ticket t JOIN due ON due.id = t.id WHERE due.ahead <= $1::int LIMIT " MAILS_PER_RUN,
		turn ? 0 : 1, p, &err);
	if (!r) {
		bb_warn("callback", "due %s mails: code=%s", turn ? "turn" : "almost", err.code);
		bb_err_clear(&err);
		return;
	}
	for (int i = 0; i < PQntuples(r); i++) {
		if (!turn) {
			/* the claim: only the instance (and tick) whose UPDATE hits the row sends */
			g_autofree char *token = link_token(app, PQgetvalue(r, i, C_ID), PQgetvalue(r, i, C_CHANGES));
			g_autofree char *hash = bb_token_hash(token);
			const char *q[] = {PQgetvalue(r, i, C_ID), hash, PQgetvalue(r, i, C_CHANGES)};
			PGresult *c = bb__appt_exec(app, "UPDATE ticket SET callback_mail = 'almost', callback_token_hash = $2 "
				"WHERE id = $1 AND state = 'waiting' AND callback_mail IS NULL AND callback_changes = $3::int "
				"AND callback_email IS NOT NULL", 3, q, &err);
			gboolean mine = c && strcmp(PQcmdTuples(c), "1") == 0;
			if (c)
				PQclear(c);
			bb_err_clear(&err);
			if (!mine)
				continue;
		}
		send_one(app, r, i, turn);
	}
	PQclear(r);
}

/* The citizen whose turn came while away did not come back within callback_hold_s: the ticket
 * is handed on (expired, reason callback), so the next citizen's wait is bounded. */
static void hold_expiry(bb_app *app)
{
	g_autofree char *hold = g_strdup_printf("%d", app->cfg.callback_hold_s);
	const char *p[] = {hold};
	bb_err err = {0};
	/* callback_email is set on every such ticket; naming it lets the partial index serve */
	PGresult *r = bb__appt_exec(app, "SELECT id FROM ticket WHERE state = 'waiting' AND callback_email IS NOT NULL "
		"AND callback_turn_at IS NOT NULL AND detached_at IS NOT NULL AND callback_turn_at < now() - make_interval(secs => $1::int) LIMIT 200", 1, p, &err);
	if (!r) {
		bb_err_clear(&err);
		return;
	}
	for (int i = 0; i < PQntuples(r); i++) {
		bb_ticket_change ch = {.event = BB_EV_EXPIRE, .ticket_id = bb_db_int(r, i, 0), .reason = "callback"};
		PGresult *t = bb_ticket_apply(app, &ch, &err);
		if (t) {
			bb_info("callback", "ticket=%s office=%s event=expire reason=callback", PQgetvalue(t, 0, BB_TCOL_ID),
				PQgetvalue(t, 0, BB_TCOL_OFFICE));
			PQclear(t);
		}
		bb_err_clear(&err);
	}
	PQclear(r);
}

void bb_callback_janitor(bb_app *app)
{
	hold_expiry(app);
	if (!bb_callback_enabled(app))
		return;
	send_due(app, FALSE);
	send_due(app, TRUE);
}
