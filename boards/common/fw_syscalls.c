/* SPDX-License-Identifier: Apache-2.0 */
/*
 * newlib system call stubs for a board without an OS. Only what newlib-nano
 * may reference from the functions the firmware uses (abort, assert, string
 * and time helpers): output goes to the console, everything else fails.
 *
 * Deliberately absent: _sbrk. The firmware has no heap (fw_heap_guard.c); if
 * newlib's malloc were ever pulled in, the link would fail on _sbrk.
 */
#include <errno.h>
#include <stddef.h>
#include <sys/stat.h>

#include "fw_board.h"
#include "fw_print.h"

void _exit(int code);
int _write(int fd, const char *p, int n);
int _read(int fd, char *p, int n);
int _close(int fd);
int _lseek(int fd, int off, int whence);
int _fstat(int fd, struct stat *st);
int _isatty(int fd);
int _kill(int pid, int sig);
int _getpid(void);

void _exit(int code)
{
    (void)code;
    fw_fatal(FW_EXIT_FAULT, "_exit called (abort or exit)");
}

int _write(int fd, const char *p, int n)
{
    if (fd != 1 && fd != 2) {
        errno = EBADF;
        return -1;
    }
    fw_write(p, (size_t)n);
    return n;
}

int _read(int fd, char *p, int n)
{
    (void)fd;
    (void)p;
    (void)n;
    return 0;
}

int _close(int fd)
{
    (void)fd;
    errno = EBADF;
    return -1;
}

int _lseek(int fd, int off, int whence)
{
    (void)fd;
    (void)off;
    (void)whence;
    errno = ESPIPE;
    return -1;
}

int _fstat(int fd, struct stat *st)
{
    (void)fd;
    st->st_mode = S_IFCHR;
    return 0;
}

int _isatty(int fd)
{
    return fd <= 2;
}

int _kill(int pid, int sig)
{
    (void)pid;
    (void)sig;
    errno = EINVAL;
    return -1;
}

int _getpid(void)
{
    return 1;
}
