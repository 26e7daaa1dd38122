/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * listen.c -- the FastCGI listening address and its allow-list (see
 * listen.h).  Owns parsing `listen` and `listen_allow`, binding a TCP
 * listener and the peer check on accept.  Knows nothing of FastCGI
 * records: a refused peer is closed before libfcgi sees the socket.
 */
#include "listen.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

/* "1.2.3.4" or "fd00::1" (no brackets) into family/bytes; 0 if neither */
static int
parse_ip(const char *s, int *family, unsigned char *out)
{
    if (inet_pton(AF_INET, s, out) == 1) {
        *family = AF_INET;
        return 1;
    }
    if (inet_pton(AF_INET6, s, out) == 1) {
        *family = AF_INET6;
        return 1;
    }
    return 0;
}

static int
parse_port(const char *s, int *port)
{
    long  v;
    char *end;

    if (*s < '0' || *s > '9')
        return 0;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < 1 || v > 65535)
        return 0;
    *port = (int) v;
    return 1;
}

int
listen_parse_addr(const char *value, listen_addr_t *a, en_err_t *err)
{
    char          host[64];
    const char   *s = value, *colon, *port_s;
    unsigned char ip[16];
    int           family, port, want_tcp = 0;
    size_t        hlen;

    memset(a, 0, sizeof(*a));
    if (value == NULL || *value == '\0')
        return en_set(err, EN_BADINPUT, "cfg.listen",
                      "listen: expected a socket path or address:port, got nothing");
    if (!strncmp(s, "unix:", 5)) {
        if (s[5] == '\0')
            return en_set(err, EN_BADINPUT, "cfg.listen",
                          "listen: \"%s\": unix: needs a path", value);
        s += 5;
        if (strchr(s, ':') != NULL)   /* libfcgi would read path:N as TCP */
            return en_set(err, EN_BADINPUT, "cfg.listen",
                          "listen: \"%s\": a socket path may not contain ':'", value);
        a->path = s;
        return EN_OK;
    }
    if (!strncmp(s, "tcp:", 4)) {
        s += 4;
        want_tcp = 1;
    }
    if (!want_tcp && strchr(s, ':') == NULL) {
        a->path = s;                          /* a unix socket path */
        return EN_OK;
    }
    if (*s == '[') {
        const char *close = strchr(s, ']');

        if (close == NULL || close[1] != ':')
            return en_set(err, EN_BADINPUT, "cfg.listen",
                          "listen: \"%s\": expected [IPv6 address]:port", value);
        hlen = (size_t) (close - s - 1);
        if (hlen >= sizeof(host))
            hlen = sizeof(host) - 1;
        memcpy(host, s + 1, hlen);
        host[hlen] = '\0';
        port_s = close + 2;
        if (inet_pton(AF_INET6, host, ip) != 1)
            return en_set(err, EN_BADINPUT, "cfg.listen",
                          "listen: \"%s\": \"%s\" is not an IPv6 address", value, host);
        family = AF_INET6;
    } else {
        colon = strrchr(s, ':');
        if (colon == NULL)
            return en_set(err, EN_BADINPUT, "cfg.listen",
                          "listen: \"%s\": expected address:port", value);
        hlen = (size_t) (colon - s);
        if (hlen >= sizeof(host))
            hlen = sizeof(host) - 1;
        memcpy(host, s, hlen);
        host[hlen] = '\0';
        port_s = colon + 1;
        if (inet_pton(AF_INET, host, ip) != 1)
            return en_set(err, EN_BADINPUT, "cfg.listen",
                          "listen: \"%s\": \"%s\" is not an IPv4 address (a host "
                          "name is not accepted; IPv6 goes in brackets; a socket "
                          "path with ':' is written unix:path)", value, host);
        family = AF_INET;
    }
    if (!parse_port(port_s, &port))
        return en_set(err, EN_BADINPUT, "cfg.listen",
                      "listen: \"%s\": the port must be 1 to 65535", value);
    a->tcp = 1;
    if (family == AF_INET) {
        struct sockaddr_in *in = (struct sockaddr_in *) &a->sa;

        in->sin_family = AF_INET;
        in->sin_port = htons((unsigned short) port);
        memcpy(&in->sin_addr, ip, 4);
        a->salen = sizeof(*in);
    } else {
        struct sockaddr_in6 *in6 = (struct sockaddr_in6 *) &a->sa;

        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons((unsigned short) port);
        memcpy(&in6->sin6_addr, ip, 16);
        a->salen = sizeof(*in6);
    }
    return EN_OK;
}

static void
mask(unsigned char *addr, int len, int bits)
{
    int i;

    for (i = 0; i < len; i++) {
        int keep = bits - i * 8;

        if (keep <= 0)
            addr[i] = 0;
        else if (keep < 8)
            addr[i] &= (unsigned char) (0xff << (8 - keep));
    }
}

