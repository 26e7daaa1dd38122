/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * cfg.c -- reading and checking the configuration (see cfg.h).
 *
 * The known keys are one table (name, type, offset, bounds) in the manner
 * of nginx's directive slots, so adding a key is one line.  Owns no global
 * state: the result lives in the caller's pool.
 *
 * Also owns where an installed engine finds its files: GUICHET_DATADIR
 * (schema, stylesheets, migrations, nginx templates, assets) and
 * GUICHET_SYSCONFDIR (guichet.conf, the procedures), compiled in by the
 * Makefile (build/paths.h, from PREFIX) and overridable by `root`,
 * `workflows_dir`, ... and --config.
 */
#include "cfg.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "listen.h"
#include "util_file.h"

extern char **environ;

#ifndef GUICHET_DATADIR
#define GUICHET_DATADIR "/usr/local/share/guichet"
#endif
#ifndef GUICHET_SYSCONFDIR
#define GUICHET_SYSCONFDIR "/usr/local/etc/guichet"
#endif

const char *
cfg_datadir(void)
{
    return GUICHET_DATADIR;
}

const char *
cfg_default_path(void)
{
    return GUICHET_SYSCONFDIR "/guichet.conf";
}

typedef enum { CT_STR, CT_INT, CT_BOOL, CT_DURATION } cfg_type_t;

typedef struct {
    const char *name;
    cfg_type_t  type;
    size_t      offset;
    long        min, max;
} cfg_key_t;

#define S(n, f)            { n, CT_STR, offsetof(cfg_t, f), 0, 0 }
#define I(n, f, lo, hi)    { n, CT_INT, offsetof(cfg_t, f), lo, hi }
#define B(n, f)            { n, CT_BOOL, offsetof(cfg_t, f), 0, 1 }
#define D(n, f, lo, hi)    { n, CT_DURATION, offsetof(cfg_t, f), lo, hi }

static const cfg_key_t cfg_keys[] = {
    S("listen", listen),
    S("listen_allow", listen_allow),
    S("pid_file", pid_file),
    S("socket_group", socket_group),
    I("workers", workers, 0, 256),
    I("max_requests", max_requests, 0, 100000000),
    D("shutdown_timeout", shutdown_timeout, 1, 3600),
    S("database", database),
    S("base_url", base_url),
    S("root", root),
    S("xslt_dir", xslt_dir),
    S("workflows_dir", workflows_dir),
    S("sql_dir", sql_dir),
    S("metrics_allow", metrics_allow),
    S("log_level", log_level),
    S("default_lang", default_lang),
    B("dev", dev),
    B("demo", demo),
    D("session_idle", session_idle, 60, 86400),
    D("session_absolute", session_absolute, 60, 30 * 86400),
    S("secret", secret),
    S("smtp_url", smtp_url),
    S("smtp_from", smtp_from),
    S("smtp_user", smtp_user),
    S("smtp_password", smtp_password),
    D("smtp_timeout", smtp_timeout, 1, 600),
    B("scheduler", scheduler),
    B("mailer", mailer),
    D("scheduler_interval", scheduler_interval, 1, 3600),
    B("letters", letters),
    S("letters_group", letters_group),
    S("letters_python", letters_python),
    D("letters_timeout", letters_timeout, 5, 3600),
    I("max_body", max_body, 1024, 1024 * 1024 * 1024),
    I("max_upload", max_upload, 1024, 1024 * 1024 * 1024),
    S("av", av),
    S("clamd_socket", clamd_socket),
    D("clamd_timeout", clamd_timeout, 1, 600),
    B("render_check", render_check),
};

#define NKEYS (sizeof(cfg_keys) / sizeof(cfg_keys[0]))

static void
cfg_defaults(cfg_t *c)
{
    memset(c, 0, sizeof(*c));
    c->listen = "var/run/guichet.sock";
    c->pid_file = "var/run/guichet.pid";
    c->workers = 0;
    c->max_requests = 10000;
    c->shutdown_timeout = 10;
    c->database = "host=127.0.0.1 port=5432 dbname=guichet user=guichet";
    c->base_url = "http://127.0.0.1:8080";
    c->root = GUICHET_DATADIR;
    c->metrics_allow = "127.0.0.0/8,::1/128";
    c->log_level = "info";
    c->default_lang = "fr";
    c->dev = 0;
    c->session_idle = 30 * 60;
    c->session_absolute = 12 * 3600;
    c->smtp_url = "smtp://127.0.0.1:2525";
    c->smtp_from = "Guichet <noreply@guichet.invalid>";
    c->smtp_timeout = 20;
    c->scheduler = 1;
    c->mailer = 1;
    c->scheduler_interval = 2;
    c->letters = 1;
    c->letters_group = "impression";
    c->letters_python = "/usr/bin/python3";
    c->letters_timeout = 60;
    c->max_body = 32 * 1024 * 1024;
    c->max_upload = 10 * 1024 * 1024;
    c->av = "clamd";
    c->clamd_socket = "";
    c->clamd_timeout = 30;
}

