/*
 * The WebSocket client pieces the C loaders share: a clock, the opening handshake, and masked
 * frames. Client frames are masked with a zero key, so the payload goes out unchanged and the
 * loader spends little CPU; the server still unmasks every byte.
 */
#ifndef CAMHUB_WS_CLIENT_H
#define CAMHUB_WS_CLIENT_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static inline double ws_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Writes a masked (zero key) frame with `opcode` (1 text, 2 binary) around payload into out,
   which needs length + 14 bytes; returns the frame's length. */
static inline size_t ws_frame(unsigned char *out, unsigned char opcode, const void *payload, size_t length) {
    size_t n = 0;
    out[n++] = 0x80 | opcode;
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

static inline void ws_send_all(int fd, const void *data, size_t length) {
    const char *p = data;
    while (length > 0) {
        ssize_t n = send(fd, p, length, 0);
        if (n <= 0) { perror("send"); exit(1); }
        p += n;
        length -= (size_t)n;
    }
}

/* Connects to host:port and upgrades `path` to a WebSocket; exits on failure. The answer is read
   byte by byte, so a first frame the server sends stays in the socket. Returns a blocking fd. */
static inline int ws_connect(const char *host, int port, const char *path) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(port)};
    inet_pton(AF_INET, host, &addr.sin_addr);
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) { perror("connect"); exit(1); }
    char request[512];
    int n = snprintf(request, sizeof request,
        "GET %s HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n", path, host, port);
    ws_send_all(fd, request, (size_t)n);
    char reply[2048];
    size_t got = 0;
    while (got < sizeof reply - 1) {
        ssize_t r = recv(fd, reply + got, 1, 0);
        if (r <= 0) { fprintf(stderr, "upgrade failed\n"); exit(1); }
        got++;
        reply[got] = 0;
        if (got >= 4 && memcmp(reply + got - 4, "\r\n\r\n", 4) == 0) break;
    }
    if (strncmp(reply, "HTTP/1.1 101", 12) != 0) { fprintf(stderr, "no upgrade: %.60s\n", reply); exit(1); }
    return fd;
}

#endif
