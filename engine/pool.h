/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * pool.h -- arena allocator with cleanup callbacks.
 *
 * One pool per request (created after FCGX_Accept_r, destroyed after
 * FCGX_Finish_r) and one process-lifetime pool for definitions and
 * stylesheets.  Allocation never returns NULL: on exhaustion of memory the
 * process aborts and the master forks a fresh worker, as PostgreSQL's palloc
 * does.  Library objects (PGresult, xmlDoc) are handed to the pool with
 * pool_on_free() so that handlers never free by hand.
 */
#ifndef GUICHET_POOL_H
#define GUICHET_POOL_H

#include <stdarg.h>
#include <stddef.h>

typedef struct pool pool_t;
typedef void (*pool_cleanup_fn)(void *);

pool_t *pool_new(size_t block_size);          /* 0 picks a default */
void    pool_free(pool_t *p);                  /* runs cleanups LIFO */
void    pool_reset(pool_t *p);                 /* cleanups, keep first block */

void   *pool_alloc(pool_t *p, size_t n);       /* 16-byte aligned */
void   *pool_calloc(pool_t *p, size_t n);
char   *pool_strdup(pool_t *p, const char *s); /* NULL gives NULL */
char   *pool_strndup(pool_t *p, const char *s, size_t n);
void   *pool_memdup(pool_t *p, const void *s, size_t n);
char   *pool_printf(pool_t *p, const char *fmt, ...)
            __attribute__((format(printf, 2, 3)));
char   *pool_vprintf(pool_t *p, const char *fmt, va_list ap);

/* Registers fn(ptr) to run when the pool is freed or reset.  ptr NULL is
 * accepted and ignored, so callers can hand over a result unchecked. */
void    pool_on_free(pool_t *p, pool_cleanup_fn fn, void *ptr);

size_t  pool_bytes_used(const pool_t *p);      /* for metrics and tests */

/* A growable byte buffer whose storage lives in a pool. */
typedef struct {
    pool_t *pool;
    char   *data;   /* always NUL-terminated */
    size_t  len;
    size_t  cap;
} buf_t;

void buf_init(buf_t *b, pool_t *p);
/* Room for n more bytes now, so a writer of known size grows no copies */
void buf_reserve(buf_t *b, size_t n);
void buf_add(buf_t *b, const void *data, size_t n);
void buf_puts(buf_t *b, const char *s);
void buf_putc(buf_t *b, char c);
void buf_printf(buf_t *b, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

#endif
