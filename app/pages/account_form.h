/* account_form: the form every new account fills in, whether it comes
 * from /signup, /setup or `tandem create-admin`. Creating the account is
 * store/accounts.h. */
#ifndef TANDEM_ACCOUNT_FORM_H
#define TANDEM_ACCOUNT_FORM_H
#include <stddef.h>

#include "http/fields.h"

/* The four fields every new-account form has, in this order. */
/* The positions of ACCOUNT_FORM_FIELDS' fields, from its first. */
enum { AF_EMAIL, AF_NAME, AF_PASSWORD, AF_CONFIRM, AF_COUNT };

#define ACCOUNT_FORM_FIELDS                                                                                  \
	{"email", "Email", FT_EMAIL, 1, 0, 254, NULL, 0},                                                    \
		{"display_name", "Display name", FT_LINE, 1, 1, 80, NULL, 0},                                \
		{"password", "password", FT_PASSWORD, 1, 0, 0, NULL, 0},                                     \
	{                                                                                                    \
		"password_confirm", "password confirmation", FT_PASSWORD, 1, 0, 0, NULL, 0                   \
	}

/* Apply the password policy and the confirmation to fields at indexes
 * [first, first+3] laid out as ACCOUNT_FORM_FIELDS; messages go into f.
 * No database, nothing to free. */
void account_form_check(struct fields *f, size_t first);

#endif
