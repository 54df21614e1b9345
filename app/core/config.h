/* config: settings from the environment, read once at start. */
#ifndef TANDEM_CONFIG_H
#define TANDEM_CONFIG_H

struct config {
	char root[4096]; /* project root: templates/, sql/, static/ */
	char data[4096]; /* $TANDEM_DATA, absolute */
	char db_path[4200];
	char sock_path[4200];
	char key_path[4200];
	int workers;	  /* $TANDEM_WORKERS, default: cores */
	int auth_workers; /* $TANDEM_AUTH_WORKERS: the sign-in pool (argon2id), default cores / 2, at least 1
			   */
	char auth_sock_path[4210]; /* the sign-in pool's socket: the socket's name with "-auth" */
	int port;		   /* $TANDEM_PORT, default 8080 */
	int idle_minutes;	   /* $TANDEM_IDLE_MINUTES, default 30 */
	int session_hours;	   /* $TANDEM_SESSION_HOURS, default 12 */
	int cores;
	int survey_k;	 /* $TANDEM_SURVEY_K: smallest group shown, default 5, at least 3 */
	int max_mentors; /* $TANDEM_MAX_MENTORS: active mentorships per mentee, default 3 (issue 21) */
	/* $TANDEM_ORIGIN: the origins forms may be posted from, comma-separated,
	 * e.g. "https://mentoring.example.com". Default: this machine's
	 * http://127.0.0.1:PORT and http://localhost:PORT. */
	char origins[1024];
	/* $TANDEM_BASE_URL: what links in mail and feeds start with
	 * ("https://mentoring.example.com", no trailing slash). Default: the
	 * first of the origins. */
	char base_url[1024];
	/* $TANDEM_USER: who `serve` becomes when started as root (default
	 * "tandem"); unused otherwise. */
	char user[64];
	/* Mail (server/sender.c). $TANDEM_SMTP_URL: smtp://host:port (STARTTLS
	 * required unless the host is loopback) or smtps://host:port; empty:
	 * each message is written to $TANDEM_DATA/mail/ID.eml instead. */
	char smtp_url[512];
	char smtp_user[256];	 /* $TANDEM_SMTP_USER, or "" */
	char smtp_password[256]; /* read once from $TANDEM_SMTP_PASSWORD_FILE; never logged */
	/* $TANDEM_MAIL_FROM: the sender address; default tandem@ the base URL's host. */
	char mail_from[320];
	char mail_host[256]; /* the base URL's host: Message-IDs and calendar UIDs */
	/* issue 16: $TANDEM_ADMIN_MFA: "required" (default, 1) or "optional"
	 * (0): whether an admin must have and pass a second factor for /admin. */
	int admin_mfa_required;
	/* Issue 16: who may sign up. $TANDEM_SIGNUP_DOMAINS: the address
	 * domains allowed, comma-separated, lower case ("" any);
	 * $TANDEM_SIGNUP: "open" (default) or "invite" (only invited people
	 * join, through their invitation link); $TANDEM_SIGNUP_VERIFY: 1
	 * (default) a new account verifies its address before it is listed
	 * or may ask for mentoring, 0 not. */
	char signup_domains[1024];
	int signup_invite;
	int signup_verify;
};

/* Fill cfg from the environment. Returns 0, or -1 after printing why to
 * stderr (e.g. a data directory that cannot be created). */
int config_load(struct config *cfg);

#endif
