/* SPDX-License-Identifier: Apache-2.0 */
#ifndef DRIPFEED_CMD_TEXT_H
#define DRIPFEED_CMD_TEXT_H

/** dripfeed text ... (docs/spec/cli.md); argv[0] is "text". Exit status. */
int cmd_text(int argc, char **argv);

#endif
