<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: AGPL-3.0-or-later -->
<!-- auth_session.xsl - "my session": who is logged in, with which
     provider and assurance level, since when and until when
     (/page/session/@name|@email|@assurance|@provider|@since|@until), and
     the in-person check behind a verified identity (/page/verification:
     @at @where @by, engine/enrol.c). -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:g="urn:guichet:xslt"
    extension-element-prefixes="g"
    exclude-result-prefixes="g">
  <xsl:import href="../layout.xsl"/>

  <xsl:template match="page" mode="title">
    <xsl:value-of select="g:msg('auth.session.title')"/>
  </xsl:template>

  <xsl:template match="page" mode="content">
    <h1><xsl:value-of select="g:msg('auth.session.title')"/></h1>
    <dl class="session">
      <dt><xsl:value-of select="g:msg('auth.session.name')"/></dt>
      <dd><xsl:value-of select="session/@name"/></dd>
      <xsl:if test="session/@email != ''">
        <dt><xsl:value-of select="g:msg('auth.session.email')"/></dt>
        <dd><xsl:value-of select="session/@email"/></dd>
      </xsl:if>
      <dt><xsl:value-of select="g:msg('auth.session.assurance')"/></dt>
      <dd data-assurance="{session/@assurance}"><xsl:value-of select="g:msg(concat('assurance.', session/@assurance))"/></dd>
      <xsl:if test="session/@provider">
        <dt><xsl:value-of select="g:msg('auth.session.provider')"/></dt>
        <dd><xsl:value-of select="session/@provider"/></dd>
      </xsl:if>
      <xsl:for-each select="verification">
        <dt><xsl:value-of select="g:msg('enrol.session.verified')"/></dt>
        <dd>
          <xsl:value-of select="g:msg('enrol.session.verified_at', @at)"/>
          <xsl:if test="@where">
            <xsl:text>, </xsl:text>
            <xsl:value-of select="g:msg('enrol.session.verified_where', @where)"/>
          </xsl:if>
          <xsl:if test="@by">
            <xsl:text> (</xsl:text><xsl:value-of select="@by"/><xsl:text>)</xsl:text>
          </xsl:if>
        </dd>
      </xsl:for-each>
      <dt><xsl:value-of select="g:msg('auth.session.since')"/></dt>
      <dd><xsl:value-of select="session/@since"/></dd>
      <dt><xsl:value-of select="g:msg('auth.session.until')"/></dt>
      <dd><xsl:value-of select="session/@until"/></dd>
    </dl>
    <form method="post" action="/auth/logout">
      <xsl:call-template name="csrf"/>
      <button type="submit"><xsl:value-of select="g:msg('auth.logout')"/></button>
    </form>
  </xsl:template>
</xsl:stylesheet>
