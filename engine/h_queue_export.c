/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * h_queue_export.c -- the queue's current list (its filters, search and
 * sort; every row, not one page) as a file:
 *
 *   GET /agent/<group>/export.csv   UTF-8 with a BOM, ';' between fields,
 *                                   CRLF lines (as Swiss Excel opens it)
 *   GET /agent/<group>/export.xlsx  one sheet, typed cells: dates as dates,
 *                                   amounts as numbers in CHF (libxlsxwriter)
 *
 * Rows come from PostgreSQL one at a time (queue_each); the CSV goes out
 * as it is written, the XLSX is written by libxlsxwriter in its
 * constant-memory mode to a temporary file and then sent in pieces: the
 * list is never whole in memory.  The words of each row are hq_row's, the
 * page's.  Not here: the query (h_queue.c), the SQL (queue.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "h_queue.h"
#include "i18n.h"
#include "log.h"
#include "session.h"

#define NCOLS 10

static const char *const col_keys[NCOLS] = {
    "queue.col.reference", "queue.col.procedure", "queue.col.state", "queue.col.applicant",
    "queue.col.submitted", "queue.col.since", "queue.col.assignee", "queue.col.due",
    "queue.col.due_what", "queue.col.amount"
};

static void
cells(const hq_row_t *w, const char *out[NCOLS])
{
    out[0] = w->reference;
    out[1] = w->procedure;
    out[2] = w->state;
    out[3] = w->applicant;
    out[4] = w->submitted;
    out[5] = w->since;
    out[6] = w->assignee;
    out[7] = w->due;
    out[8] = w->due_what;
    out[9] = w->amount_num;
}

static const char *
file_name(req_t *r, const hq_t *h, const char *ext)
{
    return pool_printf(r->pool, "attachment; filename=\"%s-queue.%s\"", h->group, ext);
}

/* --- CSV ------------------------------------------------------------------------------ */

typedef struct {
    req_t *r;
    buf_t  b;
    int    gone;
} csv_t;

/* One field: quoted when it holds ';', '"' or a line break; a leading
 * = + - @ is made text (a spreadsheet would run it as a formula). */
static void
csv_field(buf_t *b, const char *s, int last)
{
    const char *c;
    int         quote = strpbrk(s, ";\"\r\n") != NULL;

    if (quote)
        buf_putc(b, '"');
    if (strchr("=+-@", s[0]) != NULL && s[0] != '\0')
        buf_putc(b, '\'');
    for (c = s; *c; c++) {
        if (*c == '"')
            buf_putc(b, '"');
        buf_putc(b, *c);
    }
    if (quote)
        buf_putc(b, '"');
    buf_puts(b, last ? "\r\n" : ";");
}

static void
csv_flush(csv_t *c, int force)
{
    if (c->b.len >= 32768 || (force && c->b.len > 0)) {
        if (!c->gone && req_stream_write(c->r, c->b.data, c->b.len) != 0)
            c->gone = 1;
        c->b.len = 0;
    }
}

static int
csv_row(void *ctx, const queue_row_t *row)
{
    csv_t      *c = ctx;
    pool_t     *sub = pool_new(0);
    pool_t     *keep = c->r->pool;
    hq_row_t    w;
    const char *v[NCOLS];
    int         i;

    c->r->pool = sub;            /* the row's words live as long as the row */
    hq_row(c->r, row, &w);
    cells(&w, v);
    for (i = 0; i < NCOLS; i++)
        csv_field(&c->b, v[i], i == NCOLS - 1);
    c->r->pool = keep;
    pool_free(sub);
    csv_flush(c, 0);
    return c->gone;
}

int h_queue_csv(req_t *r);
int
h_queue_csv(req_t *r)
{
    hq_t        h;
    csv_t       c;
    const char *v[NCOLS];
    int         i, rc;
    en_err_t    err;

    if ((rc = hq_open(r, &h)) != EN_OK)
        return rc;
    if (h.nbad > 0)
        return en_set(&r->err, EN_BADINPUT, h.bad_key[0], "refused filter");
    h.q.after = NULL;
    h.q.limit = 0;
    req_header(r, "Content-Disposition", file_name(r, &h, "csv"));
    req_header(r, "Cache-Control", "no-store");
    req_stream_begin(r, 200, "text/csv; charset=utf-8");
    c.r = r;
    c.gone = 0;
    buf_init(&c.b, r->pool);
    buf_puts(&c.b, "\xEF\xBB\xBF");
    for (i = 0; i < NCOLS; i++)
        v[i] = i18n_get(r->lang, col_keys[i]);
    for (i = 0; i < NCOLS; i++)
        csv_field(&c.b, v[i], i == NCOLS - 1);
    en_clear(&err);
    if (queue_each(r->pool, &err, queue_query_json(r->pool, &h.q, h.states), csv_row, &c) != EN_OK)
        log_event(LOG_ERROR, "queue export cut short", "error", err.msg, "request_id",
                  r->request_id ? r->request_id : "", NULL);
    csv_flush(&c, 1);
    return EN_OK;
}

