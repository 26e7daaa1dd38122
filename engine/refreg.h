/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * refreg.h -- the reference registers a procedure looks things up in
 * (<lookup register="communes" ...>, docs/workflow-language.md "Lookups"):
 * the Vaud communes by OFS number, the person register by AVS13 and birth
 * date, the applications of the communes portal by code.
 *
 * Owns the closed list of registers (their keys and columns, which the
 * checker reads without a database) and the SQL that reads the tables
 * ref_communes, ref_persons and ref_applications (sql/0027_registers.sql).
 * Does not own what is loaded into them (scripts/load_registers.py reads
 * the CSV files of data/ref), nor when a lookup runs or where its answer goes
 * (wf_group.c, wf_input.c).
 */
#ifndef GUICHET_REFREG_H
#define GUICHET_REFREG_H

#include <jansson.h>
#include <stddef.h>

#include "en_err.h"
#include "pool.h"

#define REFREG_MAX_KEYS    2
#define REFREG_MAX_COLUMNS 4

typedef struct {
    const char *name;                          /* "communes" */
    size_t      n_keys;
    int         key_types[REFREG_MAX_KEYS];    /* field_type_t of each key */
    const char *key_names[REFREG_MAX_KEYS];    /* "OFS number", for messages */
    const char *columns[REFREG_MAX_COLUMNS + 1]; /* NULL-terminated; the first
                                                  is what fill= takes by default */
} refreg_t;

/* The register called name, or NULL. */
const refreg_t *refreg_find(const char *name);
/* i-th register's name; NULL past the end. */
const char *refreg_name(size_t i);
/* Whether column is one of reg's. */
int refreg_has_column(const refreg_t *reg, const char *column);

/* Looks keys[0..reg->n_keys) (normalised values: "5586";
 * "756.1234.5678.97", "1980-04-02") up in reg.  EN_OK with *row an object
 * column -> text (lives in p), or *row NULL when there is no such entry;
 * else the database's error. */
int refreg_lookup(pool_t *p, en_err_t *err, const refreg_t *reg, const char *const *keys,
                  json_t **row);

#endif
