/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * wf_graph.h -- a workflow definition drawn as a state diagram: Graphviz
 * dot text, and its rendering through the graphviz C library.  Used by
 * `guichet graph` and by the administrators' pages.
 */
#ifndef GUICHET_WF_GRAPH_H
#define GUICHET_WF_GRAPH_H

#include <stddef.h>

#include "en_err.h"
#include "pool.h"
#include "wf_def.h"

/*
 * The dot text of def (which must have loaded without error): one node per
 * state, filled with its bucket's colour, final states as double circles,
 * the initial state marked by an arrow from a dot; one edge per transition
 * and state it leaves, labelled "id\n(actors)"; transitions a timer fires
 * dashed, with the delay; a purge timer as a dashed edge to "deleted"; a
 * legend of the buckets used.  Labels are in lang (fr when absent).
 * Lives in p.
 */
char *wf_graph_dot(pool_t *p, const wf_def_t *def, const char *lang);

/*
 * Lays dot out with the "dot" engine and renders it in format ("svg",
 * "png"...).  On success *out (NUL-terminated, *len bytes) lives in p and
 * the result is EN_OK; otherwise err says why (EN_BADINPUT for dot text
 * graphviz refuses, EN_INTERNAL when layout or rendering fails).
 */
int wf_graph_render(pool_t *p, const char *dot, const char *format,
                    char **out, size_t *len, en_err_t *err);

#endif
