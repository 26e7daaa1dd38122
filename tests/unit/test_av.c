/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_av.c -- the clamd client (engine/av.c): its reading of clamd's
 * replies, its settings, and whole scans against a real clamd (Debian's
 * clamav-daemon, started here on a socket in a fresh folder with the
 * project's test signature, tests/fixtures/clamav/eicar.ndb, and a small
 * StreamMaxLength so that its size limit can be reached).
 *
 * The failures a clamd never shows on demand are made with real sockets:
 * a path with nobody behind it, a socket bound but not listening, one
 * listening but never answering (the timeout).
 */
#include "test_util.h"
#include "av.h"
#include "cfg.h"
#include "pool.h"

#include <errno.h>
#include <libxml/parser.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define EICAR "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"

/* --- replies ---------------------------------------------------------------- */

typedef struct {
    const char  *reply;      /* bytes, with their NULs */
    size_t       len;
    av_verdict_t want;
    const char  *what;
} reply_case_t;

#define R(s) s, sizeof(s) - 1   /* a literal's bytes, its own NULs included */

static const reply_case_t replies[] = {
    { R("stream: OK\0"), AV_CLEAN, "" },
    { R("stream: Eicar-Test-Signature.UNOFFICIAL FOUND\0"), AV_INFECTED,
      "Eicar-Test-Signature.UNOFFICIAL" },
    /* ExtendedDetectionInfo adds the hash and size */
    { R("stream: Win.Test.EICAR_HDB-1(44d88612fea8a8f36de82e1278abb02f:68) FOUND\0"),
      AV_INFECTED, "Win.Test.EICAR_HDB-1(44d88612fea8a8f36de82e1278abb02f:68)" },
    { R("INSTREAM size limit exceeded. ERROR\0"), AV_TOO_LARGE,
      "INSTREAM size limit exceeded." },
    { R("stream: Can't allocate memory ERROR\0"), AV_ERROR, "Can't allocate memory" },
    { R("COMMAND READ TIMED OUT ERROR\0"), AV_ERROR, "COMMAND READ TIMED OUT" },
    /* cut short: no NUL, or half a word */
    { R("stream: OK"), AV_BAD_REPLY, "stream: OK" },
    { R("stream: Eicar-Test-Sig"), AV_BAD_REPLY, "stream: Eicar-Test-Sig" },
    { R("stream: O\0"), AV_BAD_REPLY, "stream: O" },
    { R("\0"), AV_BAD_REPLY, "" },
    { "", 0, AV_BAD_REPLY, "" },
    /* not one z-reply */
    { R("stream: OK\0stream: OK\0"), AV_BAD_REPLY, "stream: OK" },
    { R("stream: OK\n"), AV_BAD_REPLY, "stream: OK?" },
    { R("stream:  FOUND\0"), AV_BAD_REPLY, "stream:  FOUND" },
    { R("stream: FOUND\0"), AV_BAD_REPLY, "stream: FOUND" },
    { R("PONG\0"), AV_BAD_REPLY, "PONG" },
    { R("HTTP/1.1 400 Bad Request\r\n\r\n"), AV_BAD_REPLY, "HTTP/1.1 400 Bad Request????" },
    { R("stream: \x1b[31mX FOUND\0"), AV_INFECTED, "?[31mX" },
};

static void
test_replies(void **state)
{
    size_t i;

    (void) state;
    for (i = 0; i < sizeof(replies) / sizeof(replies[0]); i++) {
        char         what[128];
        av_verdict_t v;

        memset(what, 'x', sizeof(what));
        v = av_parse_reply(replies[i].reply, replies[i].len, what, sizeof(what));
        if (v != replies[i].want || strcmp(what, replies[i].what) != 0)
            fail_msg("replies[%zu]: got %d \"%s\", want %d \"%s\"", i, (int) v, what,
                     (int) replies[i].want, replies[i].what);
    }
}

static void
test_reply_what_is_cut_to_its_room(void **state)
{
    char what[8];

    (void) state;
    assert_int_equal(av_parse_reply(R("stream: Eicar-Test-Signature FOUND\0"), what,
                                    sizeof(what)), AV_INFECTED);
    assert_string_equal(what, "Eicar-T");
    assert_int_equal(av_parse_reply(NULL, 4, what, sizeof(what)), AV_BAD_REPLY);
    assert_string_equal(what, "");
}

/* --- settings ------------------------------------------------------------------- */

