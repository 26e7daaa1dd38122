<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: AGPL-3.0-or-later -->
<!--
  letter.xsl - the generic letter of <effect action="print-letter"
  template="letter"/>: where the demand stands after the step that asked
  for it, the service's comment, and where to read the rest.  Data (from
  fx_print_letter, sql/0023_letters.sql): data/reference, data/filed
  (YYYY-MM-DD), data/comment, data/entity, data/owner; the procedure's
  words: procedure (title), transition (the step's label), state (its
  label), in the demand's language.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:g="urn:guichet:xslt"
    extension-element-prefixes="g"
    exclude-result-prefixes="g">
  <xsl:import href="common.xsl"/>

  <xsl:template match="letter" mode="subject">
    <xsl:choose>
      <xsl:when test="normalize-space(procedure)"><xsl:value-of select="procedure"/></xsl:when>
      <xsl:otherwise><xsl:value-of select="g:msg('letters.letter.subject')"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="letter" mode="body">
    <p><xsl:value-of select="g:msg('letters.greeting')"/></p>
    <p>
      <xsl:value-of select="g:msg('letters.letter.about', data/reference)"/>
      <xsl:if test="normalize-space(data/filed)">
        <xsl:text> </xsl:text>
        <xsl:value-of select="g:msg('letters.letter.filed')"/>
        <xsl:text> </xsl:text>
        <xsl:call-template name="long-date">
          <xsl:with-param name="iso" select="data/filed"/>
        </xsl:call-template>
      </xsl:if>
      <xsl:text>.</xsl:text>
    </p>
    <xsl:if test="normalize-space(transition)">
      <p><xsl:value-of select="g:msg('letters.letter.step', transition)"/></p>
    </xsl:if>
    <xsl:if test="normalize-space(state)">
      <p><xsl:value-of select="g:msg('letters.letter.state', state)"/></p>
    </xsl:if>
    <xsl:if test="normalize-space(data/comment)">
      <p><xsl:value-of select="g:msg('letters.letter.comment')"/></p>
      <p class="quote"><xsl:value-of select="data/comment"/></p>
    </xsl:if>
    <p><xsl:value-of select="g:msg('letters.letter.portal', @base)"/></p>
  </xsl:template>
</xsl:stylesheet>
