// Closed-loop HTTP/1.1 load generator in C, for `npm run bench` (built on the fly by bench/load.js).
// Same behaviour as the JavaScript fallback in load.js: N keep-alive connections, each sends one
// request, waits for the whole response, sends the next. Written in C because a Node load generator
// costs about as much CPU per request as the bare server it measures, and on a 2-core machine it
// takes that CPU from the process under test; a sender on another machine would not.
//
// usage: hookdev-load HOST PORT CONNECTIONS DURATION_MS MAX_REQUESTS REQUEST_FILE
// prints one JSON line: {"requests":…,"errors":…,"non2xx":…,"seconds":…,"p50":…,"p99":…} (ms)
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

typedef struct {
  int fd;
  size_t sent;       // bytes of the request written so far
  char *buf;         // response bytes read so far
  size_t len, cap;
  double t0;         // when the current request started (ms)
  int busy;          // a request is in flight
} conn_t;

static char *request;
static size_t request_len;
static struct sockaddr_in addr;
static int ep;
static double deadline;
static long long limit, started_count, done_count, errors, non2xx;
static uint32_t *lat;  // latencies in microseconds
static size_t lat_len, lat_cap;

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int open_conn(conn_t *c) {
  c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  if (c->fd < 0) return -1;
  int one = 1;
  setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (connect(c->fd, (struct sockaddr *)&addr, sizeof addr) < 0 && errno != EINPROGRESS) {
    close(c->fd);
    c->fd = -1;
    return -1;
  }
  c->len = 0;
  c->busy = 0;
  struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT, .data.ptr = c};
  epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);
  return 0;
}

static void close_conn(conn_t *c) {
  if (c->fd >= 0) {
    epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
  }
  c->fd = -1;
}

static void want(conn_t *c, uint32_t events) {
  struct epoll_event ev = {.events = events, .data.ptr = c};
  epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
}

// Start the next request, or close when the run is over. Returns 0 when the connection stays open.
static int next_request(conn_t *c) {
  if (now_ms() >= deadline || started_count >= limit) {
    close_conn(c);
    return -1;
  }
  started_count++;
  c->busy = 1;
  c->sent = 0;
  c->t0 = now_ms();
  ssize_t n = write(c->fd, request, request_len);
  if (n > 0) c->sent = (size_t)n;
  if (c->sent < request_len) want(c, EPOLLIN | EPOLLOUT);
  return 0;
}

// Length of the first complete response in buf (0 if incomplete); sets *status.
static size_t response_length(const char *buf, size_t len, int *status) {
  const char *end = memmem(buf, len, "\r\n\r\n", 4);
  if (!end) return 0;
  size_t head = (size_t)(end - buf) + 4;
  *status = len >= 12 ? atoi(buf + 9) : 0;
  long long content_length = -1;
  int chunked = 0;
  for (const char *p = buf; p < end;) {
    const char *eol = memmem(p, (size_t)(end - p) + 2, "\r\n", 2);
    if (!eol) break;
    if ((size_t)(eol - p) > 15 && strncasecmp(p, "content-length:", 15) == 0) content_length = atoll(p + 15);
    if ((size_t)(eol - p) > 18 && strncasecmp(p, "transfer-encoding:", 18) == 0 && memmem(p, (size_t)(eol - p), "chunked", 7)) chunked = 1;
    p = eol + 2;
  }
  if (!chunked) {
    size_t total = head + (size_t)(content_length < 0 ? 0 : content_length);
    return len >= total ? total : 0;
  }
  size_t pos = head;
  for (;;) {
    const char *eol = memmem(buf + pos, len - pos, "\r\n", 2);
    if (!eol) return 0;
    size_t size = strtoul(buf + pos, NULL, 16);
    pos = (size_t)(eol - buf) + 2 + size + 2;
    if (pos > len) return 0;
    if (size == 0) return pos;  // no trailers from the servers we measure
  }
}

