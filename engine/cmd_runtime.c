/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * cmd_runtime.c -- the workflow runtime from the command line:
 *
 *   guichet publish                 publish the changed files of workflows/
 *   guichet scheduler [--once]      fire due timers (--once: what is due now)
 *   guichet mailer [--once]         drain the outbox (--once: what is due now)
 *   guichet letters [--once]        typeset the queued letters (letters_job.c)
 *   guichet demand create|show|list|fire|save ...
 *
 * `demand` is an operator's (and the integration tests') door to the same C
 * entry points the web pages use: wf_demand_create, wf_fire and wf_save,
 * for a named person and space (a principal.h principal, as the web makes
 * from its session), with the same authorisation, the same validation and
 * the same one transaction.  It prints one JSON line and exits 0, or 10 + the error code
 * (11 bad input, 12 forbidden, 13 not found, 14 conflict, 15 unavailable,
 * 18 internal).  Whoever runs it holds the database password anyway.
 */
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bgjob.h"
#include "cfg.h"
#include "db.h"
#include "log.h"
#include "mailer.h"
#include "letters.h"
#include "message.h"
#include "pool_json.h"
#include "scheduler.h"
#include "session.h"
#include "util_file.h"
#include "wf_demand.h"
#include "wf_fire.h"
#include "wf_store.h"

int cmd_publish(const cfg_t *cfg, int argc, char **argv);
int cmd_scheduler(const cfg_t *cfg, int argc, char **argv);
int cmd_mailer(const cfg_t *cfg, int argc, char **argv);
int cmd_letters(const cfg_t *cfg, int argc, char **argv);
int cmd_demand(const cfg_t *cfg, int argc, char **argv);

static int
db_ready(const cfg_t *cfg)
{
    en_err_t err;

    en_clear(&err);
    if (db_init(cfg->database, &err) != EN_OK) {
        fprintf(stderr, "guichet: %s (%s)\n", err.msg, err.detail);
        return 0;
    }
    return 1;
}

int
cmd_publish(const cfg_t *cfg, int argc, char **argv)
{
    int published = 0, unchanged = 0, refused = 0, rc;

    (void) argc;
    (void) argv;
    log_set_level("warn");
    if (!db_ready(cfg))
        return 1;
    rc = wf_store_publish(cfg, stdout, stderr, &published, &unchanged, &refused);
    printf("%d published, %d unchanged, %d refused\n", published, unchanged, refused);
    db_close();
    return rc == 0 ? 0 : 1;
}

static int
has_flag(int argc, char **argv, const char *flag)
{
    int i;

    for (i = 1; i < argc; i++)
        if (!strcmp(argv[i], flag))
            return 1;
    return 0;
}

/* The scheduler and the mailer: the background job's loop in the
 * foreground, or what is due now with --once. */
static int
run_job(const bgjob_t *job, const cfg_t *cfg, int argc, char **argv)
{
    log_set_process(job->name);
    if (!has_flag(argc, argv, "--once"))
        return bgjob_main(cfg, job);
    return bgjob_once(job, cfg);
}

int
cmd_scheduler(const cfg_t *cfg, int argc, char **argv)
{
    return run_job(&scheduler_job, cfg, argc, argv);
}

int
cmd_mailer(const cfg_t *cfg, int argc, char **argv)
{
    return run_job(&mailer_job, cfg, argc, argv);
}

int
cmd_letters(const cfg_t *cfg, int argc, char **argv)
{
    return run_job(&letters_job, cfg, argc, argv);
}

/* --- demand ------------------------------------------------------------------ */

static void
usage_demand(void)
{
    fprintf(stderr,
        "usage: guichet demand create --person UUID [--space UUID] [OPTIONS] WORKFLOW\n"
        "       guichet demand show ID|REFERENCE\n"
        "       guichet demand list --person UUID [--space UUID] [BUCKET]\n"
        "       guichet demand fire --person UUID [OPTIONS] ID TRANSITION [FIELD=VALUE...]\n"
        "       guichet demand save --person UUID [OPTIONS] ID [FIELD=VALUE...]\n"
        "       guichet demand message --person UUID [--space UUID] ID TEXT\n"
        "options: --space UUID  --assurance email|verified|strong  --lang fr|de|en\n"
        "         --version N (the version the user saw)  --comment TEXT\n"
        "         --file NAME=PATH[:FILENAME]  --request-id ID\n");
}

static int
exit_code(int code)
{
    return code == EN_OK ? 0 : 10 + code;
}

