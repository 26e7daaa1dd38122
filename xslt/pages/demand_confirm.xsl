<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: AGPL-3.0-or-later -->
<!--
  demand_confirm.xsl - the page an e-mailed one-time link opens: one button
  that fires the demand's code step with the link's code (a plain form: no
  script), or, once the demand moved on, why the link no longer serves.
  Input (engine/h_confirm.c): /page/demand, /page/confirm[@href,@label,
  @field,@code,@version] | /page/gone[@key].
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:g="urn:guichet:xslt"
    extension-element-prefixes="g"
    exclude-result-prefixes="g">
  <xsl:import href="../layout.xsl"/>
  <xsl:import href="../form.xsl"/>

  <xsl:template match="page" mode="title">
    <xsl:value-of select="g:msg('confirm.title')"/>
  </xsl:template>

  <xsl:template match="page" mode="content">
    <h1><xsl:value-of select="g:msg('confirm.title')"/></h1>
    <p class="lead">
      <xsl:value-of select="demand/@title"/>
    </p>
    <xsl:for-each select="demand">
      <xsl:call-template name="demand-head"/>
    </xsl:for-each>
    <xsl:for-each select="confirm">
      <p><xsl:value-of select="g:msg('confirm.lead', string(/page/demand/@reference))"/></p>
      <form method="post" action="{@href}">
        <xsl:call-template name="csrf"/>
        <input type="hidden" name="version" value="{@version}"/>
        <input type="hidden" name="{@field}" value="{@code}"/>
        <p><button type="submit"><xsl:value-of select="@label"/></button></p>
      </form>
    </xsl:for-each>
    <xsl:for-each select="gone">
      <div class="flash flash-error" role="status"><xsl:value-of select="g:msg(@key)"/></div>
    </xsl:for-each>
    <p><a href="/demands/{demand/@id}"><xsl:value-of select="g:msg('confirm.open')"/></a></p>
  </xsl:template>
</xsl:stylesheet>