long
cfg_parse_duration(const char *s)
{
    char *end;
    long  v;

    if (s == NULL || !isdigit((unsigned char) *s))
        return -1;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0 || v < 0)
        return -1;
    long unit;

    switch (*end) {
    case '\0': case 's': unit = 1; break;
    case 'm': unit = 60; break;
    case 'h': unit = 3600; break;
    case 'd': unit = 86400; break;
    default: return -1;
    }
    if (*end != '\0' && end[1] != '\0')
        return -1;
    if (v > INT_MAX / unit)       /* checked before multiplying: no overflow */
        return -1;
    return v * unit;
}

static int
set_key(pool_t *p, cfg_t *c, const cfg_key_t *k, const char *value,
        const char *where, en_err_t *err)
{
    char *base = (char *) c + k->offset;
    long  v = 0;
    char *end;

    switch (k->type) {
    case CT_STR:
        *(const char **) base = pool_strdup(p, value);
        return EN_OK;
    case CT_BOOL:
        if (!strcmp(value, "yes") || !strcmp(value, "true") || !strcmp(value, "on")
            || !strcmp(value, "1"))
            *(int *) base = 1;
        else if (!strcmp(value, "no") || !strcmp(value, "false")
                 || !strcmp(value, "off") || !strcmp(value, "0"))
            *(int *) base = 0;
        else
            return en_set(err, EN_BADINPUT, "cfg.bool",
                          "%s: %s: expected yes or no, got \"%s\"", where,
                          k->name, value);
        return EN_OK;
    case CT_INT:
        errno = 0;
        v = strtol(value, &end, 10);
        if (errno != 0 || end == value || *end != '\0')
            return en_set(err, EN_BADINPUT, "cfg.int",
                          "%s: %s: expected a whole number, got \"%s\"", where,
                          k->name, value);
        break;
    case CT_DURATION:
        v = cfg_parse_duration(value);
        if (v < 0)
            return en_set(err, EN_BADINPUT, "cfg.duration",
                          "%s: %s: expected a duration like 30s, 15m, 12h, got \"%s\"",
                          where, k->name, value);
        break;
    }
    if (v < k->min || v > k->max)
        return en_set(err, EN_BADINPUT, "cfg.range",
                      "%s: %s: %ld is out of range (%ld to %ld)", where,
                      k->name, v, k->min, k->max);
    *(int *) base = (int) v;
    return EN_OK;
}

static cfg_idp_t *
idp_slot(cfg_t *c, pool_t *p, const char *name, size_t len)
{
    int i;

    for (i = 0; i < c->nidp; i++)
        if (strlen(c->idp[i].name) == len && !strncmp(c->idp[i].name, name, len))
            return &c->idp[i];
    if (c->nidp == CFG_MAX_IDP)
        return NULL;
    c->idp[c->nidp].name = pool_strndup(p, name, len);
    c->idp[c->nidp].scopes = "openid email profile";
    return &c->idp[c->nidp++];
}

static int
set_idp(pool_t *p, cfg_t *c, const char *key, const char *value,
        const char *where, en_err_t *err)
{
    const char *name = key + 4, *dot = strchr(name, '.'), *field;
    cfg_idp_t  *idp;
    size_t      i;

    if (dot == NULL || dot == name)
        return en_set(err, EN_BADINPUT, "cfg.key",
                      "%s: \"%s\": expected idp.<name>.<field>", where, key);
    for (i = 0; name + i < dot; i++)
        if (!isalnum((unsigned char) name[i]) && name[i] != '_' && name[i] != '-')
            return en_set(err, EN_BADINPUT, "cfg.key",
                          "%s: \"%s\": a provider name has letters, digits, - and _",
                          where, key);
    if ((idp = idp_slot(c, p, name, (size_t) (dot - name))) == NULL)
        return en_set(err, EN_BADINPUT, "cfg.key",
                      "%s: too many identity providers (at most %d)", where,
                      CFG_MAX_IDP);
    field = dot + 1;
    value = pool_strdup(p, value);
    if (!strcmp(field, "issuer"))             idp->issuer = value;
    else if (!strcmp(field, "client_id"))     idp->client_id = value;
    else if (!strcmp(field, "client_secret")) idp->client_secret = value;
    else if (!strcmp(field, "label"))         idp->label = value;
    else if (!strcmp(field, "scopes"))        idp->scopes = value;
    else if (!strcmp(field, "acr_strong"))    idp->acr_strong = value;
    else
        return en_set(err, EN_BADINPUT, "cfg.key",
                      "%s: unknown identity-provider setting \"%s\"", where, field);
    return EN_OK;
}

