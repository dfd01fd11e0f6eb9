/*
 * Seed 002 Socket.IO loader: N clients on the WebSocket transport of /socket.io/, each keeping
 * WINDOW `lpr_data` events with ack ids in flight, and counting the acknowledgements.
 *
 * One thread, epoll, non-blocking sockets (WebSocket pieces in ws_client.h). The hub's pings
 * are answered. Every acknowledgement means the detection was stored and committed.
 *
 * Usage: sio_load HOST PORT SECONDS CONNECTIONS WINDOW
 * Prints: "acked <count> <seconds> failed <count>" on stdout.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sys/epoll.h>

#include "ws_client.h"

#define BUFFER (1 << 20)

struct conn {
    int fd;
    unsigned char *in;
    size_t in_length;
    unsigned char *out;
    size_t out_length;
    long next_id;
    long in_flight;
    int connected;
    int watching_out;
};

static int epoll_fd;

static long acked, failed;
static int window_size;

/* Appends a masked (zero key) text frame to the connection's output. */
static void queue_text(struct conn *c, const char *text, size_t length) {
    if (c->out_length + length + 16 > BUFFER) { fprintf(stderr, "output overflow\n"); exit(1); }
    size_t n = ws_frame(c->out + c->out_length, 1, text, length);
    c->out_length += n;
}

static const char *detection =
    "[\"lpr_data\",{\"type\":\"detection_result\",\"camera_id\":\"camera_%03d\",\"checkpoint_id\":\"checkpoint_001\","
    "\"timestamp\":\"2024-12-19T10:00:00Z\",\"vehicles_count\":1,\"plates_count\":1,\"ocr_results\":[\"AB%05ld\"],"
    "\"vehicle_detections\":[{\"bbox\":[100,100,200,200],\"confidence\":0.95,\"class\":\"car\"}],"
    "\"plate_detections\":[{\"bbox\":[150,150,180,170],\"confidence\":0.92,\"text\":\"AB%05ld\"}],\"processing_time_ms\":150}]";

static void send_event(struct conn *c, int index) {
    char text[1024];
    long id = c->next_id++;
    int n = snprintf(text, sizeof text, "42%ld", id);
    n += snprintf(text + n, sizeof text - (size_t)n, detection, index % 1000, id % 100000, id % 100000);
    queue_text(c, text, (size_t)n);
    c->in_flight++;
}

/* Sends what is queued; asks epoll for writability only while something is left. */
static void flush(struct conn *c, int index) {
    while (c->out_length > 0) {
        ssize_t n = send(c->fd, c->out, c->out_length, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EAGAIN) break;
            perror("send"); exit(1);
        }
        memmove(c->out, c->out + n, c->out_length - (size_t)n);
        c->out_length -= (size_t)n;
    }
    int want_out = c->out_length > 0;
    if (want_out != c->watching_out) {
        struct epoll_event event = {.events = EPOLLIN | (want_out ? EPOLLOUT : 0), .data.u32 = (uint32_t)index};
        epoll_ctl(epoll_fd, EPOLL_CTL_MOD, c->fd, &event);
        c->watching_out = want_out;
    }
}

/* Handles one text message from the hub. */
static void on_message(struct conn *c, int index, const unsigned char *text, size_t length, int counting) {
    if (length >= 1 && text[0] == '0' && !c->connected) {
        queue_text(c, "40", 2);
    } else if (length >= 2 && text[0] == '4' && text[1] == '0' && !c->connected) {
        c->connected = 1;
        for (int i = 0; i < window_size; i++) send_event(c, index);
    } else if (length == 1 && text[0] == '2') {
        queue_text(c, "3", 1);
    } else if (length >= 2 && text[0] == '4' && text[1] == '3') {
        c->in_flight--;
        int ok = memmem(text, length, "\"success\":true", 14) != NULL;
        if (counting) { if (ok) acked++; else failed++; }
        send_event(c, index);
    }
}

static void on_readable(struct conn *c, int index, int counting) {
    for (;;) {
        ssize_t n = recv(c->fd, c->in + c->in_length, BUFFER - c->in_length, 0);
        if (n < 0) { if (errno == EAGAIN) break; perror("recv"); exit(1); }
        if (n == 0) { fprintf(stderr, "hub closed a connection\n"); exit(1); }
        c->in_length += (size_t)n;
    }
    size_t offset = 0;
    for (;;) {
        unsigned char *f = c->in + offset;
        size_t available = c->in_length - offset;
        if (available < 2) break;
        size_t header = 2, length = f[1] & 0x7F;
        if (length == 126) {
            if (available < 4) break;
            length = (size_t)f[2] << 8 | f[3];
            header = 4;
        } else if (length == 127) {
            if (available < 10) break;
            length = 0;
            for (int i = 0; i < 8; i++) length = length << 8 | f[2 + i];
            header = 10;
        }
        if (available < header + length) break;
        if ((f[0] & 0x0F) == 0x1) on_message(c, index, f + header, length, counting);
        if ((f[0] & 0x0F) == 0x8) { fprintf(stderr, "hub sent close\n"); exit(1); }
        offset += header + length;
    }
    memmove(c->in, c->in + offset, c->in_length - offset);
    c->in_length -= offset;
}

static int open_socket(const char *host, int port) {
    int fd = ws_connect(host, port, "/socket.io/?EIO=4&transport=websocket");
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    return fd;
}

int main(int argc, char **argv) {
    if (argc != 6) { fprintf(stderr, "usage: %s HOST PORT SECONDS CONNECTIONS WINDOW\n", argv[0]); return 2; }
    const char *host = argv[1];
    int port = atoi(argv[2]);
    double seconds = atof(argv[3]);
    int count = atoi(argv[4]);
    window_size = atoi(argv[5]);
    struct conn *conns = calloc((size_t)count, sizeof *conns);
    epoll_fd = epoll_create1(0);
    for (int i = 0; i < count; i++) {
        conns[i].fd = open_socket(host, port);
        conns[i].in = malloc(BUFFER);
        conns[i].out = malloc(BUFFER);
        conns[i].next_id = 1;
        struct epoll_event event = {.events = EPOLLIN, .data.u32 = (uint32_t)i};
        epoll_ctl(epoll_fd, EPOLL_CTL_ADD, conns[i].fd, &event);
    }
    /* One second of warm-up, then count for SECONDS. */
    double start = ws_now(), counting_from = start + 1, end = counting_from + seconds;
    struct epoll_event events[1024];
    for (double t = ws_now(); t < end; t = ws_now()) {
        int counting = t >= counting_from;
        int ready = epoll_wait(epoll_fd, events, 1024, 50);
        for (int i = 0; i < ready; i++) {
            int index = (int)events[i].data.u32;
            struct conn *c = &conns[index];
            if (events[i].events & EPOLLIN) on_readable(c, index, counting);
            flush(c, index);
        }
    }
    printf("acked %ld %.3f failed %ld\n", acked, ws_now() - counting_from, failed);
    return 0;
}
