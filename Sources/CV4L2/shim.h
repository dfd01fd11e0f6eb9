// Video4Linux2 for Swift: the kernel's structs come from <linux/videodev2.h> (Debian:
// linux-libc-dev). The ioctl request numbers are function-like macros Swift cannot import, and
// ioctl(2) is variadic, so both are wrapped here.
#include <errno.h>
#include <linux/videodev2.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

// ioctl(2) with one pointer argument, retried when a signal interrupts it.
static inline int camhub_v4l2_ioctl(int fd, unsigned long request, void *argument) {
    int result;
    do {
        result = ioctl(fd, request, argument);
    } while (result == -1 && errno == EINTR);
    return result;
}

static inline unsigned long camhub_VIDIOC_QUERYCAP(void) { return VIDIOC_QUERYCAP; }
static inline unsigned long camhub_VIDIOC_ENUM_FMT(void) { return VIDIOC_ENUM_FMT; }
static inline unsigned long camhub_VIDIOC_ENUM_FRAMESIZES(void) { return VIDIOC_ENUM_FRAMESIZES; }
static inline unsigned long camhub_VIDIOC_S_FMT(void) { return VIDIOC_S_FMT; }
static inline unsigned long camhub_VIDIOC_S_PARM(void) { return VIDIOC_S_PARM; }
static inline unsigned long camhub_VIDIOC_REQBUFS(void) { return VIDIOC_REQBUFS; }
static inline unsigned long camhub_VIDIOC_QUERYBUF(void) { return VIDIOC_QUERYBUF; }
static inline unsigned long camhub_VIDIOC_QBUF(void) { return VIDIOC_QBUF; }
static inline unsigned long camhub_VIDIOC_DQBUF(void) { return VIDIOC_DQBUF; }
static inline unsigned long camhub_VIDIOC_STREAMON(void) { return VIDIOC_STREAMON; }
static inline unsigned long camhub_VIDIOC_STREAMOFF(void) { return VIDIOC_STREAMOFF; }

// The offset of an mmap buffer sits in a union Swift reads awkwardly.
static inline unsigned int camhub_v4l2_buffer_offset(const struct v4l2_buffer *buffer) { return buffer->m.offset; }
