/* SPDX-License-Identifier: Apache-2.0 */
/* Compile-only stand-in of <zephyr/random/random.h> (Zephyr 3.5+): the declaration. */
#ifndef STUB_ZEPHYR_RANDOM_H
#define STUB_ZEPHYR_RANDOM_H
#include <stddef.h>
int sys_csrand_get(void *dst, size_t len);
#endif
