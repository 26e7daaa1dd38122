<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: AGPL-3.0-or-later -->
<!--
  space-activation.xsl - the letter that carries the activation code of a
  professional space to the entity's registered address (queued by the
  effect issue-code with channel="letter" template="space-activation").
  Data: data/code, data/expires_at (a date, or an instant: issue-code
  writes "2026-12-30T17:09:13Z"; the job adds data/expires_on and
  data/expires_time in Swiss time), data/reference (the
  demand), data/entity (its name), data/purpose.  One A4 page: the code in
  large monospace, its expiry, and what to do with it.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:g="urn:guichet:xslt"
    extension-element-prefixes="g"
    exclude-result-prefixes="g">
  <xsl:import href="common.xsl"/>

  <xsl:template match="letter" mode="subject">
    <xsl:value-of select="g:msg('letters.activation.subject')"/>
  </xsl:template>

  <xsl:template match="letter" mode="body">
    <xsl:variable name="ref">
      <xsl:choose>
        <xsl:when test="normalize-space(data/reference)"><xsl:value-of select="data/reference"/></xsl:when>
        <xsl:otherwise><xsl:value-of select="@reference"/></xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <p><xsl:value-of select="g:msg('letters.greeting')"/></p>
    <p>
      <xsl:value-of select="g:msg('letters.activation.intro', data/entity)"/>
    </p>
    <p><xsl:value-of select="g:msg('letters.activation.code_label')"/></p>
    <p class="code"><xsl:value-of select="data/code"/></p>
    <p>
      <strong>
        <xsl:value-of select="g:msg('letters.activation.expires')"/>
        <xsl:text> </xsl:text>
        <xsl:call-template name="long-date">
          <xsl:with-param name="iso">
            <xsl:choose>
              <xsl:when test="data/expires_on"><xsl:value-of select="data/expires_on"/></xsl:when>
              <xsl:otherwise><xsl:value-of select="data/expires_at"/></xsl:otherwise>
            </xsl:choose>
          </xsl:with-param>
        </xsl:call-template>
        <xsl:if test="data/expires_time">
          <xsl:text> </xsl:text>
          <xsl:value-of select="g:msg('letters.at_time', string(data/expires_time))"/>
        </xsl:if>
        <xsl:text>.</xsl:text>
      </strong>
    </p>
    <p><xsl:value-of select="g:msg('letters.activation.steps')"/></p>
    <ol>
      <li><xsl:value-of select="g:msg('letters.activation.step1', @base)"/></li>
      <li><xsl:value-of select="g:msg('letters.activation.step2', $ref)"/></li>
      <li><xsl:value-of select="g:msg('letters.activation.step3')"/></li>
      <li><xsl:value-of select="g:msg('letters.activation.step4')"/></li>
    </ol>
    <p><xsl:value-of select="g:msg('letters.activation.locked')"/></p>
    <p class="small"><xsl:value-of select="g:msg('letters.activation.not_you')"/></p>
  </xsl:template>
</xsl:stylesheet>
