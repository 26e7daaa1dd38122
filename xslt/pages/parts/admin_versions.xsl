<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: AGPL-3.0-or-later -->
<!-- parts/admin_versions.xsl - one procedure's versions as a table (the
     list and the procedure page share it).  Context: a procedure element
     (engine/h_admin.c procedure_node). -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:g="urn:guichet:xslt"
    extension-element-prefixes="g"
    exclude-result-prefixes="g">

  <xsl:template name="admin-versions">
    <div class="table-scroll" role="region" tabindex="0"
         aria-label="{g:msg('admin.proc.table')} – {@title}">
      <table class="versions">
        <thead>
          <tr>
            <th scope="col"><xsl:value-of select="g:msg('admin.proc.version')"/></th>
            <th scope="col"><xsl:value-of select="g:msg('admin.proc.published')"/></th>
            <th scope="col"><xsl:value-of select="g:msg('admin.proc.demands')"/></th>
            <th scope="col"><xsl:value-of select="g:msg('admin.proc.sha256')"/></th>
          </tr>
        </thead>
        <tbody>
          <xsl:for-each select="version">
            <tr>
              <th scope="row">
                <xsl:value-of select="@n"/>
                <xsl:if test="@current = 'yes'">
                  <xsl:text> </xsl:text>
                  <strong class="badge"><xsl:value-of select="g:msg('admin.proc.in_service')"/></strong>
                </xsl:if>
              </th>
              <td><xsl:value-of select="@published"/></td>
              <td>
                <xsl:choose>
                  <xsl:when test="count">
                    <ul class="counts">
                      <xsl:for-each select="count">
                        <li data-state="{@state}">
                          <xsl:value-of select="@label"/>
                          <xsl:value-of select="g:msg('punct.colon')"/>
                          <span class="n"><xsl:value-of select="@n"/></span>
                        </li>
                      </xsl:for-each>
                    </ul>
                    <span class="hint">
                      <xsl:value-of select="@running"/>
                      <xsl:text> </xsl:text>
                      <xsl:value-of select="g:msg('admin.proc.running')"/>
                    </span>
                  </xsl:when>
                  <xsl:otherwise><xsl:value-of select="g:msg('admin.proc.no_demands')"/></xsl:otherwise>
                </xsl:choose>
              </td>
              <td><code class="sha"><xsl:value-of select="@sha256"/></code></td>
            </tr>
          </xsl:for-each>
        </tbody>
      </table>
    </div>
  </xsl:template>
</xsl:stylesheet>
