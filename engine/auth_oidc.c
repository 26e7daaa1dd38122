/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * auth_oidc.c -- the OpenID Connect relying party (see auth_oidc.h).
 *
 * Owns liboauth2 (1.4.5.4, AGPL-3.0+) and the table login_flows; calls
 * identity_login() (0002_identity.sql) and session.c.  Facts about the
 * library are in ../shared/notes/oidc.md; the ones this file is shaped by:
 *
 *  - liboauth2 is handed a request object built here, never the client's
 *    headers: scheme and host come from cfg->base_url (Debian's nginx drops
 *    the port from Host, and a client X-Forwarded-Proto ",https" crashes
 *    1.4.5.4), Accept is always text/html (else it answers 410), and the
 *    only cookie it sees is the state cookie of the callback's own state.
 *  - Its session is the encrypted "cookie" kind, named guichet_oidc_tmp:
 *    at the callback the Set-Cookie it produces is decrypted here (the same
 *    passphrase) into the ID-token claims ("ic") and the userinfo claims
 *    ("uc"), kept apart so that userinfo cannot overwrite iss, aud or
 *    nonce.  That cookie is never sent to the browser.
 *  - 1.4.5.4 checks the ID token's signature (jwks_uri) and exp only.  Here:
 *    iss equals the discovered issuer (which must equal the configured
 *    one), aud names our client_id (azp when several), nonce equals the
 *    one captured from the authorization redirect it built, exp is present
 *    and not past, iat not in the future, userinfo's sub equals the ID
 *    token's, and the callback's iss parameter (RFC 9207), when sent,
 *    names the provider the flow was started with.
 *  - The flow row (state, nonce, provider, return_to) is deleted by the
 *    callback whatever happens next, so a state or a code is used once.
 *  - Discovery is fetched here with libcurl (5 s) and handed over as a
 *    "string" resolver: 1.4.5.4 has no discovery by URL.
 *  - No logout in 1.4.5.4: auth_oidc_logout_url builds the RP-initiated
 *    logout request from the discovered end_session_endpoint.
 */
#include "auth_oidc.h"

#include <curl/curl.h>
#include <jansson.h>
#include <oauth2/jose.h>
#include <oauth2/log.h>
#include <oauth2/mem.h>
#include <oauth2/openidc.h>
#include <oauth2/session.h>
#include <oauth2/util.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "db.h"
#include "log.h"
#include "pool_json.h"
#include "session.h"

#define OIDC_SESSION_NAME   "guichet"
#define OIDC_TMP_COOKIE     "guichet_oidc_tmp"
#define OIDC_STATE_TIMEOUT  300          /* seconds a login may take */
#define OIDC_FLOW_MAX_AGE   "600"        /* login_flows rows, seconds */
#define OIDC_DISCOVERY_MAX  (256 * 1024)
#define OIDC_RETRY_SECS     10
#define OIDC_CLOCK_SKEW     120          /* seconds of iat in the future */

typedef struct {
    const cfg_idp_t      *idp;
    oauth2_cfg_openidc_t *oc;
    char                 *issuer;
    char                 *authorization_endpoint;
    char                 *end_session_endpoint;
    int                   ready;
    time_t                last_try;
} oidc_provider_t;

static oauth2_log_t   *olog;
static const cfg_t    *ocfg;
static oidc_provider_t provs[CFG_MAX_IDP];
static char            base_scheme[8];
static char            base_host[256];     /* host[:port] */

/* --- pure helpers ------------------------------------------------------ */

int
auth_oidc_token_chars(const char *s, size_t max, const char *extra)
{
    size_t n;

    if (s == NULL || *s == '\0')
        return 0;
    for (n = 0; s[n] != '\0'; n++) {
        char c = s[n];

        if (n >= max)
            return 0;
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
              || (extra != NULL && strchr(extra, c) != NULL)))
            return 0;
    }
    return 1;
}

