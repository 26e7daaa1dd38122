<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: AGPL-3.0-or-later -->
<!-- space_join.xsl - "Rejoindre un espace avec une clé": a verified person,
     from their personal space, types the key a référent gave them and
     their function (engine/h_members.c).  Input: /page/join, and on a
     refusal /page/refused (key, field), /page/typed, /page/errors.  The
     key is never given back: it is typed again. -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:g="urn:guichet:xslt"
    extension-element-prefixes="g"
    exclude-result-prefixes="g">
  <xsl:import href="../layout.xsl"/>
  <xsl:import href="members.xsl"/>

  <xsl:template match="page" mode="title">
    <xsl:call-template name="title-prefix"/>
    <xsl:value-of select="g:msg('tools.join.title')"/>
  </xsl:template>

  <xsl:template match="page" mode="content">
    <h1><xsl:value-of select="g:msg('tools.join.title')"/></h1>
    <xsl:call-template name="error-summary"/>
    <p><xsl:value-of select="g:msg('tools.join.intro')"/></p>
    <form method="post" action="/spaces/join" novalidate="novalidate">
      <xsl:call-template name="csrf"/>
      <xsl:call-template name="input">
        <xsl:with-param name="id" select="'join-key'"/>
        <xsl:with-param name="name" select="'key'"/>
        <xsl:with-param name="label" select="'tools.join.key'"/>
        <xsl:with-param name="hint" select="'tools.join.key_hint'"/>
        <xsl:with-param name="autocomplete" select="'off'"/>
      </xsl:call-template>
      <xsl:call-template name="input">
        <xsl:with-param name="id" select="'join-function'"/>
        <xsl:with-param name="name" select="'function'"/>
        <xsl:with-param name="label" select="'tools.join.function'"/>
        <xsl:with-param name="hint" select="'tools.function_hint'"/>
      </xsl:call-template>
      <p><button type="submit"><xsl:value-of select="g:msg('tools.join.button')"/></button></p>
    </form>
  </xsl:template>
</xsl:stylesheet>
