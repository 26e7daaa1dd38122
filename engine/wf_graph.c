/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * wf_graph.c -- a workflow definition as a Graphviz state diagram (see
 * wf_graph.h).
 *
 * Owns the drawing conventions (bucket colours, shapes, edge styles) and
 * the one call into the graphviz library.  Every text that comes from the
 * definition is escaped for a dot string, so a label with quotes or
 * backslashes cannot change the graph.  Does not read files.
 */
#include "wf_graph.h"

#include <stdio.h>
#include <string.h>

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

/* Fill colour of each bucket, in wf_bucket_t order: the dashboard's
 * reading order, light to dark. */
static const char *const wf_bucket_colours[WF_BUCKET__COUNT] = {
    "#f1f3f5",  /* draft */
    "#cfe2ff",  /* in-progress */
    "#ffe5b4",  /* to-do */
    "#d1e7dd",  /* decision-unread */
    "#ced4da"   /* archived */
};

/* Appends s as the inside of a dot "..." string. */
static void
wf_dot_esc(buf_t *b, const char *s)
{
    for (; s != NULL && *s != '\0'; s++) {
        if (*s == '"' || *s == '\\')
            buf_putc(b, '\\');
        if (*s == '\n' || *s == '\r')
            buf_puts(b, "\\n");
        else
            buf_putc(b, *s);
    }
}

/* Same, breaking lines at blanks after about width characters, so that
 * a long label does not make a huge node. */
static void
wf_dot_esc_wrap(buf_t *b, const char *s, size_t width)
{
    size_t col = 0;

    for (; s != NULL && *s != '\0'; s++) {
        if (*s == ' ' && col >= width) {
            buf_puts(b, "\\n");
            col = 0;
            continue;
        }
        if (*s == '"' || *s == '\\')
            buf_putc(b, '\\');
        buf_putc(b, *s);
        if (((unsigned char) *s & 0xc0) != 0x80)
            col++;
    }
}

static void
wf_dot_head(buf_t *b, const wf_def_t *def, const char *lang)
{
    buf_puts(b, "digraph \"");
    wf_dot_esc(b, def->id);
    buf_puts(b, "\" {\n    graph [rankdir=LR, fontname=\"Helvetica\", "
                "fontsize=13, labelloc=t, label=\"");
    wf_dot_esc(b, wf_i18n_get(&def->title, lang));
    buf_puts(b, "\\n");
    wf_dot_esc(b, def->id);
    if (def->version > 0)
        buf_printf(b, " v%d", def->version);
    if (def->audience.grant_approval != NULL) {
        /* a protected service whose grants its owner approves too */
        buf_puts(b, "\\ngrant approved by the référent, then agent:");
        wf_dot_esc(b, def->audience.grant_approval);
    }
    buf_puts(b, "\"];\n"
                "    node [fontname=\"Helvetica\", fontsize=11, shape=box, "
                "style=\"rounded,filled\"];\n"
                "    edge [fontname=\"Helvetica\", fontsize=9];\n");
}

static void
wf_dot_state(buf_t *b, const wf_state_t *s, int initial, const char *lang)
{
    const char *label = wf_i18n_get(&s->label, lang);

    buf_puts(b, "    \"");
    wf_dot_esc(b, s->id);
    buf_puts(b, "\" [label=\"");
    wf_dot_esc(b, s->id);
    if (label != NULL) {
        buf_puts(b, "\\n");
        wf_dot_esc_wrap(b, label, s->final ? 10 : 16);
    }
    if (!s->final)
        buf_printf(b, "\\n%d %%", s->progress);
    buf_printf(b, "\", fillcolor=\"%s\"", wf_bucket_colours[s->bucket]);
    if (s->final)
        buf_puts(b, ", shape=doublecircle, style=filled, fontsize=9");
    if (initial)
        buf_puts(b, ", penwidth=2");
    buf_puts(b, "];\n");
}

/* "owner, agent:serac" */
static void
wf_dot_actors(buf_t *b, const wf_transition_t *t)
{
    size_t i;

    buf_putc(b, '(');
    for (i = 0; i < t->n_by; i++) {
        if (i > 0)
            buf_puts(b, ", ");
        wf_dot_esc(b, t->by[i].text);
    }
    buf_putc(b, ')');
}