const char *
auth_oidc_clean_text(pool_t *p, const char *s, size_t max_chars)
{
    buf_t  b;
    size_t chars = 0;

    if (s == NULL)
        return NULL;
    buf_init(&b, p);
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char) *s;

        if ((c & 0xc0) != 0x80) {          /* a character starts here */
            if (chars == max_chars)
                break;
            if (c < 0x20 || c == 0x7f)
                continue;
            chars++;
        }
        buf_putc(&b, (char) c);
    }
    /* no trailing or leading blanks */
    while (b.len > 0 && b.data[b.len - 1] == ' ')
        b.data[--b.len] = '\0';
    s = b.data;
    while (*s == ' ')
        s++;
    return *s != '\0' ? s : NULL;
}

int
auth_oidc_aud_ok(const char *const *aud, size_t naud, const char *azp,
                 const char *client_id)
{
    size_t i;
    int    found = 0;

    if (client_id == NULL || naud == 0)
        return 0;
    for (i = 0; i < naud; i++)
        if (aud[i] != NULL && !strcmp(aud[i], client_id))
            found = 1;
    if (!found)
        return 0;
    if (azp != NULL)
        return !strcmp(azp, client_id);
    return naud == 1;
}

/* --- liboauth2 glue ---------------------------------------------------- */

static void
oidc_log_sink(oauth2_log_sink_t *sink, const char *filename, unsigned long line,
              const char *function, oauth2_log_level_t level, const char *msg)
{
    (void) sink;
    (void) filename;
    (void) line;
    log_event(level == OAUTH2_LOG_ERROR ? LOG_WARN
              : level <= OAUTH2_LOG_NOTICE ? LOG_INFO : LOG_DEBUG,
              "liboauth2", "function", function ? function : "", "message",
              msg ? msg : "", NULL);
}

static void
free_request(void *q)
{
    oauth2_http_request_free(olog, q);
}

static void
free_response(void *q)
{
    oauth2_http_response_free(olog, q);
}

static int
split_base_url(const char *base)
{
    const char *sep = strstr(base, "://"), *host;
    size_t      n;

    if (sep == NULL || (size_t) (sep - base) >= sizeof(base_scheme))
        return -1;
    memcpy(base_scheme, base, (size_t) (sep - base));
    base_scheme[sep - base] = '\0';
    host = sep + 3;
    n = strcspn(host, "/?#");
    if (n == 0 || n >= sizeof(base_host))
        return -1;
    memcpy(base_host, host, n);
    base_host[n] = '\0';
    return 0;
}

/* liboauth2's view of a request to `path`: only what we choose. */
static oauth2_http_request_t *
oidc_request(req_t *r, const char *path, const char *query, const char *cookie)
{
    oauth2_http_request_t *q = oauth2_http_request_init(olog);

    pool_on_free(r->pool, free_request, q);
    oauth2_http_request_method_set(olog, q, OAUTH2_HTTP_METHOD_GET);
    oauth2_http_request_path_set(olog, q, path);
    if (query != NULL && *query)
        oauth2_http_request_query_set(olog, q, query);
    oauth2_http_request_scheme_set(olog, q, base_scheme);
    oauth2_http_request_header_set(olog, q, "Host", base_host);
    oauth2_http_request_header_set(olog, q, "X-Forwarded-Proto", base_scheme);
    oauth2_http_request_header_set(olog, q, "X-Forwarded-Host", base_host);
    oauth2_http_request_header_set(olog, q, "Accept", "text/html");
    if (cookie != NULL)
        oauth2_http_request_header_set(olog, q, "Cookie", cookie);
    return q;
}

const char *
auth_url_encode(pool_t *p, const char *s)
{
    return req_url_encode(p, s, 0);
}

/* --- discovery --------------------------------------------------------- */

static size_t
collect(char *data, size_t size, size_t n, void *arg)
{
    buf_t *b = arg;

    if (b->len + size * n > OIDC_DISCOVERY_MAX)
        return 0;                      /* too big: curl fails the transfer */
    buf_add(b, data, size * n);
    return size * n;
}

static char *
json_strdup(json_t *o, const char *key)
{
    const char *v = json_string_value(json_object_get(o, key));

    return v != NULL && *v ? strdup(v) : NULL;
}

