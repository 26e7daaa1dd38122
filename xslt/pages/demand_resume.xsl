<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: AGPL-3.0-or-later -->
<!--
  demand_resume.xsl - "Commencer" on a procedure with drafts already open:
  resume one (its reference, last change, purge date) or start a new one
  (the same POST /demands with new=1).  Nothing was written.
  Input (engine/h_demand.c): /page/procedure[@key @title]/draft[@id
  @reference @updated @expires].
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:g="urn:guichet:xslt"
    extension-element-prefixes="g"
    exclude-result-prefixes="g">
  <xsl:import href="../layout.xsl"/>

  <xsl:template match="page" mode="title">
    <xsl:value-of select="g:msg('resume.title')"/>
    <xsl:text> – </xsl:text>
    <xsl:value-of select="procedure/@title"/>
  </xsl:template>

  <xsl:template match="page" mode="content">
    <h1><xsl:value-of select="g:msg('resume.title')"/></h1>
    <p class="lead"><strong><xsl:value-of select="procedure/@title"/></strong></p>
    <p>
      <xsl:choose>
        <xsl:when test="count(procedure/draft) = 1"><xsl:value-of select="g:msg('resume.one')"/></xsl:when>
        <xsl:otherwise><xsl:value-of select="g:msg('resume.many', count(procedure/draft))"/></xsl:otherwise>
      </xsl:choose>
    </p>
    <ul class="drafts">
      <xsl:for-each select="procedure/draft">
        <li class="draft">
          <p>
            <xsl:value-of select="g:msg('demand.reference')"/>
            <xsl:text> </xsl:text>
            <strong><xsl:value-of select="@reference"/></strong>
          </p>
          <p>
            <xsl:value-of select="g:msg('demand.updated')"/>
            <xsl:value-of select="g:msg('punct.colon')"/>
            <xsl:value-of select="@updated"/>
          </p>
          <xsl:if test="@expires">
            <p><xsl:value-of select="g:msg('drafts.expires', @expires)"/></p>
          </xsl:if>
          <p>
            <a class="button" href="/demands/{@id}">
              <xsl:value-of select="g:msg('resume.resume')"/>
              <span class="sr-context"><xsl:text> </xsl:text><xsl:value-of select="@reference"/></span>
            </a>
          </p>
        </li>
      </xsl:for-each>
    </ul>
    <form method="post" action="/demands">
      <xsl:call-template name="csrf"/>
      <input type="hidden" name="workflow" value="{procedure/@key}"/>
      <input type="hidden" name="new" value="1"/>
      <p><button type="submit" class="secondary"><xsl:value-of select="g:msg('resume.new')"/></button></p>
    </form>
    <p><a href="/dashboard"><xsl:value-of select="g:msg('demand.back_dashboard')"/></a></p>
  </xsl:template>
</xsl:stylesheet>
