#include "server/privdrop.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

int priv_lookup(const char *name, struct priv_user *u)
{
	const struct passwd *pw = getpwnam(name);
	if (!pw) {
		fprintf(stderr,
			"tandem: user %s does not exist; create it (make deps does: useradd --system "
			"--no-create-home --shell /usr/sbin/nologin %s) or set TANDEM_USER\n",
			name, name);
		return -1;
	}
	if (pw->pw_uid == 0 || pw->pw_gid == 0) {
		fprintf(stderr, "tandem: TANDEM_USER=%s is root; choose an unprivileged user\n", name);
		return -1;
	}
	u->uid = pw->pw_uid;
	u->gid = pw->pw_gid;
	snprintf(u->name, sizeof(u->name), "%s", name);
	return 0;
}

/* What the server writes in the data directory besides new files. */
static const char *const handed[] = {
	"tandem.db", "tandem.db-wal", "tandem.db-shm", "tandem.db-writer", "argon2.slots", "tandem.pid",
};

static int hand_file(int dir, const char *data_dir, const char *name, const struct priv_user *u)
{
	/* The directory is writable by u: a name may be a link u planted to
	 * make root give it some other file. O_NOFOLLOW refuses a symbolic
	 * link; the link count, a hard one. */
	int fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	struct stat st;
	int rc = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_nlink == 1 ? 0 : -1;
	if (rc == 0 && (st.st_uid != u->uid || st.st_gid != u->gid))
		rc = fchown(fd, u->uid, u->gid);
	close(fd);
	if (rc != 0)
		fprintf(stderr, "tandem: cannot hand %s/%s to user %s (not a plain file, or: %s)\n", data_dir,
			name, u->name, strerror(errno));
	return rc;
}

/* The sticky bit keeps u from replacing root's files in the directory
 * only while root owns it: a directory's owner may rename anything in
 * it. So the data directory and every directory above it must be
 * root's (as OpenSSH checks its paths). 0, or -1 after saying which. */
static int root_owned_path(const char *data_dir)
{
	char path[4096];
	if (!realpath(data_dir, path)) {
		fprintf(stderr, "tandem: cannot resolve %s: %s\n", data_dir, strerror(errno));
		return -1;
	}
	for (;;) {
		struct stat st;
		if (stat(path, &st) != 0 || st.st_uid != 0 ||
		    (st.st_mode & S_IWOTH && !(st.st_mode & S_ISVTX))) {
			fprintf(stderr,
				"tandem: %s must belong to root (and not be writable by others) when serve "
				"starts as "
				"root: the user it drops to could otherwise replace root's files in the data "
				"directory\n",
				path);
			return -1;
		}
		char *slash = strrchr(path, '/');
		if (!slash || slash == path)
			break;
		*slash = '\0';
	}
	return 0;
}

int priv_hand_over(const char *data_dir, const struct priv_user *u)
{
	if (root_owned_path(data_dir) != 0)
		return -1;
	int dir = open(data_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct stat st;
	if (dir < 0 || fstat(dir, &st) != 0) {
		fprintf(stderr, "tandem: cannot open %s: %s\n", data_dir, strerror(errno));
		if (dir >= 0)
			close(dir);
		return -1;
	}
	/* Owner and others keep what they had (others: at most the search
	 * permission nginx's workers need to reach the socket). */
	mode_t mode = (st.st_mode & 0701) | 0070 | S_ISVTX;
	int rc = fchown(dir, (uid_t)-1, u->gid) == 0 && fchmod(dir, mode) == 0 ? 0 : -1;
	if (rc != 0)
		fprintf(stderr, "tandem: cannot give group %s access to %s: %s\n", u->name, data_dir,
			strerror(errno));
	for (size_t i = 0; rc == 0 && i < sizeof(handed) / sizeof(handed[0]); i++)
		rc = hand_file(dir, data_dir, handed[i], u);
	close(dir);
	return rc;
}

int priv_drop(const struct priv_user *u)
{
	if (setgroups(0, NULL) != 0 || setgid(u->gid) != 0 || setuid(u->uid) != 0) {
		fprintf(stderr, "tandem: cannot become user %s: %s\n", u->name, strerror(errno));
		return -1;
	}
	/* Workers never exec, but if one were made to, no set-uid program
	 * could hand root back. */
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	if (setuid(0) == 0 || seteuid(0) == 0 || getuid() != u->uid || geteuid() != u->uid ||
	    getgid() != u->gid || getegid() != u->gid) {
		fprintf(stderr, "tandem: dropping to user %s did not hold; refusing to serve\n", u->name);
		return -1;
	}
	return 0;
}
