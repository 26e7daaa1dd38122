/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * cfg.h -- the engine's configuration: one plain file of `key = value`
 * lines (comments with #), every key overridable by an environment
 * variable GUICHET_<KEY> (upper-case, dots as underscores).
 *
 * Unknown keys and bad values are refused with `file:line: message`.
 * GUICHET_CONFIG, GUICHET_SCHEMA, GUICHET_VAR, GUICHET_BIN, GUICHET_TEST_* and
 * GUICHET_*_PORT belong to the scripts around the engine and are skipped.
 * Identity providers are the one open-ended family:
 *   idp.<name>.issuer / client_id / client_secret / label / scopes
 */
#ifndef GUICHET_CFG_H
#define GUICHET_CFG_H

#include "en_err.h"
#include "pool.h"

#define CFG_MAX_IDP 8

typedef struct {
    const char *name;           /* the <name> in idp.<name>.* */
    const char *issuer;
    const char *client_id;
    const char *client_secret;
    const char *label;          /* shown on the login page */
    const char *scopes;         /* default "openid email profile" */
    const char *acr_strong;     /* acr value counting as strong, or NULL */
} cfg_idp_t;

typedef struct {
    const char *path;           /* the file read, for messages */
    const char *listen;         /* FastCGI: a unix socket path, or a TCP
                                 * address:port (listen.h) */
    const char *listen_allow;   /* TCP: peers allowed, addresses or CIDRs */
    const char *listen_where;   /* file:line (or variable) that set listen */
    const char *socket_group;   /* group given the socket (nginx's), or NULL */
    const char *pid_file;       /* the master's pid, for `guichet reload` */
    int         workers;        /* 0 = number of CPUs */
    int         max_requests;   /* recycle a worker after this many */
    int         shutdown_timeout;       /* seconds */
    const char *database;       /* libpq conninfo */
    const char *base_url;       /* public scheme://host[:port], no slash */
    const char *root;           /* where xslt/, workflows/, sql/ live
                                 * (default: cfg_datadir()) */
    const char *xslt_dir;
    const char *workflows_dir;
    const char *sql_dir;
    const char *metrics_allow;  /* CIDR list, comma separated */
    const char *log_level;      /* debug, info, warn, error */
    const char *default_lang;   /* fr */
    int         dev;            /* 1: dev stack (cookies not Secure) */
    int         demo;           /* 1: the home page lists the demo accounts
                                 * (data/demo/world.json): `make demo` only */
    int         session_idle;   /* seconds */
    int         session_absolute;
    const char *secret;         /* 32+ chars: cookie/crypto passphrase */
    const char *smtp_url;       /* smtp://host:port or smtps://... */
    const char *smtp_from;
    const char *smtp_user;
    const char *smtp_password;
    int         smtp_timeout;   /* seconds */
    int         scheduler;      /* 1: the master forks a scheduler */
    int         mailer;         /* 1: the master forks a mailer */
    int         scheduler_interval; /* seconds between polls */
    int         letters;        /* 1: the master forks the letters job */
    const char *letters_group;  /* agent group of the print queue */
    const char *letters_python; /* a Python 3 with Debian's weasyprint */
    int         letters_timeout;/* seconds, one letter's typesetting */
    int         max_body;       /* bytes */
    int         max_upload;     /* bytes, one file: what clamd must be set to
                                   scan (docs/runtime.md); a file over its
                                   field's max-size is refused next to the
                                   field (wf_input.c), not by the worker */
    const char *av;             /* clamd (default) or off: av.h */
    const char *clamd_socket;   /* clamd's LocalSocket; empty: uploads refused */
    int         clamd_timeout;  /* seconds, one whole scan */
    int         render_check;   /* 1: every HTML page also serialised by
                                 * libxslt, differences logged (tests) */
    int         nidp;
    cfg_idp_t   idp[CFG_MAX_IDP];
} cfg_t;

/* Fills c with defaults, then the file (path may be NULL: defaults and
 * environment only), then the environment.  Everything lives in p.
 * Returns EN_OK or EN_BADINPUT with err->msg "file:line: message". */
int cfg_load(pool_t *p, const char *path, cfg_t *c, en_err_t *err);

/* Same, but reads the environment from envp (NULL-terminated KEY=VALUE
 * list) instead of environ: for tests. */
int cfg_load_env(pool_t *p, const char *path, char *const *envp, cfg_t *c,
                 en_err_t *err);

/* Where the installed data lives (compiled in from the Makefile's
 * DATADIR): the default `root`, and where `guichet check` finds the schema
 * outside a checkout. */
const char *cfg_datadir(void);

/* The configuration file read when neither --config nor $GUICHET_CONFIG
 * names one and it exists (SYSCONFDIR/guichet.conf). */
const char *cfg_default_path(void);

/* Parses "30", "30s", "15m", "12h", "2d" into seconds; -1 if bad. */
long cfg_parse_duration(const char *s);

#endif
