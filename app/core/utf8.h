/* utf8: counting characters in UTF-8 text. In core because limits are
 * counted in characters by the form rules (http), the password policy
 * (security) and the profile topics (store) alike. */
#ifndef TANDEM_UTF8_H
#define TANDEM_UTF8_H
#include <stddef.h>

/* Characters (code points) in the NUL-terminated UTF-8 string s: every
 * byte that is not a continuation byte (10xxxxxx) starts one. Malformed
 * input is counted, not rejected (form parsing checks validity). */
size_t utf8_len(const char *s);

#endif
