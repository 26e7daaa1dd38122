/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * message.h -- the messages of a demand (a thread between its owner side
 * and the agents) and the notifications list of a person.
 *
 * Owns the SQL of the tables messages, note_reads and notes (sql/0018_messages.sql:
 * msg_post; sql/0039_notes_inbox.sql: note_items, note_unread_count,
 * note_mark_read, note_mark_all; the notes themselves are written by
 * triggers when events and messages are).  Does not own who may
 * post (authz_may 'post-message', asked by the caller with authz_check and
 * again inside msg_post), the page (h_demand_view.c, h_notes.c) nor the mail
 * texts (xslt/i18n/mail.xml: mail.message-to-agents.*, mail.message-to-owner.*).
 */
#ifndef GUICHET_MESSAGE_H
#define GUICHET_MESSAGE_H

#include <jansson.h>

#include "en_err.h"
#include "pool.h"
#include "principal.h"

#define MESSAGE_MAX_CHARS 4000

/* Checks a message's text: valid UTF-8, not blank, at most
 * MESSAGE_MAX_CHARS characters.  EN_OK, or EN_BADINPUT with the key
 * field.utf8, message.empty or message.too_long (arg: the limit). */
int message_check(en_err_t *err, const char *body);

/* body as it may be shown again (a refused message is given back): bytes
 * that are not UTF-8 become U+FFFD.  Never NULL. */
const char *message_displayable(pool_t *p, const char *body);

/* Posts body on the demand as who, with its mail to the other side and
 * who's read mark, in one statement (msg_post, which asks authz_may
 * 'post-message' again); the demand and its definition are read first for
 * the mail's procedure title.  The web page and `guichet demand message`
 * both come here. */
int message_post(pool_t *p, en_err_t *err, const principal_t *who, const char *demand_id,
                 const char *body);

/* The demand's thread, oldest first, as msg_thread_json (sql/0043) gives
 * it to the statement that reads the demand page (wf_demand_detail_as, one
 * round trip for the page): [{id, side, group, author, at, iso, body,
 * mine, new}] ("new": posted by somebody else since the reader last
 * looked) in *thread, and in *unread the reader's unread notifications
 * after their look (marked read when the page asked for it: nothing is
 * written when nothing was unread), at most 100.  EN_INTERNAL when the
 * answer has no thread. */
int message_thread_of(en_err_t *err, json_t *answer, json_t **thread, int *unread);

/* who's unread notifications, newest first, at most 100: [{demand,
 * reference, workflow, version, kind ("message" | "event"), at, iso,
 * author, transition, to}]. */
int message_notes(pool_t *p, en_err_t *err, const principal_t *who, json_t **items);

/* Marks every notification of who read. */
int message_mark_all(pool_t *p, en_err_t *err, const principal_t *who);

#endif
