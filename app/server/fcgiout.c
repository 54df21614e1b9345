#include "server/fcgiout.h"

#include <errno.h>
#include <sys/uio.h>

/* Content per record: FastCGI's limit (a 16-bit length). */
#define REC_MAX 65535
/* Records of body in one writev: 64 of them (4 MB) take 132 iovecs, far
 * below IOV_MAX. A longer answer (an export) goes through libfcgi. */
#define REC_BODY_MAX 64

void fcgiout_header(unsigned char h[8], int type, int id, size_t n)
{
	h[0] = 1;
	h[1] = (unsigned char)type;
	h[2] = (unsigned char)(id >> 8);
	h[3] = (unsigned char)id;
	h[4] = (unsigned char)(n >> 8);
	h[5] = (unsigned char)n;
	h[6] = 0;
	h[7] = 0;
}

/* Write iov[0..n) whole; EINTR and short writes resume. */
static int write_all(int fd, struct iovec *iov, int n)
{
	while (n > 0) {
		ssize_t w = writev(fd, iov, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		while (n > 0 && (size_t)w >= iov->iov_len) {
			w -= (ssize_t)iov->iov_len;
			iov++;
			n--;
		}
		if (n > 0) {
			iov->iov_base = (char *)iov->iov_base + w;
			iov->iov_len -= (size_t)w;
		}
	}
	return 0;
}

int fcgiout_send(FCGX_Request *fr, const char *head, size_t hlen, const char *body, size_t blen)
{
	size_t nbody = (blen + REC_MAX - 1) / REC_MAX;
	if (hlen == 0 || hlen > REC_MAX || nbody > REC_BODY_MAX || fr->ipcFd < 0) {
		/* libfcgi's stream, flushed by the finish as before */
		FCGX_PutStr(head, (int)hlen, fr->out);
		if (blen)
			FCGX_PutStr(body, (int)blen, fr->out);
		return FCGX_GetError(fr->out) ? -1 : 0;
	}
	unsigned char hdr[REC_BODY_MAX + 1][8], tail[24];
	struct iovec iov[2 * (REC_BODY_MAX + 1) + 1];
	int n = 0;
	fcgiout_header(hdr[0], FCGIOUT_STDOUT, fr->requestId, hlen);
	iov[n++] = (struct iovec){hdr[0], 8};
	iov[n++] = (struct iovec){(void *)head, hlen};
	for (size_t i = 0; i < nbody; i++) {
		size_t len = blen - i * REC_MAX < REC_MAX ? blen - i * REC_MAX : REC_MAX;
		fcgiout_header(hdr[i + 1], FCGIOUT_STDOUT, fr->requestId, len);
		iov[n++] = (struct iovec){hdr[i + 1], 8};
		iov[n++] = (struct iovec){(void *)(body + i * REC_MAX), len};
	}
	/* The stream's end (an empty record), then the request's: application
	 * status 0, FCGI_REQUEST_COMPLETE (0), three reserved bytes. */
	fcgiout_header(tail, FCGIOUT_STDOUT, fr->requestId, 0);
	fcgiout_header(tail + 8, FCGIOUT_END_REQUEST, fr->requestId, 8);
	for (int i = 16; i < 24; i++)
		tail[i] = 0;
	iov[n++] = (struct iovec){tail, sizeof(tail)};
	int rc = write_all(fr->ipcFd, iov, n);
	/* Closed as FCGX_FClose leaves a stream, so that FCGX_Finish_r
	 * (which closes stderr, then this) adds no record after ours. */
	fr->out->isClosed = 1;
	fr->out->wasFCloseCalled = 1;
	if (rc != 0)
		fr->out->FCGI_errno = errno ? errno : EIO;
	return rc;
}
