#include "core/notifykind.h"

#include <stddef.h>

#define NAME(e, v, l) v,
#define LABEL(e, v, l) l,
const char *const notify_kind_names[NOTIFY_KIND_COUNT + 1] = {NOTIFY_KINDS(NAME) NULL};
const char *const notify_kind_labels[NOTIFY_KIND_COUNT] = {NOTIFY_KINDS(LABEL)};

/* notify_prefs.off is a 63-bit mask. */
_Static_assert(NOTIFY_KIND_COUNT <= 62, "notify_prefs.off holds one bit per kind");