static int
discover(oidc_provider_t *pv, pool_t *p)
{
    const cfg_idp_t *idp = pv->idp;
    CURL            *c;
    CURLcode         cc;
    long             status = 0;
    buf_t            b;
    json_t          *doc, *client;
    json_error_t     jerr;
    const char      *url, *iss;
    char            *dump, *rv;

    buf_init(&b, p);
    url = pool_printf(p, "%s%s.well-known/openid-configuration", idp->issuer,
                      idp->issuer[strlen(idp->issuer) - 1] == '/' ? "" : "/");
    if ((c = curl_easy_init()) == NULL)
        return -1;
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 5L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 5L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    cc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(c);
    if (cc != CURLE_OK || status != 200) {
        log_event(LOG_WARN, "identity provider discovery failed", "idp", idp->name,
                  "url", url, "error", cc != CURLE_OK ? curl_easy_strerror(cc) : "HTTP status",
                  NULL);
        return -1;
    }
    doc = json_loadb(b.data, b.len, 0, &jerr);
    if (doc == NULL || !json_is_object(doc)) {
        log_event(LOG_WARN, "identity provider discovery is not JSON", "idp", idp->name,
                  "error", jerr.text, NULL);
        json_decref(doc);
        return -1;
    }
    pool_json(p, doc);
    /* OpenID Connect Discovery 1.0 §4.3: the issuer in the document must be
     * the one we asked for, exactly, or tokens could come from elsewhere */
    iss = json_string_value(json_object_get(doc, "issuer"));
    if (iss == NULL || strcmp(iss, idp->issuer) != 0) {
        log_event(LOG_ERROR, "identity provider announces another issuer", "idp",
                  idp->name, "configured", idp->issuer, "announced", iss ? iss : "(none)",
                  NULL);
        return -1;
    }
    if (json_string_value(json_object_get(doc, "authorization_endpoint")) == NULL
        || json_string_value(json_object_get(doc, "token_endpoint")) == NULL
        || json_string_value(json_object_get(doc, "jwks_uri")) == NULL) {
        log_event(LOG_ERROR, "identity provider discovery lacks an endpoint", "idp",
                  idp->name, NULL);
        return -1;
    }

    if (pv->oc != NULL)
        oauth2_cfg_openidc_free(olog, pv->oc);
    pv->oc = oauth2_cfg_openidc_init(olog);
    rv = oauth2_cfg_openidc_set_options(
        olog, pv->oc,
        pool_printf(p, "redirect_uri=%s&unauth_action=auth&state.cookie.name.prefix=%s"
                       "&state.cookie.timeout=%d",
                    auth_url_encode(p, pool_printf(p, "%s/auth/callback", ocfg->base_url)),
                    auth_url_encode(p, ocfg->dev ? "guichet_oidc_state_" : "__Host-guichet_oidc_state_"),
                    OIDC_STATE_TIMEOUT));
    if (rv == NULL) {
        dump = pool_json_dumps(p, doc, JSON_COMPACT);
        rv = oauth2_cfg_openidc_provider_resolver_set_options(olog, pv->oc, "string", dump,
                                                              "session=" OIDC_SESSION_NAME);
    }
    if (rv == NULL) {
        client = json_pack("{s:s, s:s, s:s, s:s}", "client_id", idp->client_id,
                           "client_secret", idp->client_secret ? idp->client_secret : "",
                           "scope", idp->scopes ? idp->scopes : "openid email profile",
                           "token_endpoint_auth_method", "client_secret_basic");
        dump = pool_json_dumps(p, pool_json(p, client), JSON_COMPACT);
        rv = dump != NULL
                 ? oauth2_openidc_client_set_options(olog, pv->oc, "json", dump,
                                                     "session=" OIDC_SESSION_NAME
                                                     "&ssl_verify=true")
                 : oauth2_strdup("cannot build client JSON");
    }
    if (rv != NULL) {
        log_event(LOG_ERROR, "liboauth2 refused the provider settings", "idp", idp->name,
                  "error", rv, NULL);
        oauth2_mem_free(rv);
        return -1;
    }
    oauth2_openidc_client_http_timeout_set(olog, oauth2_cfg_openidc_client_get(olog, pv->oc),
                                           10);
    free(pv->issuer);
    free(pv->authorization_endpoint);
    free(pv->end_session_endpoint);
    pv->issuer = strdup(iss);
    pv->authorization_endpoint = json_strdup(doc, "authorization_endpoint");
    pv->end_session_endpoint = json_strdup(doc, "end_session_endpoint");
    pv->ready = pv->issuer != NULL && pv->authorization_endpoint != NULL;
    return pv->ready ? 0 : -1;
}

