/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * util_rand.c -- random bytes from the kernel (see util_rand.h).
 *
 * getrandom(2) without flags blocks only until the kernel's pool is first
 * seeded (early boot), then never fails for lack of entropy; a read is
 * cut short only by a signal (EINTR: go on) or for more than 32 MiB.
 */
#include "util_rand.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "util_hash.h"

int
util_random(void *buf, size_t n, en_err_t *err)
{
    unsigned char *b = buf;
    size_t         got = 0;

    while (got < n) {
        ssize_t r = getrandom(b + got, n - got, 0);

        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return en_set(err, EN_INTERNAL, "err.internal", "no random bytes: %s",
                          r < 0 ? strerror(errno) : "none returned");
        got += (size_t) r;
    }
    return EN_OK;
}

int
util_random_hex(pool_t *p, size_t n, const char **out, en_err_t *err)
{
    unsigned char *raw = pool_alloc(p, n);

    *out = NULL;
    if (util_random(raw, n, err) != EN_OK)
        return err->code;
    *out = util_hex(p, raw, n);
    return EN_OK;
}