static cfg_t
settings(const char *av, const char *sock, int dev, int timeout)
{
    cfg_t c;

    memset(&c, 0, sizeof(c));
    c.path = "guichet.conf";
    c.av = av;
    c.clamd_socket = sock;
    c.dev = dev;
    c.clamd_timeout = timeout;
    return c;
}

static int
scan(en_err_t *err, const void *data, size_t len)
{
    en_clear(err);
    return av_scan(err, "test-file", data, len);
}

/* Runs first: before av_configure, nothing is declared clean. */
static void
test_unconfigured_fails_closed(void **state)
{
    en_err_t err;

    (void) state;
    assert_int_equal(scan(&err, "hello", 5), EN_UNAVAILABLE);
    assert_string_equal(err.key, "av.unavailable");
    assert_non_null(strstr(err.detail, "not configured"));
}

static void
test_settings(void **state)
{
    char     longpath[200];
    cfg_t    c;
    en_err_t err;

    (void) state;
    /* off stores unscanned: development only */
    c = settings("off", "", 0, 30);
    en_clear(&err);
    assert_int_equal(av_configure(&c, &err), EN_BADINPUT);
    assert_string_equal(err.key, "cfg.av");
    assert_non_null(strstr(err.msg, "guichet.conf: av = off"));
    assert_non_null(strstr(err.msg, "dev = yes"));
    assert_int_equal(scan(&err, "hello", 5), EN_UNAVAILABLE);   /* refused: still closed */

    c = settings("none", "/run/clamav/clamd.ctl", 1, 30);
    en_clear(&err);
    assert_int_equal(av_configure(&c, &err), EN_BADINPUT);
    assert_string_equal(err.msg, "guichet.conf: av: expected clamd or off, got \"none\"");

    memset(longpath, 'a', sizeof(longpath) - 1);
    longpath[0] = '/';
    longpath[sizeof(longpath) - 1] = '\0';
    c = settings("clamd", longpath, 0, 30);
    en_clear(&err);
    assert_int_equal(av_configure(&c, &err), EN_BADINPUT);
    assert_string_equal(err.key, "cfg.clamd_socket");

    /* off with dev: accepted, and an upload passes unscanned */
    c = settings("off", "", 1, 30);
    assert_int_equal(av_configure(&c, &err), EN_OK);
    assert_int_equal(scan(&err, EICAR, strlen(EICAR)), EN_OK);

    /* clamd without a socket: every upload refused */
    c = settings("clamd", "", 0, 30);
    assert_int_equal(av_configure(&c, &err), EN_OK);
    assert_int_equal(scan(&err, "hello", 5), EN_UNAVAILABLE);
    assert_string_equal(err.key, "av.unavailable");
    assert_non_null(strstr(err.detail, "no clamd_socket"));

    /* the defaults of cfg.c: clamd, no socket */
    {
        pool_t      *p = pool_new(0);
        char *const  env[] = { NULL };

        assert_int_equal(cfg_load_env(p, NULL, env, &c, &err), EN_OK);
        assert_string_equal(c.av, "clamd");
        assert_string_equal(c.clamd_socket, "");
        assert_int_equal(c.clamd_timeout, 30);
        assert_int_equal(av_configure(&c, &err), EN_OK);
        assert_int_equal(scan(&err, "hello", 5), EN_UNAVAILABLE);
        pool_free(p);
    }
}

/* --- sockets that are not a working clamd -------------------------------------------- */

static char tmpdir[64];

static const char *
tmp_path(const char *name)
{
    static char path[128];

    snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
    return path;
}

static int
unix_socket_at(const char *path, int do_listen)
{
    struct sockaddr_un sa;
    int                fd = socket(AF_UNIX, SOCK_STREAM, 0);

    assert_true(fd >= 0);
    memset(&sa, 0, sizeof(sa));
    sa.sun_family = AF_UNIX;
    assert_true(strlen(path) < sizeof(sa.sun_path));
    memcpy(sa.sun_path, path, strlen(path) + 1);
    unlink(path);
    assert_int_equal(bind(fd, (struct sockaddr *) &sa, sizeof(sa)), 0);
    if (do_listen)
        assert_int_equal(listen(fd, 4), 0);
    return fd;
}

static void
configure_socket(const char *path, int timeout)
{
    cfg_t    c = settings("clamd", path, 0, timeout);
    en_err_t err;

    en_clear(&err);
    assert_int_equal(av_configure(&c, &err), EN_OK);
}

