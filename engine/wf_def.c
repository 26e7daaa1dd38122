/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * wf_def.c -- the workflow model: parsing a definition's XML into the
 * structures of wf_def.h, and the closed vocabularies of the language (the
 * effect actions with their arguments, the guards, entity kinds, prefill
 * sources and upload types), sizes and lookups.  Diagnostics and the
 * did-you-mean hints are wf_diag.c's; ISO-8601 durations and time
 * arithmetic wf_time.c's.
 *
 * Owns the conversion of every attribute into its typed form, and reports
 * the values that cannot be converted (a bad duration, an unknown guard or
 * action, a limit that does not apply to a field's type).  It does not
 * decide whether a definition makes sense as a whole: the schema,
 * cross-references, duplicates, reachability and timers belong to
 * wf_check.c, which wf_load_*() run around the parse.
 *
 * Everything parsed is copied into the caller's pool; the XML document is
 * freed before the loaders return.
 */
#include "wf_def.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "authz.h"
#include "en_assert.h"
#include "en_err.h"
#include "util_file.h"
#include "wallet.h"
#include "wf_check.h"
#include "wf_group.h"
#include "wf_rule.h"
#include "xml_safe.h"

#define WF_MAX_FILE (64u << 20)   /* one definition file, read whole */

/* ------------------------------------------------------------------ */
/* texts                                                               */
/* ------------------------------------------------------------------ */

const char *
wf_i18n_get(const wf_i18n_t *t, const char *lang)
{
    size_t i;

    if (t == NULL || t->n == 0)
        return NULL;
    for (i = 0; lang != NULL && i < t->n; i++)
        if (strcmp(t->v[i].lang, lang) == 0)
            return t->v[i].text;
    for (i = 0; i < t->n; i++)
        if (strcmp(t->v[i].lang, "fr") == 0)
            return t->v[i].text;
    return t->v[0].text;
}

/* ------------------------------------------------------------------ */
/* sizes                                                               */
/* ------------------------------------------------------------------ */

int
wf_size_parse(const char *s, size_t *out)
{
    unsigned long long v = 0;
    int                n = 0;

    if (s == NULL)
        return -1;
    for (; isdigit((unsigned char) *s); s++, n++) {
        if (n == 12)
            return -1;
        v = v * 10 + (unsigned) (*s - '0');
    }
    if (n == 0)
        return -1;
    switch (*s) {
    case 'K': case 'k': v <<= 10; s++; break;
    case 'M': case 'm': v <<= 20; s++; break;
    case 'G': case 'g': v <<= 30; s++; break;
    default: break;
    }
    if (*s != '\0' || v == 0 || v > ((unsigned long long) 4 << 30))
        return -1;
    *out = (size_t) v;
    return 0;
}

/* ------------------------------------------------------------------ */
/* the closed vocabularies                                             */
/* ------------------------------------------------------------------ */

static const char *const wf_bucket_names[WF_BUCKET__COUNT] = {
    "draft", "in-progress", "to-do", "decision-unread", "archived"
};

const char *
wf_bucket_name(wf_bucket_t b)
{
    return ALWAYS((int) b >= 0 && b < WF_BUCKET__COUNT) ? wf_bucket_names[b] : NULL;
}

int
wf_bucket_by_name(const char *s)
{
    int i;

    for (i = 0; s != NULL && i < WF_BUCKET__COUNT; i++)
        if (strcmp(wf_bucket_names[i], s) == 0)
            return i;
    return -1;
}

/* The kinds of IDE entity a professional space may stand for. */
static const char *const wf_entity_kinds[] = {
    "association", "foundation", "company", "cooperative",
    "sole-proprietorship", "partnership", "commune", "public-body", NULL
};

#define WF_N_KINDS (sizeof(wf_entity_kinds) / sizeof(*wf_entity_kinds) - 1)

/* What a field may be filled in with from the person or the entity. */
static const char *const wf_prefills[] = {
    "person.name", "person.first-name", "person.last-name", "person.email",
    "person.phone", "person.avs13", "person.birth-date", "entity.name",
    "entity.ide", "entity.address", NULL
};

/* The upload types field_sniff_mime() recognises from the bytes. */
static const char *const wf_mimes[] = {
    "application/pdf", "image/jpeg", "image/png", NULL
};

static const char *const wf_actor_names[] = {
    "owner", "member", "referent", "agent", "third-party", "system"
};

const char *wf_entity_kind_name(size_t i)
{
    return i < sizeof(wf_entity_kinds) / sizeof(*wf_entity_kinds)
           ? wf_entity_kinds[i] : NULL;
}

const char *wf_prefill_name(size_t i)
{
    return i < sizeof(wf_prefills) / sizeof(*wf_prefills)
           ? wf_prefills[i] : NULL;
}

const char *wf_mime_name(size_t i)
{
    return i < sizeof(wf_mimes) / sizeof(*wf_mimes) ? wf_mimes[i] : NULL;
}

const char *
wf_actor_kind_name(wf_actor_kind_t k)
{
    return (int) k >= 0 && k <= WF_BY_SYSTEM ? wf_actor_names[k] : NULL;
}

/*
 * The effect actions: the closed list of engine operations a transition
 * may run in its transaction (sql: wf_effect()), each with the arguments
 * it takes.  A FIELD argument names a form field whose value the engine
 * reads from the demand; "person-field" absent means the demand's owner,
 * "space-field" absent means the demand's space.  one_of: at least one of
 * these arguments must be given.
 */
#define WF_ARGS_MAX 6

typedef struct {
    const char    *name;
    const char    *one_of;
    wf_arg_spec_t  args[WF_ARGS_MAX + 1];
} wf_action_t;

#define A_PERSON { "person-field", WF_ARG_FIELD, 0, NULL }
#define A_SPACE  { "space-field", WF_ARG_FIELD, 0, NULL }
#define A_END    { NULL, WF_ARG_NAME, 0, NULL }

static const wf_action_t wf_actions[] = {
    { "noop", NULL, { A_END } },
    { "create-space", NULL, {
        { "entity-field", WF_ARG_FIELD, 1, NULL },
        { "name-field", WF_ARG_FIELD, 0, NULL }, A_END } },
    { "activate-space", NULL, { A_END } },
    { "ide-lookup", NULL, {
        { "entity-field", WF_ARG_FIELD, 1, NULL },
        { "name-field", WF_ARG_FIELD, 0, NULL },
        { "legal-form-field", WF_ARG_FIELD, 0, NULL },
        { "address-field", WF_ARG_FIELD, 0, NULL },
        { "signature-field", WF_ARG_FIELD, 0, NULL }, A_END } },
    { "address-space", NULL, {
        { "entity-field", WF_ARG_FIELD, 1, NULL }, A_END } },
    { "attach-member", NULL, {
        A_PERSON, A_SPACE, { "function-field", WF_ARG_FIELD, 0, NULL },
        A_END } },
    { "detach-member", NULL, { A_PERSON, A_SPACE, A_END } },
    { "set-referent", NULL, { A_PERSON, A_SPACE, A_END } },
    { "delegate", NULL, {
        { "duty", WF_ARG_ENUM, 1, "members|grants|identification" },
        A_PERSON, A_SPACE, A_END } },
    { "revoke-delegation", NULL, {
        { "duty", WF_ARG_ENUM, 1, "members|grants|identification" },
        A_PERSON, A_SPACE, A_END } },
    { "grant-access", "service|service-field", {
        { "service", WF_ARG_NAME, 0, NULL },
        { "service-field", WF_ARG_FIELD, 0, NULL }, A_PERSON, A_SPACE,
        A_END } },
    { "revoke-access", "service|service-field", {
        { "service", WF_ARG_NAME, 0, NULL },
        { "service-field", WF_ARG_FIELD, 0, NULL }, A_PERSON, A_SPACE,
        A_END } },
    { "raise-assurance", NULL, {
        { "level", WF_ARG_ENUM, 1, "verified|strong" }, A_END } },
    { "issue-code", NULL, {
        { "purpose", WF_ARG_NAME, 1, NULL },
        { "channel", WF_ARG_ENUM, 1, "mail|letter" },
        { "valid", WF_ARG_DURATION, 1, NULL },
        { "length", WF_ARG_INT, 0, "4-32" },
        { "template", WF_ARG_TEMPLATE, 0, NULL }, A_END } },
    { "verify-code", NULL, {
        { "purpose", WF_ARG_NAME, 1, NULL },
        { "field", WF_ARG_FIELD, 1, NULL }, A_END } },
    { "print-letter", NULL, {
        { "template", WF_ARG_TEMPLATE, 1, NULL },
        { "to", WF_ARG_ENUM, 0, "entity|owner" }, A_END } },
    /* the MIE (engine/enrol.c, sql/0026_enrolment.sql) */
    { "issue-identifier", NULL, { A_END } },
    { "activate-identifier", NULL, {
        { "field", WF_ARG_FIELD, 1, NULL }, A_END } },
};

#define WF_N_ACTIONS (sizeof(wf_actions) / sizeof(*wf_actions))

const char *
wf_action_name(size_t i)
{
    return i < WF_N_ACTIONS ? wf_actions[i].name : NULL;
}

static const wf_action_t *
wf_action_find(const char *name)
{
    size_t i;

    for (i = 0; name != NULL && i < WF_N_ACTIONS; i++)
        if (strcmp(wf_actions[i].name, name) == 0)
            return &wf_actions[i];
    return NULL;
}

const wf_arg_spec_t *
wf_action_arg_at(const char *action, size_t i)
{
    const wf_action_t *a = wf_action_find(action);
    size_t             k;

    if (a == NULL)
        return NULL;
    for (k = 0; k < i && a->args[k].name != NULL; k++)
        ;
    return a->args[k].name != NULL ? &a->args[k] : NULL;
}

const wf_arg_spec_t *
wf_action_arg(const char *action, const char *arg)
{
    const wf_arg_spec_t *s;
    size_t               i;

    for (i = 0; (s = wf_action_arg_at(action, i)) != NULL; i++)
        if (strcmp(s->name, arg) == 0)
            return s;
    return NULL;
}

/*
 * The guards: named predicates on the actor and the demand.  head is what
 * comes before the operator, syntax how the docs write it.
 */
typedef struct {
    const char      *head;
    const char      *syntax;
    wf_guard_kind_t  kind;
} wf_guard_spec_t;

static const wf_guard_spec_t wf_guards[] = {
    { "form-complete", "form-complete", WF_GUARD_FORM_COMPLETE },
    { "assurance", "assurance>=LEVEL", WF_GUARD_ASSURANCE },
    { "space", "space=personal|professional", WF_GUARD_SPACE },
    { "entity-kind", "entity-kind=KIND[,KIND...]", WF_GUARD_ENTITY_KIND },
    { "field", "field:NAME=VALUE[|VALUE...] or field:NAME!=VALUE",
      WF_GUARD_FIELD },
    { "ide-registered", "ide-registered:FIELD", WF_GUARD_IDE_REGISTERED },
    { "avs-registered", "avs-registered:FIELD", WF_GUARD_AVS_REGISTERED },
    { "not-owner", "not-owner", WF_GUARD_NOT_OWNER },
    { "no-open-demand", "no-open-demand", WF_GUARD_NO_OPEN_DEMAND },
    { "no-open-space", "no-open-space:FIELD", WF_GUARD_NO_OPEN_SPACE },
    { "service-approval", "service-approval:FIELD=GROUP|none",
      WF_GUARD_SERVICE_APPROVAL },
};

#define WF_N_GUARDS (sizeof(wf_guards) / sizeof(*wf_guards))

const char *
wf_guard_name(size_t i)
{
    return i < WF_N_GUARDS ? wf_guards[i].syntax : NULL;
}

const char *
wf_effect_arg(const wf_effect_t *e, const char *name)
{
    size_t i;

    for (i = 0; i < e->n_args; i++)
        if (strcmp(e->args[i].name, name) == 0)
            return e->args[i].value;
    return NULL;
}

/* ------------------------------------------------------------------ */
/* XML helpers                                                         */
/* ------------------------------------------------------------------ */

typedef struct {
    pool_t    *p;
    wf_diag_t *d;
    const char *file;
} wf_parse_t;

static void
wf_perr(wf_parse_t *ps, int line, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

static void
wf_perr(wf_parse_t *ps, int line, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    wf_diag_vadd(ps->d, WF_ERROR, ps->file, line, fmt, ap);
    va_end(ap);
}

static int
wf_line(xmlNodePtr n)
{
    long l = xmlGetLineNo(n);

    return l > 0 && l < 1000000000 ? (int) l : 0;
}

static int
wf_is(xmlNodePtr n, const char *name)
{
    return n != NULL && n->type == XML_ELEMENT_NODE && n->ns != NULL
        && strcmp((const char *) n->ns->href, WF_NAMESPACE) == 0
        && (name == NULL || strcmp((const char *) n->name, name) == 0);
}

static size_t
wf_count(xmlNodePtr parent, const char *name)
{
    xmlNodePtr c;
    size_t     n = 0;

    for (c = parent->children; c != NULL; c = c->next)
        n += wf_is(c, name);
    return n;
}

/* The attribute's value without surrounding blanks, in the pool; NULL
 * when absent. */
static const char *
wf_attr(wf_parse_t *ps, xmlNodePtr n, const char *name)
{
    xmlChar    *v = xmlGetNoNsProp(n, BAD_CAST name);
    const char *s, *e;
    char       *r;

    if (v == NULL)
        return NULL;
    for (s = (const char *) v; isspace((unsigned char) *s); s++)
        ;
    for (e = s + strlen(s); e > s && isspace((unsigned char) e[-1]); e--)
        ;
    r = pool_strndup(ps->p, s, (size_t) (e - s));
    xmlFree(v);
    return r;
}

/* Same, but reports a missing attribute: "<state> has no id=". */
static const char *
wf_attr_req(wf_parse_t *ps, xmlNodePtr n, const char *name)
{
    const char *v = wf_attr(ps, n, name);

    if (v == NULL || *v == '\0')
        wf_perr(ps, wf_line(n), "<%s> has no %s= attribute",
                (const char *) n->name, name);
    return v;
}

/* Splits s on blanks into a NULL-terminated array in the pool. */
static const char **
wf_split(pool_t *p, const char *s, const char *seps, size_t *n_out)
{
    const char **v;
    size_t       n = 0, cap = 1;
    const char  *c;

    for (c = s; c != NULL && *c != '\0'; c++)
        cap += strchr(seps, *c) != NULL;
    v = pool_calloc(p, (cap + 1) * sizeof(*v));
    while (s != NULL && *s != '\0') {
        size_t len = strcspn(s, seps);

        if (len > 0)
            v[n++] = pool_strndup(p, s, len);
        s += len;
        s += strspn(s, seps);
    }
    if (n_out != NULL)
        *n_out = n;
    return v;
}

#define WF_BLANKS " \t\r\n"

static int
wf_in_list(const char *s, const char *const *list)
{
    size_t i;

    for (i = 0; s != NULL && list[i] != NULL; i++)
        if (strcmp(s, list[i]) == 0)
            return 1;
    return 0;
}

/* yes/no attribute: 1, 0, or dflt when absent; reports other values. */
static int
wf_yesno(wf_parse_t *ps, xmlNodePtr n, const char *name, int dflt)
{
    const char *v = wf_attr(ps, n, name);

    if (v == NULL)
        return dflt;
    if (strcmp(v, "yes") == 0)
        return 1;
    if (strcmp(v, "no") == 0)
        return 0;
    wf_perr(ps, wf_line(n), "<%s> %s=\"%s\": write yes or no",
            (const char *) n->name, name, v);
    return dflt;
}

/* A decimal integer in [min, max]; 0 on success. */
static int
wf_int(const char *s, long long min, long long max, long long *out)
{
    char      *end;
    long long  v;

    if (s == NULL || *s == '\0' || isspace((unsigned char) *s))
        return -1;
    v = strtoll(s, &end, 10);
    if (*end != '\0' || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

/* The element's text with runs of blanks folded into one space. */
static const char *
wf_text(wf_parse_t *ps, xmlNodePtr n)
{
    xmlChar    *raw = xmlNodeGetContent(n);
    const char *s = (const char *) raw;
    char       *out, *o;

    if (raw == NULL)
        return "";
    out = o = pool_alloc(ps->p, strlen(s) + 1);
    while (*s != '\0') {
        if (isspace((unsigned char) *s)) {
            while (isspace((unsigned char) *s))
                s++;
            if (o != out && *s != '\0')
                *o++ = ' ';
            continue;
        }
        *o++ = *s++;
    }
    *o = '\0';
    xmlFree(raw);
    return out;
}

static const char *const wf_langs[] = { "fr", "de", "en", NULL };

/* Collects the children called name (title, label...) of n. */
static void
wf_parse_i18n(wf_parse_t *ps, xmlNodePtr n, const char *name, wf_i18n_t *t)
{
    xmlNodePtr c;
    size_t     cap = wf_count(n, name), i;

    memset(t, 0, sizeof(*t));
    if (cap == 0)
        return;
    t->v = pool_calloc(ps->p, cap * sizeof(*t->v));
    for (c = n->children; c != NULL; c = c->next) {
        xmlChar    *lang;
        const char *l;

        if (!wf_is(c, name))
            continue;
        lang = xmlGetNsProp(c, BAD_CAST "lang", XML_XML_NAMESPACE);
        l = pool_strdup(ps->p, lang != NULL ? (const char *) lang : "");
        xmlFree(lang);
        if (t->line == 0)
            t->line = wf_line(c);
        if (!wf_in_list(l, wf_langs)) {
            wf_perr(ps, wf_line(c), "<%s xml:lang=\"%s\">: the languages "
                    "are fr, de and en", name, l);
            continue;
        }
        for (i = 0; i < t->n; i++)
            if (strcmp(t->v[i].lang, l) == 0)
                wf_perr(ps, wf_line(c), "<%s>: two texts in \"%s\"", name, l);
        t->v[t->n].lang = l;
        t->v[t->n++].text = wf_text(ps, c);
    }
}

/* ------------------------------------------------------------------ */
/* audience                                                            */
/* ------------------------------------------------------------------ */

static void
wf_parse_audience(wf_parse_t *ps, xmlNodePtr n, wf_audience_t *a)
{
    const char *space = wf_attr_req(ps, n, "space");
    const char *kinds = wf_attr(ps, n, "entity-kinds");
    const char *level = wf_attr(ps, n, "assurance");
    const char *approval;
    size_t      i;

    a->line = wf_line(n);
    a->assurance = WF_ASSURANCE_EMAIL;
    if (space == NULL || strcmp(space, "any") == 0)
        a->space = WF_SPACE_ANY;
    else if (strcmp(space, "personal") == 0)
        a->space = WF_SPACE_PERSONAL;
    else if (strcmp(space, "professional") == 0)
        a->space = WF_SPACE_PROFESSIONAL;
    else
        wf_perr(ps, a->line, "audience: unknown space \"%s\" (personal, "
                "professional or any)", space);
    a->entity_kinds = wf_split(ps->p, kinds, WF_BLANKS ",", &a->n_entity_kinds);
    for (i = 0; i < a->n_entity_kinds; i++)
        if (!wf_in_list(a->entity_kinds[i], wf_entity_kinds))
            wf_perr(ps, a->line, "audience: unknown entity kind \"%s\"%s",
                    a->entity_kinds[i],
                    wf_did_you_mean(ps->p, a->entity_kinds[i], wf_entity_kinds,
                                    WF_N_KINDS));
    if (a->n_entity_kinds > 0 && a->space == WF_SPACE_PERSONAL)
        wf_perr(ps, a->line, "audience: entity-kinds only applies to a "
                "professional space, not space=\"personal\"");
    if (level != NULL) {
        if (strcmp(level, "email") == 0)
            a->assurance = WF_ASSURANCE_EMAIL;
        else if (strcmp(level, "verified") == 0)
            a->assurance = WF_ASSURANCE_VERIFIED;
        else if (strcmp(level, "strong") == 0)
            a->assurance = WF_ASSURANCE_STRONG;
        else
            wf_perr(ps, a->line, "audience: unknown assurance \"%s\" (email, "
                    "verified or strong)", level);
    }
    a->protected_service = wf_yesno(ps, n, "protected", 0);
    approval = wf_attr(ps, n, "grant-approval");
    if (approval != NULL) {
        /* the service owner's second approval of an access grant: an
         * agent group, after the référent (workflows/service_access.xml) */
        if (strncmp(approval, "agent:", 6) != 0
            || !authz_group_ok(approval + 6, strlen(approval + 6)))
            wf_perr(ps, a->line, "audience: grant-approval \"%s\": write "
                    "agent:GROUP (the agent group that approves a grant)", approval);
        else if (!a->protected_service)
            wf_perr(ps, a->line, "audience: grant-approval only applies to a "
                    "protected service (protected=\"yes\")");
        else
            a->grant_approval = approval + 6;
    }
    wf_parse_i18n(ps, n, "refusal", &a->refusal);
}

/* ------------------------------------------------------------------ */
/* fields                                                              */
/* ------------------------------------------------------------------ */

/* "name=value", "name=a|b", "name!=value" into c. */
static void
wf_parse_cond(wf_parse_t *ps, const char *text, int line, const char *what,
              wf_cond_t *c)
{
    const char *eq;
    size_t      len;

    memset(c, 0, sizeof(*c));
    if (text == NULL)
        return;
    c->text = text;
    c->line = line;
    if (strncmp(text, "age(", 4) == 0) {
        /* age(FIELD)<N, age(FIELD)>=N */
        const char *close = strchr(text, ')');
        const char *num;
        char       *end;
        long        v;

        if (close != NULL && close > text + 4 && close[1] == '<') {
            c->age_op = WF_AGE_LESS;
            num = close + 2;
        } else if (close != NULL && close > text + 4 && close[1] == '>' && close[2] == '=') {
            c->age_op = WF_AGE_AT_LEAST;
            num = close + 3;
        } else
            num = NULL;
        v = num != NULL && *num != '\0' ? strtol(num, &end, 10) : -1;
        if (num == NULL || v < 1 || v > 150 || *end != '\0') {
            wf_perr(ps, line, "%s \"%s\": write age(field)<N or age(field)>=N, "
                    "N a number of years from 1 to 150", what, text);
            c->text = NULL;
            c->age_op = WF_AGE_NONE;
            return;
        }
        c->age_years = (int) v;
        c->field_name = pool_strndup(ps->p, text + 4, (size_t) (close - text - 4));
        c->values = pool_calloc(ps->p, sizeof(*c->values));
        return;
    }
    eq = strchr(text, '=');
    if (eq == NULL || eq == text || eq[1] == '\0'
        || (eq == text + 1 && text[0] == '!')) {
        wf_perr(ps, line, "%s \"%s\": write field=value, field=a|b or "
                "field!=value", what, text);
        c->text = NULL;
        return;
    }
    len = (size_t) (eq - text);
    if (text[len - 1] == '!') {
        c->negate = 1;
        len--;
    }
    c->field_name = pool_strndup(ps->p, text, len);
    c->values = wf_split(ps->p, eq + 1, "|", &c->n_values);
}

/* Money as written in a definition ("500000", "99.50", CHF) in cents. */
static int
wf_money(const char *s, int64_t *cents)
{
    int64_t v = 0;
    int     n = 0, dec = 0;

    for (; isdigit((unsigned char) *s); s++) {
        if (++n > 13)
            return -1;
        v = v * 10 + (*s - '0');
    }
    if (n == 0)
        return -1;
    v *= 100;
    if (*s == '.') {
        for (s++; isdigit((unsigned char) *s) && dec < 2; s++, dec++)
            v += (*s - '0') * (dec == 0 ? 10 : 1);
        if (dec == 0)
            return -1;
    }
    if (*s != '\0')
        return -1;
    *cents = v;
    return 0;
}

/* A date YYYY-MM-DD as the integer yyyymmdd. */
static int
wf_date(const char *s, int64_t *out)
{
    int y, m, d;
    char tail;

    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-'
        || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3
        || y < 1800 || y > 2999 || m < 1 || m > 12 || d < 1
        || d > wf_days_in_month(y, m - 1))
        return -1;
    *out = (int64_t) y * 10000 + m * 100 + d;
    return 0;
}

/* Converts a min/max limit according to the field's type. */
static int
wf_field_limit(wf_parse_t *ps, wf_field_t *f, const char *which,
               const char *v, int64_t *out)
{
    long long n;

    switch (f->type) {
    case FIELD_NUMBER:
        if (wf_int(v, -999999999999LL, 999999999999LL, &n) == 0) {
            *out = n;
            return 1;
        }
        wf_perr(ps, f->line, "field \"%s\": %s=\"%s\" is not a whole number",
                f->name, which, v);
        return 0;
    case FIELD_MONEY:
        if (wf_money(v, out) == 0)
            return 1;
        wf_perr(ps, f->line, "field \"%s\": %s=\"%s\" is not an amount in "
                "francs (e.g. 500000 or 99.50)", f->name, which, v);
        return 0;
    case FIELD_DATE:
        if (wf_date(v, out) == 0)
            return 1;
        wf_perr(ps, f->line, "field \"%s\": %s=\"%s\" is not a date "
                "YYYY-MM-DD", f->name, which, v);
        return 0;
    default:
        wf_perr(ps, f->line, "field \"%s\": %s= does not apply to type %s "
                "(only number, money and date have min and max; text has "
                "min-length and max-length)", f->name, which, f->type_name);
        return 0;
    }
}

/* Whether attribute name (present) applies to f's type; reports if not. */
static int
wf_field_applies(wf_parse_t *ps, wf_field_t *f, const char *name,
                 unsigned types, const char *which)
{
    if (f->type < 0 || (types & (1u << f->type)) != 0)
        return 1;
    wf_perr(ps, f->line, "field \"%s\": %s= does not apply to type %s "
            "(only %s)", f->name, name, f->type_name, which);
    return 0;
}

#define T(x) (1u << (x))
#define WF_TEXTUAL (T(FIELD_TEXT) | T(FIELD_MULTILINE) | T(FIELD_EMAIL))

static void
wf_field_lengths(wf_parse_t *ps, xmlNodePtr n, wf_field_t *f)
{
    const char *minl = wf_attr(ps, n, "min-length");
    const char *maxl = wf_attr(ps, n, "max-length");
    long long   v;

    if (minl != NULL && wf_field_applies(ps, f, "min-length", WF_TEXTUAL,
                                         "text, multiline and email")) {
        if (wf_int(minl, 0, 1000000, &v) != 0)
            wf_perr(ps, f->line, "field \"%s\": min-length=\"%s\" is not a "
                    "number of characters", f->name, minl);
        else
            f->rules.min_length = (size_t) v;
    }
    if (maxl != NULL && wf_field_applies(ps, f, "max-length", WF_TEXTUAL,
                                         "text, multiline and email")) {
        if (wf_int(maxl, 0, 1000000, &v) != 0)
            wf_perr(ps, f->line, "field \"%s\": max-length=\"%s\" is not a "
                    "number of characters", f->name, maxl);
        else if (v == 0)
            wf_perr(ps, f->line, "field \"%s\": max-length must be at least 1 "
                    "(leave it out for no limit)", f->name);
        else
            f->rules.max_length = (size_t) v;
    }
}

static void
wf_field_file_rules(wf_parse_t *ps, xmlNodePtr n, const char *what,
                    const char *name, int line, field_rules_t *r)
{
    const char *accept = wf_attr(ps, n, "accept");
    const char *size = wf_attr(ps, n, "max-size");

    if (accept != NULL) {
        r->accept = wf_split(ps->p, accept, WF_BLANKS ",", NULL);
        if (r->accept[0] == NULL)
            r->accept = NULL;
    }
    if (size != NULL && wf_size_parse(size, &r->max_size) != 0)
        wf_perr(ps, line, "%s \"%s\": max-size=\"%s\" is not a size (e.g. "
                "10M, 512K; at most 4G)", what, name, size);
}

static void
wf_field_options(wf_parse_t *ps, xmlNodePtr n, wf_field_t *f)
{
    xmlNodePtr c;
    size_t     i = 0;

    f->n_options = wf_count(n, "option");
    if (f->n_options == 0)
        return;
    f->options = pool_calloc(ps->p, f->n_options * sizeof(*f->options));
    f->rules.choices = pool_calloc(ps->p, (f->n_options + 1) * sizeof(char *));
    for (c = n->children; c != NULL; c = c->next) {
        wf_option_t *o;

        if (!wf_is(c, "option"))
            continue;
        o = &f->options[i];
        o->line = wf_line(c);
        o->value = wf_attr_req(ps, c, "value");
        if (o->value == NULL)
            o->value = "";
        wf_parse_i18n(ps, c, "label", &o->label);
        f->rules.choices[i++] = o->value;
    }
}

static void
wf_field_type_rules(wf_parse_t *ps, xmlNodePtr n, wf_field_t *f)
{
    const char *min = wf_attr(ps, n, "min"), *max = wf_attr(ps, n, "max");
    const char *pattern = wf_attr(ps, n, "pattern");

    if (f->type < 0)
        return;                 /* reported; limits depend on the type */
    if (min != NULL)
        f->rules.has_min = wf_field_limit(ps, f, "min", min, &f->rules.min);
    if (max != NULL)
        f->rules.has_max = wf_field_limit(ps, f, "max", max, &f->rules.max);
    wf_field_lengths(ps, n, f);
    if (pattern != NULL && wf_field_applies(ps, f, "pattern",
            T(FIELD_TEXT) | T(FIELD_MULTILINE), "text and multiline"))
        f->rules.pattern = pattern;
    if (xmlHasProp(n, BAD_CAST "multiple")
        && wf_field_applies(ps, f, "multiple", T(FIELD_CHOICE), "choice"))
        f->rules.multiple = wf_yesno(ps, n, "multiple", 0);
    if ((xmlHasProp(n, BAD_CAST "accept") || xmlHasProp(n, BAD_CAST "max-size"))
        && wf_field_applies(ps, f, xmlHasProp(n, BAD_CAST "accept")
                            ? "accept" : "max-size", T(FIELD_FILE), "file"))
        wf_field_file_rules(ps, n, "field", f->name, f->line, &f->rules);
}

static void
wf_parse_field(wf_parse_t *ps, xmlNodePtr n, wf_page_t *pg, wf_field_t *f)
{
    const char *prefill;

    f->line = wf_line(n);
    f->page = pg;
    f->name = wf_attr_req(ps, n, "name");
    f->type_name = wf_attr_req(ps, n, "type");
    if (f->name == NULL)
        f->name = "";
    f->type = field_type_by_name(f->type_name);
    if (f->type < 0 && f->type_name != NULL) {
        const char *names[FIELD__COUNT];
        int         i;

        for (i = 0; i < FIELD__COUNT; i++)
            names[i] = field_type_name((field_type_t) i);
        wf_perr(ps, f->line, "field \"%s\": unknown type \"%s\"%s", f->name,
                f->type_name, wf_did_you_mean(ps->p, f->type_name, names,
                                              FIELD__COUNT));
    }
    f->rules.required = wf_yesno(ps, n, "required", 0);
    wf_field_type_rules(ps, n, f);
    wf_parse_cond(ps, wf_attr(ps, n, "shown-when"), f->line,
                  pool_printf(ps->p, "field \"%s\": shown-when", f->name),
                  &f->shown_when);
    wf_parse_cond(ps, wf_attr(ps, n, "required-when"), f->line,
                  pool_printf(ps->p, "field \"%s\": required-when", f->name),
                  &f->required_when);
    prefill = wf_attr(ps, n, "prefill");
    if (prefill != NULL && !wf_in_list(prefill, wf_prefills))
        wf_perr(ps, f->line, "field \"%s\": unknown prefill \"%s\"%s",
                f->name, prefill, wf_did_you_mean(ps->p, prefill, wf_prefills,
                    sizeof(wf_prefills) / sizeof(char *) - 1));
    else
        f->prefill = prefill;
    if (xmlHasProp(n, BAD_CAST "category")
        && wf_field_applies(ps, f, "category", T(FIELD_FILE), "file")) {
        const char *cat = wf_attr(ps, n, "category");

        if (cat == NULL || !wallet_category_ok(cat))
            wf_perr(ps, f->line, "field \"%s\": unknown category \"%s\"%s",
                    f->name, cat ? cat : "", wf_did_you_mean(ps->p, cat ? cat : "",
                        wallet_categories, WALLET_NCATEGORIES));
        else
            f->category = cat;
    }
    wf_parse_i18n(ps, n, "label", &f->label);
    wf_parse_i18n(ps, n, "help", &f->help);
    wf_field_options(ps, n, f);
}

/* ------------------------------------------------------------------ */
/* forms and pages                                                     */
/* ------------------------------------------------------------------ */

/* <lookup register= key= fill= found=> of a page (g NULL) or a group:
 * read here, resolved and judged by wf_group_check. */
static void
wf_parse_lookup(wf_parse_t *ps, xmlNodePtr n, wf_page_t *pg, wf_group_t *g, wf_lookup_t *l)
{
    l->line = wf_line(n);
    l->page = pg;
    l->group = g;
    l->register_name = wf_attr_req(ps, n, "register");
    l->key_names = wf_split(ps->p, wf_attr_req(ps, n, "key"), WF_BLANKS, &l->n_keys);
    l->fill_names = wf_split(ps->p, wf_attr(ps, n, "fill"), WF_BLANKS, &l->n_fill);
    l->found_name = wf_attr(ps, n, "found");
    l->keys = pool_calloc(ps->p, (l->n_keys + 1) * sizeof(*l->keys));
    l->fill = pool_calloc(ps->p, (l->n_fill + 1) * sizeof(*l->fill));
    l->fill_columns = pool_calloc(ps->p, (l->n_fill + 1) * sizeof(*l->fill_columns));
}

static void wf_parse_group(wf_parse_t *ps, xmlNodePtr n, wf_page_t *pg, wf_group_t *parent,
                           wf_group_t *g, size_t pos);

/* The fields, groups and lookups directly under n (a page or a group),
 * each group with the number of fields written before it. */
static void
wf_parse_scope(wf_parse_t *ps, xmlNodePtr n, wf_page_t *pg, wf_group_t *g,
               wf_field_t **fields, size_t *nf, wf_group_t **groups, size_t *ng,
               wf_lookup_t **lookups, size_t *nl)
{
    xmlNodePtr c;

    *nf = *ng = *nl = 0;
    *fields = pool_calloc(ps->p, (wf_count(n, "field") + 1) * sizeof(**fields));
    *groups = pool_calloc(ps->p, (wf_count(n, "group") + 1) * sizeof(**groups));
    *lookups = pool_calloc(ps->p, (wf_count(n, "lookup") + 1) * sizeof(**lookups));
    for (c = n->children; c != NULL; c = c->next) {
        if (wf_is(c, "field")) {
            wf_parse_field(ps, c, pg, &(*fields)[*nf]);
            (*fields)[(*nf)++].group = g;
        } else if (wf_is(c, "group")) {
            wf_parse_group(ps, c, pg, g, &(*groups)[(*ng)++], *nf);
        } else if (wf_is(c, "lookup")) {
            wf_parse_lookup(ps, c, pg, g, &(*lookups)[(*nl)++]);
        }
    }
}

#define WF_GROUP_MAX_DEFAULT 20
#define WF_GROUP_MAX_LIMIT   100

static void
wf_parse_group(wf_parse_t *ps, xmlNodePtr n, wf_page_t *pg, wf_group_t *parent,
               wf_group_t *g, size_t pos)
{
    const char *min = wf_attr(ps, n, "min"), *max = wf_attr(ps, n, "max");
    long long   v;

    g->line = wf_line(n);
    g->page = pg;
    g->parent = parent;
    g->pos = pos;
    g->depth = parent != NULL ? parent->depth + 1 : 1;
    g->name = wf_attr_req(ps, n, "name");
    if (g->name == NULL)
        g->name = "";
    g->max = WF_GROUP_MAX_DEFAULT;
    if (min != NULL) {
        if (wf_int(min, 0, WF_GROUP_MAX_LIMIT, &v) != 0)
            wf_perr(ps, g->line, "group \"%s\": min=\"%s\" is not a number of items "
                    "from 0 to %d", g->name, min, WF_GROUP_MAX_LIMIT);
        else
            g->min = (size_t) v;
    }
    if (max != NULL) {
        if (wf_int(max, 1, WF_GROUP_MAX_LIMIT, &v) != 0)
            wf_perr(ps, g->line, "group \"%s\": max=\"%s\" is not a number of items "
                    "from 1 to %d", g->name, max, WF_GROUP_MAX_LIMIT);
        else
            g->max = (size_t) v;
    }
    wf_parse_i18n(ps, n, "title", &g->title);
    wf_parse_i18n(ps, n, "label", &g->label);
    wf_parse_i18n(ps, n, "help", &g->help);
    wf_parse_i18n(ps, n, "add", &g->add);
    if (g->depth > 2) {
        wf_perr(ps, g->line, "group \"%s\": groups nest one level only (a group in a "
                "group, not deeper)", g->name);
        return;
    }
    wf_parse_scope(ps, n, pg, g, &g->fields, &g->n_fields, &g->groups, &g->n_groups,
                   &g->lookups, &g->n_lookups);
}

static void
wf_parse_page(wf_parse_t *ps, xmlNodePtr n, wf_form_t *form, wf_page_t *pg)
{
    xmlNodePtr c;
    size_t     i = 0;

    pg->line = wf_line(n);
    pg->form = form;
    pg->id = wf_attr_req(ps, n, "id");
    if (pg->id == NULL)
        pg->id = "";
    wf_parse_i18n(ps, n, "title", &pg->title);
    wf_parse_i18n(ps, n, "help", &pg->help);
    wf_parse_cond(ps, wf_attr(ps, n, "shown-when"), pg->line,
                  pool_printf(ps->p, "page \"%s\": shown-when", pg->id),
                  &pg->shown_when);
    wf_parse_scope(ps, n, pg, NULL, &pg->fields, &pg->n_fields, &pg->groups, &pg->n_groups,
                   &pg->lookups, &pg->n_lookups);
    /* <rule field= is= other=>: read here, checked by wf_rule_check */
    pg->n_rules = wf_count(n, "rule");
    pg->rules = pool_calloc(ps->p, (pg->n_rules + 1) * sizeof(*pg->rules));
    i = 0;
    for (c = n->children; c != NULL; c = c->next)
        if (wf_is(c, "rule")) {
            wf_rule_t *ru = &pg->rules[i++];

            ru->line = wf_line(c);
            ru->field_name = wf_attr_req(ps, c, "field");
            ru->other_name = wf_attr(ps, c, "other");
            ru->op_text = wf_attr_req(ps, c, "is");
            ru->op = wf_rule_op_by_name(ru->op_text);
            ru->value = wf_attr(ps, c, "value");
            if (wf_attr(ps, c, "years") != NULL) {
                const char *y = wf_attr(ps, c, "years");
                char       *end;
                long        v = strtol(y, &end, 10);

                if (*y == '\0' || *end != '\0' || v < 1 || v > 150)
                    wf_perr(ps, ru->line, "page \"%s\": rule: years=\"%s\" is not a "
                            "number of years from 1 to 150", pg->id, y);
                else
                    ru->years = (int) v;
            }
            wf_parse_i18n(ps, c, "refusal", &ru->refusal);
        }
}

static void
wf_parse_form(wf_parse_t *ps, xmlNodePtr n, wf_form_t *f)
{
    xmlNodePtr c;
    size_t     i = 0;

    f->line = wf_line(n);
    f->id = wf_attr_req(ps, n, "id");
    if (f->id == NULL)
        f->id = "";
    wf_parse_i18n(ps, n, "title", &f->title);
    f->n_pages = wf_count(n, "page");
    f->pages = pool_calloc(ps->p, (f->n_pages + 1) * sizeof(*f->pages));
    for (c = n->children; c != NULL; c = c->next)
        if (wf_is(c, "page")) {
            f->pages[i].index = i;
            wf_parse_page(ps, c, f, &f->pages[i]);
            i++;
        }
}

/* ------------------------------------------------------------------ */
/* states                                                              */
/* ------------------------------------------------------------------ */

static void
wf_parse_state(wf_parse_t *ps, xmlNodePtr n, wf_state_t *s)
{
    const char *bucket, *progress;
    long long   v;
    int         b;

    s->line = wf_line(n);
    s->id = wf_attr_req(ps, n, "id");
    if (s->id == NULL)
        s->id = "";
    bucket = wf_attr_req(ps, n, "bucket");
    b = wf_bucket_by_name(bucket);
    if (b < 0 && bucket != NULL)
        wf_perr(ps, s->line, "state \"%s\": unknown bucket \"%s\"%s (draft, "
                "in-progress, to-do, decision-unread or archived)", s->id,
                bucket, wf_did_you_mean(ps->p, bucket, wf_bucket_names,
                                        WF_BUCKET__COUNT));
    s->bucket = b < 0 ? WF_BUCKET_IN_PROGRESS : (wf_bucket_t) b;
    s->progress = -1;
    progress = wf_attr(ps, n, "progress");
    if (progress != NULL) {
        if (wf_int(progress, 0, 100, &v) != 0)
            wf_perr(ps, s->line, "state \"%s\": progress=\"%s\" must be a "
                    "whole number from 0 to 100", s->id, progress);
        else
            s->progress = (int) v;
    }
    s->final = wf_yesno(ps, n, "final", 0);
    s->form_id = wf_attr(ps, n, "form");
    s->page_ids = wf_split(ps->p, wf_attr(ps, n, "pages"), WF_BLANKS,
                           &s->n_pages);
    if (s->n_pages > 0 && s->form_id == NULL)
        wf_perr(ps, s->line, "state \"%s\": pages= needs form=", s->id);
    wf_parse_i18n(ps, n, "label", &s->label);
    wf_parse_i18n(ps, n, "description", &s->description);
}

/* A purge timer made from <state expires="P60D">. */
static int
wf_parse_expires(wf_parse_t *ps, xmlNodePtr n, wf_state_t *s, wf_timer_t *t)
{
    const char *exp = wf_attr(ps, n, "expires");
    const char *why;

    if (exp == NULL)
        return 0;
    if (wf_duration_parse(exp, &t->after, &why) != 0) {
        wf_perr(ps, s->line, "state \"%s\": expires=\"%s\" is not an ISO-8601 "
                "duration: %s", s->id, exp, why);
        return 0;
    }
    t->id = "expires";
    t->in_id = s->id;
    t->purge = 1;
    t->from_expires = 1;
    t->line = s->line;
    return 1;
}

/* ------------------------------------------------------------------ */
/* transitions                                                         */
/* ------------------------------------------------------------------ */

/* A field or template name: lower case, digits, - and _. */
static int
wf_lname_ok(const char *g)
{
    size_t i;

    if (g == NULL || !islower((unsigned char) g[0]) || strlen(g) > 63)
        return 0;
    for (i = 1; g[i] != '\0'; i++)
        if (!islower((unsigned char) g[i]) && !isdigit((unsigned char) g[i])
            && g[i] != '-' && g[i] != '_')
            return 0;
    return 1;
}

/* A purpose or a service (a workflow id): letters, digits, . - _. */
static int
wf_key_ok(const char *k)
{
    size_t i;

    if (k == NULL || !isalnum((unsigned char) k[0]) || strlen(k) > 64)
        return 0;
    for (i = 1; k[i] != '\0'; i++)
        if (!isalnum((unsigned char) k[i]) && strchr("._-", k[i]) == NULL)
            return 0;
    return 1;
}

static int
wf_parse_actor(wf_parse_t *ps, wf_transition_t *t, const char *tok,
               wf_actor_t *a)
{
    const char *colon = strchr(tok, ':');
    size_t      len = colon != NULL ? (size_t) (colon - tok) : strlen(tok);
    int         k;

    a->text = tok;
    for (k = 0; k <= WF_BY_SYSTEM; k++)
        if (strlen(wf_actor_names[k]) == len
            && strncmp(wf_actor_names[k], tok, len) == 0)
            break;
    if (k > WF_BY_SYSTEM) {
        wf_perr(ps, t->line, "transition \"%s\": unknown actor by=\"%s\"%s "
                "(owner, member, referent, referent:members, referent:grants, "
                "agent:GROUP, third-party:GROUP or system)", t->id, tok, wf_did_you_mean(ps->p,
                    pool_strndup(ps->p, tok, len), wf_actor_names, 6));
        return -1;
    }
    a->kind = (wf_actor_kind_t) k;
    if (k == WF_BY_REFERENT && colon != NULL) {
        /*
         * referent:members and referent:grants: the référent, or a delegate
         * holding that duty. The words are authz's (authz_duty_ok), so the
         * language accepts exactly what the database's authz_may() honours.
         */
        a->duty = colon + 1;
        if (!authz_duty_ok(a->duty)) {
            wf_perr(ps, t->line, "transition \"%s\": by=\"%s\": a référent's "
                    "duty is members or grants (referent:members, "
                    "referent:grants)", t->id, tok);
            return -1;
        }
        return 0;
    }
    if (k == WF_BY_AGENT || k == WF_BY_THIRD_PARTY) {
        /*
         * The group id rule is the one agent_groups and third_party_groups
         * CHECK in the database (authz_group_ok): a name the language
         * accepted is a name a group can have, so the step can be fired.
         */
        a->group = colon != NULL ? colon + 1 : NULL;
        if (a->group != NULL && a->group[0] == '@') {
            /* chosen by the data: FIELD's value names the group (the
             * checker resolves FIELD, wf_roles.c substitutes it) */
            a->field_name = a->group + 1;
            if (a->field_name[0] == '\0') {
                wf_perr(ps, t->line, "transition \"%s\": by=\"%s\": write "
                        "%s:@FIELD, FIELD the name of a form field", t->id, tok,
                        wf_actor_names[k]);
                return -1;
            }
            return 0;
        }
        if (a->group == NULL || !authz_group_ok(a->group, strlen(a->group))) {
            wf_perr(ps, t->line, "transition \"%s\": by=\"%s\" needs a group "
                    "id: %s:GROUP, GROUP made of a-z, 0-9 and - (not first), at "
                    "most 63 (e.g. agent:serac)", t->id, tok, wf_actor_names[k]);
            return -1;
        }
    } else if (colon != NULL) {
        wf_perr(ps, t->line, "transition \"%s\": by=\"%s\": only agent and "
                "third-party take a group, and referent a duty "
                "(referent:members, referent:grants)", t->id, tok);
        return -1;
    }
    return 0;
}

static void
wf_parse_by(wf_parse_t *ps, xmlNodePtr n, wf_transition_t *t)
{
    size_t       n_tok, i;
    const char **tok = wf_split(ps->p, wf_attr_req(ps, n, "by"), WF_BLANKS,
                                &n_tok);

    t->by = pool_calloc(ps->p, (n_tok + 1) * sizeof(*t->by));
    if (n_tok == 0 && xmlHasProp(n, BAD_CAST "by"))
        wf_perr(ps, t->line, "transition \"%s\": by= names nobody who may "
                "fire it", t->id);
    for (i = 0; i < n_tok; i++)
        if (wf_parse_actor(ps, t, tok[i], &t->by[t->n_by]) == 0)
            t->n_by++;
}

static const char *const wf_levels[] = { "email", "verified", "strong", NULL };

static int
wf_guard_field(wf_parse_t *ps, wf_transition_t *t, wf_guard_t *g,
               const char *rest)
{
    wf_cond_t c;

    wf_parse_cond(ps, rest, t->line, pool_printf(ps->p, "transition \"%s\": "
                  "guard \"%s\"", t->id, g->text), &c);
    if (c.text == NULL)
        return -1;
    g->field_name = c.field_name;
    g->values = c.values;
    g->n_values = c.n_values;
    g->negate = c.negate;
    return 0;
}

/* Parses the part after the head of a guard; -1 (reported) when bad. */
static int
wf_guard_args(wf_parse_t *ps, wf_transition_t *t, wf_guard_t *g,
              const char *rest)
{
    const char *bad = NULL;
    size_t      i;

    switch (g->kind) {
    case WF_GUARD_FORM_COMPLETE:
    case WF_GUARD_NOT_OWNER:
    case WF_GUARD_NO_OPEN_DEMAND:
        if (*rest != '\0')
            bad = "takes no argument";
        break;
    case WF_GUARD_ASSURANCE:
        if (strncmp(rest, ">=", 2) != 0 || !wf_in_list(rest + 2, wf_levels))
            bad = "write assurance>=email, assurance>=verified or "
                  "assurance>=strong";
        else
            g->level = strcmp(rest + 2, "email") == 0 ? WF_ASSURANCE_EMAIL
                     : strcmp(rest + 2, "verified") == 0
                       ? WF_ASSURANCE_VERIFIED : WF_ASSURANCE_STRONG;
        break;
    case WF_GUARD_SPACE:
        if (strcmp(rest, "=personal") == 0)
            g->space = WF_SPACE_PERSONAL;
        else if (strcmp(rest, "=professional") == 0)
            g->space = WF_SPACE_PROFESSIONAL;
        else
            bad = "write space=personal or space=professional";
        break;
    case WF_GUARD_ENTITY_KIND:
        if (rest[0] != '=' || rest[1] == '\0') {
            bad = "write entity-kind=KIND or entity-kind=KIND,KIND";
            break;
        }
        g->values = wf_split(ps->p, rest + 1, ",", &g->n_values);
        for (i = 0; i < g->n_values; i++)
            if (!wf_in_list(g->values[i], wf_entity_kinds))
                wf_perr(ps, t->line, "transition \"%s\": guard \"%s\": "
                        "unknown entity kind \"%s\"%s", t->id, g->text,
                        g->values[i], wf_did_you_mean(ps->p, g->values[i],
                        wf_entity_kinds, WF_N_KINDS));
        break;
    case WF_GUARD_FIELD:
        if (rest[0] != ':')
            bad = "write field:NAME=VALUE or field:NAME!=VALUE";
        else
            return wf_guard_field(ps, t, g, rest + 1);
        break;
    case WF_GUARD_SERVICE_APPROVAL:
        if (rest[0] != ':' || wf_guard_field(ps, t, g, rest + 1) != 0) {
            bad = "write service-approval:FIELD=GROUP or "
                  "service-approval:FIELD=none";
            break;
        }
        for (i = 0; i < g->n_values; i++)
            if (strcmp(g->values[i], "none") != 0 && !authz_group_ok(g->values[i], strlen(g->values[i])))
                wf_perr(ps, t->line, "transition \"%s\": guard \"%s\": "
                        "\"%s\" is not a group id (lower-case letters, digits "
                        "and '-') nor \"none\"", t->id, g->text, g->values[i]);
        break;
    case WF_GUARD_IDE_REGISTERED:
    case WF_GUARD_AVS_REGISTERED:
    case WF_GUARD_NO_OPEN_SPACE:
        if (rest[0] != ':' || rest[1] == '\0')
            bad = "names the field to look up: write ide-registered:FIELD, "
                  "avs-registered:FIELD or no-open-space:FIELD";
        else
            g->field_name = rest + 1;
        break;
    }
    if (bad != NULL) {
        wf_perr(ps, t->line, "transition \"%s\": guard \"%s\": %s", t->id,
                g->text, bad);
        return -1;
    }
    return 0;
}

static int
wf_parse_guard(wf_parse_t *ps, wf_transition_t *t, const char *tok,
               wf_guard_t *g)
{
    size_t      len = strcspn(tok, "=:>!<");
    const char *heads[WF_N_GUARDS];
    char       *head = pool_strndup(ps->p, tok, len);
    size_t      i;

    g->text = tok;
    for (i = 0; i < WF_N_GUARDS; i++) {
        heads[i] = wf_guards[i].head;
        if (strcmp(head, wf_guards[i].head) == 0) {
            g->kind = wf_guards[i].kind;
            return wf_guard_args(ps, t, g, tok + len);
        }
    }
    wf_perr(ps, t->line, "transition \"%s\": unknown guard \"%s\"%s", t->id,
            tok, wf_did_you_mean(ps->p, head, heads, WF_N_GUARDS));
    return -1;
}

static void
wf_parse_guards(wf_parse_t *ps, xmlNodePtr n, wf_transition_t *t)
{
    size_t       n_tok, i;
    const char **tok = wf_split(ps->p, wf_attr(ps, n, "guard"), WF_BLANKS,
                                &n_tok);

    t->guards = pool_calloc(ps->p, (n_tok + 1) * sizeof(*t->guards));
    for (i = 0; i < n_tok; i++)
        if (wf_parse_guard(ps, t, tok[i], &t->guards[t->n_guards]) == 0)
            t->n_guards++;
}

/* Checks one effect argument's value against its specification. */
static void
wf_effect_value(wf_parse_t *ps, wf_effect_t *e, const wf_arg_spec_t *s,
                const char *v)
{
    wf_duration_t d;
    const char   *why = NULL;
    long long     lo = 0, hi = 0, x;
    size_t        n;
    const char  **vals;

    switch (s->kind) {
    case WF_ARG_NAME:
        if (!wf_key_ok(v))
            why = "must be a name (letters, digits, ., - and _)";
        break;
    case WF_ARG_FIELD:
    case WF_ARG_TEMPLATE:
        if (!wf_lname_ok(v))
            why = "must be a lower-case name (a-z, 0-9, - and _)";
        break;
    case WF_ARG_DURATION:
        if (wf_duration_parse(v, &d, &why) == 0)
            why = NULL;
        break;
    case WF_ARG_ENUM:
        vals = wf_split(ps->p, s->values, "|", &n);
        if (!wf_in_list(v, vals))
            why = pool_printf(ps->p, "must be one of %s", s->values);
        break;
    case WF_ARG_INT:
        sscanf(s->values, "%lld-%lld", &lo, &hi);
        if (wf_int(v, lo, hi, &x) != 0)
            why = pool_printf(ps->p, "must be a whole number from %lld to "
                              "%lld", lo, hi);
        break;
    }
    if (why != NULL)
        wf_perr(ps, e->line, "effect \"%s\": %s=\"%s\" %s", e->action,
                s->name, v, why);
}

/* The candidates for a misspelt argument of action a. */
static const char **
wf_action_arg_names(wf_parse_t *ps, const wf_action_t *a, size_t *n)
{
    const char **v = pool_calloc(ps->p, (WF_ARGS_MAX + 1) * sizeof(char *));

    for (*n = 0; a->args[*n].name != NULL; (*n)++)
        v[*n] = a->args[*n].name;
    return v;
}

static void
wf_effect_args(wf_parse_t *ps, xmlNodePtr n, const wf_action_t *a,
               wf_effect_t *e)
{
    xmlAttrPtr   at;
    size_t       cap = 0, n_names, i;
    const char **names = wf_action_arg_names(ps, a, &n_names);

    for (at = n->properties; at != NULL; at = at->next)
        cap++;
    e->args = pool_calloc(ps->p, (cap + 1) * sizeof(*e->args));
    for (at = n->properties; at != NULL; at = at->next) {
        const char          *name = (const char *) at->name;
        const wf_arg_spec_t *s;

        if (at->ns != NULL || strcmp(name, "action") == 0)
            continue;
        if ((s = wf_action_arg(a->name, name)) == NULL) {
            wf_perr(ps, e->line, "effect \"%s\": unknown argument \"%s\"%s%s",
                    a->name, name, wf_did_you_mean(ps->p, name, names,
                                                   n_names),
                    n_names == 0 ? " (it takes none)" : "");
            continue;
        }
        e->args[e->n_args].name = s->name;
        e->args[e->n_args].value = wf_attr(ps, n, name);
        wf_effect_value(ps, e, s, e->args[e->n_args].value);
        e->n_args++;
    }
    for (i = 0; i < n_names; i++)
        if (a->args[i].required && wf_effect_arg(e, a->args[i].name) == NULL)
            wf_perr(ps, e->line, "effect \"%s\": missing argument %s=",
                    a->name, a->args[i].name);
    if (a->one_of != NULL) {
        size_t       k, n_one;
        const char **one = wf_split(ps->p, a->one_of, "|", &n_one);

        for (k = 0; k < n_one && wf_effect_arg(e, one[k]) == NULL; k++)
            ;
        if (k == n_one)
            wf_perr(ps, e->line, "effect \"%s\": needs one of %s=", a->name,
                    a->one_of);
    }
}

static int
wf_parse_effect(wf_parse_t *ps, xmlNodePtr n, wf_effect_t *e)
{
    const wf_action_t *a;
    const char        *names[WF_N_ACTIONS];
    size_t             i;

    e->line = wf_line(n);
    e->action = wf_attr_req(ps, n, "action");
    if (e->action == NULL)
        return -1;
    if ((a = wf_action_find(e->action)) == NULL) {
        for (i = 0; i < WF_N_ACTIONS; i++)
            names[i] = wf_actions[i].name;
        wf_perr(ps, e->line, "unknown effect action \"%s\"%s", e->action,
                wf_did_you_mean(ps->p, e->action, names, WF_N_ACTIONS));
        return -1;
    }
    wf_effect_args(ps, n, a, e);
    return 0;
}

static void
wf_attach_defaults(wf_attach_t *a, const char *name, int line)
{
    a->name = name;
    a->line = line;
    a->rules.required = 1;
}

/* <attachment> children first (they carry labels and limits), then the
 * names of attach="..." that no child describes. */
static void
wf_parse_attach(wf_parse_t *ps, xmlNodePtr n, wf_transition_t *t)
{
    size_t       n_names, i, k;
    const char **names = wf_split(ps->p, wf_attr(ps, n, "attach"), WF_BLANKS,
                                  &n_names);
    xmlNodePtr   c;

    t->attach = pool_calloc(ps->p, (n_names + wf_count(n, "attachment") + 1)
                                   * sizeof(*t->attach));
    for (c = n->children; c != NULL; c = c->next) {
        wf_attach_t *a = &t->attach[t->n_attach];

        if (!wf_is(c, "attachment"))
            continue;
        wf_attach_defaults(a, wf_attr_req(ps, c, "name"), wf_line(c));
        if (a->name == NULL)
            continue;
        a->rules.required = wf_yesno(ps, c, "required", 1);
        wf_field_file_rules(ps, c, "attachment", a->name, a->line, &a->rules);
        wf_parse_i18n(ps, c, "label", &a->label);
        t->n_attach++;
    }
    for (i = 0; i < n_names; i++) {
        for (k = 0; k < t->n_attach && strcmp(t->attach[k].name, names[i]); k++)
            ;
        if (k == t->n_attach)
            wf_attach_defaults(&t->attach[t->n_attach++], names[i], t->line);
    }
}

static void
wf_parse_mails(wf_parse_t *ps, xmlNodePtr n, wf_transition_t *t)
{
    xmlNodePtr c;

    t->notify = wf_split(ps->p, wf_attr(ps, n, "notify"), WF_BLANKS,
                         &t->n_notify);
    t->mail_decl = pool_calloc(ps->p, (wf_count(n, "mail") + 1)
                                      * sizeof(*t->mail_decl));
    for (c = n->children; c != NULL; c = c->next) {
        wf_mail_t *m = &t->mail_decl[t->n_mail_decl];

        if (!wf_is(c, "mail"))
            continue;
        m->line = wf_line(c);
        m->to = wf_attr(ps, c, "to");
        m->template = wf_attr_req(ps, c, "template");
        if (m->template != NULL)
            t->n_mail_decl++;
    }
}

static void
wf_parse_effects(wf_parse_t *ps, xmlNodePtr n, wf_transition_t *t)
{
    xmlNodePtr c;

    t->effects = pool_calloc(ps->p, (wf_count(n, "effect") + 1)
                                    * sizeof(*t->effects));
    for (c = n->children; c != NULL; c = c->next)
        if (wf_is(c, "effect")
            && wf_parse_effect(ps, c, &t->effects[t->n_effects]) == 0)
            t->n_effects++;
}

static void
wf_parse_comment(wf_parse_t *ps, xmlNodePtr n, wf_transition_t *t)
{
    const char *v = wf_attr(ps, n, "comment");

    if (v == NULL || strcmp(v, "optional") == 0)
        t->comment = WF_COMMENT_OPTIONAL;
    else if (strcmp(v, "required") == 0)
        t->comment = WF_COMMENT_REQUIRED;
    else if (strcmp(v, "none") == 0)
        t->comment = WF_COMMENT_NONE;
    else
        wf_perr(ps, t->line, "transition \"%s\": comment=\"%s\": write "
                "required, optional or none", t->id, v);
}

static void
wf_parse_from(wf_parse_t *ps, xmlNodePtr n, wf_transition_t *t)
{
    size_t i;

    t->from_ids = wf_split(ps->p, wf_attr_req(ps, n, "from"), WF_BLANKS,
                           &t->n_from);
    for (i = 0; i < t->n_from; i++)
        if (strcmp(t->from_ids[i], "*") == 0)
            t->from_any = 1;
    if (t->from_any && t->n_from > 1)
        wf_perr(ps, t->line, "transition \"%s\": from=\"*\" already means "
                "every non-final state; list states or write *, not both",
                t->id);
}

static void
wf_parse_transition(wf_parse_t *ps, xmlNodePtr n, wf_transition_t *t)
{
    const char *aut;

    t->line = wf_line(n);
    t->id = wf_attr_req(ps, n, "id");
    if (t->id == NULL)
        t->id = "";
    wf_parse_from(ps, n, t);
    t->to_id = wf_attr_req(ps, n, "to");
    wf_parse_by(ps, n, t);
    wf_parse_guards(ps, n, t);
    wf_parse_comment(ps, n, t);
    t->form_id = wf_attr(ps, n, "form");
    t->page_ids = wf_split(ps->p, wf_attr(ps, n, "pages"), WF_BLANKS,
                           &t->n_pages);
    if (t->n_pages > 0 && t->form_id == NULL)
        wf_perr(ps, t->line, "transition \"%s\": pages= needs form=", t->id);
    aut = wf_attr(ps, n, "auto");
    if (aut != NULL && strcmp(aut, "on-view") != 0)
        wf_perr(ps, t->line, "transition \"%s\": auto=\"%s\": the only value "
                "is on-view", t->id, aut);
    t->auto_on_view = aut != NULL && strcmp(aut, "on-view") == 0;
    wf_parse_attach(ps, n, t);
    wf_parse_mails(ps, n, t);
    wf_parse_effects(ps, n, t);
    wf_parse_i18n(ps, n, "label", &t->label);
    wf_parse_i18n(ps, n, "description", &t->description);
}

static void
wf_parse_timer(wf_parse_t *ps, xmlNodePtr n, wf_timer_t *t)
{
    const char *after, *why;

    t->line = wf_line(n);
    t->in_id = wf_attr_req(ps, n, "in");
    after = wf_attr_req(ps, n, "after");
    if (after != NULL && wf_duration_parse(after, &t->after, &why) != 0)
        wf_perr(ps, t->line, "timer in \"%s\": after=\"%s\" is not an "
                "ISO-8601 duration: %s", t->in_id ? t->in_id : "?", after, why);
    t->fire_id = wf_attr(ps, n, "fire");
    t->purge = wf_yesno(ps, n, "purge", 0);
    if ((t->fire_id != NULL) == (t->purge != 0))
        wf_perr(ps, t->line, "timer in \"%s\": give either fire=\"TRANSITION\" "
                "or purge=\"yes\"", t->in_id ? t->in_id : "?");
    t->id = wf_attr(ps, n, "id");
    if (t->id == NULL)
        t->id = t->fire_id != NULL ? t->fire_id : "purge";
}

static const char *const wf_outcomes[] = { "valid", "refused", "pending", NULL };
static const int wf_outcome_is_final[] = { 1, 1, 0 };

const char *
wf_outcome_name(size_t i)
{
    return i < sizeof(wf_outcomes) / sizeof(wf_outcomes[0]) ? wf_outcomes[i] : NULL;
}

int
wf_outcome_final(const char *name)
{
    size_t i;

    for (i = 0; name != NULL && wf_outcomes[i] != NULL; i++)
        if (strcmp(wf_outcomes[i], name) == 0)
            return wf_outcome_is_final[i];
    return -1;
}

/* <decide id in over by outcomes comment then>: the shape; the checker
 * (wf_check.c) resolves in, then and over. */
static void
wf_parse_decide(wf_parse_t *ps, xmlNodePtr n, wf_decide_t *dc)
{
    const char *by, *cm;
    size_t      i;

    dc->line = wf_line(n);
    dc->id = wf_attr_req(ps, n, "id");
    if (dc->id == NULL)
        dc->id = "";
    dc->in_id = wf_attr_req(ps, n, "in");
    dc->over = wf_attr_req(ps, n, "over");
    dc->then_id = wf_attr_req(ps, n, "then");
    by = wf_attr_req(ps, n, "by");
    dc->by_text = by;
    /* the only actor chosen by an item's data: third-party:@KEY */
    if (by != NULL) {
        if (strncmp(by, "third-party:@", 13) == 0 && wf_lname_ok(by + 13))
            dc->key = by + 13;
        else
            wf_perr(ps, dc->line, "decide \"%s\": by=\"%s\": write "
                    "third-party:@KEY, KEY the item's field naming the trusted "
                    "third party (its group id, or a commune's OFS number)",
                    dc->id, by);
    }
    dc->outcomes = wf_split(ps->p, wf_attr_req(ps, n, "outcomes"), WF_BLANKS,
                            &dc->n_outcomes);
    for (i = 0; i < dc->n_outcomes; i++)
        if (wf_outcome_final(dc->outcomes[i]) < 0)
            wf_perr(ps, dc->line, "decide \"%s\": unknown outcome \"%s\"%s "
                    "(valid, refused or pending)", dc->id, dc->outcomes[i],
                    wf_did_you_mean(ps->p, dc->outcomes[i], wf_outcomes, 3));
    cm = wf_attr(ps, n, "comment");
    if (cm == NULL || strcmp(cm, "optional") == 0)
        dc->comment = WF_COMMENT_OPTIONAL;
    else if (strcmp(cm, "required") == 0)
        dc->comment = WF_COMMENT_REQUIRED;
    else if (strcmp(cm, "none") == 0)
        dc->comment = WF_COMMENT_NONE;
    else
        wf_perr(ps, dc->line, "decide \"%s\": comment=\"%s\": write "
                "required, optional or none", dc->id, cm);
    wf_parse_i18n(ps, n, "label", &dc->label);
    wf_parse_i18n(ps, n, "description", &dc->description);
}

/* ------------------------------------------------------------------ */
/* the definition                                                      */
/* ------------------------------------------------------------------ */

static void
wf_parse_states(wf_parse_t *ps, xmlNodePtr n, wf_def_t *def,
                size_t n_timer_elems)
{
    xmlNodePtr c;
    size_t     i = 0;

    def->initial_id = wf_attr_req(ps, n, "initial");
    def->initial_line = wf_line(n);
    def->n_states = wf_count(n, "state");
    def->states = pool_calloc(ps->p, (def->n_states + 1)
                                     * sizeof(*def->states));
    def->timers = pool_calloc(ps->p, (def->n_states + n_timer_elems + 1)
                                     * sizeof(*def->timers));
    for (c = n->children; c != NULL; c = c->next) {
        if (!wf_is(c, "state"))
            continue;
        def->states[i].index = i;
        wf_parse_state(ps, c, &def->states[i]);
        if (wf_parse_expires(ps, c, &def->states[i],
                             &def->timers[def->n_timers]))
            def->n_timers++;
        i++;
    }
}

static void
wf_parse_forms(wf_parse_t *ps, xmlNodePtr root, wf_def_t *def)
{
    xmlNodePtr c;
    size_t     i = 0;

    def->n_forms = wf_count(root, "form");
    def->forms = pool_calloc(ps->p, (def->n_forms + 1) * sizeof(*def->forms));
    for (c = root->children; c != NULL; c = c->next)
        if (wf_is(c, "form"))
            wf_parse_form(ps, c, &def->forms[i++]);
}

static void
wf_parse_body(wf_parse_t *ps, xmlNodePtr root, wf_def_t *def)
{
    xmlNodePtr c;
    size_t     n_states_elems = 0, i = 0;

    def->n_transitions = wf_count(root, "transition");
    def->transitions = pool_calloc(ps->p, (def->n_transitions + 1)
                                          * sizeof(*def->transitions));
    for (c = root->children; c != NULL; c = c->next) {
        if (wf_is(c, "audience"))
            wf_parse_audience(ps, c, &def->audience);
        else if (wf_is(c, "states") && n_states_elems++ == 0)
            wf_parse_states(ps, c, def, wf_count(root, "timer"));
        else if (wf_is(c, "transition")) {
            def->transitions[i].index = i;
            wf_parse_transition(ps, c, &def->transitions[i++]);
        }
    }
    if (n_states_elems == 0) {
        wf_perr(ps, def->line, "workflow \"%s\" has no <states>", def->id);
        def->timers = pool_calloc(ps->p, (wf_count(root, "timer") + 1)
                                         * sizeof(*def->timers));
    }
    for (c = root->children; c != NULL; c = c->next)
        if (wf_is(c, "timer"))
            wf_parse_timer(ps, c, &def->timers[def->n_timers++]);
    def->decides = pool_calloc(ps->p, (wf_count(root, "decide") + 1)
                                      * sizeof(*def->decides));
    for (c = root->children; c != NULL; c = c->next)
        if (wf_is(c, "decide"))
            wf_parse_decide(ps, c, &def->decides[def->n_decides++]);
}

int
wf_parse_doc(pool_t *p, xmlDocPtr doc, const char *name, wf_def_t **out,
             wf_diag_t *diags)
{
    wf_parse_t  ps = { p, diags, name };
    xmlNodePtr  root = xmlDocGetRootElement(doc);
    wf_def_t   *def;
    const char *version;
    long long   v;

    *out = NULL;
    if (!wf_is(root, "workflow")) {
        wf_perr(&ps, root != NULL ? wf_line(root) : 1, "the root element must "
                "be <workflow xmlns=\"" WF_NAMESPACE "\">");
        return EN_BADINPUT;
    }
    def = pool_calloc(p, sizeof(*def));
    def->source = pool_strdup(p, name);
    def->line = wf_line(root);
    def->id = wf_attr_req(&ps, root, "id");
    if (def->id == NULL)
        def->id = "";
    version = wf_attr(&ps, root, "version");
    if (version != NULL && wf_int(version, 1, 1000000, &v) != 0)
        wf_perr(&ps, def->line, "workflow version=\"%s\" must be a whole "
                "number from 1", version);
    else if (version != NULL)
        def->version = (int) v;
    def->audience.assurance = WF_ASSURANCE_EMAIL;
    wf_parse_i18n(&ps, root, "title", &def->title);
    wf_parse_i18n(&ps, root, "description", &def->description);
    wf_parse_forms(&ps, root, def);
    wf_parse_body(&ps, root, def);
    *out = def;
    return EN_OK;
}

/* ------------------------------------------------------------------ */
/* loading                                                             */
/* ------------------------------------------------------------------ */

/* Turns one "name:line: message" of xml_safe into a diagnostic. */
static void
wf_diag_xml_line(wf_diag_t *d, const char *name, const char *s, size_t len)
{
    size_t      nl = strlen(name);
    char       *copy = pool_strndup(d->pool, s, len), *end;
    long        line = 0;
    const char *msg = copy;

    if (strncmp(copy, name, nl) == 0 && copy[nl] == ':') {
        line = strtol(copy + nl + 1, &end, 10);
        if (*end == ':') {
            msg = end + 1;
            while (*msg == ' ')
                msg++;
        } else {
            line = 0;
        }
    }
    wf_diag_add(d, WF_ERROR, 0, name, (int) line, msg);
}

/* The parser's errors: the first in msg, the others in detail, "; "
 * between them. */
static void
wf_diag_xml(wf_diag_t *d, const char *name, const en_err_t *err)
{
    const char *s = err->detail, *next;
    char       *sep = pool_printf(d->pool, "; %s:", name);

    wf_diag_xml_line(d, name, err->msg[0] != '\0' ? err->msg
                     : "malformed XML", strlen(err->msg[0] != '\0' ? err->msg
                     : "malformed XML"));
    while (*s != '\0') {
        next = strstr(s, sep);
        wf_diag_xml_line(d, name, s, next != NULL ? (size_t) (next - s)
                                                  : strlen(s));
        if (next == NULL)
            break;
        s = next + 2;
    }
}

static void
wf_free_doc(void *doc)
{
    xmlFreeDoc(doc);
}

int
wf_load_memory(pool_t *p, const char *data, size_t len, const char *name,
               wf_def_t **out, wf_diag_t *diags)
{
    en_err_t  err;
    xmlDocPtr doc;
    wf_def_t *def = NULL;
    int       errors0 = diags->errors, rc;
    pool_t   *tmp;

    *out = NULL;
    en_clear(&err);
    if ((doc = xml_safe_parse(data, len, name, &err)) == NULL) {
        wf_diag_xml(diags, name, &err);
        wf_diag_settle(diags);
        return EN_BADINPUT;
    }
    /* the document goes as soon as the model is built */
    tmp = pool_new(0);
    pool_on_free(tmp, wf_free_doc, doc);
    rc = wf_check_schema(doc, name, diags);
    if (rc != EN_INTERNAL && wf_parse_doc(p, doc, name, &def, diags) == EN_OK)
        wf_check_def(p, def, diags);
    pool_free(tmp);
    wf_diag_settle(diags);
    if (rc == EN_INTERNAL)
        return EN_INTERNAL;
    if (diags->errors > errors0)
        return EN_BADINPUT;
    /* loaded without an error: every promise of wf_def.h holds */
    assert(wf_def_sound(def));
    *out = def;
    return EN_OK;
}

int
wf_load_file(pool_t *p, const char *path, wf_def_t **out, wf_diag_t *diags)
{
    pool_t    *tmp = pool_new(0);
    en_err_t   err;
    char      *data;
    size_t     len;
    int        rc;

    *out = NULL;
    en_clear(&err);
    if ((rc = util_read_file(tmp, path, WF_MAX_FILE, &data, &len, &err)) != EN_OK) {
        /* err.msg is "PATH:0: why"; the diagnostic names the file itself */
        size_t skip = strlen(path) + 3;

        wf_diag_error(diags, path, 0, "%s", strlen(err.msg) > skip
                                            && !strncmp(err.msg, path, skip - 3)
                                            ? err.msg + skip : err.msg);
        pool_free(tmp);
        return rc;
    }
    rc = wf_load_memory(p, data, len, path, out, diags);
    pool_free(tmp);
    return rc;
}

/* ------------------------------------------------------------------ */
/* lookups                                                             */
/* ------------------------------------------------------------------ */

wf_state_t *
wf_state_find(const wf_def_t *d, const char *id)
{
    size_t i;

    for (i = 0; id != NULL && i < d->n_states; i++)
        if (strcmp(d->states[i].id, id) == 0)
            return &d->states[i];
    return NULL;
}

wf_transition_t *
wf_transition_find(const wf_def_t *d, const char *id)
{
    size_t i;

    for (i = 0; id != NULL && i < d->n_transitions; i++)
        if (strcmp(d->transitions[i].id, id) == 0)
            return &d->transitions[i];
    return NULL;
}

wf_decide_t *
wf_decide_find(const wf_def_t *d, const char *id)
{
    size_t i;

    for (i = 0; id != NULL && i < d->n_decides; i++)
        if (strcmp(d->decides[i].id, id) == 0)
            return &d->decides[i];
    return NULL;
}

wf_decide_t *
wf_decide_in(const wf_def_t *d, const wf_state_t *s)
{
    size_t i;

    for (i = 0; s != NULL && i < d->n_decides; i++)
        if (d->decides[i].in == s)
            return &d->decides[i];
    return NULL;
}

wf_form_t *
wf_form_find(const wf_def_t *d, const char *id)
{
    size_t i;

    for (i = 0; id != NULL && i < d->n_forms; i++)
        if (strcmp(d->forms[i].id, id) == 0)
            return &d->forms[i];
    return NULL;
}

wf_page_t *
wf_page_find(const wf_form_t *f, const char *id)
{
    size_t i;

    for (i = 0; f != NULL && id != NULL && i < f->n_pages; i++)
        if (strcmp(f->pages[i].id, id) == 0)
            return &f->pages[i];
    return NULL;
}

wf_field_t *
wf_field_find(const wf_form_t *f, const char *name)
{
    size_t i, k;

    for (i = 0; f != NULL && name != NULL && i < f->n_pages; i++)
        for (k = 0; k < f->pages[i].n_fields; k++)
            if (strcmp(f->pages[i].fields[k].name, name) == 0)
                return &f->pages[i].fields[k];
    return NULL;
}

wf_field_t *
wf_def_field_find(const wf_def_t *d, const char *name)
{
    wf_field_t *f;
    size_t      i;

    for (i = 0; i < d->n_forms; i++)
        if ((f = wf_field_find(&d->forms[i], name)) != NULL)
            return f;
    return NULL;
}

int
wf_transition_leaves(const wf_transition_t *t, const wf_state_t *s)
{
    size_t i;

    if (s == NULL)
        return 0;
    if (t->from_any)
        return !s->final;
    for (i = 0; i < t->n_from; i++)
        if (strcmp(t->from_ids[i], s->id) == 0)
            return 1;
    return 0;
}

wf_transition_t *
wf_transition_from(const wf_state_t *s, const char *id)
{
    size_t i;

    for (i = 0; s != NULL && id != NULL && i < s->n_out; i++)
        if (strcmp(s->out[i]->id, id) == 0)
            return s->out[i];
    return NULL;
}

int
wf_transition_allows(const wf_transition_t *t, wf_actor_kind_t k,
                     const char *group)
{
    size_t i;

    for (i = 0; i < t->n_by; i++) {
        if (t->by[i].kind != k)
            continue;
        if (t->by[i].group == NULL)
            return 1;
        if (group != NULL && strcmp(t->by[i].group, group) == 0)
            return 1;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* the promises of a loaded definition                                 */
/* ------------------------------------------------------------------ */

static int
wf_cond_sound(const wf_cond_t *c)
{
    return c->text == NULL || (c->field_name != NULL && c->field != NULL);
}

static int
wf_pages_sound(wf_page_t *const *pages, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (pages == NULL || pages[i] == NULL)
            return 0;
    return 1;
}

int
wf_def_sound(const wf_def_t *d)
{
    size_t i, j, k;

    if (d == NULL || d->initial == NULL)
        return 0;
    for (i = 0; i < d->n_forms; i++)
        for (j = 0; j < d->forms[i].n_pages; j++) {
            const wf_page_t *pg = &d->forms[i].pages[j];

            if (pg->form != &d->forms[i] || !wf_cond_sound(&pg->shown_when)
                || !wf_rule_sound(pg) || !wf_group_sound(pg))
                return 0;
            for (k = 0; k < pg->n_fields; k++) {
                const wf_field_t *f = &pg->fields[k];

                if (f->type < 0 || f->type >= FIELD__COUNT || f->page != pg
                    || !wf_cond_sound(&f->shown_when) || !wf_cond_sound(&f->required_when))
                    return 0;
            }
        }
    for (i = 0; i < d->n_states; i++) {
        const wf_state_t *s = &d->states[i];

        if (s->id == NULL || (int) s->bucket < 0 || s->bucket >= WF_BUCKET__COUNT
            || (s->form_id != NULL && s->form == NULL)
            || !wf_pages_sound(s->pages, s->n_pages))
            return 0;
        for (j = 0; j < s->n_out; j++)
            if (s->out[j] == NULL)
                return 0;
        for (j = 0; j < s->n_timers; j++)
            if (s->timers[j] == NULL)
                return 0;
    }
    for (i = 0; i < d->n_transitions; i++) {
        const wf_transition_t *t = &d->transitions[i];

        if (t->id == NULL || t->to == NULL || (t->form_id != NULL && t->form == NULL)
            || !wf_pages_sound(t->pages, t->n_pages))
            return 0;
        for (j = 0; j < t->n_from_states; j++)
            if (t->from == NULL || t->from[j] == NULL)
                return 0;
        for (j = 0; j < t->n_guards; j++)
            if (t->guards[j].kind == WF_GUARD_FIELD && t->guards[j].field == NULL)
                return 0;
    }
    for (i = 0; i < d->n_timers; i++) {
        const wf_timer_t *tm = &d->timers[i];

        if (tm->in == NULL || (!tm->purge && tm->fire == NULL))
            return 0;
    }
    for (i = 0; i < d->n_decides; i++) {
        const wf_decide_t *dc = &d->decides[i];

        if (dc->in == NULL || dc->then == NULL || dc->key == NULL || dc->over == NULL)
            return 0;
    }
    return 1;
}
