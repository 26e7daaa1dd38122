/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * master.c -- the php-fpm-style master process.
 *
 * Owns the listening socket (a unix socket, mode 0660, or a TCP address
 * opened by listen.c whose peers the workers check), the pid file, the
 * process table and the signal policy.  The master blocks every signal it
 * cares about and takes them synchronously with sigtimedwait(), so there
 * are no handlers and no races with fork.  Children inherit the blocked
 * mask; workers keep it (see worker.c).
 *
 *   SIGCHLD          reap; respawn what died (immediately, or with a
 *                    backoff of up to 10 s when a slot keeps crashing)
 *   SIGHUP           reload: run the reload hooks, start a new
 *                    generation of workers, then ask the old ones to stop
 *                    after their request in flight
 *   SIGTERM, SIGINT  stop: ask everyone to stop, wait shutdown_timeout,
 *                    then SIGKILL what is left
 *
 * A worker that exits 0 (max_requests reached) is replaced without
 * counting as a crash.
 */
#include "master.h"

#include <errno.h>
#include <fcgiapp.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "db.h"
#include "listen.h"
#include "log.h"
#include "metrics.h"
#include "worker.h"

#define MAX_SLOTS 300
#define MAX_EXTRA 8

typedef struct {
    pid_t           pid;
    const char     *role;       /* "worker", "scheduler", "mailer" */
    master_child_fn fn;         /* NULL for workers */
    const void     *arg;        /* fn's */
    int             slot;
    int             generation;
    int             stopping;   /* SIGTERM sent */
    double          started;
    double          stop_sent;
    int             crashes;    /* consecutive quick deaths */
    double          respawn_at; /* > 0: waiting for backoff */
} child_t;

static child_t           children[MAX_SLOTS];
static int               nchildren;
static int               generation;
static struct { const char *role; master_child_fn fn; const void *arg; } extras[MAX_EXTRA];
static int               nextras;
static master_reload_fn  reloads[8];
static int               nreloads;

void
master_add_child(const char *role, master_child_fn fn, const void *arg)
{
    if (nextras < MAX_EXTRA) {
        extras[nextras].role = role;
        extras[nextras].fn = fn;
        extras[nextras].arg = arg;
        nextras++;
    }
}

void
master_add_reload(master_reload_fn fn)
{
    if (nreloads < 8)
        reloads[nreloads++] = fn;
}

static double
now_mono(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static int
open_socket(const cfg_t *cfg)
{
    int            fd;
    struct timeval tick = { 0, 500000 };
    listen_addr_t  a;
    en_err_t       err;

    en_clear(&err);
    if (listen_parse_addr(cfg->listen, &a, &err) != EN_OK) {   /* cfg.c checked it */
        log_event(LOG_ERROR, "bad listen address", "error", err.msg, NULL);
        return -1;
    }
    if (a.tcp) {
        if ((fd = listen_open_tcp(&a, 1024, &err)) < 0) {
            log_event(LOG_ERROR, "cannot open the FastCGI port", "address", cfg->listen,
                      "error", err.msg, NULL);
            return -1;
        }
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tick, sizeof(tick));
        return fd;
    }
    unlink(a.path);
    fd = FCGX_OpenSocket(a.path, 1024);
    if (fd < 0) {
        log_event(LOG_ERROR, "cannot open the FastCGI socket", "path", a.path,
                  "error", strerror(errno), NULL);
        return -1;
    }
    if (chmod(a.path, 0660) != 0) {
        log_event(LOG_ERROR, "cannot chmod the socket", "path", a.path, NULL);
        close(fd);
        return -1;
    }
    if (cfg->socket_group != NULL && *cfg->socket_group) {
        struct group *g = getgrnam(cfg->socket_group);

        if (g == NULL || chown(a.path, (uid_t) -1, g->gr_gid) != 0) {
            log_event(LOG_ERROR, "cannot give the socket to its group", "group",
                      cfg->socket_group, NULL);
            close(fd);
            return -1;
        }
    }
    /* accept() wakes every half second so workers can look for signals */
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tick, sizeof(tick));
    return fd;
}

