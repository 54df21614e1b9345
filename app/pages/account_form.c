#include "pages/account_form.h"

#include <string.h>

#include "security/password.h"

void account_form_check(struct fields *f, size_t first)
{
	const char *email = f->v[first].s, *pw = f->v[first + 2].s, *confirm = f->v[first + 3].s;
	if (f->err[first + 2])
		return;
	const char *why = pw_policy(pw, email);
	if (why)
		fields_fail(f, first + 2, why);
	else if (strcmp(pw, confirm) != 0)
		fields_fail(f, first + 3, "The two passwords are not the same. Type the new password twice.");
}
