<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: AGPL-3.0-or-later -->
<!-- error.xsl - every error page: a title by status, the message, what to
     do next, and the request reference to quote to support. -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:g="urn:guichet:xslt"
    extension-element-prefixes="g"
    exclude-result-prefixes="g">
  <xsl:import href="../layout.xsl"/>

  <xsl:template match="page" mode="title">
    <xsl:value-of select="g:msg(concat('err.title.', error/@status))"/>
  </xsl:template>

  <xsl:template match="page" mode="content">
    <section class="error" aria-labelledby="err-title">
      <h1 id="err-title"><xsl:value-of select="g:msg(concat('err.title.', error/@status))"/></h1>
      <p class="lead"><xsl:value-of select="g:msg(error/@key)"/></p>
      <xsl:if test="error/detail">
        <p class="detail"><xsl:value-of select="error/detail"/></p>
      </xsl:if>
      <p><a href="/"><xsl:value-of select="g:msg('ui.back_home')"/></a></p>
      <p class="ref"><xsl:value-of select="g:msg('err.quote_ref')"/><xsl:text> </xsl:text><code><xsl:value-of select="@request-id"/></code></p>
    </section>
  </xsl:template>
</xsl:stylesheet>