static void
spawn(const cfg_t *cfg, int listen_fd, child_t *c)
{
    pid_t pid = fork();
    char  pid_s[16], slot_s[16];

    if (pid < 0) {
        log_event(LOG_ERROR, "fork failed", "error", strerror(errno), NULL);
        c->respawn_at = now_mono() + 1;
        return;
    }
    if (pid == 0) {
        int status;

        if (c->fn != NULL) {
            close(listen_fd);
            log_set_process(c->role);
            status = c->fn(cfg, c->arg);
        } else {
            status = worker_main(cfg, listen_fd, c->slot);
        }
        _exit(status);
    }
    c->pid = pid;
    c->started = now_mono();
    c->stopping = 0;
    c->respawn_at = 0;
    snprintf(pid_s, sizeof(pid_s), "%ld", (long) pid);
    snprintf(slot_s, sizeof(slot_s), "%d", c->slot);
    log_event(LOG_INFO, "child started", "child_role", c->role, "child_pid", pid_s,
              "slot", slot_s, NULL);
}

static child_t *
new_child(const char *role, master_child_fn fn, const void *arg, int slot)
{
    child_t *c;
    int      i;

    for (i = 0; i < nchildren; i++)
        if (children[i].pid == 0 && children[i].respawn_at == 0)
            break;
    if (i == nchildren) {
        if (nchildren == MAX_SLOTS)
            return NULL;
        nchildren++;
    }
    c = &children[i];
    memset(c, 0, sizeof(*c));
    c->role = role;
    c->fn = fn;
    c->arg = arg;
    c->slot = slot;
    c->generation = generation;
    return c;
}

static void
start_generation(const cfg_t *cfg, int listen_fd)
{
    int i;

    for (i = 0; i < cfg->workers; i++) {
        child_t *c = new_child("worker", NULL, NULL, i);

        if (c != NULL)
            spawn(cfg, listen_fd, c);
    }
}

static void
stop_child(child_t *c, double now)
{
    if (c->pid > 0) {
        kill(c->pid, SIGTERM);
        if (!c->stopping)
            c->stop_sent = now;
        c->stopping = 1;
    }
    c->respawn_at = 0;
}

static void
reap(const cfg_t *cfg, int listen_fd, int shutting_down)
{
    pid_t pid;
    int   status, i;

    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        char     pid_s[16], st_s[32];
        child_t *c = NULL;

        for (i = 0; i < nchildren; i++)
            if (children[i].pid == pid)
                c = &children[i];
        if (c == NULL)
            continue;
        snprintf(pid_s, sizeof(pid_s), "%ld", (long) pid);
        if (WIFSIGNALED(status))
            snprintf(st_s, sizeof(st_s), "signal %d", WTERMSIG(status));
        else
            snprintf(st_s, sizeof(st_s), "exit %d", WEXITSTATUS(status));
        c->pid = 0;
        if (c->stopping || shutting_down || c->generation != generation) {
            log_event(LOG_INFO, "child stopped", "child_role", c->role,
                      "child_pid", pid_s, "status", st_s, NULL);
            c->role = NULL;
            continue;
        }
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
            c->crashes = 0;          /* recycled after max_requests */
            spawn(cfg, listen_fd, c);
            continue;
        }
        metrics_worker_restart();
        c->crashes = now_mono() - c->started < 2.0 ? c->crashes + 1 : 0;
        log_event(LOG_ERROR, "child died; restarting", "child_role", c->role,
                  "child_pid", pid_s, "status", st_s, NULL);
        if (c->crashes >= 3) {
            double delay = 0.1 * (1 << (c->crashes > 10 ? 10 : c->crashes));

            if (delay > 10)
                delay = 10;
            c->respawn_at = now_mono() + delay;
        } else {
            spawn(cfg, listen_fd, c);
        }
    }
}

static void
run_reload_hooks(const cfg_t *cfg)
{
    int i;

    for (i = 0; i < nreloads; i++)
        if (reloads[i](cfg) != 0)
            log_event(LOG_ERROR, "reload step failed; the previous version keeps serving",
                      NULL);
}

static void
reload(const cfg_t *cfg, int listen_fd)
{
    int    old = generation, i;
    double now = now_mono();

    log_event(LOG_INFO, "reloading", NULL);
    metrics_add(&metrics_get()->reloads, 1);
    run_reload_hooks(cfg);
    generation++;
    start_generation(cfg, listen_fd);
    for (i = 0; i < nextras; i++) {
        child_t *c = new_child(extras[i].role, extras[i].fn, extras[i].arg, 0);

        if (c != NULL)
            spawn(cfg, listen_fd, c);
    }
    for (i = 0; i < nchildren; i++)
        if (children[i].generation == old && children[i].role != NULL)
            stop_child(&children[i], now);
}

