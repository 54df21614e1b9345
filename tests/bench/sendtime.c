/* Issue 19: how long one survey send holds the writers' lock on a seeded
 * program. Usage: sendtime DB AUDIENCE [TEAM] (a copy of a seeded and
 * migrated database: it adds a survey "for both" and sends it). Prints
 * the audience, how many were invited, and the milliseconds from BEGIN
 * IMMEDIATE to COMMIT (survey_send is that transaction and nothing
 * else), then the same send again (nobody new). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "store/db.h"
#include "store/survey_send.h"

static double ms_since(const struct timespec *a)
{
	struct timespec b;
	clock_gettime(CLOCK_MONOTONIC, &b);
	return (double)(b.tv_sec - a->tv_sec) * 1e3 + (double)(b.tv_nsec - a->tv_nsec) / 1e6;
}

int main(int argc, char **argv)
{
	if (argc < 3 || survey_audience_parse(argv[2]) < 0) {
		fprintf(stderr, "usage: sendtime DB finishing|all|never|team [TEAM]\n");
		return 2;
	}
	struct db *db = db_open(argv[1]);
	if (!db || db_exec_script(db, "INSERT INTO surveys(title, audience, status) VALUES "
				      "('Bench: everyone', 'both', 'open')") != DB_OK)
		return 1;
	int64_t survey = db_scalar(db, "SELECT max(id) FROM surveys", 0);
	struct survey_actor who = {1, (int64_t)time(NULL), "127.0.0.1"};
	for (int round = 0; round < 2; round++) {
		struct send_result res;
		struct timespec a;
		clock_gettime(CLOCK_MONOTONIC, &a);
		enum send_rc rc =
			survey_send(db, survey, (enum survey_audience)survey_audience_parse(argv[2]),
				    argc > 3 ? argv[3] : "", 5, &who, &res);
		double ms = ms_since(&a);
		printf("%s send %d: rc=%d audience=%lld invited=%lld already=%lld transaction_ms=%.1f\n",
		       argv[2], round + 1, (int)rc, (long long)res.audience, (long long)res.invited,
		       (long long)res.already, ms);
	}
	db_close(db);
	return 0;
}
