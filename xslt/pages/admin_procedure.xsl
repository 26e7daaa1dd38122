<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: AGPL-3.0-or-later -->
<!-- admin_procedure.xsl - one procedure for its administrators: versions
     and demands per state, the state diagram (inline SVG drawn by the
     engine from the definition, in a region that scrolls on its own), the
     check of its file with "Publier", and the migration of running demands
     of older versions.  Input (engine/h_admin.c): /page/procedure (as in
     admin_procedures.xsl) with migrations/migrate[@from, @to, @checked]
     (error, options/option[@id, @label, @final], state[@from, @label, @n,
     @to, @error]); /page/diagram (svg or @failed); /page/file[@path, @ok,
     @changed]/msg; /page/published[@refused, @version, @new]/msg;
     /page/results[@from, @to]/demand[@reference, @id, @from, @to, @status]. -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:g="urn:guichet:xslt"
    extension-element-prefixes="g"
    exclude-result-prefixes="g">
  <xsl:import href="../layout.xsl"/>
  <xsl:import href="parts/admin_versions.xsl"/>

  <xsl:template match="page" mode="title">
    <xsl:value-of select="procedure/@title"/>
  </xsl:template>

  <xsl:template match="page" mode="content">
    <p><a href="/admin/procedures"><xsl:value-of select="g:msg('admin.procs.title')"/></a></p>
    <h1><xsl:value-of select="procedure/@title"/></h1>
    <p>
      <xsl:value-of select="g:msg('admin.proc.key')"/>
      <xsl:value-of select="g:msg('punct.colon')"/>
      <code><xsl:value-of select="procedure/@key"/></code>
      <xsl:text> – </xsl:text>
      <xsl:value-of select="g:msg('admin.proc.current')"/>
      <xsl:value-of select="g:msg('punct.colon')"/>
      <span id="current-version"><xsl:value-of select="procedure/@current"/></span>
    </p>
    <xsl:apply-templates select="published"/>
    <xsl:apply-templates select="results"/>

    <section aria-labelledby="versions-title">
      <h2 id="versions-title"><xsl:value-of select="g:msg('admin.proc.versions')"/></h2>
      <xsl:for-each select="procedure"><xsl:call-template name="admin-versions"/></xsl:for-each>
    </section>

    <section aria-labelledby="diagram-h">
      <h2 id="diagram-h"><xsl:value-of select="g:msg('admin.proc.diagram')"/></h2>
      <xsl:choose>
        <xsl:when test="diagram/@failed or not(diagram/*)">
          <p class="error"><xsl:value-of select="g:msg('admin.proc.diagram_failed')"/></p>
        </xsl:when>
        <xsl:otherwise>
          <div class="diagram" role="region" tabindex="0" aria-labelledby="diagram-h">
            <xsl:copy-of select="diagram/*"/>
          </div>
        </xsl:otherwise>
      </xsl:choose>
    </section>

    <section aria-labelledby="file-h">
      <h2 id="file-h"><xsl:value-of select="g:msg('admin.proc.file')"/></h2>
      <p><code class="path"><xsl:value-of select="file/@path"/></code></p>
      <xsl:choose>
        <xsl:when test="file/@ok = 'yes'">
          <p class="ok"><xsl:value-of select="g:msg('admin.proc.file_ok')"/></p>
        </xsl:when>
        <xsl:otherwise>
          <p class="error"><xsl:value-of select="g:msg('admin.proc.file_bad')"/></p>
        </xsl:otherwise>
      </xsl:choose>
      <xsl:if test="file/msg">
        <ul class="diagnostics">
          <xsl:for-each select="file/msg"><li><code><xsl:value-of select="."/></code></li></xsl:for-each>
        </ul>
      </xsl:if>
      <p>
        <xsl:choose>
          <xsl:when test="file/@changed = 'yes'"><xsl:value-of select="g:msg('admin.proc.file_changed')"/></xsl:when>
          <xsl:when test="file/@sha256"><xsl:value-of select="g:msg('admin.proc.file_same')"/></xsl:when>
        </xsl:choose>
      </p>
      <form method="post" action="/admin/procedures/{procedure/@key}/publish">
        <xsl:call-template name="csrf"/>
        <p class="hint" id="publish-hint"><xsl:value-of select="g:msg('admin.proc.publish_hint')"/></p>
        <p><button type="submit" aria-describedby="publish-hint"><xsl:value-of select="g:msg('admin.proc.publish')"/></button></p>
      </form>
    </section>

    <xsl:choose>
      <xsl:when test="procedure/migrations/migrate">
        <xsl:apply-templates select="procedure/migrations/migrate"/>
      </xsl:when>
      <xsl:otherwise>
        <p><xsl:value-of select="g:msg('admin.proc.no_migration')"/></p>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="published">
    <div class="notice" role="status" id="publish-result">
      <xsl:choose>
        <xsl:when test="@refused = 'yes'">
          <p class="error"><xsl:value-of select="g:msg('admin.proc.publish_refused')"/></p>
        </xsl:when>
        <xsl:when test="@new = 'yes'">
          <p><xsl:value-of select="g:msg('admin.proc.published_new', @version)"/></p>
        </xsl:when>
        <xsl:otherwise>
          <p><xsl:value-of select="g:msg('admin.proc.published_same', @version)"/></p>
        </xsl:otherwise>
      </xsl:choose>
      <xsl:if test="msg">
        <ul class="diagnostics">
          <xsl:for-each select="msg"><li><code><xsl:value-of select="."/></code></li></xsl:for-each>
        </ul>
      </xsl:if>
    </div>
  </xsl:template>

  <xsl:template match="results">
    <section aria-labelledby="results-h" id="migration-result">
      <h2 id="results-h"><xsl:value-of select="g:msg('admin.proc.results', @from)"/></h2>
      <div class="table-scroll" role="region" tabindex="0" aria-labelledby="results-h">
        <table class="results">
          <thead>
            <tr>
              <th scope="col"><xsl:value-of select="g:msg('admin.proc.reference')"/></th>
              <th scope="col"><xsl:value-of select="g:msg('admin.proc.from_state')"/></th>
              <th scope="col"><xsl:value-of select="g:msg('admin.proc.to_state')"/></th>
              <th scope="col"><xsl:value-of select="g:msg('admin.proc.status')"/></th>
            </tr>
          </thead>
          <tbody>
            <xsl:for-each select="demand">
              <tr data-status="{@status}">
                <th scope="row"><a href="/demands/{@id}"><xsl:value-of select="@reference"/></a></th>
                <td><code><xsl:value-of select="@from"/></code></td>
                <td><code><xsl:value-of select="@to"/></code></td>
                <td><xsl:value-of select="g:msg(concat('admin.proc.status.', @status))"/></td>
              </tr>
            </xsl:for-each>
          </tbody>
        </table>
      </div>
    </section>
  </xsl:template>

  <xsl:template match="migrate">
    <xsl:variable name="m" select="."/>
    <section aria-labelledby="migrate-{@from}-h" class="migrate">
      <h2 id="migrate-{@from}-h">
        <xsl:value-of select="g:msg('admin.proc.migrate', @from)"/>
        <xsl:text> </xsl:text>
        <xsl:value-of select="g:msg('admin.proc.migrate_to', @to)"/>
      </h2>
      <p class="hint"><xsl:value-of select="g:msg('admin.proc.migrate_hint')"/></p>
      <xsl:choose>
        <xsl:when test="@checked = 'ok'">
          <p class="ok" role="status"><xsl:value-of select="g:msg('admin.proc.plan_ok')"/></p>
        </xsl:when>
        <xsl:when test="@checked = 'refused'">
          <div class="error" role="alert">
            <p><xsl:value-of select="g:msg('admin.proc.plan_refused')"/></p>
            <xsl:for-each select="error"><p><xsl:value-of select="."/></p></xsl:for-each>
          </div>
        </xsl:when>
      </xsl:choose>
      <form method="post" action="/admin/procedures/{../../@key}/migrate">
        <xsl:call-template name="csrf"/>
        <input type="hidden" name="from" value="{@from}"/>
        <input type="hidden" name="to" value="{@to}"/>
        <xsl:for-each select="state">
          <xsl:variable name="id" select="concat('map-', $m/@from, '-', @from)"/>
          <xsl:variable name="to" select="@to"/>
          <div class="field">
            <label for="{$id}">
              <xsl:value-of select="g:msg('admin.proc.map_label', @label)"/>
              <xsl:text> (</xsl:text><xsl:value-of select="@n"/><xsl:text> </xsl:text>
              <xsl:value-of select="g:msg('admin.proc.demands_n')"/><xsl:text>)</xsl:text>
            </label>
            <xsl:if test="@error">
              <p class="field-error" id="{$id}-error"><xsl:value-of select="@error"/></p>
            </xsl:if>
            <select id="{$id}" name="map.{@from}">
              <xsl:if test="@error">
                <xsl:attribute name="aria-invalid">true</xsl:attribute>
                <xsl:attribute name="aria-describedby"><xsl:value-of select="$id"/>-error</xsl:attribute>
              </xsl:if>
              <option value="">–</option>
              <xsl:for-each select="$m/options/option">
                <option value="{@id}">
                  <xsl:if test="@id = $to"><xsl:attribute name="selected">selected</xsl:attribute></xsl:if>
                  <xsl:value-of select="@label"/>
                  <xsl:if test="@final = 'yes'">
                    <xsl:text> </xsl:text><xsl:value-of select="g:msg('admin.proc.final_option')"/>
                  </xsl:if>
                </option>
              </xsl:for-each>
            </select>
          </div>
        </xsl:for-each>
        <p class="actions">
          <button type="submit" name="action" value="check" class="secondary"><xsl:value-of select="g:msg('admin.proc.check')"/></button>
          <xsl:if test="@checked = 'ok'">
            <xsl:text> </xsl:text>
            <button type="submit" name="action" value="run"><xsl:value-of select="g:msg('admin.proc.run')"/></button>
          </xsl:if>
        </p>
      </form>
    </section>
  </xsl:template>
</xsl:stylesheet>
