/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * ide_register.h -- reading the IDE register (tables ide_register and
 * ide_signatories of sql/0022_space_open.sql): the entities of the federal
 * IDE/UID register the portal knows, with their legal form and registered
 * postal address.
 *
 * Owns the register's reads from C (the guards ide-registered,
 * no-open-space and entity-kind, engine/wf_fire.c).  Does not own: loading it (the CSV files
 * of data/ref/, scripts/demo_world.py), copying its facts into a demand
 * (the effect ide-lookup, fx_ide_lookup in SQL), nor the entities that
 * have a space (space.c).
 */
#ifndef GUICHET_IDE_REGISTER_H
#define GUICHET_IDE_REGISTER_H

#include "en_err.h"
#include "pool.h"

/* 1 when s has the canonical form CHE-123.456.789 (the check digit is
 * field_ids.c's business). */
int ide_register_canonical(const char *s);

/* The legal form (association, foundation, sa, sarl, ...) the register
 * gives for ide, in *legal_form (in p), or NULL when ide is not in the
 * register.  EN_OK, or the database's error. */
int ide_register_legal_form(pool_t *p, en_err_t *err, const char *ide,
                            const char **legal_form);

/* *open = 1 when the entity of ide has a professional space that is active,
 * or pending while the demand that opened it (another than demand_id) is
 * still under way; a pending space left by an opening that ended is not
 * (the next opening closes it: fx_create_space). */
int ide_register_space_open(pool_t *p, en_err_t *err, const char *ide, const char *demand_id,
                            int *open);

#endif
