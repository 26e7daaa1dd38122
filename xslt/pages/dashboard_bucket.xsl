<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: AGPL-3.0-or-later -->
<!--
  dashboard_bucket.xsl - one bucket of "Avancement des démarches" (the
  dashboard shows the newest few of each), newest first, page by page.
  Input (engine/h_demand.c, h_dashboard_bucket):
  /page/bucket[@name,@count,@next?,@first?]/demand (dv_demand_summary).
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:g="urn:guichet:xslt"
    extension-element-prefixes="g"
    exclude-result-prefixes="g">
  <xsl:import href="../layout.xsl"/>
  <xsl:import href="../form.xsl"/>
  <xsl:import href="parts/demand_card.xsl"/>

  <xsl:template match="page" mode="title">
    <xsl:value-of select="g:msg(concat('bucket.', bucket/@name))"/>
    <xsl:text> – </xsl:text>
    <xsl:value-of select="g:msg('dashboard.title')"/>
  </xsl:template>

  <xsl:template match="page" mode="content">
    <p><a href="/dashboard"><xsl:value-of select="g:msg('demand.back_dashboard')"/></a></p>
    <h1>
      <xsl:value-of select="g:msg(concat('bucket.', bucket/@name))"/>
      <xsl:text> (</xsl:text><xsl:value-of select="bucket/@count"/><xsl:text>)</xsl:text>
    </h1>
    <xsl:choose>
      <xsl:when test="bucket/demand">
        <ul class="demands">
          <xsl:apply-templates select="bucket/demand" mode="card">
            <xsl:with-param name="view" select="'owner'"/>
          </xsl:apply-templates>
        </ul>
      </xsl:when>
      <xsl:otherwise>
        <p class="help"><xsl:value-of select="g:msg(concat('bucket.', bucket/@name, '.empty'))"/></p>
      </xsl:otherwise>
    </xsl:choose>
    <xsl:if test="bucket/@next or bucket/@first">
      <nav class="pager" aria-label="{g:msg('queue.pages')}">
        <xsl:if test="bucket/@first">
          <a href="{bucket/@first}"><xsl:value-of select="g:msg('queue.first')"/></a>
          <xsl:text> </xsl:text>
        </xsl:if>
        <xsl:if test="bucket/@next">
          <a href="{bucket/@next}" rel="next"><xsl:value-of select="g:msg('queue.next')"/></a>
        </xsl:if>
      </nav>
    </xsl:if>
  </xsl:template>
</xsl:stylesheet>
