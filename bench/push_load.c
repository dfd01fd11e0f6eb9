/*
 * Seed 003 push loader: N WebSocket connections to /video-input-stream, each sending its camera
 * id and token, then the same JPEG over and over as fast as the socket takes it.
 *
 * One thread, non-blocking sockets, epoll. Client frames must be masked; the mask key is zero,
 * so the payload goes out unchanged and the loader costs little CPU (the hub still unmasks).
 *
 * Usage: push_load HOST PORT SECONDS JPEG_FILE CAMERAS_FILE
 *        CAMERAS_FILE has one "id token" per line. With SECONDS 0, each camera sends one frame
 *        and disconnects (the hub keeps it as the camera's newest frame).
 * Prints: "sent <frames> <seconds>" on stdout.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>

struct conn {
    int fd;
    size_t offset;
    long frames;
};

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A masked (zero key) binary WebSocket frame around payload; returns its length. */
static size_t ws_frame(unsigned char *out, const unsigned char *payload, size_t length) {
    size_t n = 0;
    out[n++] = 0x82;
    if (length < 126) {
        out[n++] = 0x80 | (unsigned char)length;
    } else if (length < 65536) {
        out[n++] = 0x80 | 126;
        out[n++] = (length >> 8) & 0xFF;
        out[n++] = length & 0xFF;
    } else {
        out[n++] = 0x80 | 127;
        for (int i = 7; i >= 0; i--) out[n++] = (uint64_t)length >> (8 * i) & 0xFF;
    }
    memset(out + n, 0, 4);
    n += 4;
    memcpy(out + n, payload, length);
    return n + length;
}

static void put_le32(unsigned char *out, uint32_t value) {
    out[0] = value & 0xFF; out[1] = value >> 8 & 0xFF; out[2] = value >> 16 & 0xFF; out[3] = value >> 24;
}

static void send_all(int fd, const void *data, size_t length) {
    const char *p = data;
    while (length > 0) {
        ssize_t n = send(fd, p, length, 0);
        if (n <= 0) { perror("send"); exit(1); }
        p += n; length -= (size_t)n;
    }
}

static int open_stream(const char *host, int port, uint32_t id, const char *token) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(port)};
    inet_pton(AF_INET, host, &addr.sin_addr);
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) { perror("connect"); exit(1); }
    char request[512];
    int n = snprintf(request, sizeof request,
        "GET /video-input-stream HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n", host, port);
    send_all(fd, request, (size_t)n);
    char reply[1024];
    size_t got = 0;
    while (got < sizeof reply - 1) {
        ssize_t r = recv(fd, reply + got, sizeof reply - 1 - got, 0);
        if (r <= 0) { fprintf(stderr, "upgrade failed\n"); exit(1); }
        got += (size_t)r;
        reply[got] = 0;
        if (strstr(reply, "\r\n\r\n")) break;
    }
    if (strncmp(reply, "HTTP/1.1 101", 12) != 0) { fprintf(stderr, "no upgrade: %.60s\n", reply); exit(1); }
    unsigned char piece[4 + 1024], frame[16 + sizeof piece];
    put_le32(piece, id);
    send_all(fd, frame, ws_frame(frame, piece, 4));
    size_t token_length = strlen(token);
    put_le32(piece, (uint32_t)token_length);
    memcpy(piece + 4, token, token_length);
    send_all(fd, frame, ws_frame(frame, piece, 4 + token_length));
    return fd;
}

int main(int argc, char **argv) {
    if (argc != 6) { fprintf(stderr, "usage: %s HOST PORT SECONDS JPEG_FILE CAMERAS_FILE\n", argv[0]); return 2; }
    const char *host = argv[1];
    int port = atoi(argv[2]);
    double seconds = atof(argv[3]);

    FILE *f = fopen(argv[4], "rb");
    if (!f) { perror("jpeg"); return 1; }
    fseek(f, 0, SEEK_END);
    long jpeg_length = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *payload = malloc((size_t)jpeg_length + 4);
    put_le32(payload, (uint32_t)jpeg_length);
    if (fread(payload + 4, 1, (size_t)jpeg_length, f) != (size_t)jpeg_length) { perror("read"); return 1; }
    fclose(f);
    unsigned char *message = malloc((size_t)jpeg_length + 32);
    size_t message_length = ws_frame(message, payload, (size_t)jpeg_length + 4);

    struct conn conns[1024];
    int count = 0;
    FILE *cameras = fopen(argv[5], "r");
    if (!cameras) { perror("cameras"); return 1; }
    unsigned id;
    char token[256];
    int epoll = epoll_create1(0);
    if (seconds <= 0) {
        long sent = 0;
        double start = now();
        while (fscanf(cameras, "%u %255s", &id, token) == 2) {
            int fd = open_stream(host, port, id, token);
            send_all(fd, message, message_length);
            /* A close frame, so the hub ends the socket at a piece boundary. */
            unsigned char close_frame[] = {0x88, 0x82, 0, 0, 0, 0, 0x03, 0xE8};
            send_all(fd, close_frame, sizeof close_frame);
            char drain[256];
            while (recv(fd, drain, sizeof drain, 0) > 0) {}
            close(fd);
            sent++;
        }
        printf("sent %ld %.3f\n", sent, now() - start);
        return 0;
    }
    while (count < 1024 && fscanf(cameras, "%u %255s", &id, token) == 2) {
        conns[count] = (struct conn){.fd = open_stream(host, port, id, token)};
        fcntl(conns[count].fd, F_SETFL, fcntl(conns[count].fd, F_GETFL) | O_NONBLOCK);
        struct epoll_event event = {.events = EPOLLOUT, .data.u32 = (uint32_t)count};
        epoll_ctl(epoll, EPOLL_CTL_ADD, conns[count].fd, &event);
        count++;
    }
    fclose(cameras);

    double start = now(), end = start + seconds;
    struct epoll_event events[1024];
    while (now() < end) {
        int ready = epoll_wait(epoll, events, 1024, 100);
        for (int i = 0; i < ready; i++) {
            struct conn *c = &conns[events[i].data.u32];
            for (;;) {
                ssize_t n = send(c->fd, message + c->offset, message_length - c->offset, MSG_NOSIGNAL);
                if (n < 0) {
                    if (errno == EAGAIN) break;
                    perror("send"); return 1;
                }
                c->offset += (size_t)n;
                if (c->offset == message_length) { c->offset = 0; c->frames++; }
            }
        }
    }
    double elapsed = now() - start;
    long total = 0;
    for (int i = 0; i < count; i++) total += conns[i].frames;
    printf("sent %ld %.3f\n", total, elapsed);
    for (int i = 0; i < count; i++) close(conns[i].fd);
    return 0;
}
