/* privdrop: `serve` started as root gives root up for good once it has
 * read the key and bound the socket, before it opens the database or
 * forks a worker: nothing that parses a request runs as root. */
#ifndef TANDEM_PRIVDROP_H
#define TANDEM_PRIVDROP_H
#include <sys/types.h>

struct priv_user {
	uid_t uid;
	gid_t gid;
	char name[64];
};

/* Look up the account named name ($TANDEM_USER). 0, or -1 after printing
 * why to stderr (no such user, or one that is root itself). */
int priv_lookup(const char *name, struct priv_user *u);

/* Make data_dir usable by u while root keeps what is root's: the
 * directory's group becomes u's, with write access and the sticky bit (u
 * creates the WAL, its locks and the pid file, but can neither remove nor
 * replace root's files: the key, nginx's config), and the database's files
 * and lock files that exist are handed to u. Nothing is followed through
 * a link, and a file with other names (a hard link) is refused.
 * 0, or -1 after printing why to stderr. */
int priv_hand_over(const char *data_dir, const struct priv_user *u);

/* Become u: no supplementary groups, then u's group, then u's id (in
 * that order: once the uid is gone, the groups could not change), and no
 * way back through set-uid programs. Checks that root cannot be regained.
 * 0, or -1 after printing why to stderr. */
int priv_drop(const struct priv_user *u);

#endif
