/*
 * Seed 003 push loader: N WebSocket connections to /video-input-stream, each sending its camera
 * id and token, then the same JPEG over and over as fast as the socket takes it.
 *
 * One thread, non-blocking sockets, epoll (WebSocket pieces in ws_client.h).
 *
 * Usage: push_load HOST PORT SECONDS JPEG_FILE CAMERAS_FILE
 *        CAMERAS_FILE has one "id token" per line. With SECONDS 0, each camera sends one frame
 *        and disconnects (the hub keeps it as the camera's newest frame).
 * Prints: "sent <frames> <seconds>" on stdout.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sys/epoll.h>

#include "ws_client.h"

struct conn {
    int fd;
    size_t offset;
    long frames;
};

static void put_le32(unsigned char *out, uint32_t value) {
    out[0] = value & 0xFF; out[1] = value >> 8 & 0xFF; out[2] = value >> 16 & 0xFF; out[3] = value >> 24;
}

/* Opens /video-input-stream and sends the camera id and the token, one message each. */
static int open_stream(const char *host, int port, uint32_t id, const char *token) {
    int fd = ws_connect(host, port, "/video-input-stream");
    unsigned char piece[4 + 1024], frame[16 + sizeof piece];
    put_le32(piece, id);
    ws_send_all(fd, frame, ws_frame(frame, 2, piece, 4));
    size_t token_length = strlen(token);
    put_le32(piece, (uint32_t)token_length);
    memcpy(piece + 4, token, token_length);
    ws_send_all(fd, frame, ws_frame(frame, 2, piece, 4 + token_length));
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
    size_t message_length = ws_frame(message, 2, payload, (size_t)jpeg_length + 4);

    struct conn conns[1024];
    int count = 0;
    FILE *cameras = fopen(argv[5], "r");
    if (!cameras) { perror("cameras"); return 1; }
    unsigned id;
    char token[256];
    int epoll = epoll_create1(0);
    if (seconds <= 0) {
        long sent = 0;
        double start = ws_now();
        while (fscanf(cameras, "%u %255s", &id, token) == 2) {
            int fd = open_stream(host, port, id, token);
            ws_send_all(fd, message, message_length);
            /* A close frame, so the hub ends the socket at a piece boundary. */
            unsigned char close_frame[] = {0x88, 0x82, 0, 0, 0, 0, 0x03, 0xE8};
            ws_send_all(fd, close_frame, sizeof close_frame);
            char drain[256];
            while (recv(fd, drain, sizeof drain, 0) > 0) {}
            close(fd);
            sent++;
        }
        printf("sent %ld %.3f\n", sent, ws_now() - start);
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

    double start = ws_now(), end = start + seconds;
    struct epoll_event events[1024];
    while (ws_now() < end) {
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
    double elapsed = ws_now() - start;
    long total = 0;
    for (int i = 0; i < count; i++) total += conns[i].frames;
    printf("sent %ld %.3f\n", total, elapsed);
    for (int i = 0; i < count; i++) close(conns[i].fd);
    return 0;
}
