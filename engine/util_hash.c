/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * util_hash.c -- bytes as lowercase hex, SHA-256 as such (see util_hash.h).
 *
 * Owns: the process's SHA-256 implementation, fetched from OpenSSL's
 * providers once and kept, with one digest context reused.  Every logged-in
 * request hashes its session token; EVP_sha256() in EVP_Digest made OpenSSL
 * look the algorithm up again at each call, and the hex was written by one
 * snprintf per byte (together ~2.5 % of the engine's CPU on a form page).
 */
#include "util_hash.h"

#include <openssl/evp.h>

static EVP_MD     *sha256;     /* fetched once per process */
static EVP_MD_CTX *ctx;        /* reused; a worker serves one request at a time */

char *
util_hex(pool_t *p, const unsigned char *bytes, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    char             *hex = pool_alloc(p, 2 * n + 1);
    size_t            i;

    for (i = 0; i < n; i++) {
        hex[2 * i] = digits[bytes[i] >> 4];
        hex[2 * i + 1] = digits[bytes[i] & 0x0f];
    }
    hex[2 * n] = '\0';
    return hex;
}

const char *
util_sha256_hex(pool_t *p, const void *data, size_t len)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int  mdlen = 0;

    if (sha256 == NULL && (sha256 = EVP_MD_fetch(NULL, "SHA256", NULL)) == NULL)
        return NULL;
    if (ctx == NULL && (ctx = EVP_MD_CTX_new()) == NULL)
        return NULL;
    if (EVP_DigestInit_ex2(ctx, sha256, NULL) != 1 || EVP_DigestUpdate(ctx, data, len) != 1
        || EVP_DigestFinal_ex(ctx, md, &mdlen) != 1 || mdlen != 32)
        return NULL;
    return util_hex(p, md, mdlen);
}