static void
test_nobody_there(void **state)
{
    en_err_t err;
    int      fd;

    (void) state;
    configure_socket(tmp_path("absent.sock"), 5);
    assert_int_equal(scan(&err, "hello", 5), EN_UNAVAILABLE);
    assert_string_equal(err.key, "av.unavailable");
    assert_non_null(strstr(err.detail, "connect: No such file or directory"));

    /* a socket left behind by a clamd that died: connection refused */
    fd = unix_socket_at(tmp_path("dead.sock"), 0);
    configure_socket(tmp_path("dead.sock"), 5);
    assert_int_equal(scan(&err, "hello", 5), EN_UNAVAILABLE);
    assert_non_null(strstr(err.detail, "connect: Connection refused"));
    close(fd);
}

static void
test_silent_listener_times_out(void **state)
{
    en_err_t        err;
    struct timespec a, b;
    double          secs;
    int             fd;

    (void) state;
    fd = unix_socket_at(tmp_path("mute.sock"), 1);
    configure_socket(tmp_path("mute.sock"), 1);
    clock_gettime(CLOCK_MONOTONIC, &a);
    assert_int_equal(scan(&err, "hello", 5), EN_UNAVAILABLE);
    clock_gettime(CLOCK_MONOTONIC, &b);
    secs = (double) (b.tv_sec - a.tv_sec) + (double) (b.tv_nsec - a.tv_nsec) / 1e9;
    assert_non_null(strstr(err.detail, "reply: Connection timed out"));
    assert_true(secs >= 0.9 && secs < 3.0);
    close(fd);
}

/* --- a real clamd ------------------------------------------------------------------------ */

static pid_t clamd_pid = -1;

static void
write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int
clamd_answers(const char *sock)
{
    struct sockaddr_un sa;
    char               buf[16] = { 0 };
    int                fd = socket(AF_UNIX, SOCK_STREAM, 0), ok = 0;

    memset(&sa, 0, sizeof(sa));
    sa.sun_family = AF_UNIX;
    assert_true(strlen(sock) < sizeof(sa.sun_path));
    memcpy(sa.sun_path, sock, strlen(sock) + 1);
    if (connect(fd, (struct sockaddr *) &sa, sizeof(sa)) == 0
        && write(fd, "zPING", 6) == 6 && read(fd, buf, sizeof(buf) - 1) > 0)
        ok = !strcmp(buf, "PONG");
    close(fd);
    return ok;
}

/* clamd with the shipped signature, StreamMaxLength 1M, in tmpdir. */
static int
start_clamd(void **state)
{
    char conf[2048], cmd[512];
    int  i;

    (void) state;
    snprintf(cmd, sizeof(cmd), "mkdir -p %s/db %s/tmp && cp tests/fixtures/clamav/eicar.ndb %s/db/",
             tmpdir, tmpdir, tmpdir);
    if (system(cmd) != 0)
        return -1;
    snprintf(conf, sizeof(conf),
             "Foreground yes\nLocalSocket %s/clamd.sock\nLocalSocketMode 600\n"
             "DatabaseDirectory %s/db\nTemporaryDirectory %s/tmp\n"
             "StreamMaxLength 1M\nMaxThreads 2\nSelfCheck 0\nBytecode no\n",
             tmpdir, tmpdir, tmpdir);
    write_file(tmp_path("clamd.conf"), conf);
    if (access("/usr/sbin/clamd", X_OK) != 0) {
        fprintf(stderr, "test_av: /usr/sbin/clamd missing: run scripts/install-deps.sh\n");
        return -1;
    }
    clamd_pid = fork();
    if (clamd_pid == 0) {
        freopen(tmp_path("clamd.log"), "w", stdout);
        freopen(tmp_path("clamd.log"), "a", stderr);
        execl("/usr/sbin/clamd", "clamd", "-c", tmp_path("clamd.conf"), (char *) NULL);
        _exit(127);
    }
    for (i = 0; i < 300; i++) {
        if (clamd_answers(tmp_path("clamd.sock")))
            return 0;
        usleep(100 * 1000);
    }
    fprintf(stderr, "test_av: clamd did not answer (see %s)\n", tmp_path("clamd.log"));
    return -1;
}

static int
stop_clamd(void **state)
{
    (void) state;
    if (clamd_pid > 0) {
        kill(clamd_pid, SIGTERM);
        waitpid(clamd_pid, NULL, 0);
        clamd_pid = -1;
    }
    return 0;
}

