<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: AGPL-3.0-or-later -->
<!-- demand-completed.xsl - to the agents: the owner sent what was missing -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:g="urn:guichet:xslt"
    extension-element-prefixes="g"
    exclude-result-prefixes="g">
  <xsl:import href="common.xsl"/>

  <xsl:template match="mail" mode="subject">
    <xsl:call-template name="subject"><xsl:with-param name="key" select="'mail.demand-completed.subject'"/></xsl:call-template>
  </xsl:template>

  <xsl:template match="mail" mode="body">
    <p><xsl:value-of select="g:msg('mail.demand-completed.body', normalize-space(workflow))"/></p>
    <xsl:call-template name="comment"/>
  </xsl:template>
</xsl:stylesheet>
