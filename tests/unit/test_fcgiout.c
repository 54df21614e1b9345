/* An answer written in one writev (server/fcgiout.c) as nginx reads it:
 * every byte of head and body in order, the stream's end, the request's
 * end, and nothing after, for an empty body, a small page, one of several
 * records, and one too long for a writev (libfcgi's stream). */
#include "testutil.h"

#include <fcgiapp.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "server/fcgiout.h"

static void put_record(int fd, int type, const void *content, size_t n)
{
	unsigned char h[8];
	fcgiout_header(h, type, 1, n);
	assert_int_equal(write(fd, h, 8), 8);
	if (n)
		assert_int_equal(write(fd, content, n), (ssize_t)n);
}

/* What nginx sends for a GET: begin (responder), one parameter, the
 * parameters' end, an empty stdin. */
static void send_request(int fd)
{
	static const unsigned char begin[8] = {0, 1, 0, 0, 0, 0, 0, 0};
	static const char param[] = "\x0e\x03REQUEST_METHODGET";
	put_record(fd, 1, begin, sizeof(begin));
	put_record(fd, 4, param, sizeof(param) - 1);
	put_record(fd, 4, "", 0);
	put_record(fd, 5, "", 0);
}

/* The worker's side, in a child (so that an answer larger than the
 * socket's buffer is read while it is written): accept the request on fd
 * as inflight_accept does, answer, finish as finish() does. */
static void answer(int fd, const char *head, const char *body, size_t blen)
{
	FCGX_Init();
	FCGX_Request r;
	FCGX_InitRequest(&r, -1, 0);
	r.ipcFd = fd;
	r.keepConnection = 1;
	if (FCGX_Accept_r(&r) != 0)
		_exit(2);
	int rc = fcgiout_send(&r, head, strlen(head), body, blen);
	FCGX_Finish_r(&r);
	close(fd);
	_exit(rc == 0 ? 0 : 3);
}

/* Read every record until the peer closes; stdout's content into out. */
static void read_answer(int fd, char *out, size_t cap, size_t *len, int *eof, int *end, int *after)
{
	static unsigned char all[6 * 1024 * 1024];
	size_t got = 0;
	ssize_t n;
	while ((n = read(fd, all + got, sizeof(all) - got)) > 0)
		got += (size_t)n;
	*len = 0;
	*eof = *end = *after = 0;
	for (size_t p = 0; p + 8 <= got;) {
		const unsigned char *h = all + p;
		size_t clen = (size_t)h[4] << 8 | h[5];
		assert_int_equal(h[0], 1);
		assert_int_equal(h[2] << 8 | h[3], 1);
		assert_true(p + 8 + clen + h[6] <= got);
		if (*end)
			(*after)++;
		if (h[1] == FCGIOUT_STDOUT && clen) {
			assert_false(*eof);
			assert_true(*len + clen <= cap);
			memcpy(out + *len, h + 8, clen);
			*len += clen;
		} else if (h[1] == FCGIOUT_STDOUT) {
			(*eof)++;
		} else if (h[1] == FCGIOUT_END_REQUEST) {
			assert_int_equal(clen, 8);
			assert_int_equal(h[8 + 4], 0); /* FCGI_REQUEST_COMPLETE */
			(*end)++;
		} else {
			fail_msg("unexpected record type %d", h[1]);
		}
		p += 8 + clen + h[6];
	}
}

static void round_trip(size_t blen)
{
	static const char head[] = "Status: 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n";
	char *body = malloc(blen + 1);
	assert_non_null(body);
	for (size_t i = 0; i < blen; i++)
		body[i] = (char)('a' + (i * 7 + i / 251) % 26);
	int sv[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	send_request(sv[0]);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(sv[0]);
		answer(sv[1], head, body, blen);
	}
	close(sv[1]);
	size_t cap = sizeof(head) + blen, len;
	char *out = malloc(cap);
	int eof, end, after, status;
	read_answer(sv[0], out, cap, &len, &eof, &end, &after);
	close(sv[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(len, sizeof(head) - 1 + blen);
	assert_memory_equal(out, head, sizeof(head) - 1);
	if (blen)
		assert_memory_equal(out + sizeof(head) - 1, body, blen);
	assert_int_equal(eof, 1);
	assert_int_equal(end, 1);
	assert_int_equal(after, 0);
	free(out);
	free(body);
}

static void an_empty_body(void **state)
{
	(void)state;
	round_trip(0);
}

static void a_small_page(void **state)
{
	(void)state;
	round_trip(5498);
}

/* Over libfcgi's 8 KB and over one record's 65,535 bytes. */
static void a_page_of_several_records(void **state)
{
	(void)state;
	round_trip(11834);
	round_trip(65535);
	round_trip(65536);
	round_trip(200001);
}

/* Longer than one writev takes here (64 records): libfcgi's stream. */
static void an_export_too_long_for_one_write(void **state)
{
	(void)state;
	round_trip(5 * 1024 * 1024 + 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(an_empty_body),
		cmocka_unit_test(a_small_page),
		cmocka_unit_test(a_page_of_several_records),
		cmocka_unit_test(an_export_too_long_for_one_write),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
