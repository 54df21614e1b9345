/* server: `tandem serve`. A master process owns the socket and forks
 * workers; each worker runs the FastCGI accept loop. */
#ifndef TANDEM_SERVER_H
#define TANDEM_SERVER_H
#include "core/config.h"

/* Run the master until SIGTERM/SIGINT; returns the process exit code. */
int server_run(const struct config *cfg);

/* The worker loop on an inherited listening socket; never returns. */
void worker_main(const struct config *cfg, int listen_fd, int auth);

/* 1 when a live server answers on the socket path. */
int server_socket_live(const char *path);

/* Periodic housekeeping the master runs (and `tandem` tests call):
 * expired sessions and throttle rows. Later features add their own. */
struct db;
void server_housekeeping(struct db *db, const struct config *cfg);

#endif