static int
provider_ready(oidc_provider_t *pv)
{
    pool_t *p;
    time_t  now = time(NULL);

    if (pv->ready)
        return 1;
    if (olog == NULL || now - pv->last_try < OIDC_RETRY_SECS)
        return 0;
    pv->last_try = now;
    p = pool_new(0);
    discover(pv, p);
    pool_free(p);
    return pv->ready;
}

int
auth_oidc_init(const cfg_t *cfg)
{
    oauth2_log_sink_t *sink;
    char              *rv;
    int                i;

    ocfg = cfg;
    if (cfg->nidp == 0)
        return EN_OK;
    if (split_base_url(cfg->base_url) != 0) {
        log_event(LOG_ERROR, "login disabled: base_url cannot be parsed", "base_url",
                  cfg->base_url, NULL);
        return EN_OK;
    }
    if (cfg->secret == NULL) {
        /* without one shared passphrase, a login started in one worker
         * cannot finish in another */
        log_event(LOG_ERROR, "login disabled: the setting secret is required", NULL);
        return EN_OK;
    }
    sink = oauth2_log_sink_create(!strcmp(cfg->log_level, "debug") ? OAUTH2_LOG_DEBUG
                                                                     : OAUTH2_LOG_WARN,
                                  oidc_log_sink, NULL);
    olog = oauth2_init(OAUTH2_LOG_WARN, sink);
    oauth2_crypto_passphrase_set(olog, NULL, cfg->secret);
    rv = oauth2_cfg_session_set_options(
        olog, NULL, "cookie",
        "name=" OIDC_SESSION_NAME "&cookie.name=" OIDC_TMP_COOKIE
        "&cookie.path=/&inactivity_timeout=300&max_duration=300");
    if (rv != NULL) {
        log_event(LOG_ERROR, "liboauth2 session settings refused", "error", rv, NULL);
        oauth2_mem_free(rv);
        olog = NULL;
        return EN_OK;
    }
    for (i = 0; i < cfg->nidp; i++) {
        provs[i].idp = &cfg->idp[i];
        provs[i].ready = 0;
        provs[i].last_try = 0;
        provider_ready(&provs[i]);
    }
    return EN_OK;
}

int
auth_oidc_find(const cfg_t *cfg, const char *name)
{
    int i;

    for (i = 0; name != NULL && i < cfg->nidp; i++)
        if (!strcmp(cfg->idp[i].name, name))
            return i;
    return -1;
}

/* --- cookies liboauth2 sets -------------------------------------------- */

/* liboauth2 writes "name=value; path=/; Max-Age=300" (and no HttpOnly or
 * SameSite over http): re-issue with this portal's flags. */
static void
relay_state_cookies(req_t *r, oauth2_http_response_t *resp);

typedef struct {
    req_t      *r;
    const char *prefix;
    const char *tmp_value;       /* out: the liboauth2 session cookie */
} cookie_walk_t;

static bool
walk_cookie(oauth2_log_t *l, void *rec, const char *name, const char *value)
{
    cookie_walk_t *w = rec;
    req_t         *r = w->r;
    size_t         n;
    const char    *eq, *ma;
    long           max_age = 0;

    (void) l;
    if (strcasecmp(name, "Set-Cookie") != 0 || value == NULL)
        return true;
    if (!strncmp(value, OIDC_TMP_COOKIE "=", sizeof(OIDC_TMP_COOKIE))) {
        n = strcspn(value, ";");
        w->tmp_value = pool_strndup(r->pool, value + sizeof(OIDC_TMP_COOKIE),
                                    n - sizeof(OIDC_TMP_COOKIE));
        return true;
    }
    if (strncmp(value, w->prefix, strlen(w->prefix)) != 0 || (eq = strchr(value, '=')) == NULL)
        return true;
    n = strcspn(eq + 1, ";");
    if ((ma = strstr(value, "Max-Age=")) != NULL && strstr(value, "Expires=") == NULL)
        max_age = atol(ma + 8);
    req_header(r, "Set-Cookie",
               pool_printf(r->pool, "%.*s=%.*s; Path=/; Max-Age=%ld; HttpOnly; SameSite=Lax%s",
                           (int) (eq - value), value, max_age > 0 ? (int) n : 0, eq + 1,
                           max_age > 0 ? max_age : 0L, r->cfg->dev ? "" : "; Secure"));
    return true;
}

