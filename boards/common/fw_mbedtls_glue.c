/* SPDX-License-Identifier: Apache-2.0 */
/* Platform pieces fw_mbedtls_config.h asks for. */
#include <time.h>

#include "mbedtls/platform_util.h"

/* MBEDTLS_PLATFORM_GMTIME_R_ALT: newlib's gmtime() keeps its result in a
 * buffer it may allocate; gmtime_r() writes the caller's struct only. */
struct tm *mbedtls_platform_gmtime_r(const mbedtls_time_t *tt, struct tm *tm_buf)
{
    time_t t = (time_t)*tt;
    return gmtime_r(&t, tm_buf);
}
