/* request_lists: the reads of the requests aggregate that pages show
 * (lists, one request, the mentee's pending count). Writes are
 * store/requests.h. None of these opens a transaction: each is a read,
 * inside the request's read snapshot when the caller holds one. */
#ifndef TANDEM_REQUEST_LISTS_H
#define TANDEM_REQUEST_LISTS_H
#include <stdint.h>

#include "store/db.h"
#include "store/keyset.h"

/* One line of a request list; strings valid during the callback only. */
struct req_row {
	int64_t id, created_at;
	const char *other; /* the other person's display name */
	const char *topic;
	const char *status; /* as of now (REQ_STATUS_SQL) */
};
typedef void (*req_row_fn)(void *arg, const struct req_row *row);

/* uid's requests as mentor (incoming) or as mentee, newest first (ties
 * by id), at most max (<= 200) after the cursor; *more is 1 when a
 * further page follows. One index range whatever uid's history. DB_OK or
 * a store error. */
enum db_rc req_list(struct db *db, int64_t uid, int incoming, int64_t now, const struct keyset *after,
		    int max, req_row_fn fn, void *arg, int *more);

/* The dashboard's lists: pending requests waiting on mentor uid (oldest
 * first), or mentee uid's pending requests and those closed in the last
 * 30 days. At most 50. DB_OK or DB_ERR. */
enum db_rc req_waiting_on(struct db *db, int64_t uid, int64_t now, req_row_fn fn, void *arg);
enum db_rc req_mine_recent(struct db *db, int64_t uid, int64_t now, req_row_fn fn, void *arg);

/* One request as its page shows it; strings valid during the callback. */
struct req_detail {
	int64_t id, mentee_id, mentor_id, created_at, mentorship_id; /* 0: none */
	const char *mentee_name, *mentor_name, *topic, *goal, *format, *cadence, *status;
	int duration_min, weeks;
	const char *message, *reason; /* opened ("" for none) */
	int unreadable;		      /* 1: a sealed value did not open (logged); message/reason "" */
	int single;		      /* issue 21: one conversation, no plan */
};

/* Call fn(arg, d) for request id when uid is its mentee or mentor.
 * DB_OK, DB_NOTFOUND (no such request, or not uid's) or DB_ERR. */
enum db_rc req_get_for(struct db *db, int64_t id, int64_t uid, int64_t now,
		       void (*fn)(void *arg, const struct req_detail *d), void *arg);

/* Mentee uid's pending requests (unexpired) into *pending, and into
 * *existing the id of one to mentor_id (0: none). DB_OK or DB_ERR (both 0). */
enum db_rc req_pending_of(struct db *db, int64_t uid, int64_t mentor_id, int64_t now, int64_t *pending,
			  int64_t *existing);

#endif
