<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: AGPL-3.0-or-later -->
<!-- demand-new.xsl - to the agents: a new demand waits for them -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:g="urn:guichet:xslt"
    extension-element-prefixes="g"
    exclude-result-prefixes="g">
  <xsl:import href="common.xsl"/>

  <xsl:template match="mail" mode="subject">
    <xsl:call-template name="subject"><xsl:with-param name="key" select="'mail.demand-new.subject'"/></xsl:call-template>
  </xsl:template>

  <xsl:template match="mail" mode="body">
    <p><xsl:value-of select="g:msg('mail.demand-new.body', normalize-space(workflow))"/></p>
    <xsl:call-template name="comment"/>
  </xsl:template>
</xsl:stylesheet>
