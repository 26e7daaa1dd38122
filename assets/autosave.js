/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * autosave.js - with JavaScript, the form page of a draft saves while the
 * person types: a debounced POST of the same form (its CSRF token, nav=save,
 * without the file inputs) to the same save route, and a polite status
 * "Brouillon enregistré à HH:MM" in the page's live region.  Without
 * JavaScript nothing changes: each button already saves.  Loaded from
 * /assets (the CSP allows no inline script); the texts come from the
 * form's data-autosave-* attributes (xslt/pages/demand_page.xsl).
 */
(function () {
    'use strict';
    var DELAY = 1500;

    function pad(n) { return (n < 10 ? '0' : '') + n; }

    function setup(form) {
        var status = document.getElementById('autosave-status');
        var timer = null, busy = false, again = false;

        if (!status || !window.fetch || !window.URLSearchParams)
            return;

        function body() {
            var params = new URLSearchParams(), i, el;
            for (i = 0; i < form.elements.length; i++) {
                el = form.elements[i];
                if (!el.name || el.disabled || el.type === 'file' || el.type === 'submit'
                    || el.type === 'button')
                    continue;
                if ((el.type === 'checkbox' || el.type === 'radio') && !el.checked)
                    continue;
                if (el.tagName === 'SELECT' && el.multiple) {
                    for (var k = 0; k < el.options.length; k++)
                        if (el.options[k].selected)
                            params.append(el.name, el.options[k].value);
                    continue;
                }
                params.append(el.name, el.value);
            }
            params.set('nav', 'save');
            return params;
        }

        function save() {
            timer = null;
            if (busy) { again = true; return; }
            busy = true;
            fetch(form.action, {
                method: 'POST', body: body(), credentials: 'same-origin', redirect: 'manual',
                headers: { 'Content-Type': 'application/x-www-form-urlencoded' }
            }).then(function (res) {
                var now = new Date(), ok = res.type === 'opaqueredirect' || res.ok;
                status.textContent = ok
                    ? form.getAttribute('data-autosave-saved')
                          .replace('{arg}', pad(now.getHours()) + ':' + pad(now.getMinutes()))
                    : form.getAttribute('data-autosave-partial');
            }).catch(function () {
                status.textContent = form.getAttribute('data-autosave-failed');
            }).then(function () {
                busy = false;
                if (again) { again = false; schedule(); }
            });
        }

        function schedule() {
            if (timer !== null)
                clearTimeout(timer);
            timer = setTimeout(save, DELAY);
        }

        form.addEventListener('input', function (e) {
            if (e.target && e.target.type !== 'file')
                schedule();
        });
        form.addEventListener('change', function (e) {
            if (e.target && e.target.type !== 'file')
                schedule();
        });
        form.addEventListener('submit', function () {
            if (timer !== null) { clearTimeout(timer); timer = null; }
        });
    }

    var forms = document.querySelectorAll('form[data-autosave-saved]');
    for (var i = 0; i < forms.length; i++)
        setup(forms[i]);
}());
