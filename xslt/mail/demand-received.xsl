<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: AGPL-3.0-or-later -->
<!-- demand-received.xsl - to the owner: the demand was filed -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:g="urn:guichet:xslt"
    extension-element-prefixes="g"
    exclude-result-prefixes="g">
  <xsl:import href="common.xsl"/>

  <xsl:template match="mail" mode="subject">
    <xsl:call-template name="subject"><xsl:with-param name="key" select="'mail.demand-received.subject'"/></xsl:call-template>
  </xsl:template>

  <xsl:template match="mail" mode="body">
    <p><xsl:value-of select="g:msg('mail.demand-received.body', normalize-space(workflow))"/></p>
    <p><xsl:value-of select="g:msg('mail.demand-received.next')"/></p>
  </xsl:template>
</xsl:stylesheet>
