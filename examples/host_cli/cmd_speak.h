/* SPDX-License-Identifier: Apache-2.0 */
/* dripfeed speak (cmd_speak.c). */
#ifndef DRIPFEED_CMD_SPEAK_H
#define DRIPFEED_CMD_SPEAK_H

/** argv[0] is "speak". Returns the exit status (cli.md). */
int cmd_speak(int argc, char **argv);

#endif