int
listen_parse_allow(const char *value, listen_allow_t *allow, en_err_t *err)
{
    const char *p = value;

    memset(allow, 0, sizeof(*allow));
    if (value == NULL)
        return EN_OK;
    while (*p) {
        size_t        n = strcspn(p, ", \t");
        char          item[80], *slash;
        listen_net_t *net;
        int           max;

        if (n == 0) {
            p++;
            continue;
        }
        if (n >= sizeof(item))
            return en_set(err, EN_BADINPUT, "cfg.listen_allow",
                          "listen_allow: \"%.*s\" is not an address or CIDR", (int) n, p);
        if (allow->n == LISTEN_MAX_ALLOW)
            return en_set(err, EN_BADINPUT, "cfg.listen_allow",
                          "listen_allow: at most %d entries (use a CIDR)",
                          LISTEN_MAX_ALLOW);
        memcpy(item, p, n);
        item[n] = '\0';
        net = &allow->net[allow->n];
        slash = strchr(item, '/');
        if (slash != NULL)
            *slash = '\0';
        if (!parse_ip(item, &net->family, net->addr))
            return en_set(err, EN_BADINPUT, "cfg.listen_allow",
                          "listen_allow: \"%.*s\" is not an address or CIDR (a host "
                          "name is not accepted)", (int) n, p);
        max = net->family == AF_INET ? 32 : 128;
        net->bits = max;
        if (slash != NULL) {
            char *end = slash + 1;
            long  b;

            if (slash[1] < '0' || slash[1] > '9')
                b = -1;
            else
                b = strtol(slash + 1, &end, 10);
            if (b < 0 || b > max || *end != '\0')
                return en_set(err, EN_BADINPUT, "cfg.listen_allow",
                              "listen_allow: \"%.*s\": the prefix length must be 0 to %d",
                              (int) n, p, max);
            net->bits = (int) b;
        }
        mask(net->addr, max / 8, net->bits);
        allow->n++;
        p += n;
    }
    return EN_OK;
}

int
listen_peer_allowed(const listen_allow_t *allow, const struct sockaddr *sa)
{
    unsigned char addr[16];
    int           family, len, i;
    static const unsigned char v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

    if (allow == NULL || sa == NULL)
        return 0;
    if (sa->sa_family == AF_INET) {
        family = AF_INET;
        memcpy(addr, &((const struct sockaddr_in *) sa)->sin_addr, 4);
    } else if (sa->sa_family == AF_INET6) {
        const unsigned char *a6 = ((const struct sockaddr_in6 *) sa)->sin6_addr.s6_addr;

        if (!memcmp(a6, v4mapped, 12)) {
            family = AF_INET;
            memcpy(addr, a6 + 12, 4);
        } else {
            family = AF_INET6;
            memcpy(addr, a6, 16);
        }
    } else {
        return 0;
    }
    len = family == AF_INET ? 4 : 16;
    for (i = 0; i < allow->n; i++) {
        const listen_net_t *net = &allow->net[i];
        unsigned char       m[16];

        if (net->family != family)
            continue;
        memcpy(m, addr, (size_t) len);
        mask(m, len, net->bits);
        if (!memcmp(m, net->addr, (size_t) len))
            return 1;
    }
    return 0;
}

int
listen_open_tcp(const listen_addr_t *a, int backlog, en_err_t *err)
{
    int fd, one = 1;

    fd = socket(a->sa.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return en_set(err, EN_INTERNAL, "listen.socket", "socket: %s", strerror(errno)), -1;
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0
        || setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) != 0
        || bind(fd, (const struct sockaddr *) &a->sa, a->salen) != 0
        || listen(fd, backlog) != 0) {
        en_set(err, EN_INTERNAL, "listen.bind", "%s", strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

static void
peer_text(const struct sockaddr *sa, char *out, size_t len)
{
    const void *src = sa->sa_family == AF_INET
        ? (const void *) &((const struct sockaddr_in *) sa)->sin_addr
        : (const void *) &((const struct sockaddr_in6 *) sa)->sin6_addr;

    if (inet_ntop(sa->sa_family, src, out, (socklen_t) len) == NULL)
        snprintf(out, len, "?");
}

int
listen_accept(int fd, const listen_allow_t *allow)
{
    for (;;) {
        struct sockaddr_storage peer;
        socklen_t               plen = sizeof(peer);
        int                     c, one = 1;
        char                    who[INET6_ADDRSTRLEN];

        c = accept4(fd, (struct sockaddr *) &peer, &plen, SOCK_CLOEXEC);
        if (c < 0)
            return -1;
        if (peer.ss_family == AF_UNIX)
            return c;                 /* guarded by the socket file's mode */
        if (listen_peer_allowed(allow, (const struct sockaddr *) &peer)) {
            setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
            return c;
        }
        peer_text((const struct sockaddr *) &peer, who, sizeof(who));
        close(c);                     /* before one byte is read */
        log_event(LOG_WARN, "FastCGI connection refused: peer not in listen_allow",
                  "peer", who, NULL);
    }
}
