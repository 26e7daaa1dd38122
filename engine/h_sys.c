/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * h_sys.c -- the system routes: health, metrics and the home page.
 *
 * /healthz answers for load balancers (200 when the database answers, 503
 * otherwise, a tiny JSON body); /metrics is Prometheus text for trusted
 * networks only; / is the portal's public entrance.  On the demo stack
 * (`demo = yes`, set by `make demo`, never in production) the entrance also
 * lists the development identity provider's accounts, each with its role
 * and one thing to try, read from data/demo/world.json -- the file the
 * provider and the demo loader read too.
 */
#include <jansson.h>

#include "db.h"
#include "log.h"
#include "metrics.h"
#include "render.h"
#include "route.h"

#define HEALTH_UP   "{\"status\":\"ok\",\"database\":\"up\"}\n"
#define HEALTH_DOWN "{\"status\":\"unavailable\",\"database\":\"down\"}\n"

static int
h_healthz(req_t *r)
{
    en_err_t  err;

    en_clear(&err);
    req_header(r, "Cache-Control", "no-store");
    if (db_ping(r->pool, &err) != EN_OK) {
        r->status = 503;
        req_body(r, "application/json", HEALTH_DOWN, sizeof(HEALTH_DOWN) - 1);
        return EN_OK;
    }
    r->status = 200;
    req_body(r, "application/json", HEALTH_UP, sizeof(HEALTH_UP) - 1);
    return EN_OK;
}

static int
h_metrics(req_t *r)
{
    buf_t b;

    buf_init(&b, r->pool);
    metrics_format(&b, metrics_get(), route_names(), route_count(), GUICHET_VERSION);
    r->status = 200;
    req_header(r, "Cache-Control", "no-store");
    req_body(r, "text/plain; version=0.0.4; charset=utf-8", b.data, b.len);
    return EN_OK;
}

/* o[lang], else o["fr"], else "". */
static const char *
in_lang(json_t *o, const char *lang)
{
    const char *s = json_string_value(json_object_get(o, lang));

    if (s == NULL)
        s = json_string_value(json_object_get(o, "fr"));
    return s ? s : "";
}

/* <demo><account login name role try/>...</demo>, in the reader's language.
 * A missing or broken file only leaves the list out (and says so in the
 * log): the entrance itself must answer. */
static void
demo_accounts(req_t *r, xmlNodePtr page)
{
    const char   *path = pool_printf(r->pool, "%s/data/demo/world.json", r->cfg->root);
    json_error_t  jerr;
    json_t       *world = json_load_file(path, 0, &jerr), *accounts, *a;
    xmlNodePtr    demo, n;
    size_t        i;

    if (world == NULL) {
        log_event(LOG_WARN, "demo world not readable", "path", path, "error", jerr.text,
                  NULL);
        return;
    }
    accounts = json_object_get(world, "accounts");
    demo = render_node(page, "demo");
    json_array_foreach(accounts, i, a) {
        const char *login = json_string_value(json_object_get(a, "login"));
        const char *given = json_string_value(json_object_get(a, "given_name"));
        const char *family = json_string_value(json_object_get(a, "family_name"));

        if (login == NULL || given == NULL || family == NULL)
            continue;
        n = render_node(demo, "account");
        render_attr(n, "login", login);
        render_attr(n, "name", pool_printf(r->pool, "%s %s", given, family));
        render_attr(n, "role", in_lang(json_object_get(a, "role"), r->lang));
        render_attr(n, "try", in_lang(json_object_get(a, "try"), r->lang));
    }
    json_decref(world);
}

static int
h_home(req_t *r)
{
    xmlNodePtr page = render_begin(r, "home");

    if (r->cfg->demo && page != NULL)
        demo_accounts(r, page);
    return render_finish(r, 200);
}

const route_t sys_routes[] = {
    { "GET", "/healthz", "healthz", h_healthz, ROUTE_PUBLIC | ROUTE_NO_SESSION, NULL },
    { "GET", "/metrics", "metrics", h_metrics,
      ROUTE_PUBLIC | ROUTE_NO_SESSION | ROUTE_LOOPBACK, NULL },
    { "GET", "/", "home", h_home, ROUTE_PUBLIC, NULL },
    { NULL, NULL, NULL, NULL, 0, NULL }
};