/* listen and listen_allow are checked where they are written, so a bad
 * value is reported with its file:line (listen.h owns the syntax). */
static int
check_listen(pool_t *p, cfg_t *c, const char *key, const char *where,
             en_err_t *err)
{
    listen_addr_t  a;
    listen_allow_t allow;

    if (!strcmp(key, "listen")) {
        if (listen_parse_addr(c->listen, &a, err) != EN_OK)
            return en_set(err, EN_BADINPUT, "cfg.listen", "%s: %s", where,
                          pool_strdup(p, err->msg));
        c->listen_where = pool_strdup(p, where);
    } else if (!strcmp(key, "listen_allow")) {
        if (listen_parse_allow(c->listen_allow, &allow, err) != EN_OK)
            return en_set(err, EN_BADINPUT, "cfg.listen_allow", "%s: %s", where,
                          pool_strdup(p, err->msg));
    }
    return EN_OK;
}

static int
cfg_set(pool_t *p, cfg_t *c, const char *key, const char *value,
        const char *where, en_err_t *err)
{
    size_t i;

    if (!strncmp(key, "idp.", 4))
        return set_idp(p, c, key, value, where, err);
    for (i = 0; i < NKEYS; i++)
        if (!strcmp(cfg_keys[i].name, key)) {
            if (set_key(p, c, &cfg_keys[i], value, where, err) != EN_OK)
                return err->code;
            return check_listen(p, c, key, where, err);
        }
    return en_set(err, EN_BADINPUT, "cfg.key", "%s: unknown setting \"%s\"",
                  where, key);
}

static char *
trim(char *s)
{
    char *e;

    while (isspace((unsigned char) *s))
        s++;
    e = s + strlen(s);
    while (e > s && isspace((unsigned char) e[-1]))
        *--e = '\0';
    return s;
}

#define CFG_MAX_FILE (1024 * 1024)   /* a configuration file, whole */
#define CFG_MAX_LINE 4094            /* characters, without the newline */

static int
cfg_read_file(pool_t *p, const char *path, cfg_t *c, en_err_t *err)
{
    char  *text, *line, *next, *where;
    size_t len;
    int    lineno = 0, rc = EN_OK;

    if (util_read_file(p, path, CFG_MAX_FILE, &text, &len, err) != EN_OK)
        /* the file named by the operator: a 4xx-class mistake, not a 404 */
        return en_set(err, EN_BADINPUT, "cfg.open", "%s", pool_strdup(p, err->msg));
    for (line = text; rc == EN_OK && line < text + len; line = next) {
        char *s, *eq, *key, *value, *nl = memchr(line, '\n', (size_t) (text + len - line));

        next = nl != NULL ? nl + 1 : text + len;
        if (nl != NULL)
            *nl = '\0';
        lineno++;
        where = pool_printf(p, "%s:%d", path, lineno);
        if (strlen(line) > CFG_MAX_LINE) {
            rc = en_set(err, EN_BADINPUT, "cfg.line", "%s: line too long", where);
            break;
        }
        s = trim(line);
        if (*s == '\0' || *s == '#')
            continue;
        if ((eq = strchr(s, '=')) == NULL) {
            rc = en_set(err, EN_BADINPUT, "cfg.line",
                        "%s: expected \"key = value\"", where);
            break;
        }
        *eq = '\0';
        key = trim(s);
        value = trim(eq + 1);
        rc = cfg_set(p, c, key, value, where, err);
    }
    return rc;
}