static const char *
state_prefix(const cfg_t *cfg)
{
    return cfg->dev ? "guichet_oidc_state_" : "__Host-guichet_oidc_state_";
}

static void
relay_state_cookies(req_t *r, oauth2_http_response_t *resp)
{
    cookie_walk_t w = { r, state_prefix(r->cfg), NULL };

    oauth2_http_response_headers_loop(olog, resp, walk_cookie, &w);
}

static const char *
tmp_cookie(req_t *r, oauth2_http_response_t *resp)
{
    cookie_walk_t w = { r, "\x01", NULL };    /* relays nothing */

    oauth2_http_response_headers_loop(olog, resp, walk_cookie, &w);
    return w.tmp_value;
}

/* --- starting a login -------------------------------------------------- */

static int
unavailable(req_t *r, const char *why)
{
    en_set(&r->err, EN_UNAVAILABLE, "auth.err.unavailable", "%s", why);
    r->err.http_status = 503;
    return EN_UNAVAILABLE;
}

int
auth_oidc_begin(req_t *r, int i, const char *return_to)
{
    oidc_provider_t        *pv;
    oauth2_http_request_t  *q;
    oauth2_http_response_t *resp = NULL;
    json_t                 *claims = NULL;
    const char             *loc, *query, *state, *nonce, *params[4];
    kv_t                   *qp = NULL;
    en_err_t                perr;
    bool                    ok;

    if (i < 0 || i >= r->cfg->nidp)
        return en_set(&r->err, EN_NOTFOUND, "err.notfound", "no such provider");
    pv = &provs[i];
    if (!provider_ready(pv) || pv->oc == NULL)
        return unavailable(r, "provider not reachable");
    /* no cookie at all: liboauth2 must start afresh, whatever the browser has */
    q = oidc_request(r, "/auth/login", NULL, NULL);
    ok = oauth2_openidc_handle(olog, pv->oc, q, &resp, &claims);
    pool_on_free(r->pool, free_response, resp);
    pool_json(r->pool, claims);
    if (!ok || resp == NULL || oauth2_http_response_status_code_get(olog, resp) != 302
        || (loc = oauth2_http_response_header_get(olog, resp, "Location")) == NULL)
        return unavailable(r, "liboauth2 made no authorization request");
    /* the nonce liboauth2 sends but never checks: capture it */
    if (strncmp(loc, pv->authorization_endpoint, strlen(pv->authorization_endpoint)) != 0
        || (query = strchr(loc, '?')) == NULL)
        return unavailable(r, "unexpected authorization request");
    en_clear(&perr);
    if (req_parse_urlencoded(r->pool, query + 1, strlen(query + 1), 64, &qp, &perr) != EN_OK)
        return unavailable(r, "unreadable authorization request");
    state = kv_get(qp, "state");
    nonce = kv_get(qp, "nonce");
    if (!auth_oidc_token_chars(state, 128, "-_") || !auth_oidc_token_chars(nonce, 128, "-_"))
        return unavailable(r, "authorization request without state or nonce");
    params[0] = state;
    params[1] = nonce;
    params[2] = pv->idp->name;
    params[3] = return_to;
    if (db_exec(r->pool, &r->err,
                "WITH old AS (DELETE FROM login_flows"
                "              WHERE created_at < now() - interval '" OIDC_FLOW_MAX_AGE
                " seconds')"
                "INSERT INTO login_flows (state, nonce, idp, return_to)"
                "VALUES ($1, $2, $3, $4)",
                4, params) == NULL)
        return r->err.code;
    relay_state_cookies(r, resp);
    req_header(r, "Cache-Control", "no-store");
    req_redirect(r, 302, pool_strdup(r->pool, loc));
    return EN_OK;
}

