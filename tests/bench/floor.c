/* The floor of this stack: a libfcgi responder that does no work but
 * answer a fixed ~3 KB page, pre-forked like tandem. make bench serves it
 * through the same nginx as the app and reports the app against it. */
#include <fcgiapp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 3 && argc != 4) {
		fprintf(stderr, "usage: floor SOCKET WORKERS [BYTES]\n");
		return 2;
	}
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	if (strlen(argv[1]) >= sizeof(a.sun_path))
		return 2;
	memcpy(a.sun_path, argv[1], strlen(argv[1]) + 1);
	unlink(argv[1]);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(fd, 1024) != 0)
		return 1;
	chmod(argv[1], 0666);
	static char page[65536];
	size_t n = 0;
	n += (size_t)snprintf(page, sizeof(page),
			      "<!doctype html><html><head><title>floor</title></head><body>");
	size_t want = argc > 3 ? (size_t)atoi(argv[3]) : 3000;
	if (want > 60000)
		want = 60000;
	while (n < want)
		n += (size_t)snprintf(page + n, sizeof(page) - n, "<p>The floor of this stack.</p>");
	n += (size_t)snprintf(page + n, sizeof(page) - n, "</body></html>");
	int workers = atoi(argv[2]);
	if (workers < 1 || workers > 64)
		workers = 2;
	pid_t kids[64];
	for (int i = 0; i < workers; i++) {
		if ((kids[i] = fork()) == 0) {
			FCGX_Init();
			FCGX_Request r;
			FCGX_InitRequest(&r, fd, 0);
			char head[200];
			int hl = snprintf(head, sizeof(head),
					  "Status: 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
					  "Content-Length: %d\r\n\r\n",
					  (int)n);
			while (FCGX_Accept_r(&r) >= 0) {
				FCGX_PutStr(head, hl, r.out);
				FCGX_PutStr(page, (int)n, r.out);
				/* The same close as tandem's worker (see finish() in
				 * app/server/worker.c): without libfcgi's lingering wait. */
				int keep = r.keepConnection;
				r.keepConnection = 1;
				FCGX_Finish_r(&r);
				r.keepConnection = keep;
				if (!keep && r.ipcFd >= 0) {
					close(r.ipcFd);
					r.ipcFd = -1;
				}
			}
			_exit(0);
		}
	}
	signal(SIGTERM, SIG_IGN);
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGTERM);
	sigaddset(&s, SIGINT);
	sigprocmask(SIG_BLOCK, &s, NULL);
	int sig;
	sigwait(&s, &sig);
	for (int i = 0; i < workers; i++)
		kill(kids[i], SIGTERM);
	unlink(argv[1]);
	return 0;
}
