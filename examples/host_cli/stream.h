/* SPDX-License-Identifier: Apache-2.0 */
/* `dripfeed stream`: a real request over verified TLS (posix + mbedtls ports). */
#ifndef DRIPFEED_CLI_STREAM_H
#define DRIPFEED_CLI_STREAM_H

/** argv[0] is "stream". Returns the exit status (0 completed, 1 other, 2 usage). */
int cmd_stream(int argc, char **argv);

#endif
