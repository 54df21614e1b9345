/* fcgiout: a whole FastCGI answer in one write. libfcgi's writer sends
 * every 8 KB it fills as a write of its own, each waking nginx: a page of
 * 11 KB took two, the program page (33 KB) five. Here the records of the
 * answer, its end and FCGI_END_REQUEST go out in one writev. */
#ifndef TANDEM_FCGIOUT_H
#define TANDEM_FCGIOUT_H
#include <fcgiapp.h>
#include <stddef.h>

/* FastCGI record types written here and by the SIGSYS answer (confine.c). */
#define FCGIOUT_STDOUT 6
#define FCGIOUT_END_REQUEST 3

/* Fill h with the header of a version-1 record of type for request id
 * with n (<= 65535) bytes of content and no padding. Async-signal-safe. */
void fcgiout_header(unsigned char h[8], int type, int id, size_t n);

/* Answer fr with head then body as its stdout, the stream's end and the
 * end of the request, written to fr's connection in one writev (resumed
 * when the kernel takes part of it). libfcgi's own output for fr is then
 * closed, so FCGX_Finish_r writes nothing more. An answer too long for
 * one writev goes through libfcgi's stream instead. 0, or -1 when the
 * connection failed (fr's output carries the error, so the finish closes
 * the connection). */
int fcgiout_send(FCGX_Request *fr, const char *head, size_t hlen, const char *body, size_t blen);

#endif