static void
print_error(pool_t *p, const en_err_t *err, const wf_result_t *res)
{
    json_t *o = pool_json(p, json_object()), *a;
    char   *s;
    int     i;

    json_object_set_new(o, "status", json_string(en_code_name(err->code)));
    json_object_set_new(o, "key", json_string(err->key));
    json_object_set_new(o, "message", json_string(err->msg));
    if (*err->detail)
        json_object_set_new(o, "detail", json_string(err->detail));
    if (res != NULL && res->nerrors > 0) {
        a = json_array();
        for (i = 0; i < res->nerrors; i++) {
            json_t *e = json_object();

            json_object_set_new(e, "field", json_string(res->errors[i].field));
            json_object_set_new(e, "key", json_string(res->errors[i].key));
            if (res->errors[i].arg != NULL)
                json_object_set_new(e, "arg", json_string(res->errors[i].arg));
            json_array_append_new(a, e);
        }
        json_object_set_new(o, "errors", a);
    }
    if (res != NULL && res->current_state != NULL) {
        json_object_set_new(o, "state", json_string(res->current_state));
        json_object_set_new(o, "version", json_integer(res->current_version));
    }
    s = pool_json_dumps(p, o, JSON_COMPACT);
    printf("%s\n", s ? s : "{}");
}

static void
print_demand(pool_t *p, const wf_demand_t *d)
{
    json_t *o = pool_json(p, json_object());
    char   *s;

    json_object_set_new(o, "status", json_string("ok"));
    json_object_set_new(o, "id", json_string(d->id));
    json_object_set_new(o, "reference", json_string(d->reference));
    json_object_set_new(o, "workflow", json_string(d->workflow_key));
    json_object_set_new(o, "definition_version", json_integer(d->definition_version));
    json_object_set_new(o, "state", json_string(d->state));
    json_object_set_new(o, "bucket", json_string(d->bucket));
    json_object_set_new(o, "version", json_integer(d->version));
    json_object_set_new(o, "form_data", json_loads(d->form_data ? d->form_data : "{}", 0,
                                                   NULL));
    s = pool_json_dumps(p, o, JSON_COMPACT);
    printf("%s\n", s ? s : "{}");
}

/* The dashboard of a context: counts per bucket, then the demands. */
static int
print_list(pool_t *p, en_err_t *err, const char *person, const char *space,
           const char *bucket)
{
    int          counts[WF_BUCKET__COUNT], n, i, rc;
    wf_demand_t *list;
    json_t      *o, *c, *a;
    char        *text;

    if ((rc = wf_demand_counts(p, err, person, space, counts)) != EN_OK
        || (rc = wf_demand_list(p, err, person, space, bucket, 100, 0, &list, &n)) != EN_OK)
        return rc;
    o = pool_json(p, json_object());
    c = json_object();
    for (i = 0; i < WF_BUCKET__COUNT; i++)
        json_object_set_new(c, wf_bucket_name((wf_bucket_t) i), json_integer(counts[i]));
    a = json_array();
    for (i = 0; i < n; i++)
        json_array_append_new(a, json_pack("{s:s, s:s, s:s}", "reference", list[i].reference,
                                           "state", list[i].state, "bucket", list[i].bucket));
    json_object_set_new(o, "status", json_string("ok"));
    json_object_set_new(o, "counts", c);
    json_object_set_new(o, "demands", a);
    text = pool_json_dumps(p, o, JSON_COMPACT);
    printf("%s\n", text ? text : "{}");
    return EN_OK;
}

