<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: AGPL-3.0-or-later -->
<!--
  demand_refused.xsl - 403: a procedure that cannot be started from the
  active context, said up front with the reason (the procedure's own words
  when it gives them: a legal person's demand filed from a personal space
  is not processed) and the way out (switch context).  Nothing was
  written.  Input: /page/refused[@title] with reason or @reason-key.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:g="urn:guichet:xslt"
    extension-element-prefixes="g"
    exclude-result-prefixes="g">
  <xsl:import href="../layout.xsl"/>

  <xsl:template match="page" mode="title">
    <xsl:value-of select="g:msg('err.title.403')"/>
    <xsl:text> – </xsl:text>
    <xsl:value-of select="g:msg('demand.refused.title')"/>
  </xsl:template>

  <xsl:template match="page" mode="content">
    <section class="refused" aria-labelledby="refused-title">
      <h1 id="refused-title"><xsl:value-of select="g:msg('demand.refused.title')"/></h1>
      <p class="lead"><strong><xsl:value-of select="refused/@title"/></strong></p>
      <p class="reason">
        <xsl:choose>
          <xsl:when test="refused/reason"><xsl:value-of select="refused/reason"/></xsl:when>
          <xsl:otherwise><xsl:value-of select="g:msg(refused/@reason-key)"/></xsl:otherwise>
        </xsl:choose>
      </p>
      <p><xsl:value-of select="g:msg('demand.refused.nothing')"/></p>
      <xsl:if test="@has-spaces = 'yes'">
        <p><a class="button" href="/context?return_to=/dashboard"><xsl:value-of select="g:msg('ctx.switch')"/></a></p>
      </xsl:if>
      <p><a href="/dashboard"><xsl:value-of select="g:msg('demand.back_dashboard')"/></a></p>
    </section>
  </xsl:template>
</xsl:stylesheet>