static int
cfg_read_env(pool_t *p, char *const *envp, cfg_t *c, en_err_t *err)
{
    size_t i, j;

    for (; envp != NULL && *envp != NULL; envp++) {
        const char *e = *envp, *eq;
        char        key[128];

        if (strncmp(e, "GUICHET_", 8) != 0 || (eq = strchr(e, '=')) == NULL)
            continue;
        /* variables of the tools around the engine, not settings */
        if (!strncmp(e, "GUICHET_CONFIG=", 15) || !strncmp(e, "GUICHET_SCHEMA=", 15)
            || !strncmp(e, "GUICHET_TEST_", 13) || !strncmp(e, "GUICHET_VAR=", 12)
            || !strncmp(e, "GUICHET_BIN=", 12)
            || (eq - e > 5 && !strncmp(eq - 5, "_PORT", 5)))
            continue;
        j = 0;
        for (i = 8; e + i < eq && j + 1 < sizeof(key); i++)
            key[j++] = (char) tolower((unsigned char) e[i]);
        key[j] = '\0';
        /* IDP_<NAME>_<FIELD> maps to idp.<name>.<field>; field names
         * themselves contain '_' so only the first two split. */
        if (!strncmp(key, "idp_", 4)) {
            char *u = strchr(key + 4, '_');

            key[3] = '.';
            if (u != NULL)
                *u = '.';
        }
        if (cfg_set(p, c, key, eq + 1, pool_printf(p, "environment %.*s",
                                                  (int) (eq - e), e), err) != EN_OK)
            return err->code;
    }
    return EN_OK;
}

static int
cfg_finish(pool_t *p, cfg_t *c, en_err_t *err)
{
    int            i;
    listen_addr_t  addr;
    listen_allow_t allow;

    if (c->workers == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);

        c->workers = n > 0 ? (int) n : 2;
    }
    if (strncmp(c->base_url, "http://", 7) && strncmp(c->base_url, "https://", 8))
        return en_set(err, EN_BADINPUT, "cfg.base_url",
                      "%s: base_url must start with http:// or https://", c->path);
    if (c->base_url[strlen(c->base_url) - 1] == '/')
        c->base_url = pool_strndup(p, c->base_url, strlen(c->base_url) - 1);
    if (c->secret != NULL && strlen(c->secret) < 32)
        return en_set(err, EN_BADINPUT, "cfg.secret",
                      "%s: secret must be at least 32 characters", c->path);
    for (i = 0; i < c->nidp; i++) {
        cfg_idp_t *idp = &c->idp[i];

        if (idp->issuer == NULL || idp->client_id == NULL)
            return en_set(err, EN_BADINPUT, "cfg.idp",
                          "%s: identity provider \"%s\" needs issuer and client_id",
                          c->path, idp->name);
        if (idp->label == NULL)
            idp->label = idp->name;
    }
    if (listen_parse_addr(c->listen, &addr, err) != EN_OK)
        return en_set(err, EN_BADINPUT, "cfg.listen", "%s: %s", c->path,
                      pool_strdup(p, err->msg));
    if (listen_parse_allow(c->listen_allow, &allow, err) != EN_OK)
        return en_set(err, EN_BADINPUT, "cfg.listen_allow", "%s: %s", c->path,
                      pool_strdup(p, err->msg));
    if (addr.tcp && allow.n == 0)
        return en_set(err, EN_BADINPUT, "cfg.listen_allow",
                      "%s: listen = %s is a TCP address: listen_allow must name the "
                      "nginx host(s) allowed to connect (never an open FastCGI port)",
                      c->listen_where ? c->listen_where : c->path, c->listen);
    if (c->xslt_dir == NULL)
        c->xslt_dir = pool_printf(p, "%s/xslt", c->root);
    if (c->workflows_dir == NULL)
        c->workflows_dir = pool_printf(p, "%s/workflows", c->root);
    if (c->sql_dir == NULL)
        c->sql_dir = pool_printf(p, "%s/sql", c->root);
    return EN_OK;
}

int
cfg_load_env(pool_t *p, const char *path, char *const *envp, cfg_t *c,
             en_err_t *err)
{
    cfg_defaults(c);
    c->path = path ? pool_strdup(p, path) : "(defaults)";
    if (path != NULL && cfg_read_file(p, path, c, err) != EN_OK)
        return err->code;
    if (cfg_read_env(p, envp, c, err) != EN_OK)
        return err->code;
    return cfg_finish(p, c, err);
}

int
cfg_load(pool_t *p, const char *path, cfg_t *c, en_err_t *err)
{
    return cfg_load_env(p, path, environ, c, err);
}
