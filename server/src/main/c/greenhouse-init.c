/*
 * greenhouse-init: pid 1 of every Greenhouse container.
 *
 * Processes are exec'd into the container later, so init only has to stay alive, reap the
 * orphans that get reparented to it (otherwise they stay zombies and fill the pid limit), and
 * exit on SIGTERM/SIGINT. Built statically so it runs in any root filesystem.
 */
#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigprocmask(SIG_BLOCK, &set, NULL);

    for (;;) {
        int sig = 0;
        if (sigwait(&set, &sig) != 0) {
            continue;
        }
        if (sig == SIGTERM || sig == SIGINT) {
            return 0;
        }
        while (waitpid(-1, NULL, WNOHANG) > 0) {
        }
    }
}
