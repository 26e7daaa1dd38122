/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * wf_code.h -- one-time codes: the activation code printed on a letter,
 * the secret code a person shows at a counter (effects issue-code and
 * verify-code, docs/workflow-language.md).
 *
 * A code is drawn here (8 characters by default from an alphabet without
 * look-alikes: no 0/O, 1/I), kept only as HMAC-SHA256(key, purpose ":"
 * code) where the key is derived from the configuration's secret, and
 * compared in constant time.  The plain code travels once, in the change
 * document, to the mail or the letter that carries it.
 *
 * A wrong code is refused next to the field it was typed in and counted
 * in its own statement (it stays counted although the transition rolls
 * back): every third wrong code locks the code for 30 minutes.  An
 * expired or used code gets its own message.  The code is used up by the
 * transition's own transaction (fx_verify_code), so a transition refused
 * later on leaves it usable.
 *
 * Does not own: the codes table (sql/0004, sql/0021), nor what the letter
 * or mail looks like.
 */
#ifndef GUICHET_WF_CODE_H
#define GUICHET_WF_CODE_H

#include "cfg.h"
#include "wf_effect.h"

#define WF_CODE_LENGTH      8       /* default length */
#define WF_CODE_LOCK_AFTER  3       /* wrong codes in a row */
#define WF_CODE_LOCK_MIN    30      /* minutes */

/* Takes the key from cfg->secret; without one, issuing or checking a
 * code is refused (EN_UNAVAILABLE). */
void wf_code_configure(const cfg_t *cfg);

/* The code as a person types it, normalised: upper case, without spaces
 * or dashes; NULL when it holds anything else. */
const char *wf_code_normalise(pool_t *p, const char *typed);

/* The hex HMAC of purpose and (normalised) code, in p; NULL without key. */
const char *wf_code_hash(pool_t *p, const char *purpose, const char *code);

/* A fresh code of n characters (4..32) in p, or NULL (err set). */
const char *wf_code_draw(pool_t *p, en_err_t *err, int n);

/* The wf_effect.c hooks of issue-code and verify-code. */
int wf_code_issue_hook(pool_t *p, en_err_t *err, const principal_t *who,
                       const wf_demand_t *d, const wf_transition_t *t,
                       wf_input_check_t *c, const wf_effect_t *e, json_t *args);
int wf_code_verify_hook(pool_t *p, en_err_t *err, const principal_t *who,
                        const wf_demand_t *d, const wf_transition_t *t,
                        wf_input_check_t *c, const wf_effect_t *e, json_t *args);

#endif
