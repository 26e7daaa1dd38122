/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * en_err.h -- the result codes shared by every module, and the one error
 * record a request (or a command) carries.
 *
 * Every function that can fail returns an int: EN_OK (0) on success, one of
 * the codes below otherwise, with the details written into an en_err_t the
 * caller handed in.  msg is short, factual and safe to show a user (or a
 * message key for the catalogue when key is set); detail goes to the log
 * only (SQLSTATE, libxml2 line, errno).
 */
#ifndef GUICHET_EN_ERR_H
#define GUICHET_EN_ERR_H

enum {
    EN_OK = 0,
    EN_BADINPUT,     /* 400 / 422: the user can fix it */
    EN_FORBIDDEN,    /* 403 */
    EN_NOTFOUND,     /* 404 */
    EN_CONFLICT,     /* 409: someone else moved first */
    EN_UNAVAILABLE,  /* 503: the database (or another backend) is away */
    EN_TOOLARGE,     /* 413 */
    EN_UNAUTH,       /* 401: login needed */
    EN_INTERNAL      /* 500: our bug or a broken invariant */
};

typedef struct {
    int  code;
    int  http_status;
    char key[64];      /* message-catalogue key, e.g. "err.conflict" */
    char msg[256];     /* short, factual, safe to show the user */
    char detail[512];  /* log only */
} en_err_t;

/* Fills e (which may be NULL) and returns code, so callers can write
 * `return en_set(err, EN_NOTFOUND, "err.notfound", "no such demand");` */
int en_set(en_err_t *e, int code, const char *key, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));
/* Appends log-only detail to e. */
void en_detail(en_err_t *e, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
void en_clear(en_err_t *e);
int  en_http_status(int code);
const char *en_code_name(int code);

#endif
