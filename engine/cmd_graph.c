/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * cmd_graph.c -- `guichet graph [-T dot|svg] [-o OUT] [-l LANG] FILE`:
 * draws a workflow definition's state machine.  The definition is loaded
 * and checked exactly as `guichet check` does (a broken one is refused
 * with the same messages); the drawing itself is wf_graph.c's.
 *
 * Writes to OUT, or to standard output.  Exit status: 0 done, 1 the
 * definition is wrong or rendering failed, 2 usage error.
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "en_err.h"
#include "wf_check.h"
#include "wf_def.h"
#include "wf_graph.h"
#include "xml_safe.h"

typedef struct {
    const char *format;   /* "dot" or "svg" */
    const char *out;      /* NULL = stdout */
    const char *lang;
    const char *file;
} cmd_graph_opts_t;

static void
cmd_graph_usage(FILE *out)
{
    fprintf(out,
        "usage: guichet graph [-T dot|svg] [-o OUT] [-l fr|de|en] FILE\n"
        "\n"
        "Draws the state machine of a workflow definition: Graphviz dot text\n"
        "(default) or SVG, on standard output or into OUT.\n");
}

/* Parses argv (argv[0] is "graph"); 0 ok, 2 usage error, -1 help. */
static int
cmd_graph_args(int argc, char **argv, cmd_graph_opts_t *o)
{
    int i;

    o->format = "dot";
    o->out = NULL;
    o->lang = "fr";
    o->file = NULL;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];

        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0)
            return -1;
        if ((strcmp(a, "-T") == 0 || strcmp(a, "-o") == 0
             || strcmp(a, "-l") == 0) && i + 1 < argc) {
            const char *v = argv[++i];

            if (a[1] == 'T')
                o->format = v;
            else if (a[1] == 'o')
                o->out = v;
            else
                o->lang = v;
        } else if (strncmp(a, "-T", 2) == 0 && a[2] != '\0') {
            o->format = a + 2;
        } else if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "graph: unknown or incomplete option %s\n", a);
            return 2;
        } else if (o->file != NULL) {
            fprintf(stderr, "graph: one FILE only\n");
            return 2;
        } else {
            o->file = a;
        }
    }
    if (o->file == NULL)
        return 2;
    if (strcmp(o->format, "dot") != 0 && strcmp(o->format, "svg") != 0) {
        fprintf(stderr, "graph: -T takes dot or svg, not %s\n", o->format);
        return 2;
    }
    return 0;
}

static int
cmd_graph_write(const char *path, const char *data, size_t len)
{
    FILE *f = path != NULL ? fopen(path, "wb") : stdout;
    int   bad;

    if (f == NULL) {
        perror(path);
        return 1;
    }
    bad = fwrite(data, 1, len, f) != len;
    bad |= path != NULL ? fclose(f) != 0 : fflush(f) != 0;
    if (bad) {
        perror(path != NULL ? path : "stdout");
        return 1;
    }
    return 0;
}

static int
cmd_graph_run(pool_t *p, const cmd_graph_opts_t *o)
{
    wf_diag_t  diags;
    wf_def_t  *def;
    en_err_t   err;
    char      *dot, *svg;
    size_t     len;

    wf_diag_init(&diags, p);
    if (wf_load_file(p, o->file, &def, &diags) != EN_OK) {
        wf_diag_print(&diags, stderr);
        return 1;
    }
    wf_diag_print(&diags, stderr);          /* warnings, if any */
    dot = wf_graph_dot(p, def, o->lang);
    if (strcmp(o->format, "dot") == 0)
        return cmd_graph_write(o->out, dot, strlen(dot));
    en_clear(&err);
    if (wf_graph_render(p, dot, "svg", &svg, &len, &err) != EN_OK) {
        fprintf(stderr, "%s: %s\n", o->file, err.msg);
        return 1;
    }
    return cmd_graph_write(o->out, svg, len);
}

int
cmd_graph(int argc, char **argv)
{
    cmd_graph_opts_t o;
    pool_t          *p;
    int              rc = cmd_graph_args(argc, argv, &o);

    if (rc != 0) {
        cmd_graph_usage(rc < 0 ? stdout : stderr);
        return rc < 0 ? 0 : 2;
    }
    xml_safe_init();
    p = pool_new(0);
    rc = cmd_graph_run(p, &o);
    pool_free(p);
    return rc;
}
