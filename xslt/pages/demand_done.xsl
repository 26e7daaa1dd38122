<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: AGPL-3.0-or-later -->
<!--
  demand_done.xsl - 409: the step asked for cannot happen (any more):
  already done (a second click, another window, a colleague), the demand
  moved on meanwhile, or it can no longer be edited.  Says so, and where
  the demand stands now.  Input: /page/conflict[@key,@transition],
  /page/demand.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:g="urn:guichet:xslt"
    extension-element-prefixes="g"
    exclude-result-prefixes="g">
  <xsl:import href="../layout.xsl"/>
  <xsl:import href="../form.xsl"/>

  <xsl:template match="page" mode="title">
    <xsl:value-of select="g:msg(concat(conflict/@key, '.title'))"/>
  </xsl:template>

  <xsl:template match="page" mode="content">
    <section class="conflict" aria-labelledby="conflict-title">
      <h1 id="conflict-title"><xsl:value-of select="g:msg(concat(conflict/@key, '.title'))"/></h1>
      <p class="lead">
        <xsl:value-of select="g:msg(conflict/@key)"/>
      </p>
      <xsl:if test="conflict/@transition">
        <p><xsl:value-of select="g:msg('demand.conflict.step', conflict/@transition)"/></p>
      </xsl:if>
      <xsl:for-each select="demand">
        <h2><xsl:value-of select="g:msg('demand.conflict.now')"/></h2>
        <p>
          <xsl:value-of select="@title"/>
          <xsl:text> – </xsl:text>
          <xsl:value-of select="@reference"/>
        </p>
        <p>
          <xsl:value-of select="g:msg('demand.state')"/>
          <xsl:value-of select="g:msg('punct.colon')"/>
          <strong><xsl:value-of select="@state-label"/></strong>
        </p>
        <xsl:call-template name="progress"/>
        <p><a class="button" href="/demands/{@id}"><xsl:value-of select="g:msg('demand.see')"/></a></p>
      </xsl:for-each>
    </section>
  </xsl:template>
</xsl:stylesheet>
