<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: AGPL-3.0-or-later -->
<!--
  one-time-code.xsl - the mail carrying a one-time code (effect issue-code
  with channel="mail" and no template of its own).  The row's data:
  code, expires_at (ISO 8601, UTC), purpose, reference, demand.  The code
  is shown on a line of its own, so that it can be read out or copied.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:g="urn:guichet:xslt"
    extension-element-prefixes="g"
    exclude-result-prefixes="g">
  <xsl:import href="common.xsl"/>

  <xsl:template match="mail" mode="subject">
    <xsl:call-template name="subject">
      <xsl:with-param name="key" select="'mail.one-time-code.subject'"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template match="mail" mode="body">
    <xsl:variable name="d" select="normalize-space(expires_at)"/>
    <p><xsl:value-of select="g:msg('mail.one-time-code.body')"/></p>
    <quote><xsl:value-of select="normalize-space(code)"/></quote>
    <xsl:if test="string-length($d) &gt;= 10">
      <p><xsl:value-of select="g:msg('mail.one-time-code.valid',
            concat(substring($d, 9, 2), '.', substring($d, 6, 2), '.', substring($d, 1, 4)))"/></p>
    </xsl:if>
    <p><xsl:value-of select="g:msg('mail.one-time-code.next')"/></p>
  </xsl:template>
</xsl:stylesheet>
