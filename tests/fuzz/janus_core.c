/* janus_core.c: the few Janus core symbols the plugin imports (nm -D --undefined-only on
 * libjanus_buergerbuero.so), written here so that tests/fuzz/fuzz_plugin.c can link the plugin's
 * sources without Janus: logging, the plugin result helper, a reader for the jcfg subset the
 * plugin's settings use, and REMB parsing (draft-alvestrand-rmcat-remb). Small, but working: the
 * plugin's code paths that call them run for real. */
#include <jansson.h>
#include <janus/config.h>
#include <janus/debug.h>
#include <janus/plugins/plugin.h>
#include <janus/rtcp.h>
#include <janus/sdp-utils.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ---- logging (debug.h, log.h, mutex.h, refcount.h) ------------------------------------------ */

int janus_log_level = LOG_MAX;     /* every line is formatted (format strings get exercised) */
gboolean janus_log_timestamps = FALSE;
gboolean janus_log_colors = FALSE;
char *janus_log_global_prefix = NULL;
int lock_debug = 0;
int refcount_debug = 0;

/* Set by the harness: sees every formatted line (it watches for lines that mean a plugin bug). */
void (*janus_core_log_hook)(const char *line);

void janus_vprintf(const char *format, ...) {
	char line[2048];
	va_list args;
	va_start(args, format);
	vsnprintf(line, sizeof(line), format, args);
	va_end(args);
	if(janus_core_log_hook)
		janus_core_log_hook(line);
	if(g_getenv("BB_FUZZ_LOG"))
		fputs(line, stderr);
}

/* ---- plugin.h ------------------------------------------------------------------------------- */

janus_plugin_result *janus_plugin_result_new(janus_plugin_result_type type, const char *text, json_t *content) {
	janus_plugin_result *result = g_new0(janus_plugin_result, 1);
	result->type = type;
	result->text = text;        /* static text, as in Janus */
	result->content = content;  /* reference taken over */
	return result;
}

void janus_plugin_result_destroy(janus_plugin_result *result) {
	if(!result)
		return;
	if(result->content)
		json_decref(result->content);
	g_free(result);
}

/* ---- config.h: the jcfg subset of janus.plugin.buergerbuero.jcfg ----------------------------
 * Categories `name: {` ... `}` holding items `key = value` (value quoted or bare); `#` and `//`
 * start comments. Enough for the plugin's own file; arrays and nesting are not needed. */

static janus_config_container *container_new(janus_config_type type, const char *name, const char *value) {
	janus_config_container *c = g_new0(janus_config_container, 1);
	c->type = type;
	c->name = g_strdup(name);
	c->value = g_strdup(value);
	return c;
}

static void container_free(gpointer p) {
	janus_config_container *c = p;
	g_list_free_full(c->list, container_free);
	g_free((char *)c->name);
	g_free((char *)c->value);
	g_free(c);
}

janus_config *janus_config_parse(const char *config_file) {
	char *text = NULL;
	if(!config_file || !g_file_get_contents(config_file, &text, NULL, NULL))
		return NULL;
	janus_config *config = g_new0(janus_config, 1);
	config->is_jcfg = TRUE;
	config->name = g_path_get_basename(config_file);
	janus_config_container *category = NULL;
	char **lines = g_strsplit(text, "\n", -1);
	for(char **l = lines; *l; l++) {
		char *line = g_strstrip(*l);
		char *comment = strstr(line, "//");
		if(comment)
			*comment = '\0';
		if((comment = strchr(line, '#')) != NULL)
			*comment = '\0';
		line = g_strstrip(line);
		size_t len = strlen(line);
		if(len == 0)
			continue;
		if(strcmp(line, "}") == 0) {
			category = NULL;
		} else if(len > 1 && line[len - 1] == '{') {
			char *colon = strchr(line, ':');
			if(colon)
				*colon = '\0';
			category = container_new(janus_config_type_category, g_strstrip(line), NULL);
			config->list = g_list_append(config->list, category);
		} else {
			char *eq = strchr(line, '=');
			if(!eq)
				continue;
			*eq = '\0';
			char *value = g_strstrip(eq + 1);
			size_t vlen = strlen(value);
			if(vlen >= 2 && value[0] == '"' && value[vlen - 1] == '"') {
				value[vlen - 1] = '\0';
				value++;
			}
			janus_config_container *item = container_new(janus_config_type_item, g_strstrip(line), value);
			if(category)
				category->list = g_list_append(category->list, item);
			else
				config->list = g_list_append(config->list, item);
		}
	}
	g_strfreev(lines);
	g_free(text);
	return config;
}