/* --- the callback ------------------------------------------------------ */

static int
refuse(req_t *r, int status, const char *key, const char *idp, const char *why)
{
    log_event(LOG_WARN, "login refused", "reason", why, "idp", idp ? idp : "",
              "request_id", r->request_id ? r->request_id : "", NULL);
    en_set(&r->err, status == 400 ? EN_BADINPUT : EN_UNAUTH, key, "%s", why);
    r->err.http_status = status;
    return r->err.code;
}

static const char *
jstr(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);

    return json_is_string(v) ? json_string_value(v) : NULL;
}

static const char *
check_id_token(json_t *ic, json_t *uc, const oidc_provider_t *pv, const char *nonce)
{
    json_t     *aud = json_object_get(ic, "aud"), *exp = json_object_get(ic, "exp");
    json_t     *iat = json_object_get(ic, "iat");
    const char *auds[16];
    size_t      naud = 0, k;
    time_t      now = time(NULL);
    const char *sub = jstr(ic, "sub");

    if (jstr(ic, "iss") == NULL || strcmp(jstr(ic, "iss"), pv->issuer) != 0)
        return "issuer";
    if (json_is_string(aud))
        auds[naud++] = json_string_value(aud);
    else if (json_is_array(aud))
        for (k = 0; k < json_array_size(aud) && naud < 16; k++)
            auds[naud++] = json_string_value(json_array_get(aud, k));
    if (!auth_oidc_aud_ok(auds, naud, jstr(ic, "azp"), pv->idp->client_id))
        return "audience";
    if (!session_ct_equal(jstr(ic, "nonce"), nonce))
        return "nonce";
    if (!json_is_integer(exp) || (time_t) json_integer_value(exp) <= now)
        return "expiry";
    if (json_is_integer(iat) && (time_t) json_integer_value(iat) > now + OIDC_CLOCK_SKEW)
        return "issued in the future";
    if (sub == NULL || *sub == '\0' || strlen(sub) > 255)
        return "subject";
    /* OpenID Connect Core §5.3.2: userinfo must be about the same subject */
    if (uc != NULL && json_is_object(uc) && json_object_size(uc) > 0
        && (jstr(uc, "sub") == NULL || strcmp(jstr(uc, "sub"), sub) != 0))
        return "userinfo subject";
    return NULL;
}

/* A claim from userinfo, else from the ID token. */
static const char *
claim(json_t *ic, json_t *uc, const char *key)
{
    const char *v = uc != NULL ? jstr(uc, key) : NULL;

    return v != NULL ? v : jstr(ic, key);
}

