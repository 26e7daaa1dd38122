/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * util_run.c -- a child process with a time limit (see util_run.h).
 *
 * Owns the fork, the three pipes, the poll loop that feeds stdin while it
 * reads stdout and stderr (a program that writes before it has read all
 * its input never blocks us both), the deadline and the reaping.
 */
#include "util_run.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define RUN_ERR_KEEP 400            /* bytes of stderr kept for the message */

static double
now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static void
close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

/* In the child: the pipes on 0, 1, 2, nothing else open, default signals. */
static void
child(const util_run_t *run, int in_r, int out_w, int err_w)
{
    sigset_t none;
    int      fd, maxfd;

    if (dup2(in_r, 0) < 0 || dup2(out_w, 1) < 0 || dup2(err_w, 2) < 0)
        _exit(127);
    maxfd = (int) sysconf(_SC_OPEN_MAX);
    if (maxfd < 0 || maxfd > 65536)
        maxfd = 65536;
    for (fd = 3; fd < maxfd; fd++)
        close(fd);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    signal(SIGPIPE, SIG_DFL);
    signal(SIGCHLD, SIG_DFL);
    execvp(run->argv[0], (char *const *) run->argv);
    _exit(127);
}

/* The last line of what the child wrote on stderr, for a message. */
static const char *
last_line(pool_t *p, const char *s, size_t n)
{
    size_t end = n, start;

    while (end > 0 && (s[end - 1] == '\n' || s[end - 1] == '\r' || s[end - 1] == ' '))
        end--;
    start = end;
    while (start > 0 && s[start - 1] != '\n')
        start--;
    return pool_strndup(p, s + start, end - start);
}

int
util_run(pool_t *p, en_err_t *err, const util_run_t *run, char **out, size_t *out_len)
{
    int         in[2] = { -1, -1 }, o[2] = { -1, -1 }, e[2] = { -1, -1 };
    pid_t       pid;
    size_t      sent = 0, cap, got = 0, elen = 0;
    char       *buf = NULL, ebuf[RUN_ERR_KEEP + 1];
    double      deadline;
    int         status = 0, timed_out = 0, too_much = 0, rc;
    const char *prog = run->argv[0];

    *out = NULL;
    *out_len = 0;
    if (pipe2(in, O_CLOEXEC) != 0 || pipe2(o, O_CLOEXEC) != 0 || pipe2(e, O_CLOEXEC) != 0) {
        rc = en_set(err, EN_UNAVAILABLE, "err.internal", "%s: no pipe: %s", prog,
                    strerror(errno));
        goto close_all;
    }
    pid = fork();
    if (pid < 0) {
        rc = en_set(err, EN_UNAVAILABLE, "err.internal", "%s: cannot fork: %s", prog,
                    strerror(errno));
        goto close_all;
    }
    if (pid == 0)
        child(run, in[0], o[1], e[1]);
    close_fd(&in[0]);
    close_fd(&o[1]);
    close_fd(&e[1]);
    fcntl(in[1], F_SETFL, fcntl(in[1], F_GETFL) | O_NONBLOCK);
    if (run->input == NULL || run->input_len == 0)
        close_fd(&in[1]);
    cap = run->max_output < 65536 ? run->max_output : 65536;
    buf = pool_alloc(p, cap + 1);
    deadline = now_s() + run->timeout_s;
    while (o[0] >= 0 || e[0] >= 0) {
        struct pollfd fds[3];
        int           nfds = 0, ms, k;
        double        left = deadline - now_s();

        if (left <= 0) {
            timed_out = 1;
            break;
        }
        ms = (int) (left * 1000) + 1;
        if (in[1] >= 0)
            fds[nfds++] = (struct pollfd) { in[1], POLLOUT, 0 };
        if (o[0] >= 0)
            fds[nfds++] = (struct pollfd) { o[0], POLLIN, 0 };
        if (e[0] >= 0)
            fds[nfds++] = (struct pollfd) { e[0], POLLIN, 0 };
        k = poll(fds, (nfds_t) nfds, ms);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            break;
        for (k = 0; k < nfds; k++) {
            if (fds[k].revents == 0)
                continue;
            if (fds[k].fd == in[1]) {
                ssize_t w = write(in[1], run->input + sent, run->input_len - sent);

                if (w > 0)
                    sent += (size_t) w;
                if ((w < 0 && errno != EAGAIN && errno != EINTR) || sent == run->input_len)
                    close_fd(&in[1]);
            } else if (fds[k].fd == o[0]) {
                ssize_t r;

                if (got == cap) {
                    char  *bigger;
                    size_t ncap = cap * 2 > run->max_output ? run->max_output : cap * 2;

                    if (ncap <= cap) {
                        /* full: only the end of the output may still come */
                        char    one;
                        ssize_t r1 = read(o[0], &one, 1);

                        if (r1 > 0)
                            too_much = 1;
                        if (r1 >= 0 || (errno != EAGAIN && errno != EINTR))
                            close_fd(&o[0]);
                        continue;
                    }
                    bigger = pool_alloc(p, ncap + 1);
                    memcpy(bigger, buf, got);
                    buf = bigger;
                    cap = ncap;
                }
                r = read(o[0], buf + got, cap - got);
                if (r > 0)
                    got += (size_t) r;
                else if (r == 0 || (errno != EAGAIN && errno != EINTR))
                    close_fd(&o[0]);
            } else {
                char    tmp[4096];
                ssize_t r = read(e[0], tmp, sizeof(tmp));

                if (r > 0) {
                    /* keep the end: the error is the last thing said */
                    size_t n = (size_t) r;

                    if (n >= RUN_ERR_KEEP) {
                        memcpy(ebuf, tmp + n - RUN_ERR_KEEP, RUN_ERR_KEEP);
                        elen = RUN_ERR_KEEP;
                    } else {
                        if (elen + n > RUN_ERR_KEEP) {
                            memmove(ebuf, ebuf + (elen + n - RUN_ERR_KEEP),
                                    RUN_ERR_KEEP - n);
                            elen = RUN_ERR_KEEP - n;
                        }
                        memcpy(ebuf + elen, tmp, n);
                        elen += n;
                    }
                } else if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
                    close_fd(&e[0]);
                }
            }
        }
        if (too_much)
            break;
    }
    if (timed_out || too_much)
        kill(pid, SIGKILL);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    ebuf[elen] = '\0';
    if (timed_out)
        rc = en_set(err, EN_UNAVAILABLE, "err.internal", "%s: no answer after %d s", prog,
                    run->timeout_s);
    else if (too_much)
        rc = en_set(err, EN_INTERNAL, "err.internal", "%s: more than %zu bytes of output",
                    prog, run->max_output);
    else if (WIFSIGNALED(status))
        rc = en_set(err, EN_UNAVAILABLE, "err.internal", "%s: killed by signal %d", prog,
                    WTERMSIG(status));
    else if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && elen == 0)
        rc = en_set(err, EN_UNAVAILABLE, "err.internal", "%s: cannot start", prog);
    else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        rc = en_set(err, EN_INTERNAL, "err.internal", "%s: exit status %d: %s", prog,
                    WIFEXITED(status) ? WEXITSTATUS(status) : -1, last_line(p, ebuf, elen));
    else {
        buf[got] = '\0';
        *out = buf;
        *out_len = got;
        rc = EN_OK;
    }
close_all:
    close_fd(&in[0]);
    close_fd(&in[1]);
    close_fd(&o[0]);
    close_fd(&o[1]);
    close_fd(&e[0]);
    close_fd(&e[1]);
    return rc;
}