/* --- XLSX ----------------------------------------------------------------------------- */

typedef struct {
    req_t         *r;
    lxw_worksheet *ws;
    lxw_format    *date, *chf;
    lxw_row_t      row;
} xlsx_t;

/* "YYYY-MM-DD" -> a date cell; "" -> an empty cell. */
static void
xlsx_date(xlsx_t *x, lxw_col_t col, const char *iso)
{
    lxw_datetime dt = { 0, 0, 0, 0, 0, 0 };

    if (sscanf(iso, "%4d-%2d-%2d", &dt.year, &dt.month, &dt.day) != 3)
        return;
    worksheet_write_datetime(x->ws, x->row, col, &dt, x->date);
}

static int
xlsx_row(void *ctx, const queue_row_t *row)
{
    xlsx_t  *x = ctx;
    pool_t  *sub = pool_new(0), *keep = x->r->pool;
    hq_row_t w;

    x->r->pool = sub;
    hq_row(x->r, row, &w);
    x->row++;
    worksheet_write_string(x->ws, x->row, 0, w.reference, NULL);
    worksheet_write_string(x->ws, x->row, 1, w.procedure, NULL);
    worksheet_write_string(x->ws, x->row, 2, w.state, NULL);
    worksheet_write_string(x->ws, x->row, 3, w.applicant, NULL);
    xlsx_date(x, 4, w.submitted_iso);
    xlsx_date(x, 5, w.since_iso);
    if (*w.assignee)
        worksheet_write_string(x->ws, x->row, 6, w.assignee, NULL);
    xlsx_date(x, 7, w.due_iso);
    if (*w.due_what)
        worksheet_write_string(x->ws, x->row, 8, w.due_what, NULL);
    if (*w.amount_num)
        worksheet_write_number(x->ws, x->row, 9, strtod(w.amount_num, NULL), x->chf);
    x->r->pool = keep;
    pool_free(sub);
    return 0;
}

int h_queue_xlsx(req_t *r);
int
h_queue_xlsx(req_t *r)
{
    hq_t                 h;
    char                 path[] = "/tmp/guichet-export-XXXXXX";
    lxw_workbook_options opt = { .constant_memory = LXW_TRUE, .tmpdir = NULL, .use_zip64 = 0 };
    lxw_workbook        *wb;
    lxw_format          *bold;
    xlsx_t               x;
    en_err_t             err;
    FILE                *f;
    char                 chunk[65536];
    size_t               n;
    int                  fd, i, rc;

    if ((rc = hq_open(r, &h)) != EN_OK)
        return rc;
    if (h.nbad > 0)
        return en_set(&r->err, EN_BADINPUT, h.bad_key[0], "refused filter");
    h.q.after = NULL;
    h.q.limit = 0;
    if ((fd = mkstemp(path)) < 0)
        return en_set(&r->err, EN_INTERNAL, "err.internal", "export: no temporary file");
    close(fd);
    if ((wb = workbook_new_opt(path, &opt)) == NULL) {
        unlink(path);
        return en_set(&r->err, EN_INTERNAL, "err.internal", "export: workbook refused");
    }
    x.r = r;
    x.ws = workbook_add_worksheet(wb, NULL);
    x.date = workbook_add_format(wb);
    format_set_num_format(x.date, "dd.mm.yyyy");
    x.chf = workbook_add_format(wb);
    format_set_num_format(x.chf, "#,##0.00");
    bold = workbook_add_format(wb);
    format_set_bold(bold);
    x.row = 0;
    for (i = 0; i < NCOLS; i++)
        worksheet_write_string(x.ws, 0, (lxw_col_t) i, i18n_get(r->lang, col_keys[i]), bold);
    worksheet_set_column(x.ws, 0, 0, 13, NULL);
    worksheet_set_column(x.ws, 1, 3, 28, NULL);
    worksheet_set_column(x.ws, 4, 5, 12, NULL);
    worksheet_set_column(x.ws, 6, 8, 22, NULL);
    worksheet_set_column(x.ws, 9, 9, 14, NULL);
    en_clear(&err);
    rc = queue_each(r->pool, &err, queue_query_json(r->pool, &h.q, h.states), xlsx_row, &x);
    if (workbook_close(wb) != LXW_NO_ERROR && rc == EN_OK)
        rc = en_set(&err, EN_INTERNAL, "err.internal", "export: workbook not written");
    if (rc != EN_OK) {
        unlink(path);
        r->err = err;
        return rc;
    }
    if ((f = fopen(path, "rb")) == NULL) {
        unlink(path);
        return en_set(&r->err, EN_INTERNAL, "err.internal", "export: workbook unreadable");
    }
    unlink(path);               /* gone once closed */
    req_header(r, "Content-Disposition", file_name(r, &h, "xlsx"));
    req_header(r, "Cache-Control", "no-store");
    req_stream_begin(r, 200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        if (req_stream_write(r, chunk, n) != 0)
            break;
    fclose(f);
    return EN_OK;
}
