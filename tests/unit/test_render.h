/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_render.h -- the renderer over the repository's stylesheets, set up
 * once for a cmocka group (test_xslt.c, test_html_out.c): a configuration
 * with the stylesheet folder and a base URL, render_init as a worker does.
 */
#ifndef GUICHET_TEST_RENDER_H
#define GUICHET_TEST_RENDER_H

#include "cfg.h"
#include "render.h"

static cfg_t test_render_cfg;

static int
test_render_setup(void **state)
{
    en_err_t err;

    (void) state;
    memset(&test_render_cfg, 0, sizeof(test_render_cfg));
    test_render_cfg.xslt_dir = TEST_ROOT "/xslt";
    test_render_cfg.base_url = "https://guichet.example.ch";
    en_clear(&err);
    return render_init(&test_render_cfg, &err) == EN_OK ? 0 : -1;
}

#endif
