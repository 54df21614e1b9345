#include "store/audit.h"

enum db_rc audit_add(struct db *db, int64_t now, const char *event, int64_t actor, int64_t subject,
		     const char *ip, const char *detail)
{
	sqlite3_stmt *st = DB_STMT(db, "INSERT INTO audit(at, event, actor_id, subject_id, ip, detail) "
				       "VALUES (:at, :e, :a, :s, :ip, :d)");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":at", now);
	db_bind_text(st, ":e", event);
	if (actor)
		db_bind_int(st, ":a", actor);
	else
		db_bind_null(st, ":a");
	if (subject)
		db_bind_int(st, ":s", subject);
	else
		db_bind_null(st, ":s");
	if (ip)
		db_bind_text(st, ":ip", ip);
	else
		db_bind_null(st, ":ip");
	if (detail)
		db_bind_text(st, ":d", detail);
	else
		db_bind_null(st, ":d");
	return db_exec_step(db, st);
}
