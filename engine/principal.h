/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * principal.h -- who acts: a person (acting for themself or for one
 * professional space, at an assurance level, in a language, under a
 * request id), or the system (a timer).  This is what the domain -- authz
 * and every wf_* entry point -- takes instead of an HTTP request, so the
 * web, the command line and the scheduler come through the same door with
 * the same checks: a handler builds one from its session in one line
 * (principal_of, session.h), the CLI from its arguments, the scheduler for
 * each timer.
 *
 * Owns the shape only: what a principal may do is authz's, how a session
 * becomes one is session.c's.  Strings are borrowed, not copied.
 */
#ifndef GUICHET_PRINCIPAL_H
#define GUICHET_PRINCIPAL_H

typedef enum {
    PRINCIPAL_NOBODY = 0,     /* nobody logged in: authz says EN_UNAUTH */
    PRINCIPAL_PERSON,
    PRINCIPAL_SYSTEM          /* timers: only by="system" is open to it */
} principal_kind_t;

typedef struct {
    principal_kind_t kind;
    const char      *person_id;    /* person: persons.id (uuid) */
    const char      *space_id;     /* person: the space acted for, NULL = self */
    int              assurance;    /* person: assurance_t (session.h) */
    const char      *lang;         /* fr/de/en: for mails to the actor */
    const char      *request_id;   /* for the audit trail: request id,
                                      "cli-<pid>", "timer-<id>" */
} principal_t;

/* A person; person_id NULL gives PRINCIPAL_NOBODY.  lang NULL = "fr". */
principal_t principal_person(const char *person_id, const char *space_id,
                             int assurance, const char *lang,
                             const char *request_id);
/* The system; request_id names the cause ("timer-42"). */
principal_t principal_system(const char *request_id);

#endif
