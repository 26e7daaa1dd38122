<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: AGPL-3.0-or-later -->
<!-- auth_logged_out.xsl - where the identity provider sends the person
     back after logout. -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:g="urn:guichet:xslt"
    extension-element-prefixes="g"
    exclude-result-prefixes="g">
  <xsl:import href="../layout.xsl"/>

  <xsl:template match="page" mode="title">
    <xsl:value-of select="g:msg('auth.logged_out.title')"/>
  </xsl:template>

  <xsl:template match="page" mode="content">
    <h1><xsl:value-of select="g:msg('auth.logged_out.title')"/></h1>
    <p class="lead"><xsl:value-of select="g:msg('auth.logged_out.lead')"/></p>
    <p><a class="button" href="/auth/login"><xsl:value-of select="g:msg('auth.login_again')"/></a></p>
    <p><a href="/"><xsl:value-of select="g:msg('ui.back_home')"/></a></p>
  </xsl:template>
</xsl:stylesheet>
