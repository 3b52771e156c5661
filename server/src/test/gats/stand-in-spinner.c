/* Stand-in for the spinner application the upstream CPU Throttling specs run as /bin/throttled-or-not
   in cloudfoundry/garden-rootfs: GET /ping, /spin (burns one CPU for 30 s in a child), /cpucgroup
   (the cgroup of the cpu controller, v1, or the v2 path). Listens on 8080. */
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>
#include <signal.h>
#include <time.h>
#include <netinet/in.h>
#include <sys/socket.h>
static void reply(int c, const char *body) {
  char h[256];
  int n = snprintf(h, sizeof h, "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n", strlen(body));
  write(c, h, n); write(c, body, strlen(body));
}
static void cpucgroup(char *out, size_t len) {
  /* v1: the line whose controllers include cpu; v2: the one "0::PATH" line */
  FILE *f = fopen("/proc/self/cgroup", "r"); char line[1024]; out[0] = 0;
  if (!f) return;
  while (fgets(line, sizeof line, f)) {
    line[strcspn(line, "\n")] = 0;
    char *a = strchr(line, ':'); if (!a) continue; char *b = strchr(a + 1, ':'); if (!b) continue;
    *b = 0; int cpu = (a[1] == 0);
    for (char *t = strtok(a + 1, ","); t; t = strtok(NULL, ",")) if (!strcmp(t, "cpu")) cpu = 1;
    if (cpu) { snprintf(out, len, "%s", b + 1); if (strcmp(line, "0")) break; }
  }
  fclose(f);
}
int main(void) {
  signal(SIGCHLD, SIG_IGN);
  int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;
  setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(8080)};
  if (bind(s, (struct sockaddr *)&a, sizeof a) || listen(s, 16)) { perror("listen"); return 1; }
  for (;;) {
    int c = accept(s, 0, 0); if (c < 0) continue;
    char req[2048]; int n = read(c, req, sizeof req - 1); if (n < 0) n = 0; req[n] = 0;
    if (!strncmp(req, "GET /ping", 9)) reply(c, "pong");
    else if (!strncmp(req, "GET /spin", 9)) {
      if (fork() == 0) { time_t end = time(0) + 30; volatile unsigned long x = 0; while (time(0) < end) x++; _exit(0); }
      reply(c, "spinning");
    } else if (!strncmp(req, "GET /cpucgroup", 14)) { char cg[1024]; cpucgroup(cg, sizeof cg); reply(c, cg); }
    else reply(c, "?");
    close(c);
  }
}