static int
live_children(void)
{
    int i, n = 0;

    for (i = 0; i < nchildren; i++)
        if (children[i].pid > 0)
            n++;
    return n;
}

static void
tick(const cfg_t *cfg, int listen_fd)
{
    double now = now_mono();
    int    i;

    for (i = 0; i < nchildren; i++) {
        child_t *c = &children[i];

        if (c->pid == 0 && c->respawn_at > 0 && now >= c->respawn_at)
            spawn(cfg, listen_fd, c);
        if (c->pid > 0 && c->stopping && now - c->stop_sent > cfg->shutdown_timeout) {
            log_event(LOG_WARN, "child did not stop in time; killing", "child_role",
                      c->role, NULL);
            kill(c->pid, SIGKILL);
        }
    }
}

/* The master's pid, for its children to signal (master_request_reload). */
static pid_t master_pid;

int
master_request_reload(void)
{
    if (master_pid <= 1 || master_pid == getpid())
        return -1;
    return kill(master_pid, SIGHUP) == 0 ? 0 : -1;
}

int
master_child_should_stop(void)
{
    sigset_t pending;

    sigpending(&pending);
    return sigismember(&pending, SIGTERM) || sigismember(&pending, SIGINT)
           || sigismember(&pending, SIGHUP);
}

static void
write_pid(const cfg_t *cfg)
{
    FILE *f = fopen(cfg->pid_file, "w");

    if (f == NULL) {
        log_event(LOG_WARN, "cannot write the pid file", "path", cfg->pid_file, NULL);
        return;
    }
    fprintf(f, "%ld\n", (long) getpid());
    fclose(f);
}

int
master_run(const cfg_t *cfg)
{
    sigset_t        set;
    siginfo_t       info;
    struct timespec wait = { 0, 250000000 };
    int             listen_fd, i, stopping = 0;
    double          stop_deadline = 0;

    log_set_process("master");
    master_pid = getpid();
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigprocmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    if (metrics_init() != 0)
        log_event(LOG_WARN, "shared metrics unavailable", NULL);
    if ((listen_fd = open_socket(cfg)) < 0)
        return 1;
    write_pid(cfg);
    run_reload_hooks(cfg);
    db_close();          /* children must not share the master's connection */
    start_generation(cfg, listen_fd);
    for (i = 0; i < nextras; i++) {
        child_t *c = new_child(extras[i].role, extras[i].fn, extras[i].arg, 0);

        if (c != NULL)
            spawn(cfg, listen_fd, c);
    }
    log_event(LOG_INFO, "guichet serving", "socket", cfg->listen, "base_url",
              cfg->base_url, "version", GUICHET_VERSION, NULL);
    for (;;) {
        int sig = sigtimedwait(&set, &info, &wait);

        if (sig == SIGCHLD)
            reap(cfg, listen_fd, stopping);
        else if (sig == SIGHUP && !stopping) {
            reload(cfg, listen_fd);
            db_close();
        } else if (sig == SIGTERM || sig == SIGINT) {
            if (!stopping) {
                double now = now_mono();

                log_event(LOG_INFO, "stopping", NULL);
                stopping = 1;
                stop_deadline = now + cfg->shutdown_timeout;
                for (i = 0; i < nchildren; i++)
                    stop_child(&children[i], now);
            }
        }
        reap(cfg, listen_fd, stopping);
        if (stopping) {
            if (live_children() == 0)
                break;
            if (now_mono() > stop_deadline)
                for (i = 0; i < nchildren; i++)
                    if (children[i].pid > 0)
                        kill(children[i].pid, SIGKILL);
        } else {
            tick(cfg, listen_fd);
        }
    }
    close(listen_fd);
    {
        listen_addr_t a;
        en_err_t      err;

        if (listen_parse_addr(cfg->listen, &a, &err) == EN_OK && !a.tcp)
            unlink(a.path);
    }
    unlink(cfg->pid_file);
    log_event(LOG_INFO, "stopped", NULL);
    return 0;
}