static void
wf_dot_edge_start(buf_t *b, const char *from, const char *to)
{
    buf_puts(b, "    \"");
    wf_dot_esc(b, from);
    buf_puts(b, "\" -> \"");
    wf_dot_esc(b, to);
    buf_puts(b, "\" [label=\"");
}

/* One edge per timer in s firing t (dashed, with the delay); returns how
 * many. */
static int
wf_dot_timer_edges(buf_t *b, const wf_state_t *s, const wf_transition_t *t)
{
    size_t i;
    int    n = 0;

    for (i = 0; i < s->n_timers; i++) {
        if (s->timers[i]->fire != t)
            continue;
        wf_dot_edge_start(b, s->id, t->to->id);
        wf_dot_esc(b, t->id);
        buf_puts(b, "\\n(system)\\nafter ");
        wf_dot_esc(b, s->timers[i]->after.text);
        buf_puts(b, "\", style=dashed];\n");
        n++;
    }
    return n;
}

static int
wf_dot_only_system(const wf_transition_t *t)
{
    return t->n_by == 1 && t->by[0].kind == WF_BY_SYSTEM;
}

static void
wf_dot_transitions(buf_t *b, const wf_state_t *s)
{
    size_t i, k;

    for (i = 0; i < s->n_out; i++) {
        const wf_transition_t *t = s->out[i];

        if (t->to == NULL)
            continue;
        if (wf_dot_timer_edges(b, s, t) > 0 && wf_dot_only_system(t))
            continue;
        wf_dot_edge_start(b, s->id, t->to->id);
        wf_dot_esc(b, t->id);
        buf_puts(b, "\\n");
        wf_dot_actors(b, t);
        if (t->auto_on_view)
            buf_puts(b, "\\n[on view]");
        for (k = 0; k < t->n_guards; k++)
            if (t->guards[k].kind == WF_GUARD_SERVICE_APPROVAL) {
                /* which way a grant goes is the service's, not the actor's */
                buf_puts(b, "\\n[");
                wf_dot_esc(b, t->guards[k].text);
                buf_putc(b, ']');
            }
        if (t->decide_fired)
            buf_puts(b, "\\n[all answered]");
        buf_puts(b, "\"];\n");
    }
}

/* A per-item decision: a bold self-loop on its state, "decide id / each
 * item of OVER / by" and the outcomes; the transition its last final
 * answer fires is drawn as a system edge, marked "[all answered]". */
static void
wf_dot_decides(buf_t *b, const wf_def_t *def, const wf_state_t *s)
{
    size_t i, k;

    for (i = 0; i < def->n_decides; i++) {
        const wf_decide_t *dc = &def->decides[i];

        if (dc->in != s)
            continue;
        wf_dot_edge_start(b, s->id, s->id);
        buf_puts(b, "decide ");
        wf_dot_esc(b, dc->id);
        buf_puts(b, "\\neach item of ");
        wf_dot_esc(b, dc->over);
        buf_puts(b, "\\n(");
        wf_dot_esc(b, dc->by_text);
        buf_puts(b, ")\\n");
        for (k = 0; k < dc->n_outcomes; k++) {
            if (k > 0)
                buf_puts(b, " | ");
            wf_dot_esc(b, dc->outcomes[k]);
        }
        buf_puts(b, "\", style=bold];\n");
    }
}

/* Purge timers: a dashed edge to the "deleted" node; 1 if any. */
static int
wf_dot_purges(buf_t *b, const wf_state_t *s)
{
    size_t i;
    int    n = 0;

    for (i = 0; i < s->n_timers; i++) {
        if (!s->timers[i]->purge)
            continue;
        wf_dot_edge_start(b, s->id, "(deleted)");
        buf_puts(b, "purge\\nafter ");
        wf_dot_esc(b, s->timers[i]->after.text);
        buf_puts(b, "\", style=dashed];\n");
        n = 1;
    }
    return n;
}

