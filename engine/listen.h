/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * listen.h -- where the engine takes FastCGI connections from nginx, and
 * from whom.
 *
 * `listen` is a unix socket path (one host: nginx and the engine side by
 * side) or a TCP address (several hosts: nginx on one, engines on others):
 *
 *   listen = /run/guichet/guichet.sock      a path (or unix:/path; no ':')
 *   listen = 10.0.0.5:9000                  IPv4 address and port
 *   listen = [fd00::5]:9000                 IPv6 address and port
 *   listen = tcp:10.0.0.5:9000              the same, spelled out
 *
 * A TCP listen needs `listen_allow`: the peers (nginx hosts) allowed to
 * connect, addresses or CIDRs separated by spaces or commas
 * ("10.0.0.2 10.0.0.3", "10.0.0.0/29").  An empty list with a TCP listen is
 * refused at start: never an open FastCGI port.  A connection from any
 * other peer is closed before one byte of it is read, so libfcgi's record
 * parser never sees it.  A unix socket is guarded by its mode and group
 * instead (master.c); listen_allow does not apply to it.
 *
 * Owns the parsing and matching of both values, opening a TCP listener
 * and the checked accept().  Does not own the unix socket's file (master.c)
 * nor the FastCGI protocol (libfcgi, worker.c).
 */
#ifndef GUICHET_LISTEN_H
#define GUICHET_LISTEN_H

#include <sys/socket.h>

#include "en_err.h"

#define LISTEN_MAX_ALLOW 32

typedef struct {
    int                     tcp;        /* 0: unix socket */
    const char             *path;       /* the unix socket's path */
    struct sockaddr_storage sa;         /* tcp: where to bind */
    socklen_t               salen;
} listen_addr_t;

typedef struct {
    int           family;               /* AF_INET or AF_INET6 */
    unsigned char addr[16];             /* network order, masked */
    int           bits;                 /* prefix length */
} listen_net_t;

typedef struct {
    int          n;
    listen_net_t net[LISTEN_MAX_ALLOW];
} listen_allow_t;

/* Parses a `listen` value.  a->path points into value (keep it alive).
 * EN_BADINPUT with err->msg saying what is wrong (no file:line: the
 * caller adds it). */
int listen_parse_addr(const char *value, listen_addr_t *a, en_err_t *err);

/* Parses a `listen_allow` value (NULL or empty: an empty list). */
int listen_parse_allow(const char *value, listen_allow_t *allow, en_err_t *err);

/* 1 when the peer address sa is in the list (an IPv4 peer seen through
 * an IPv6 socket as ::ffff:a.b.c.d counts as IPv4); 0 otherwise, and
 * always 0 for an empty list. */
int listen_peer_allowed(const listen_allow_t *allow, const struct sockaddr *sa);

/* Opens a TCP listener on a (SO_REUSEADDR, TCP_NODELAY, backlog given). */
int listen_open_tcp(const listen_addr_t *a, int backlog, en_err_t *err);

/* accept() on fd; a TCP peer not in allow is closed at once (logged) and
 * the next connection is awaited within the same call.  Returns the
 * connected socket, or -1 with errno (EAGAIN when fd's receive timeout
 * elapsed: a tick to look for signals). */
int listen_accept(int fd, const listen_allow_t *allow);

#endif
