#include "view/qrsvg.h"

#include <qrencode.h>

#include "view/escape.h"

#define QUIET 4

int qrsvg_append(struct buf *out, const char *text, const char *alt)
{
	QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!q)
		return -1;
	struct buf s = {0};
	int size = q->width + 2 * QUIET;
	buf_printf(&s,
		   "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"qr\" role=\"img\" "
		   "aria-labelledby=\"qr-title\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" "
		   "shape-rendering=\"crispEdges\"><title id=\"qr-title\">",
		   size, size, size * 5, size * 5);
	html_escape(&s, alt);
	buf_printf(&s, "</title><rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
		   size, size);
	/* One run of dark modules per h segment keeps the path short. */
	for (int y = 0; y < q->width; y++) {
		for (int x = 0; x < q->width;) {
			if (!(q->data[y * q->width + x] & 1)) {
				x++;
				continue;
			}
			int run = 0;
			while (x + run < q->width && (q->data[y * q->width + x + run] & 1))
				run++;
			buf_printf(&s, "M%d %dh%dv1h-%dz", x + QUIET, y + QUIET, run, run);
			x += run;
		}
	}
	buf_puts(&s, "\"/></svg>");
	QRcode_free(q);
	if (s.oom) {
		buf_free(&s);
		return -1;
	}
	buf_append(out, s.data, s.len);
	buf_free(&s);
	return out->oom ? -1 : 0;
}