static void on_readable(conn_t *c) {
  for (;;) {
    if (c->cap - c->len < 65536) {
      c->cap = c->cap * 2 + 65536;
      c->buf = realloc(c->buf, c->cap);
    }
    ssize_t n = read(c->fd, c->buf + c->len, c->cap - c->len);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
      if (c->busy) errors++;
      close_conn(c);
      if (now_ms() < deadline && started_count < limit && open_conn(c) < 0) errors++;
      return;
    }
    if (n < 0) break;
    c->len += (size_t)n;
  }
  for (;;) {
    int status = 0;
    size_t total = response_length(c->buf, c->len, &status);
    if (!total) return;
    memmove(c->buf, c->buf + total, c->len - total);
    c->len -= total;
    if (status < 200 || status >= 300) non2xx++;
    if (lat_len == lat_cap) {
      lat_cap = lat_cap * 2 + 1024;
      lat = realloc(lat, lat_cap * sizeof *lat);
    }
    lat[lat_len++] = (uint32_t)((now_ms() - c->t0) * 1000);
    done_count++;
    c->busy = 0;
    if (next_request(c) < 0) return;
  }
}

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
  if (argc != 7) {
    fprintf(stderr, "usage: %s HOST PORT CONNECTIONS DURATION_MS MAX_REQUESTS REQUEST_FILE\n", argv[0]);
    return 2;
  }
  addr.sin_family = AF_INET;
  addr.sin_port = htons((uint16_t)atoi(argv[2]));
  if (inet_pton(AF_INET, argv[1], &addr.sin_addr) != 1) {
    fprintf(stderr, "bad IPv4 address: %s\n", argv[1]);
    return 2;
  }
  int connections = atoi(argv[3]);
  double duration = atof(argv[4]);
  limit = atoll(argv[5]);
  if (limit <= 0) limit = (long long)1 << 62;
  FILE *f = fopen(argv[6], "rb");
  if (!f) {
    perror(argv[6]);
    return 2;
  }
  fseek(f, 0, SEEK_END);
  request_len = (size_t)ftell(f);
  fseek(f, 0, SEEK_SET);
  request = malloc(request_len);
  if (fread(request, 1, request_len, f) != request_len) return 2;
  fclose(f);

  ep = epoll_create1(0);
  conn_t *conns = calloc((size_t)connections, sizeof *conns);
  double start = now_ms();
  deadline = duration > 0 ? start + duration : 1e300;
  int open_count = 0;
  for (int i = 0; i < connections; i++) {
    if (open_conn(&conns[i]) < 0) errors++;
  }
  struct epoll_event events[256];
  for (;;) {
    open_count = 0;
    for (int i = 0; i < connections; i++) open_count += conns[i].fd >= 0;
    if (!open_count) break;
    int n = epoll_wait(ep, events, 256, 1000);
    for (int i = 0; i < n; i++) {
      conn_t *c = events[i].data.ptr;
      if (c->fd < 0) continue;
      if (events[i].events & (EPOLLERR | EPOLLHUP) && !(events[i].events & EPOLLIN)) {
        errors++;  // refused, reset or a failed connect
        close_conn(c);
        continue;
      }
      if (events[i].events & EPOLLOUT) {
        if (!c->busy) {
          want(c, EPOLLIN);
          if (next_request(c) < 0) continue;
        } else if (c->sent < request_len) {
          ssize_t w = write(c->fd, request + c->sent, request_len - c->sent);
          if (w > 0) c->sent += (size_t)w;
          if (c->sent == request_len) want(c, EPOLLIN);
        }
      }
      if (c->fd >= 0 && events[i].events & EPOLLIN) on_readable(c);
    }
    // A connection that finished while the clock ran out has no event to close it: close idle ones. A server
    // that never answers must not hang the benchmark: 10 s after the end, requests still out count as errors.
    if (now_ms() >= deadline) {
      int give_up = now_ms() >= deadline + 10000;
      for (int i = 0; i < connections; i++) {
        if (conns[i].fd < 0) continue;
        if (conns[i].busy && !give_up) continue;
        if (conns[i].busy) errors++;
        close_conn(&conns[i]);
      }
    }
  }
  double seconds = (now_ms() - start) / 1e3;
  qsort(lat, lat_len, sizeof *lat, cmp_u32);
  double p50 = lat_len ? lat[lat_len / 2] / 1e3 : 0, p99 = lat_len ? lat[(size_t)(lat_len * 0.99)] / 1e3 : 0;
  printf("{\"requests\":%lld,\"errors\":%lld,\"non2xx\":%lld,\"seconds\":%.4f,\"p50\":%.4f,\"p99\":%.4f}\n", done_count,
         errors, non2xx, seconds, p50, p99);
  return 0;
}
