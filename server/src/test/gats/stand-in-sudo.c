/*
 * Stand-in for sudo in the upstream suite's "ubuntu:14.04" stand-in image (see stand-in-images.sh).
 * The spec it serves ("when the 'privileged' flag is set ... the user changes to root") appends
 * "ALL ALL = (ALL) NOPASSWD: ALL" to /etc/sudoers and then runs `sudo chown ...` and
 * `sudo date --set ...` as a non-root user: what it checks is that a setuid-root binary still
 * raises a user to root in a privileged container, and that root then has no more capabilities
 * than the container's bounding set. So this is a setuid-root program that, like sudo, refuses
 * unless /etc/sudoers (root-owned, not writable by others) has a NOPASSWD rule for ALL or for the
 * caller's user name, then becomes uid/gid 0 and execs the command. Built static by the script.
 */
#define _GNU_SOURCE
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The caller's name from /etc/passwd, read by hand (a static binary has no NSS). */
static int user_name(uid_t uid, char *out, size_t len) {
    FILE *f = fopen("/etc/passwd", "r");
    char line[1024];
    if (!f) return -1;
    while (fgets(line, sizeof line, f)) {
        char *name = strtok(line, ":"), *pw = strtok(NULL, ":"), *id = strtok(NULL, ":");
        if (name && pw && id && (uid_t) strtoul(id, NULL, 10) == uid) {
            snprintf(out, len, "%s", name);
            fclose(f);
            return 0;
        }
    }
    fclose(f);
    return -1;
}

static int permitted(const char *user) {
    struct stat st;
    FILE *f;
    char line[1024];
    if (stat("/etc/sudoers", &st) != 0 || st.st_uid != 0 || (st.st_mode & 022)) return 0;
    if (!(f = fopen("/etc/sudoers", "r"))) return 0;
    while (fgets(line, sizeof line, f)) {
        char who[256];
        if (line[0] == '#' || sscanf(line, "%255s", who) != 1) continue;
        if ((strcmp(who, "ALL") == 0 || strcmp(who, user) == 0) && strstr(line, "NOPASSWD: ALL")) {
            fclose(f);
            return 1;
        }
    }
    fclose(f);
    return 0;
}

int main(int argc, char **argv) {
    char user[256] = "";
    if (argc < 2) {
        fprintf(stderr, "usage: sudo COMMAND [ARG...]\n");
        return 1;
    }
    if (user_name(getuid(), user, sizeof user) != 0 && getuid() != 0) {
        fprintf(stderr, "sudo: you do not exist in the passwd database\n");
        return 1;
    }
    if (getuid() != 0 && !permitted(user)) {
        fprintf(stderr, "sudo: %s is not in the sudoers file\n", user);
        return 1;
    }
    if (setgroups(0, NULL) != 0 || setresgid(0, 0, 0) != 0 || setresuid(0, 0, 0) != 0) {
        perror("sudo: becoming root");
        return 1;
    }
    execvp(argv[1], argv + 1);
    fprintf(stderr, "sudo: %s: command not found\n", argv[1]);
    return 1;
}
