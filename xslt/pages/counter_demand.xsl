<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: AGPL-3.0-or-later -->
<!--
  counter_demand.xsl - the counter page: the applicant's data to compare
  with the document in hand, the secret code the person shows and the
  step that issues the identifier; once issued, the identifier to hand
  over.  A refused code comes back here (422) with the message by its
  field.  The data, the step and its fields are drawn by demand.xsl's
  templates.  Input (engine/h_counter.c): /page/group, /page/demand,
  /page/identifier, /page/@issued, /page/data, /page/actions/action,
  /page/errors, /page/@demand-href.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:g="urn:guichet:xslt"
    extension-element-prefixes="g"
    exclude-result-prefixes="g">
  <xsl:import href="demand.xsl"/>

  <xsl:template match="page" mode="title">
    <xsl:call-template name="title-prefix"/>
    <xsl:value-of select="g:msg('counter.demand')"/>
    <xsl:text> – </xsl:text>
    <xsl:value-of select="demand/@reference"/>
  </xsl:template>

  <xsl:template match="page" mode="content">
    <xsl:call-template name="error-summary"/>
    <p><a href="/counter/{group/@id}"><xsl:value-of select="g:msg('counter.back', group/@name)"/></a></p>
    <h1>
      <xsl:value-of select="g:msg('counter.demand')"/>
      <xsl:text> </xsl:text>
      <xsl:value-of select="demand/@reference"/>
    </h1>
    <p class="lead">
      <xsl:value-of select="demand/@title"/>
      <xsl:value-of select="g:msg('punct.colon')"/>
      <strong><xsl:value-of select="demand/@state-label"/></strong>
    </p>
    <xsl:for-each select="identifier">
      <div class="flash flash-ok" role="status">
        <xsl:if test="/page/@issued = 'yes'">
          <p><xsl:value-of select="g:msg('counter.issued')"/></p>
        </xsl:if>
        <p>
          <xsl:value-of select="g:msg('counter.identifier')"/>
          <xsl:value-of select="g:msg('punct.colon')"/>
          <strong class="identifier"><xsl:value-of select="@value"/></strong>
        </p>
        <p class="help"><xsl:value-of select="g:msg('counter.issued_by', concat(@issued-by, ', ', @issued-at))"/></p>
        <xsl:if test="@activated-at">
          <p class="help"><xsl:value-of select="g:msg('counter.activated', @activated-at)"/></p>
        </xsl:if>
      </div>
    </xsl:for-each>
    <xsl:if test="actions/action">
      <section id="actions" aria-labelledby="actions-title" tabindex="-1">
        <h2 id="actions-title"><xsl:value-of select="g:msg('counter.check')"/></h2>
        <xsl:apply-templates select="actions/action"/>
        <p>
          <a href="{@demand-href}"><xsl:value-of select="g:msg('counter.invalidate_link')"/></a>
        </p>
      </section>
    </xsl:if>
    <xsl:apply-templates select="data"/>
  </xsl:template>
</xsl:stylesheet>
