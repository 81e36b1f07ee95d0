/* SPDX-License-Identifier: Apache-2.0 */
/* `dripfeed chunk`: the answer of a capture as phrases for speech (cli.md). */
#ifndef DRIPFEED_CLI_CHUNK_H
#define DRIPFEED_CLI_CHUNK_H

/** argv[0] is "chunk". Returns the exit status (0 completed, 1 other, 2 usage). */
int cmd_chunk(int argc, char **argv);

#endif
