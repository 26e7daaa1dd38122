/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * i18n.h -- the message catalogue (fr first, de and en too).
 *
 * Catalogues are the .xml files of xslt/i18n/, each
 *   <messages><m key="k"><fr>…</fr><de>…</de><en>…</en></m></messages>
 * loaded once per process.  Stylesheets reach them through the XSLT
 * extension function g:msg(key[, arg]) (render.c); C reaches them here.
 */
#ifndef GUICHET_I18N_H
#define GUICHET_I18N_H

#include "en_err.h"
#include "pool.h"

#define I18N_NS "urn:guichet:xslt"

/* Loads every *.xml in dir; a malformed file is an error (file:line). */
int         i18n_load(const char *dir, en_err_t *err);
void        i18n_free(void);
/* The text for key in lang, falling back to French, then to the key. */
const char *i18n_get(const char *lang, const char *key);
/* Same with "{arg}" replaced by arg (which may be NULL); lives in p. */
const char *i18n_fmt(pool_t *p, const char *lang, const char *key,
                     const char *arg);
int         i18n_has(const char *lang, const char *key);
int         i18n_lang_ok(const char *lang);   /* fr, de or en */

#endif