static int
open_person(req_t *r, const oidc_provider_t *pv, json_t *ic, json_t *uc,
            const char **person_id, assurance_t *assurance)
{
    pool_t     *p = r->pool;
    const char *given = auth_oidc_clean_text(p, claim(ic, uc, "given_name"), 200);
    const char *family = auth_oidc_clean_text(p, claim(ic, uc, "family_name"), 200);
    const char *name = auth_oidc_clean_text(p, claim(ic, uc, "name"), 300);
    const char *email = auth_oidc_clean_text(p, claim(ic, uc, "email"), 320);
    const char *acr = jstr(ic, "acr");
    const char *params[8];
    json_t     *kept, *amr = json_object_get(ic, "amr");
    char       *dump;
    PGresult   *res;

    if (email != NULL && (strchr(email, '@') == NULL || strchr(email, ' ') != NULL))
        email = NULL;
    if (name == NULL && (given != NULL || family != NULL))
        name = auth_oidc_clean_text(p, pool_printf(p, "%s %s", given ? given : "",
                                                   family ? family : ""), 300);
    if (name == NULL)
        name = email != NULL ? email : auth_oidc_clean_text(p, jstr(ic, "sub"), 300);
    if (name == NULL)
        name = "?";
    kept = pool_json(p, json_object());
    json_object_set_new(kept, "sub", json_string(jstr(ic, "sub")));
    json_object_set_new(kept, "iss", json_string(pv->issuer));
    if (name != NULL)
        json_object_set_new(kept, "name", json_string(name));
    if (given != NULL)
        json_object_set_new(kept, "given_name", json_string(given));
    if (family != NULL)
        json_object_set_new(kept, "family_name", json_string(family));
    if (email != NULL)
        json_object_set_new(kept, "email", json_string(email));
    if (acr != NULL)
        json_object_set_new(kept, "acr", json_string(acr));
    if (json_is_array(amr))
        json_object_set(kept, "amr", amr);
    dump = pool_json_dumps(p, kept, JSON_COMPACT);
    if (dump == NULL)
        return en_set(&r->err, EN_INTERNAL, "err.internal", "claims not serialisable");
    params[0] = pv->issuer;
    params[1] = jstr(ic, "sub");
    params[2] = pv->idp->name;
    params[3] = dump;
    params[4] = name;
    params[5] = given;
    params[6] = family;
    params[7] = email;
    res = db_exec(p, &r->err,
                  "SELECT person_id, assurance"
                  "  FROM identity_login($1, $2, $3, $4::jsonb, $5, $6, $7, $8)",
                  8, params);
    if (res == NULL)
        return r->err.code;
    if (PQntuples(res) != 1)
        return en_set(&r->err, EN_INTERNAL, "err.internal", "identity_login gave no person");
    *person_id = pool_strdup(p, db_val(res, 0, 0));
    *assurance = pv->idp->acr_strong != NULL && acr != NULL && !strcmp(acr, pv->idp->acr_strong)
                     ? ASSURANCE_STRONG : ASSURANCE_EMAIL;
    return EN_OK;
}

