/* A failing disk for one file kind at a time, without root, FUSE or device-mapper.
 *
 * Loaded with LD_PRELOAD into camhub. While the file named by CAMHUB_EIO_SWITCH exists, every
 * write, sync or truncate of a file whose path (as it was opened) contains one of the
 * colon-separated CAMHUB_EIO_PATHS fails with EIO, as a dying disk answers. Opening and reading
 * keep working, so the test can tell "the hub handled the error" from "the hub never got there".
 * Each refused call bumps a count in CAMHUB_EIO_SWITCH's neighbour `<switch>.count`, so a test
 * knows the fault was really hit.
 *
 * Only libc's entry points are wrapped (SQLite's, Foundation's and camhub's own writes all go
 * through them); memory-mapped writes (SQLite's -shm index) are not affected.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#define MAX_FDS 65536

static unsigned char watched[MAX_FDS];

static int path_is_watched(const char *path) {
    const char *paths = getenv("CAMHUB_EIO_PATHS");
    if (!paths || !path) return 0;
    char copy[4096];
    snprintf(copy, sizeof copy, "%s", paths);
    char *save = NULL;
    for (char *part = strtok_r(copy, ":", &save); part; part = strtok_r(NULL, ":", &save)) {
        if (*part && strstr(path, part)) return 1;
    }
    return 0;
}

static void note_open(int fd, const char *path) {
    if (fd >= 0 && fd < MAX_FDS) watched[fd] = (unsigned char)path_is_watched(path);
}

/* True (and counted) when a call on `fd` must fail now. */
static int failing(int fd) {
    if (fd < 0 || fd >= MAX_FDS || !watched[fd]) return 0;
    const char *flag = getenv("CAMHUB_EIO_SWITCH");
    struct stat st;
    if (!flag || stat(flag, &st) != 0) return 0;
    char counter[4200];
    snprintf(counter, sizeof counter, "%s.count", flag);
    int (*real_open)(const char *, int, ...) = (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, "open");
    int out = real_open(counter, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (out >= 0) {
        ssize_t (*real_write)(int, const void *, size_t) = (ssize_t (*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
        (void)real_write(out, "x", 1);
        close(out);
    }
    errno = EIO;
    return 1;
}

#define REAL(name) static __typeof__(&name) real_##name; if (!real_##name) real_##name = (__typeof__(&name))dlsym(RTLD_NEXT, #name)

static mode_t mode_argument(int flags, va_list args) {
    return (flags & (O_CREAT | O_TMPFILE)) ? (mode_t)va_arg(args, int) : 0;
}

int open(const char *path, int flags, ...) {
    va_list args; va_start(args, flags); mode_t mode = mode_argument(flags, args); va_end(args);
    REAL(open);
    int fd = real_open(path, flags, mode);
    note_open(fd, path);
    return fd;
}

int open64(const char *path, int flags, ...) {
    va_list args; va_start(args, flags); mode_t mode = mode_argument(flags, args); va_end(args);
    REAL(open64);
    int fd = real_open64(path, flags, mode);
    note_open(fd, path);
    return fd;
}

int openat(int dir, const char *path, int flags, ...) {
    va_list args; va_start(args, flags); mode_t mode = mode_argument(flags, args); va_end(args);
    REAL(openat);
    int fd = real_openat(dir, path, flags, mode);
    note_open(fd, path);
    return fd;
}

int openat64(int dir, const char *path, int flags, ...) {
    va_list args; va_start(args, flags); mode_t mode = mode_argument(flags, args); va_end(args);
    REAL(openat64);
    int fd = real_openat64(dir, path, flags, mode);
    note_open(fd, path);
    return fd;
}

int close(int fd) {
    REAL(close);
    if (fd >= 0 && fd < MAX_FDS) watched[fd] = 0;
    return real_close(fd);
}

ssize_t write(int fd, const void *buffer, size_t count) {
    REAL(write);
    return failing(fd) ? -1 : real_write(fd, buffer, count);
}

ssize_t pwrite(int fd, const void *buffer, size_t count, off_t offset) {
    REAL(pwrite);
    return failing(fd) ? -1 : real_pwrite(fd, buffer, count, offset);
}

ssize_t pwrite64(int fd, const void *buffer, size_t count, off_t offset) {
    REAL(pwrite64);
    return failing(fd) ? -1 : real_pwrite64(fd, buffer, count, offset);
}

ssize_t writev(int fd, const struct iovec *vector, int count) {
    REAL(writev);
    return failing(fd) ? -1 : real_writev(fd, vector, count);
}

int fsync(int fd) {
    REAL(fsync);
    return failing(fd) ? -1 : real_fsync(fd);
}

int fdatasync(int fd) {
    REAL(fdatasync);
    return failing(fd) ? -1 : real_fdatasync(fd);
}

int ftruncate(int fd, off_t length) {
    REAL(ftruncate);
    return failing(fd) ? -1 : real_ftruncate(fd, length);
}

int ftruncate64(int fd, off_t length) {
    REAL(ftruncate64);
    return failing(fd) ? -1 : real_ftruncate64(fd, length);
}