static const char pdf_with_eicar[] =
    "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    "2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    "3 0 obj<</Length 68>>stream\n" EICAR "\nendstream\nendobj\n"
    "trailer<</Root 1 0 R>>\n%%EOF\n";

static void
test_real_clamd(void **state)
{
    static unsigned char big[3 * AV_CHUNK + 17];
    unsigned char       *huge;
    en_err_t             err;

    (void) state;
    configure_socket(tmp_path("clamd.sock"), 30);
    assert_int_equal(scan(&err, "hello", 5), EN_OK);
    assert_int_equal(scan(&err, NULL, 0), EN_OK);
    /* several chunks, the last one short */
    memset(big, 'a', sizeof(big));
    assert_int_equal(scan(&err, big, sizeof(big)), EN_OK);

    assert_int_equal(scan(&err, EICAR, strlen(EICAR)), EN_BADINPUT);
    assert_string_equal(err.key, "av.infected");
    assert_null(strstr(err.msg, "Eicar"));       /* the name is for the log */
    assert_non_null(strstr(err.detail, "Eicar-Test-Signature"));
    assert_int_equal(scan(&err, pdf_with_eicar, sizeof(pdf_with_eicar) - 1), EN_BADINPUT);
    assert_string_equal(err.key, "av.infected");
    /* the signature at a chunk boundary, split across two chunks */
    memcpy(big + AV_CHUNK - 30, EICAR, strlen(EICAR));
    assert_int_equal(scan(&err, big, sizeof(big)), EN_BADINPUT);

    /* past clamd's StreamMaxLength: clamd says so and hangs up; refused */
    huge = calloc(1, 2 * 1024 * 1024);
    assert_non_null(huge);
    assert_int_equal(scan(&err, huge, 2 * 1024 * 1024), EN_UNAVAILABLE);
    assert_string_equal(err.key, "av.unavailable");
    assert_non_null(strstr(err.detail, "size limit exceeded"));
    free(huge);

    /* and clamd keeps answering afterwards */
    assert_int_equal(scan(&err, "hello", 5), EN_OK);
}

/* --- the catalogue ------------------------------------------------------------------------- */

static void
test_catalogue(void **state)
{
    static const char *const keys[] = { "av.infected", "av.unavailable" };
    xmlDocPtr  doc = xmlReadFile(TEST_ROOT "/xslt/i18n/av.xml", NULL, XML_PARSE_NONET);
    xmlNodePtr m, t;
    int        n = 0;

    (void) state;
    assert_non_null(doc);
    for (m = xmlDocGetRootElement(doc)->children; m != NULL; m = m->next) {
        xmlChar *key;
        int      langs = 0;

        if (m->type != XML_ELEMENT_NODE)
            continue;
        key = xmlGetProp(m, (const xmlChar *) "key");
        assert_non_null(key);
        if (strcmp((char *) key, keys[0]) && strcmp((char *) key, keys[1]))
            fail_msg("av.xml: key %s is not av.c's", (char *) key);
        for (t = m->children; t != NULL; t = t->next)
            if (t->type == XML_ELEMENT_NODE && t->children != NULL
                && (!strcmp((char *) t->name, "fr") || !strcmp((char *) t->name, "de")
                    || !strcmp((char *) t->name, "en")))
                langs++;
        if (langs != 3)
            fail_msg("av.xml: %s has %d of fr, de, en", (char *) key, langs);
        xmlFree(key);
        n++;
    }
    assert_int_equal(n, 2);
    xmlFreeDoc(doc);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unconfigured_fails_closed),
        cmocka_unit_test(test_replies),
        cmocka_unit_test(test_reply_what_is_cut_to_its_room),
        cmocka_unit_test(test_settings),
        cmocka_unit_test(test_nobody_there),
        cmocka_unit_test(test_silent_listener_times_out),
        cmocka_unit_test_setup_teardown(test_real_clamd, start_clamd, stop_clamd),
        cmocka_unit_test(test_catalogue),
    };
    int rc;

    snprintf(tmpdir, sizeof(tmpdir), "/tmp/guichet-test-av-XXXXXX");
    if (mkdtemp(tmpdir) == NULL)
        return 1;
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    {
        char cmd[128];

        snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
        if (system(cmd) != 0)
            rc = 1;
    }
    return rc;
}
