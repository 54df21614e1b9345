/* mentorships pages: the list rows are shared with the dashboard. */
#ifndef TANDEM_PAGES_MENTORSHIPS_H
#define TANDEM_PAGES_MENTORSHIPS_H
#include "pages/ctx.h"

#endif
