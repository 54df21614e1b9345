/* profiles: what people say about themselves, mentor settings, topics. */
#ifndef TANDEM_PROFILES_H
#define TANDEM_PROFILES_H
#include <stdint.h>

#include "core/buf.h"
#include "core/vocab.h"
#include "store/db.h"

#define TOPICS_MAX 12 /* per person and kind */
#define TOPIC_MAX_CHARS 40

/* The mentoring formats, as form values, labels and bits: core/vocab.h. */
/* The bit of a format name, or 0 when unknown. */
unsigned format_bit(const char *name);
/* The label of a format name ("1:1"), or the name itself. */
const char *format_label(const char *name);
/* "1:1, Pairing" for a bit set, into out. */
void format_list(unsigned bits, struct buf *out);

struct profile {
	char team[321];
	char job_title[401];
	char timezone[64];
	char bio[8200];
	int is_mentor;
	int capacity;
	unsigned formats;
	int pairing_goal;     /* pairings a week I intend (issue 17), 0-10 */
	char interests[2401]; /* comma-separated topic names */
	char focus[1200];
};

/* No transaction of its own (a read). The profile time zone of user uid
 * into out (n bytes); "UTC" when unset or on a store error. */
void profile_timezone(struct db *db, int64_t uid, char *out, size_t n);

/* No transaction of its own (a read). Load user_id's profile with both
 * topic lists. DB_OK or DB_NOTFOUND. */
enum db_rc profile_get(struct db *db, int64_t user_id, struct profile *p);

/* Inside the caller's transaction (seeding saves many in one): save
 * profile fields and replace both topic lists (creating new topics). DB_OK
 * or a store error; the caller rolls back on one. */
enum db_rc profile_save(struct db *db, int64_t user_id, const char *display_name, const struct profile *p,
			int64_t now);

/* Own transaction: profile_save for one person's edit (the profile page).
 * DB_OK, or DB_BUSY/DB_ERR with nothing saved. */
enum db_rc profile_update(struct db *db, int64_t user_id, const char *display_name, const struct profile *p,
			  int64_t now);

/* No transaction of its own (a read). Call fn(arg, name) for at most max
 * topics, the most used first (the profile form's suggestions). */
void topics_popular(struct db *db, int max, void (*fn)(void *arg, const char *name), void *arg);

/* An active mentor's public profile; strings valid during the callback. */
struct mentor_public {
	int64_t id, capacity;
	unsigned formats;
	const char *name, *job_title, *team, *timezone, *bio;
};

/* No transaction of its own (a read). Call fn(arg, m) for user id when
 * that person is active and mentors. DB_OK, DB_NOTFOUND or DB_ERR. */
enum db_rc profile_mentor_public(struct db *db, int64_t id,
				 void (*fn)(void *arg, const struct mentor_public *m), void *arg);

/* Split a comma-separated topic list into at most TOPICS_MAX names,
 * trimmed, inner spaces collapsed, duplicates (case-insensitive) dropped.
 * Returns how many; -1 with *why set when a name is too long or too many. */
int topics_split(const char *list, char names[TOPICS_MAX][TOPIC_MAX_CHARS * 4 + 1], const char **why);

/* Inside the caller's transaction. The topic id for a name
 * (case-insensitive), creating it when create is set. DB_OK, DB_NOTFOUND,
 * or an error. */
enum db_rc topic_id(struct db *db, const char *name, int create, int64_t *id);

#endif