int
cmd_demand(const cfg_t *cfg, int argc, char **argv)
{
    pool_t      *p = pool_new(0);
    en_err_t     err;
    const char  *person = NULL, *space = NULL, *lang = "fr", *request_id;
    int          assurance = ASSURANCE_EMAIL;
    wf_input_t   in;
    principal_t  who;
    wf_result_t  res;
    const char  *sub, *pos[2] = { NULL, NULL };
    int          i, npos = 0, rc;
    kv_t        *form = NULL;
    upload_t    *uploads = NULL;

    if (argc < 2) {
        usage_demand();
        return 2;
    }
    sub = argv[1];
    memset(&in, 0, sizeof(in));
    memset(&res, 0, sizeof(res));
    request_id = pool_printf(p, "cli-%ld", (long) getpid());
    for (i = 2; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

        if (!strcmp(a, "--person") && v) {
            person = v;
            i++;
        } else if (!strcmp(a, "--space") && v) {
            space = v;
            i++;
        } else if (!strcmp(a, "--assurance") && v) {
            int lvl = assurance_by_name(v);

            if (lvl < 0) {
                fprintf(stderr, "guichet: unknown assurance %s\n", v);
                return 2;
            }
            assurance = lvl;
            i++;
        } else if (!strcmp(a, "--lang") && v) {
            lang = v;
            i++;
        } else if (!strcmp(a, "--version") && v) {
            in.expected_version = atoi(v);
            i++;
        } else if (!strcmp(a, "--comment") && v) {
            in.comment = v;
            i++;
        } else if (!strcmp(a, "--request-id") && v) {
            request_id = v;
            i++;
        } else if (!strcmp(a, "--file") && v) {
            const char *eq = strchr(v, '='), *colon;
            upload_t   *u = pool_calloc(p, sizeof(*u));
            size_t      len = 0;
            char       *path, *data;
            en_err_t    ferr;

            if (eq == NULL) {
                usage_demand();
                return 2;
            }
            u->field = pool_strndup(p, v, (size_t) (eq - v));
            colon = strchr(eq + 1, ':');
            path = colon ? pool_strndup(p, eq + 1, (size_t) (colon - eq - 1))
                         : pool_strdup(p, eq + 1);
            u->filename = colon ? colon + 1 : strrchr(path, '/') ? strrchr(path, '/') + 1
                                                                  : path;
            u->content_type = "application/octet-stream";
            /* no more than a web request could carry; the field's own
             * checks (max_upload, types) then judge it as they judge one */
            if (util_read_file(p, path, (size_t) cfg->max_body, &data, &len,
                               &ferr) != EN_OK) {
                fprintf(stderr, "guichet: %s\n", ferr.msg);
                return 2;
            }
            u->data = (const unsigned char *) data;
            u->len = len;
            u->next = uploads;
            uploads = u;
            i++;
        } else if (a[0] == '-' && a[1] == '-') {
            usage_demand();
            return 2;
        } else if (strchr(a, '=') != NULL && npos >= (strcmp(sub, "fire") && strcmp(sub, "message") ? 1 : 2)) {
            const char *eq = strchr(a, '=');

            kv_add(p, &form, pool_strndup(p, a, (size_t) (eq - a)), eq + 1);
        } else if (npos < 2) {
            pos[npos++] = a;
        } else {
            usage_demand();
            return 2;
        }
    }
    log_set_level("warn");
    if (!db_ready(cfg))
        return 1;
    in.form = form;
    in.uploads = uploads;
    who = principal_person(person, space, assurance, lang, request_id);
    en_clear(&err);

    if (!strcmp(sub, "show") && npos == 1) {
        wf_demand_t *d;

        rc = strchr(pos[0], '-') && strlen(pos[0]) == 36
             ? wf_demand_load(p, &err, pos[0], &d)
             : wf_demand_by_reference(p, &err, pos[0], &d);
        if (rc == EN_OK)
            print_demand(p, d);
    } else if (person == NULL) {
        usage_demand();
        return 2;
    } else if (!strcmp(sub, "list") && npos <= 1) {
        rc = print_list(p, &err, person, space, npos ? pos[0] : NULL);
    } else if (!strcmp(sub, "create") && npos == 1) {
        wf_demand_t *d;

        if ((rc = wf_demand_create(p, &err, &who, pos[0], &d)) == EN_OK)
            print_demand(p, d);
    } else if (!strcmp(sub, "fire") && npos == 2) {
        if ((rc = wf_fire(p, &err, &who, pos[0], pos[1], &in, &res)) == EN_OK)
            printf("{\"status\":\"ok\",\"state\":\"%s\",\"version\":%d,\"event\":%lld}\n",
                   res.state, res.version, res.event_id);
    } else if (!strcmp(sub, "message") && npos == 2) {
        if ((rc = message_post(p, &err, &who, pos[0], pos[1])) == EN_OK)
            printf("{\"status\":\"ok\"}\n");
    } else if (!strcmp(sub, "save") && npos == 1) {
        if ((rc = wf_save(p, &err, &who, pos[0], &in, &res)) == EN_OK)
            printf("{\"status\":\"ok\",\"version\":%d}\n", res.version);
    } else {
        usage_demand();
        return 2;
    }
    if (rc != EN_OK)
        print_error(p, &err, &res);
    fflush(stdout);
    db_close();
    pool_free(p);
    return exit_code(rc);
}
