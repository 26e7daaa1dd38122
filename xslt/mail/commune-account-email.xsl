<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: AGPL-3.0-or-later -->
<!--
  commune-account-email.xsl - step 3 of the commune account request
  (workflows/commune_account.xml): the link that confirms the applicant's
  e-mail address, carrying the one-time code (effect issue-code, channel
  mail).  The row's data: code, expires_at (ISO 8601), purpose, reference,
  demand.  The link opens /demands/ID/confirm/CODE (engine/h_confirm.c),
  which asks the person to log in first (step 4); the code is also shown
  on a line of its own, for whoever prefers to type it.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:g="urn:guichet:xslt"
    extension-element-prefixes="g"
    exclude-result-prefixes="g">
  <xsl:import href="common.xsl"/>

  <xsl:template match="mail" mode="subject">
    <xsl:call-template name="subject">
      <xsl:with-param name="key" select="'mail.commune-account-email.subject'"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template match="mail" mode="body">
    <xsl:variable name="d" select="normalize-space(expires_at)"/>
    <p><xsl:value-of select="g:msg('mail.commune-account-email.body')"/></p>
    <quote><xsl:value-of select="concat(@base, '/demands/', normalize-space(demand), '/confirm/', normalize-space(code))"/></quote>
    <xsl:if test="string-length($d) &gt;= 10">
      <p><xsl:value-of select="g:msg('mail.one-time-code.valid',
            concat(substring($d, 9, 2), '.', substring($d, 6, 2), '.', substring($d, 1, 4)))"/></p>
    </xsl:if>
    <p><xsl:value-of select="g:msg('mail.commune-account-email.code')"/></p>
    <quote><xsl:value-of select="normalize-space(code)"/></quote>
  </xsl:template>
</xsl:stylesheet>
