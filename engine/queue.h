/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * queue.h -- the agents' queue of a group (sql/0029_queue.sql): which
 * states wait for the group, the query (filters, search, sort, keyset
 * page) as one JSON document handed to PostgreSQL, the page's one
 * statement, the ids for a bulk action, the rows of an export one at a
 * time, and assignment (take, hand over, release).
 *
 * Owns demand_search, demands.assigned_to/assigned_at and the queue_*
 * functions.  Not the pages (h_queue.c), not the transitions a bulk action
 * fires (wf_fire), not the definitions (wf_store).
 */
#ifndef GUICHET_QUEUE_H
#define GUICHET_QUEUE_H

#include <jansson.h>
#include <libpq-fe.h>

#include "en_err.h"
#include "pool.h"
#include "principal.h"

#define QUEUE_PAGE   50      /* rows on a page */
#define QUEUE_BULK   1000    /* demands one bulk action may take */
#define QUEUE_PRINT  1000    /* rows of the printable list */

/* The columns a list sorts on, as the URL names them. */
extern const char *const queue_sorts[];

/* What a person asked, already checked (h_queue.c): NULL = no filter. */
typedef struct {
    const char *key, *state;     /* one procedure, one state of it */
    const char *assigned;        /* "none" or a person id */
    const char *from, *to;       /* submitted between, YYYY-MM-DD */
    const char *due;             /* "overdue" or a number of days */
    const char *text;            /* words to search */
    const char *sort;            /* one of queue_sorts (NULL: "since") */
    int         desc;
    const char *after;           /* a reference: the page after it */
    int         limit;           /* 0: every row */
} queue_query_t;

/* The [group, key, version, state] of every published definition's state that
 * waits for an agent of group (a transition by="agent:group", or
 * by="agent" in a procedure naming the group, leaves it); with open, also
 * every other state past the draft and not final of a procedure naming
 * the group (demands the service follows while they wait for someone
 * else, e.g. "à compléter" with its deadline).  defs: the [[key,
 * version], ...] of wf_agent_context.  Lives in p. */
json_t *queue_states(pool_t *p, json_t *defs, const char *group, int open);

/* The query as the JSON document queue_sql() reads (states: as
 * queue_states gave them).  The amount shown for a procedure is its
 * current version's first money field named amount-*, else its first
 * money field (none: no amount).  Lives in p. */
const char *queue_query_json(pool_t *p, const queue_query_t *q, json_t *states);

/* A row of the list: one row of a result whose columns are, in this
 * order, the demand's id, reference, workflow (key), version (of the
 * procedure), state, dversion (the demand's), since and submitted (dates,
 * YYYY-MM-DD, in Zurich), applicant, applicant_kind, assigned_to (a person
 * id), assignee (a name), due (date), overdue ("t"/"f"), timer,
 * timer_transition, timer_action, amount (cents, as text).  Read as
 * columns, not as a JSON document: a page of 50 rows cost the engine
 * ~0.3 ms of parsing alone (issue 12). */
typedef enum {
    QR_ID, QR_REFERENCE, QR_WORKFLOW, QR_VERSION, QR_STATE, QR_DVERSION, QR_SINCE,
    QR_SUBMITTED, QR_APPLICANT, QR_APPLICANT_KIND, QR_ASSIGNED_TO, QR_ASSIGNEE, QR_DUE,
    QR_OVERDUE, QR_TIMER, QR_TIMER_TRANSITION, QR_TIMER_ACTION, QR_AMOUNT,
    QR__COUNT
} queue_col_t;

typedef struct {
    const PGresult *res;
    int             i;       /* its row */
    int             col0;    /* where its columns begin */
} queue_row_t;

/* The value of a column; dflt when it is NULL. */
const char *queue_val(const queue_row_t *row, queue_col_t c, const char *dflt);

/* The page of q (query: q as queue_query_json wrote it), in one
 * statement: {counts: [[key, state, n]], total, more, colleagues: [{id,
 * name}] (the group's agents)}, and its rows in *rows (n in *nrows, in
 * p). */
json_t *queue_page(pool_t *p, en_err_t *err, const queue_query_t *q, const char *query,
                   const char *group, queue_row_t **rows, int *nrows);

/* [[id, reference], ...] of every demand the query matches, in its order,
 * at most limit of the query. */
json_t *queue_ids(pool_t *p, en_err_t *err, const char *query);

/* Calls fn once per row of the query (a row as queue_page's), fetched one
 * at a time from the server (libpq's single-row mode): the list is never
 * whole in memory.  fn returns 0 to go on.  EN_OK or err set. */
typedef int (*queue_row_fn)(void *ctx, const queue_row_t *row);
int queue_each(pool_t *p, en_err_t *err, const char *query, queue_row_fn fn, void *ctx);

/* Gives demand_id (seen at version; 0: any) to the agent assignee (NULL:
 * releases it), for who: authz_check(AZ_ASSIGN_DEMAND) first, then one
 * statement (queue_assign: the version moves on, an event 'assign' or
 * 'release' is appended).  EN_CONFLICT when the demand changed since
 * version or ended; EN_OK also when it was already so (*changed 0). */
int queue_assign(pool_t *p, en_err_t *err, const principal_t *who, const char *demand_id,
                 int version, const char *assignee, int *changed);

#endif
