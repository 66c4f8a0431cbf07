/* appt_texts.c: the appointment mails' and calendar files' texts in the six citizen languages. */
#include "appointments/appt_texts.h"
#include "bb_protocol.h"

#include <stdarg.h>
#include <string.h>

/* One row per citizen_lang, in the catalogue's order; the first is the fallback. Dates and times
 * are filled in as YYYY-MM-DD and HH:MM in every language (unambiguous, no month names). */
static const bb__appt_texts texts[] = {
	{
		.lang = "de",
		.subject_confirm = "Terminbestätigung: {office}, {date} {time}",
		.subject_reminder = "Erinnerung: {office}, {date} {time}",
		.subject_cancel = "Termin storniert: {office}, {date} {time}",
		.body_confirm = "Ihr Termin bei {office} am {date} um {time} Uhr ist gebucht.\n"
			"Bestätigungscode: {code}\n"
			"Check-in im virtuellen Wartezimmer: {before} Minuten vorher bis {after} Minuten nach Beginn.\n",
		.body_reminder = "Erinnerung an Ihren Termin bei {office} am {date} um {time} Uhr. Bitte halten "
			"Sie den Bestätigungscode aus der Terminbestätigung bereit.\n",
		.body_cancel = "Ihr Termin bei {office} am {date} um {time} Uhr wurde storniert.\n",
		.greeting = "Guten Tag {name},\n\n",
		.footer = "Diese Nachricht ging an: {contact}\n",
		.ics_summary = "Video-Termin: {office}",
		.ics_location = "Online (Video) – {office}",
		.ics_description = "Video-Termin bei {office}: Das Gespräch findet per Video statt, Sie müssen "
			"nicht ins Amt kommen.\nBestätigungscode: {code}\nDer Check-in im virtuellen Wartezimmer ist "
			"von {before} Minuten vor bis {after} Minuten nach Beginn möglich{link}",
		.code_unknown = "(siehe Bestätigung)",
	},
	{
		.lang = "en", .office_en = TRUE,
		.subject_confirm = "Appointment confirmed: {office}, {date} {time}",
		.subject_reminder = "Reminder: {office}, {date} {time}",
		.subject_cancel = "Appointment cancelled: {office}, {date} {time}",
		.body_confirm = "Your appointment with {office} on {date} at {time} is booked.\n"
			"Confirmation code: {code}\n"
			"Check in to the virtual waiting room from {before} minutes before until {after} minutes "
			"after the start.\n",
		.body_reminder = "Reminder of your appointment with {office} on {date} at {time}. Please have "
			"the confirmation code from your confirmation mail at hand.\n",
		.body_cancel = "Your appointment with {office} on {date} at {time} has been cancelled.\n",
		.greeting = "Hello {name},\n\n",
		.footer = "This message was sent to: {contact}\n",
		.ics_summary = "Video appointment: {office}",
		.ics_location = "Online (video) – {office}",
		.ics_description = "Video appointment with {office}: the consultation is by video, there is no "
			"need to come to the office.\nConfirmation code: {code}\nCheck in to the virtual waiting "
			"room from {before} minutes before until {after} minutes after the start{link}",
		.code_unknown = "(see confirmation)",
	},
	{
		.lang = "tr",
		.subject_confirm = "Randevu onayı: {office}, {date} {time}",
		.subject_reminder = "Hatırlatma: {office}, {date} {time}",
		.subject_cancel = "Randevu iptal edildi: {office}, {date} {time}",
		.body_confirm = "Randevunuz alındı: {office}, {date}, saat {time}.\n"
			"Onay kodu: {code}\n"
			"Sanal bekleme odasına giriş: başlangıçtan {before} dakika önce ile {after} dakika sonra arasında.\n",
		.body_reminder = "Randevunuzu hatırlatırız: {office}, {date}, saat {time}. Lütfen randevu "
			"onayındaki onay kodunu hazır bulundurun.\n",
		.body_cancel = "Randevunuz iptal edildi: {office}, {date}, saat {time}.\n",
		.greeting = "Merhaba {name},\n\n",
		.footer = "Bu mesaj şu adrese gönderildi: {contact}\n",
		.ics_summary = "Görüntülü randevu: {office}",
		.ics_location = "Çevrimiçi (görüntülü) – {office}",
		.ics_description = "Görüntülü randevu: {office}. Görüşme görüntülü yapılır, daireye gelmenize "
			"gerek yoktur.\nOnay kodu: {code}\nSanal bekleme odasına giriş, başlangıçtan {before} dakika "
			"önce ile {after} dakika sonra arasında mümkündür{link}",
		.code_unknown = "(onay e-postasına bakın)",
	},
	{
		.lang = "ar",
		.subject_confirm = "تأكيد الموعد: {office}، {date} {time}",
		.subject_reminder = "تذكير: {office}، {date} {time}",
		.subject_cancel = "تم إلغاء الموعد: {office}، {date} {time}",
		.body_confirm = "تم حجز موعدك: {office}، {date}، الساعة {time}.\n"
			"رمز التأكيد: {code}\n"
			"تسجيل الحضور في غرفة الانتظار الافتراضية: من {before} دقيقة قبل البداية حتى {after} دقيقة بعدها.\n",
		.body_reminder = "تذكير بموعدك: {office}، {date}، الساعة {time}. يرجى تجهيز رمز التأكيد من "
			"رسالة تأكيد الموعد.\n",
		.body_cancel = "تم إلغاء موعدك: {office}، {date}، الساعة {time}.\n",
		.greeting = "مرحبًا {name}،\n\n",
		.footer = "أُرسلت هذه الرسالة إلى: {contact}\n",
		.ics_summary = "موعد عبر الفيديو: {office}",
		.ics_location = "عبر الإنترنت (فيديو) – {office}",
		.ics_description = "موعد عبر الفيديو: {office}. تتم المحادثة عبر الفيديو، ولا داعي للحضور إلى "
			"المكتب.\nرمز التأكيد: {code}\nيمكن تسجيل الحضور في غرفة الانتظار الافتراضية من {before} "
			"دقيقة قبل البداية حتى {after} دقيقة بعدها{link}",
		.code_unknown = "(انظر رسالة التأكيد)",
	},
	{
		.lang = "uk",
		.subject_confirm = "Підтвердження запису: {office}, {date} {time}",
		.subject_reminder = "Нагадування: {office}, {date} {time}",
		.subject_cancel = "Запис скасовано: {office}, {date} {time}",
		.body_confirm = "Ваш запис підтверджено: {office}, {date} о {time}.\n"
			"Код підтвердження: {code}\n"
			"Реєстрація у віртуальній залі очікування: від {before} хв до початку до {after} хв після початку.\n",
		.body_reminder = "Нагадуємо про ваш запис: {office}, {date} о {time}. Будь ласка, майте під "
			"рукою код підтвердження з листа-підтвердження.\n",
		.body_cancel = "Ваш запис скасовано: {office}, {date} о {time}.\n",
		.greeting = "Добрий день, {name}!\n\n",
		.footer = "Цей лист надіслано на адресу: {contact}\n",
		.ics_summary = "Відеоприйом: {office}",
		.ics_location = "Онлайн (відео) – {office}",
		.ics_description = "Відеоприйом: {office}. Розмова відбувається по відео, приходити до установи "
			"не потрібно.\nКод підтвердження: {code}\nЗареєструватися у віртуальній залі очікування можна "
			"від {before} хв до початку до {after} хв після початку{link}",
		.code_unknown = "(див. підтвердження)",
	},
	{
		.lang = "ru",
		.subject_confirm = "Подтверждение записи: {office}, {date} {time}",
		.subject_reminder = "Напоминание: {office}, {date} {time}",
		.subject_cancel = "Запись отменена: {office}, {date} {time}",
		.body_confirm = "Ваша запись подтверждена: {office}, {date} в {time}.\n"
			"Код подтверждения: {code}\n"
			"Регистрация в виртуальном зале ожидания: от {before} мин до начала до {after} мин после начала.\n",
		.body_reminder = "Напоминаем о вашей записи: {office}, {date} в {time}. Пожалуйста, держите под "
			"рукой код подтверждения из письма с подтверждением.\n",
		.body_cancel = "Ваша запись отменена: {office}, {date} в {time}.\n",
		.greeting = "Здравствуйте, {name}!\n\n",
		.footer = "Это сообщение отправлено на адрес: {contact}\n",
		.ics_summary = "Видеоприём: {office}",
		.ics_location = "Онлайн (видео) – {office}",
		.ics_description = "Видеоприём: {office}. Разговор проходит по видео, приходить в учреждение не "
			"нужно.\nКод подтверждения: {code}\nЗарегистрироваться в виртуальном зале ожидания можно от "
			"{before} мин до начала до {after} мин после начала{link}",
		.code_unknown = "(см. подтверждение)",
	},
};

