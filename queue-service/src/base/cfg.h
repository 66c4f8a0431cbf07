/* cfg.h: the service configuration. One table of keys (cfg.c) drives defaults, the config file,
 * environment overrides, --help and buergerbuero-queue.conf.sample. */
#ifndef BB_CFG_H
#define BB_CFG_H

#include <glib.h>

typedef struct bb_cfg {
	char *database_url;
	char *http_bind;
	int http_port;
	char *internal_bind;
	int internal_port;
	char *internal_secret;     /* never logged */
	char *static_dir;
	char *janus_url;           /* for browsers: "/path" on the API's origin or ws(s)://host... */
	char *checkin_url;         /* page with the widget the .ics links to; "" = no link */
	char *sql_dir;
	char *log_level;
	char *log_format;          /* text | json (base/logging.h) */
	int session_ttl_s;
	int presence_timeout_s;
	int plugin_grace_s;
	int permit_burst, permit_refill_s, permit_ttl_s;
	int booking_burst, booking_refill_s;
	int retention_s;           /* 0: personal fields erased at the end of the office's local day */
	int ws_queue_max;          /* outgoing messages queued per WebSocket before it is closed */
	int db_timeout_ms;         /* statement timeout of the service's queries */
	int db_pool_size;          /* connections for internal API ops; > 1: worker threads (db/pool.h) */
	int login_hash_threads;    /* threads checking login passwords (store/login.h) */
	int login_hash_queue;      /* login checks that may wait for those threads; more: 429 */
	/* appointments (appointments/appointments.c) */
	int checkin_before_s;      /* check-in opens this long before the slot */
	int checkin_after_s;       /* ... and closes this long after its start */
	int appointment_retention_s; /* name, contact, concern erased this long after the slot */
	int reminder_before_s;     /* reminder mail this long before the slot (0 = none) */
	char *smtp_url;            /* empty: no mail */
	char *smtp_from;
	/* callback by e-mail for waiting citizens (appointments/callback_mail.c, store/callback.c) */
	int callback_notify_position; /* "almost your turn" mail at this many tickets ahead; 0 = off */
	int callback_hold_s;       /* an away ticket whose turn came waits this long, then expires */
	int callback_snooze_places; /* "5 more minutes" moves a ticket back this many places */
	int callback_burst, callback_refill_s;   /* address changes per client address */
	/* ICE servers for browsers (domain/ice.c) and the client address behind proxies (client_addr.c) */
	char *turn_uris;            /* comma-separated turn:/turns: URIs; empty: no TURN */
	char *stun_uris;            /* comma-separated stun: URIs */
	char *turn_secret;          /* coturn static-auth-secret; never logged */
	int turn_ttl_s;             /* lifetime of TURN credentials */
	char *trusted_proxies;      /* comma-separated addresses/CIDRs whose X-Forwarded-For is believed */
	/* clerk sign-in with the county's directory (store/ldap_auth.h); ldap_url empty: off */
	char *ldap_url;             /* ldap:// or ldaps:// URIs, separated by blanks (tried in order) */
	int ldap_starttls;          /* 1: StartTLS on ldap:// (required then) */
	char *ldap_ca_file;         /* CA certificates for the directory's TLS; empty: the system's */
	char *ldap_bind_dn;         /* service account that searches users and groups; empty: anonymous */
	char *ldap_bind_password;   /* never logged */
	char *ldap_user_base;
	char *ldap_user_filter;     /* %s: the login (escaped) */
	char *ldap_display_attr;
	char *ldap_group_base;      /* empty: ldap_user_base */
	char *ldap_group_filter;    /* %d: the user's DN, %s: the login (escaped) */
	char *ldap_group_prefix;    /* a group named <prefix><office id> grants that office */
	char *ldap_admin_group;     /* a group of this name grants role admin; empty: none */
	char *ldap_supervisor_group;   /* ... role supervisor (with its office groups); empty: none */
	int ldap_timeout_s;         /* connect timeout, and limit of each directory operation */
} bb_cfg;

/* Defaults, then the file (if path != NULL; a missing explicit file is an error), then the
 * environment. Returns FALSE with *error set on a bad file line or value. */
gboolean bb_cfg_load(bb_cfg *cfg, const char *path, GError **error);
void bb_cfg_clear(bb_cfg *cfg);
/* The keys as text for --help (one line per key with env var, default and help). */
char *bb_cfg_help(void);
/* The keys as a commented sample config file. */
char *bb_cfg_sample(void);

#endif