janus_config_container *janus_config_get(janus_config *config, janus_config_container *parent,
		janus_config_type type, const char *name) {
	if(!config || !name)
		return NULL;
	for(GList *l = parent ? parent->list : config->list; l; l = l->next) {
		janus_config_container *c = l->data;
		if((type == janus_config_type_any || c->type == type) && c->name && strcmp(c->name, name) == 0)
			return c;
	}
	return NULL;
}

void janus_config_destroy(janus_config *config) {
	if(!config)
		return;
	g_list_free_full(config->list, container_free);
	g_free((char *)config->name);
	g_free(config);
}

/* ---- rtcp.h: REMB in a compound RTCP packet -------------------------------------------------
 * Each RTCP packet: V=2 (2 bits), P, FMT (5 bits) | PT | length in 32-bit words minus one. REMB
 * is PSFB (206) with FMT 15: sender SSRC, media SSRC (0), "REMB", number of SSRCs (8 bits),
 * exponent (6 bits), mantissa (18 bits), then the SSRCs. */

#define RTCP_PSFB 206

/* The REMB block's exponent/mantissa bytes (3 bytes at the returned pointer), or NULL. */
static unsigned char *find_remb(char *packet, int len) {
	if(!packet || len <= 0)
		return NULL;
	unsigned char *p = (unsigned char *)packet;
	size_t left = (size_t)len;
	while(left >= 4) {
		if((p[0] >> 6) != 2)
			return NULL;
		size_t size = ((size_t)((p[2] << 8) | p[3]) + 1) * 4;
		if(size > left)
			return NULL;
		if(p[1] == RTCP_PSFB && (p[0] & 0x1f) == 15 && size >= 20 && memcmp(p + 12, "REMB", 4) == 0)
			return p + 17;
		p += size;
		left -= size;
	}
	return NULL;
}

uint32_t janus_rtcp_get_remb(char *packet, int len) {
	unsigned char *b = find_remb(packet, len);
	if(!b)
		return 0;
	unsigned exp = b[0] >> 2;
	uint64_t mantissa = ((uint64_t)(b[0] & 0x03) << 16) | ((uint64_t)b[1] << 8) | b[2];
	uint64_t bitrate = exp >= 32 ? (mantissa ? UINT32_MAX : 0) : mantissa << exp;
	return bitrate > UINT32_MAX ? UINT32_MAX : (uint32_t)bitrate;
}

int janus_rtcp_cap_remb(char *packet, int len, uint32_t bitrate) {
	unsigned char *b = find_remb(packet, len);
	if(!b)
		return -1;
	if(janus_rtcp_get_remb(packet, len) <= bitrate)
		return 0;
	uint32_t mantissa = bitrate;
	unsigned exp = 0;
	while(mantissa > 0x3ffff) {
		mantissa >>= 1;
		exp++;
	}
	b[0] = (unsigned char)((exp << 2) | (mantissa >> 16));
	b[1] = (unsigned char)(mantissa >> 8);
	b[2] = (unsigned char)mantissa;
	return 0;
}

/* SDP (sdp-utils.c is not in janus-dev): the stand-in parser parses nothing, so the plugin passes
 * SDP on unchanged and refuses an interpreter (consultation/bb_sdp_pairs.c, bb_interpreter.c),
 * as it does with an SDP Janus cannot parse. The other calls are then never reached. */
janus_sdp *janus_sdp_parse(const char *sdp, char *error, size_t errlen) {
	if(error && errlen)
		g_strlcpy(error, "no SDP parser in the fuzz harness", errlen);
	return NULL;
}
void janus_sdp_destroy(janus_sdp *sdp) {
	(void)sdp;
}
char *janus_sdp_write(janus_sdp *sdp) {
	(void)sdp;
	return NULL;
}
janus_sdp_mline *janus_sdp_mline_find_by_index(janus_sdp *sdp, int index) {
	(void)sdp; (void)index;
	return NULL;
}
janus_sdp *janus_sdp_generate_answer(janus_sdp *offer) {
	(void)offer;
	return NULL;
}
int janus_sdp_generate_answer_mline(janus_sdp *offer, janus_sdp *answer, janus_sdp_mline *offered, ...) {
	(void)offer; (void)answer; (void)offered;
	return -1;
}
int janus_sdp_get_codec_pt(janus_sdp *sdp, int index, const char *codec) {
	(void)sdp; (void)index; (void)codec;
	return -1;
}
const char *janus_sdp_get_codec_name(janus_sdp *sdp, int index, int pt) {
	(void)sdp; (void)index; (void)pt;
	return NULL;
}
