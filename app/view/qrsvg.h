/* qrsvg: a QR code (libqrencode) drawn as inline SVG, for the second
 * factor's enrolment page (issue 16). No image file, nothing fetched:
 * the page's CSP allows no data: URL and no script. */
#ifndef TANDEM_QRSVG_H
#define TANDEM_QRSVG_H
#include "core/buf.h"

/* Append to out an <svg> drawing the QR code of text (error correction
 * M, a 4-module quiet zone), with role="img" and alt (escaped here) as
 * its <title>, the text alternative a screen reader reads. Every byte
 * appended is built here from numbers or escaped: the result may be
 * handed to a template as trusted HTML. 0, or -1 when text does not fit
 * in a QR code or memory ran out (out unchanged). */
int qrsvg_append(struct buf *out, const char *text, const char *alt);

#endif
