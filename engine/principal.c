/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * principal.c -- making principals (see principal.h).  Owns nothing else:
 * no rule, no session, no request.
 */
#include "principal.h"

#include <string.h>

principal_t
principal_person(const char *person_id, const char *space_id, int assurance,
                 const char *lang, const char *request_id)
{
    principal_t w;

    memset(&w, 0, sizeof(w));
    w.kind = person_id != NULL ? PRINCIPAL_PERSON : PRINCIPAL_NOBODY;
    w.person_id = person_id;
    w.space_id = person_id != NULL ? space_id : NULL;
    w.assurance = person_id != NULL ? assurance : 0;
    w.lang = lang != NULL ? lang : "fr";
    w.request_id = request_id;
    return w;
}

principal_t
principal_system(const char *request_id)
{
    principal_t w;

    memset(&w, 0, sizeof(w));
    w.kind = PRINCIPAL_SYSTEM;
    w.lang = "fr";
    w.request_id = request_id;
    return w;
}
