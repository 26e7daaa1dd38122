<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: AGPL-3.0-or-later -->
<!-- status-changed.xsl - any change of status (the default when a transition names no template) -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:g="urn:guichet:xslt"
    extension-element-prefixes="g"
    exclude-result-prefixes="g">
  <xsl:import href="common.xsl"/>

  <xsl:template match="mail" mode="subject">
    <xsl:call-template name="subject"><xsl:with-param name="key" select="'mail.status-changed.subject'"/></xsl:call-template>
  </xsl:template>

  <xsl:template match="mail" mode="body">
    <p><xsl:value-of select="g:msg('mail.status-changed.body', normalize-space(workflow))"/></p>
    <xsl:if test="normalize-space(state)">
      <p><xsl:value-of select="g:msg('mail.state', normalize-space(state))"/></p>
    </xsl:if>
    <xsl:call-template name="comment"/>
  </xsl:template>
</xsl:stylesheet>
