/* SPDX-License-Identifier: Apache-2.0 */
/* dripfeed display (cmd_display.c). */
#ifndef DRIPFEED_CMD_DISPLAY_H
#define DRIPFEED_CMD_DISPLAY_H

/** argv[0] = "display"; returns the exit status (0 completed, 1 other, 2 usage). */
int cmd_display(int argc, char **argv);

#endif
