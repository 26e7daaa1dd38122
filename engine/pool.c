/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * pool.c -- arena allocator with cleanup callbacks (see pool.h).
 *
 * Memory comes from a chain of blocks; a request larger than a quarter of
 * the block size gets a block of its own so that big uploads do not waste
 * the tail of the current block.  Cleanups run last-registered first, so an
 * object registered after the one it depends on is released before it.
 * Owns no global state.
 */
#include "pool.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define POOL_DEFAULT_BLOCK (16 * 1024)
#define POOL_ALIGN 16

typedef struct pool_block {
    struct pool_block *next;
    size_t             size;   /* usable bytes after the header */
    size_t             used;
    _Alignas(POOL_ALIGN) unsigned char data[];
} pool_block_t;

typedef struct pool_cleanup {
    struct pool_cleanup *next;
    pool_cleanup_fn      fn;
    void                *ptr;
} pool_cleanup_t;

struct pool {
    pool_block_t   *head;       /* current block, chain to older ones */
    pool_block_t   *first;      /* the block made with the pool, kept by reset */
    pool_cleanup_t *cleanups;
    size_t          block_size;
    size_t          total;
};

static void
pool_oom(size_t n)
{
    fprintf(stderr, "{\"level\":\"fatal\",\"msg\":\"out of memory\",\"bytes\":%zu}\n", n);
    abort();
}

static pool_block_t *
block_new(size_t size)
{
    pool_block_t *b = malloc(sizeof(*b) + size);

    if (b == NULL)
        pool_oom(size);
    b->next = NULL;
    b->size = size;
    b->used = 0;
    return b;
}

pool_t *
pool_new(size_t block_size)
{
    pool_t *p = malloc(sizeof(*p));

    if (p == NULL)
        pool_oom(sizeof(*p));
    p->block_size = block_size ? block_size : POOL_DEFAULT_BLOCK;
    p->head = p->first = block_new(p->block_size);
    p->cleanups = NULL;
    p->total = 0;
    return p;
}

static void
run_cleanups(pool_t *p)
{
    while (p->cleanups != NULL) {
        pool_cleanup_t *c = p->cleanups;

        p->cleanups = c->next;
        c->fn(c->ptr);     /* the node itself lives in the pool */
    }
}

void
pool_free(pool_t *p)
{
    if (p == NULL)
        return;
    run_cleanups(p);
    while (p->head != NULL) {
        pool_block_t *b = p->head;

        p->head = b->next;
        free(b);
    }
    free(p);
}

void
pool_reset(pool_t *p)
{
    pool_block_t *b, *next;

    run_cleanups(p);
    for (b = p->head; b != NULL; b = next) {
        next = b->next;
        if (b != p->first)
            free(b);
    }
    p->first->used = 0;
    p->first->next = NULL;
    p->head = p->first;
    p->total = 0;
}

void *
pool_alloc(pool_t *p, size_t n)
{
    pool_block_t *b = p->head;
    size_t        off;

    if (n == 0)
        n = 1;
    if (n > SIZE_MAX - POOL_ALIGN)
        pool_oom(n);
    off = (b->used + POOL_ALIGN - 1) & ~(size_t) (POOL_ALIGN - 1);
    if (off + n > b->size) {
        if (n > p->block_size / 4) {
            /* a private block, linked behind the current one */
            pool_block_t *big = block_new(n);

            big->used = n;
            big->next = b->next;
            b->next = big;
            p->total += n;
            return big->data;
        }
        b = block_new(p->block_size);
        b->next = p->head;
        p->head = b;
        off = 0;
    }
    b->used = off + n;
    p->total += n;
    return b->data + off;
}

void *
pool_calloc(pool_t *p, size_t n)
{
    void *m = pool_alloc(p, n);

    memset(m, 0, n);
    return m;
}

char *
pool_strndup(pool_t *p, const char *s, size_t n)
{
    char *d;

    if (s == NULL)
        return NULL;
    d = pool_alloc(p, n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *
pool_strdup(pool_t *p, const char *s)
{
    return s == NULL ? NULL : pool_strndup(p, s, strlen(s));
}

void *
pool_memdup(pool_t *p, const void *s, size_t n)
{
    void *d = pool_alloc(p, n);

    memcpy(d, s, n);
    return d;
}

/* Formats into a stack buffer first: most strings fit, and only the long
 * ones pay for a second pass into pool memory of the exact size. */
char *
pool_vprintf(pool_t *p, const char *fmt, va_list ap)
{
    char    small[256];
    va_list ap2;
    int     n;
    char   *d;

    va_copy(ap2, ap);
    n = vsnprintf(small, sizeof(small), fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return pool_strdup(p, "");
    if ((size_t) n < sizeof(small))
        return pool_strndup(p, small, (size_t) n);
    d = pool_alloc(p, (size_t) n + 1);
    vsnprintf(d, (size_t) n + 1, fmt, ap);
    return d;
}

char *
pool_printf(pool_t *p, const char *fmt, ...)
{
    va_list ap;
    char   *d;

    va_start(ap, fmt);
    d = pool_vprintf(p, fmt, ap);
    va_end(ap);
    return d;
}

void
pool_on_free(pool_t *p, pool_cleanup_fn fn, void *ptr)
{
    pool_cleanup_t *c;

    if (ptr == NULL)
        return;
    c = pool_alloc(p, sizeof(*c));
    c->fn = fn;
    c->ptr = ptr;
    c->next = p->cleanups;
    p->cleanups = c;
}

size_t
pool_bytes_used(const pool_t *p)
{
    return p->total;
}

void
buf_init(buf_t *b, pool_t *p)
{
    b->pool = p;
    b->cap = 256;
    b->len = 0;
    b->data = pool_alloc(p, b->cap);
    b->data[0] = '\0';
}

static void
buf_grow(buf_t *b, size_t need)
{
    size_t cap = b->cap;
    char  *d;

    while (cap < b->len + need + 1)
        cap *= 2;
    if (cap == b->cap)
        return;
    d = pool_alloc(b->pool, cap);   /* the old storage stays in the pool */
    memcpy(d, b->data, b->len + 1);
    b->data = d;
    b->cap = cap;
}

void
buf_reserve(buf_t *b, size_t n)
{
    buf_grow(b, n);
}

void
buf_add(buf_t *b, const void *data, size_t n)
{
    buf_grow(b, n);
    memcpy(b->data + b->len, data, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void
buf_puts(buf_t *b, const char *s)
{
    buf_add(b, s, strlen(s));
}

void
buf_putc(buf_t *b, char c)
{
    buf_add(b, &c, 1);
}

void
buf_printf(buf_t *b, const char *fmt, ...)
{
    va_list ap;
    char   *s;

    va_start(ap, fmt);
    s = pool_vprintf(b->pool, fmt, ap);
    va_end(ap);
    buf_puts(b, s);
}
