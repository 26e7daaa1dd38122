/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * demand_view.h -- what the demand pages (h_demand.c, h_agent.c) share:
 * turning a workflow definition and a demand's stored data into the XML
 * of a page (fields with their values and messages, stored values shown
 * the Swiss way through field_display, texts in the reader's language),
 * the conditions that hide a field or a page (matched by wf_cond.c), and a batched form of the authorization
 * question for pages that must know, for several objects at once, what
 * the reader may do (which buttons to show).
 *
 * Nothing here decides an access on its own: pages choose what to SHOW
 * with authz_check_many (authz.c: the same SQL function authz_check asks,
 * for several objects in one round trip); every action is still checked
 * by authz_check (directly or inside wf_fire / wf_save).
 */
#ifndef GUICHET_DEMAND_VIEW_H
#define GUICHET_DEMAND_VIEW_H

#include <jansson.h>
#include <libxml/tree.h>

#include "authz.h"
#include "req.h"
#include "wf_def.h"
#include "wf_demand.h"
#include "wf_fire.h"

/* The text of t in the request's language (French, else the first), or
 * "" when t is empty.  Never NULL. */
const char *dv_text(req_t *r, const wf_i18n_t *t);

/* (Statements answering one JSON document: db_query_json, engine/db.h,
 * from the module that owns the tables.) */

/* String member k of o, or dflt. */
const char *dv_jstr(json_t *o, const char *k, const char *dflt);
long long   dv_jint(json_t *o, const char *k);

/* --- values ----------------------------------------------------------- */

/* What a user typed (posted) for field f in this request, or NULL when the
 * field was not sent.  A multiple choice joins its values with '\n'. */
const char *dv_posted(req_t *r, const kv_t *form, const wf_field_t *f);

/* A stored (normalised) value as it goes back into an input: money in
 * cents "150050" -> "1500.50", an ISO date -> "31.12.2026"; others as
 * stored (field_display FIELD_SHOW_INPUT).  Lives in p. */
const char *dv_input_value(pool_t *p, const wf_field_t *f, const char *stored);

/* A stored value as a reader sees it: an option's label, "Oui"/"Non";
 * else field_display FIELD_SHOW_TEXT ("1'500.50 CHF", "31.12.2026", an
 * IBAN in groups of four).  Lives in p. */
const char *dv_display_value(req_t *r, const wf_field_t *f, const char *stored);

/* The document stored for a file field: its JSON {document, filename,
 * mime, size}; 0 when there is none. */
int dv_stored_document(const wf_demand_t *d, const char *name, const char **doc_id,
                       const char **filename, long long *size);

/* Whether condition c holds, judged on what was posted (normalised the way
 * the engine does) else on what is stored.  An absent condition holds. */
int dv_cond_holds(req_t *r, const wf_cond_t *c, const wf_demand_t *d, const kv_t *posted);

/* Whether a page is shown (its shown-when holds on the stored data). */
int dv_page_shown(req_t *r, const wf_page_t *pg, const wf_demand_t *d);

/* The pages the owner edits in state s (its pages=, else its whole form),
 * those shown only; *n gets their count.  NULL/0 when s has no form.
 * Lives in r->pool. */
wf_page_t **dv_edit_pages(req_t *r, const wf_state_t *s, const wf_demand_t *d, size_t *n);

/* The page of the form that holds field `name`, or NULL. */
const wf_page_t *dv_field_page(const wf_form_t *form, const char *name);

/* The first error about field `name` in errs[0..n), or NULL. */
const wf_field_error_t *dv_error_for(const wf_field_error_t *errs, int n, const char *name);

/* The argument of err's message as the page writes it: for a rule across
 * fields (wf.rule.*), the label of the field it names (in form); else
 * the argument as it is. */
const char *dv_error_arg(req_t *r, const wf_form_t *form, const wf_field_error_t *err);

/* --- page XML ---------------------------------------------------------- */

/* <field> for one input of a form: name, id (id_prefix + name), type,
 * input kind, label, help, required, value (what to put back in the
 * input), its message when refused, <option>s, the stored <document> of a
 * file field, and the condition that shows it when it is on the same page.
 * value NULL: nothing to show. */
xmlNodePtr dv_field(req_t *r, xmlNodePtr parent, const wf_field_t *f, const char *id_prefix,
                    const char *value, const wf_field_error_t *err, const wf_demand_t *d);

/* <errors count="n"><error field= href= label= key= arg=/>...</errors>,
 * one per distinct field, in the order given; href_of(field) gives each
 * link (may return NULL: "#" + id_prefix + field). */
typedef const char *(*dv_href_fn)(req_t *r, const char *field, void *arg);
xmlNodePtr dv_errors(req_t *r, xmlNodePtr parent, const wf_field_error_t *errs, int n,
                     const char *(*label_of)(req_t *r, const char *field, void *arg),
                     dv_href_fn href_of, void *arg);

/* <demand> with what every list shows of a demand row (a JSON object with
 * id, reference, workflow, version, state, bucket, progress, updated,
 * updated_iso ...): the procedure's title and the state's label from its
 * definition (the ids when the definition does not load). */
xmlNodePtr dv_demand_summary(req_t *r, xmlNodePtr parent, json_t *row);

/* Adds the state's label, description, bucket, progress of d to node. */
void dv_state_attrs(req_t *r, xmlNodePtr node, const wf_def_t *def, const char *state_id);

/* <data><form><page edit-href><item label value|document/>...: the
 * stored answers of pages[0..np) of form, each page with its "Modifier"
 * link (the review before submitting; demand.xsl's data template). */
/* <item name id label type [value|document size-kb]/> under page: one
 * stored answer as read (the demand page, the review, the printable copy);
 * NULL (nothing added) when the field's shown-when does not hold. */
xmlNodePtr dv_data_item(req_t *r, xmlNodePtr page, const wf_field_t *f, const wf_demand_t *d);

xmlNodePtr dv_form_data(req_t *r, xmlNodePtr parent, const wf_form_t *form,
                        wf_page_t *const *pages, size_t np, const wf_demand_t *d);
/* The words of the dashboard and the catalogue for wf_may_start's
 * refusal reason: a catalogue key. */
const char *dv_start_reason_key(const char *reason);

#endif
