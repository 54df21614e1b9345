/* clock: the one source of "now" for every rule that depends on time
 * (session timeouts, throttling, request expiry). */
#ifndef TANDEM_CLOCK_H
#define TANDEM_CLOCK_H
#include <stdint.h>

/* Seconds since the epoch. In a test build (-DTANDEM_TESTING) the offset
 * stored in $TANDEM_DATA/test-clock (whole seconds) is added, so tests
 * move time forward without sleeping; release builds ignore the file. */
int64_t clock_now(void);

/* Microseconds from a monotonic clock, for durations. */
int64_t clock_mono_us(void);

/* Point the test clock at a data directory (test builds; no-op otherwise). */
void clock_set_data_dir(const char *dir);

#endif
