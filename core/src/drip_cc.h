/* SPDX-License-Identifier: Apache-2.0 */
/* Compiler hints shared by the core's .c files (private: not installed). */
#ifndef DRIP_CC_H
#define DRIP_CC_H

/* Keep a function out of line so its frame is not on its caller's stack
 * for paths that do not need it: the deepest path (decoder -> stream ->
 * handlers) is what make size reports and firmware stacks are sized by. */
#if defined(__GNUC__)
#define DRIP_NOINLINE __attribute__((noinline))
#else
#define DRIP_NOINLINE
#endif

#endif /* DRIP_CC_H */