static void
wf_dot_legend(buf_t *b, const wf_def_t *def)
{
    int    used[WF_BUCKET__COUNT] = { 0 };
    size_t i;

    for (i = 0; i < def->n_states; i++)
        used[def->states[i].bucket] = 1;
    buf_puts(b, "    subgraph cluster_legend {\n"
                "        label=\"buckets\"; fontsize=10; style=dashed;\n");
    for (i = 0; i < WF_BUCKET__COUNT; i++)
        if (used[i])
            buf_printf(b, "        \"(bucket %s)\" [label=\"%s\", "
                       "fillcolor=\"%s\", fontsize=9];\n",
                       wf_bucket_name((wf_bucket_t) i),
                       wf_bucket_name((wf_bucket_t) i), wf_bucket_colours[i]);
    buf_puts(b, "    }\n");
}

char *
wf_graph_dot(pool_t *p, const wf_def_t *def, const char *lang)
{
    buf_t  b;
    size_t i;
    int    purged = 0;

    buf_init(&b, p);
    wf_dot_head(&b, def, lang);
    if (def->initial != NULL) {
        buf_puts(&b, "    \"(start)\" [shape=point, width=0.15, label=\"\"];\n"
                     "    \"(start)\" -> \"");
        wf_dot_esc(&b, def->initial->id);
        buf_puts(&b, "\";\n");
    }
    for (i = 0; i < def->n_states; i++)
        wf_dot_state(&b, &def->states[i], &def->states[i] == def->initial,
                     lang);
    for (i = 0; i < def->n_states; i++) {
        wf_dot_transitions(&b, &def->states[i]);
        wf_dot_decides(&b, def, &def->states[i]);
        purged |= wf_dot_purges(&b, &def->states[i]);
    }
    if (purged)
        buf_puts(&b, "    \"(deleted)\" [label=\"deleted\", shape=octagon, "
                     "style=dashed, fontsize=9];\n");
    wf_dot_legend(&b, def);
    buf_puts(&b, "}\n");
    return b.data;
}

/* graphviz reports through a process-wide hook; keep the last message. */
static char wf_gv_msg[256];

static int
wf_gv_error(char *msg)
{
    size_t n;

    snprintf(wf_gv_msg, sizeof(wf_gv_msg), "%s", msg != NULL ? msg : "");
    n = strlen(wf_gv_msg);
    while (n > 0 && wf_gv_msg[n - 1] == '\n')
        wf_gv_msg[--n] = '\0';
    return 0;
}

static int
wf_gv_run(GVC_t *gvc, Agraph_t *g, const char *format, pool_t *p,
          char **out, size_t *len, en_err_t *err)
{
    char         *data = NULL;
    unsigned int  n = 0;

    if (gvLayout(gvc, g, "dot") != 0)
        return en_set(err, EN_INTERNAL, "err.internal", "graph layout failed: "
                      "%s", wf_gv_msg);
    if (gvRenderData(gvc, g, format, &data, &n) != 0 || data == NULL) {
        gvFreeLayout(gvc, g);
        return en_set(err, EN_INTERNAL, "err.internal", "cannot render %s: %s",
                      format, wf_gv_msg[0] ? wf_gv_msg : "unknown format");
    }
    *out = pool_alloc(p, (size_t) n + 1);
    memcpy(*out, data, n);
    (*out)[n] = '\0';
    *len = n;
    gvFreeRenderData(data);
    gvFreeLayout(gvc, g);
    return EN_OK;
}

/* One graphviz context per process, made on first use and never freed:
 * graphviz 2.43 leaks its plugin configuration on every gvContext(), which
 * a worker drawing diagrams for the admin pages would feel. */
static GVC_t *
wf_gvc(void)
{
    static GVC_t *gvc;

    if (gvc == NULL)
        gvc = gvContext();
    return gvc;
}

int
wf_graph_render(pool_t *p, const char *dot, const char *format, char **out,
                size_t *len, en_err_t *err)
{
    GVC_t        *gvc = wf_gvc();
    Agraph_t     *g;
    agusererrf    old = agseterrf(wf_gv_error);
    int           rc;

    wf_gv_msg[0] = '\0';
    *out = NULL;
    *len = 0;
    if (gvc == NULL) {
        agseterrf(old);
        return en_set(err, EN_INTERNAL, "err.internal", "graphviz is not "
                      "available");
    }
    g = agmemread(dot);
    if (g == NULL) {
        rc = en_set(err, EN_BADINPUT, "err.badinput", "not a graph: %s",
                    wf_gv_msg);
    } else {
        rc = wf_gv_run(gvc, g, format, p, out, len, err);
        agclose(g);
    }
    agseterrf(old);
    return rc;
}
