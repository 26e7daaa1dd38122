<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: AGPL-3.0-or-later -->
<!-- home.xsl - the portal's public entrance. -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:g="urn:guichet:xslt"
    extension-element-prefixes="g"
    exclude-result-prefixes="g">
  <xsl:import href="../layout.xsl"/>

  <xsl:template match="page" mode="title">
    <xsl:value-of select="g:msg('home.title')"/>
  </xsl:template>

  <xsl:template match="page" mode="content">
    <h1><xsl:value-of select="g:msg('home.title')"/></h1>
    <p class="lead"><xsl:value-of select="g:msg('home.lead')"/></p>
    <xsl:choose>
      <xsl:when test="user">
        <p><a class="button" href="/dashboard"><xsl:value-of select="g:msg('home.dashboard')"/></a></p>
      </xsl:when>
      <xsl:otherwise>
        <p><a class="button" href="/auth/login"><xsl:value-of select="g:msg('auth.login')"/></a></p>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>
</xsl:stylesheet>