G_STATIC_ASSERT(G_N_ELEMENTS(texts) == BB_CITIZEN_LANG_N);

const bb__appt_texts *bb__appt_texts_for(const char *lang)
{
	for (gsize i = 0; lang && i < G_N_ELEMENTS(texts); i++)
		if (strcmp(texts[i].lang, lang) == 0)
			return &texts[i];
	return &texts[0];
}

char *bb__appt_fill(const char *tmpl, ...)
{
	GString *out = g_string_new(NULL);
	const char *p = tmpl;
	while (*p) {
		const char *open = strchr(p, '{');
		const char *close = open ? strchr(open, '}') : NULL;
		if (!close) {
			g_string_append(out, p);
			break;
		}
		g_string_append_len(out, p, open - p);
		const char *value = NULL;
		va_list ap;
		va_start(ap, tmpl);
		for (const char *key; !value && (key = va_arg(ap, const char *));) {
			const char *v = va_arg(ap, const char *);
			if (strlen(key) == (gsize)(close - open - 1) && strncmp(key, open + 1, close - open - 1) == 0)
				value = v ? v : "";
		}
		va_end(ap);
		if (value)
			g_string_append(out, value);
		else
			g_string_append_len(out, open, close - open + 1);
		p = close + 1;
	}
	return g_string_free(out, FALSE);
}
