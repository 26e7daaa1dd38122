/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * h_queue.h -- what the queue's page (h_queue.c) and its exports
 * (h_queue_export.c) share: reading the query from the URL, and one row
 * as the words a person reads, so the page, the CSV, the XLSX and the
 * printable list say the same.
 */
#ifndef GUICHET_H_QUEUE_H
#define GUICHET_H_QUEUE_H

#include <jansson.h>

#include "queue.h"
#include "req.h"

/* A queue request after its group was checked (hq_open). */
typedef struct {
    const char   *group, *group_name;
    json_t       *ctx;           /* wf_agent_context */
    json_t       *states;        /* queue_states */
    queue_query_t q;
    const char   *state_param;   /* "key:state" as sent */
    const char   *assigned_param; /* "me", "none", a person id */
    int           open;          /* scope=open: every open demand followed */
    const char   *qs;            /* the filters as a query string (no after) */
    /* refused filters: field -> catalogue key (the rest is applied) */
    const char   *bad_field[4], *bad_key[4];
    int           nbad;
} hq_t;

/* Checks the group and AZ_WORK_QUEUE (one statement), reads the filters
 * from the request (a refused one is left out and named in bad_*). */
int hq_open(req_t *r, hq_t *h);

/* The filters as a query string (URL-encoded, no leading '?'): sort and
 * dir as given (NULL: the current ones). */
const char *hq_qs(req_t *r, const hq_t *h, const char *sort, int desc);

/* One row as words.  amount_num: the amount in francs ("12500.00", "" when none);
 * due_what: what the next deadline does. */
typedef struct {
    const char *reference, *procedure, *state, *applicant, *submitted, *since;
    const char *assignee, *due, *due_what, *amount, *amount_num;
    const char *submitted_iso, *since_iso, *due_iso;
} hq_row_t;

void hq_row(req_t *r, const queue_row_t *row, hq_row_t *out);

#endif
