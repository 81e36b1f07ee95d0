/* SPDX-License-Identifier: Apache-2.0 */
/* Compile-only stand-in (CTest zephyr_sample): nothing the sample uses. */
#ifndef STUB_ZEPHYR_KERNEL_H
#define STUB_ZEPHYR_KERNEL_H
#endif