int
auth_oidc_callback(req_t *r)
{
    const char             *state = kv_get(r->query_params, "state");
    const char             *code = kv_get(r->query_params, "code");
    const char             *error = kv_get(r->query_params, "error");
    const char             *iss = kv_get(r->query_params, "iss");
    const char             *params[1], *nonce, *idp_name, *return_to, *cookie_name;
    const char             *cookie, *tmp, *why, *person_id = NULL;
    oidc_provider_t        *pv;
    oauth2_http_request_t  *q;
    oauth2_http_response_t *resp = NULL;
    json_t                 *claims = NULL, *sess = NULL, *ic, *uc;
    assurance_t             assurance = ASSURANCE_EMAIL;
    PGresult               *res;
    int                     i;
    bool                    ok;

    req_header(r, "Cache-Control", "no-store");
    if (olog == NULL)
        return unavailable(r, "login disabled");
    if (!auth_oidc_token_chars(state, 128, "-_"))
        return refuse(r, 400, "auth.err.state", NULL, "missing or malformed state");

    /* the flow is used once, whatever follows */
    params[0] = state;
    res = db_exec(r->pool, &r->err,
                  "DELETE FROM login_flows WHERE state = $1"
                  " RETURNING nonce, idp, return_to,"
                  "   created_at > now() - interval '" OIDC_FLOW_MAX_AGE " seconds'",
                  1, params);
    if (res == NULL)
        return r->err.code;
    cookie_name = pool_printf(r->pool, "%s%s", state_prefix(r->cfg), state);
    req_header(r, "Set-Cookie",
               pool_printf(r->pool, "%s=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax%s",
                           cookie_name, r->cfg->dev ? "" : "; Secure"));
    if (PQntuples(res) != 1)
        return refuse(r, 400, "auth.err.state", NULL, "unknown or used state");
    nonce = pool_strdup(r->pool, db_val(res, 0, 0));
    idp_name = pool_strdup(r->pool, db_val(res, 0, 1));
    return_to = pool_strdup(r->pool, db_val(res, 0, 2));
    if (strcmp(db_val(res, 0, 3), "t") != 0)
        return refuse(r, 400, "auth.err.state", idp_name, "login took too long");
    if ((i = auth_oidc_find(r->cfg, idp_name)) < 0 || !provider_ready(&provs[i]))
        return unavailable(r, "provider of this login is gone");
    pv = &provs[i];

    if (error != NULL) {
        if (!auth_oidc_token_chars(error, 64, "_"))
            error = "invalid";
        if (!strcmp(error, "access_denied"))
            return refuse(r, 401, "auth.err.denied", idp_name, "the person cancelled");
        refuse(r, 401, "auth.err.provider", idp_name, pool_printf(r->pool, "provider says %s", error));
        snprintf(r->err.msg, sizeof(r->err.msg), "%s", error);
        return r->err.code;
    }
    /* RFC 9207: a provider that names itself must be the one we asked */
    if (iss != NULL && strcmp(iss, pv->issuer) != 0)
        return refuse(r, 401, "auth.err.token", idp_name, "callback from another issuer");
    if (!auth_oidc_token_chars(code, 1024, "-_.~"))
        return refuse(r, 400, "auth.err.state", idp_name, "missing or malformed code");
    /* the state cookie binds the login to this browser (no login CSRF) */
    cookie = req_cookie(r, cookie_name);
    if (cookie == NULL || !auth_oidc_token_chars(cookie, 16384, "-_."))
        return refuse(r, 400, "auth.err.state", idp_name, "no state cookie in this browser");

    q = oidc_request(r, "/auth/callback",
                     pool_printf(r->pool, "code=%s&state=%s", code, state),
                     pool_printf(r->pool, "%s=%s", cookie_name, cookie));
    ok = oauth2_openidc_handle(olog, pv->oc, q, &resp, &claims);
    pool_on_free(r->pool, free_response, resp);
    pool_json(r->pool, claims);
    if (!ok || resp == NULL || oauth2_http_response_status_code_get(olog, resp) != 302
        || (tmp = tmp_cookie(r, resp)) == NULL)
        return refuse(r, 401, "auth.err.token", idp_name,
                      "code exchange or ID token refused by liboauth2");
    if (!oauth2_jose_jwt_decrypt(olog, oauth2_crypto_passphrase_get(olog), tmp, &sess)
        || sess == NULL)
        return refuse(r, 401, "auth.err.token", idp_name, "liboauth2 session unreadable");
    pool_json(r->pool, sess);
    ic = json_object_get(sess, "ic");
    uc = json_object_get(sess, "uc");
    if (!json_is_object(ic))
        return refuse(r, 401, "auth.err.token", idp_name, "no ID token claims");
    if ((why = check_id_token(ic, uc, pv, nonce)) != NULL)
        return refuse(r, 401, "auth.err.token", idp_name,
                      pool_printf(r->pool, "ID token: wrong %s", why));

    if (open_person(r, pv, ic, uc, &person_id, &assurance) != EN_OK)
        return r->err.code;
    if (session_open_idp(r, person_id, assurance, pv->idp->name) != EN_OK)
        return r->err.code;
    log_event(LOG_INFO, "login", "idp", pv->idp->name, "person", person_id,
              "assurance", assurance_name(assurance),
              "request_id", r->request_id ? r->request_id : "", NULL);
    /* someone who may act for an entity first says for whom (h_context.c) */
    if (r->session->nspaces > 0)
        return_to = pool_printf(r->pool, "/context?return_to=%s",
                                auth_url_encode(r->pool, return_to));
    req_redirect(r, 303, return_to);
    return EN_OK;
}

/* --- logout ------------------------------------------------------------ */

const char *
auth_oidc_logout_url(req_t *r, const char *idp, const char *post_logout_redirect_uri)
{
    int i = auth_oidc_find(r->cfg, idp);

    if (i < 0 || !provider_ready(&provs[i]) || provs[i].end_session_endpoint == NULL)
        return NULL;
    return pool_printf(r->pool, "%s%cclient_id=%s&post_logout_redirect_uri=%s",
                       provs[i].end_session_endpoint,
                       strchr(provs[i].end_session_endpoint, '?') ? '&' : '?',
                       auth_url_encode(r->pool, provs[i].idp->client_id),
                       auth_url_encode(r->pool, post_logout_redirect_uri));
}
