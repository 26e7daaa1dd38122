<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: AGPL-3.0-or-later -->
<!--
  agent.xsl - the back office's entrance: the services the person works
  for, each with the number of demands waiting for it.
  Input (engine/h_agent.c): /page/groups/group[@id,@name,@count,@letters]
  (@letters: the print group, which also has the print queue).
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:g="urn:guichet:xslt"
    extension-element-prefixes="g"
    exclude-result-prefixes="g">
  <xsl:import href="../layout.xsl"/>

  <xsl:template match="page" mode="title">
    <xsl:value-of select="g:msg('agent.title')"/>
  </xsl:template>

  <xsl:template match="page" mode="content">
    <h1><xsl:value-of select="g:msg('agent.title')"/></h1>
    <p class="lead"><xsl:value-of select="g:msg('agent.lead')"/></p>
    <ul class="buckets">
      <xsl:for-each select="groups/group">
        <li>
          <a href="/agent/{@id}">
            <span class="count"><xsl:value-of select="@count"/></span>
            <xsl:value-of select="@name"/>
          </a>
          <br/>
          <span class="help"><xsl:value-of select="g:msg('agent.waiting', @count)"/></span>
          <xsl:if test="@letters = 'yes'">
            <br/>
            <a href="/agent/letters"><xsl:value-of select="g:msg('letters.queue_link')"/></a>
          </xsl:if>
        </li>
      </xsl:for-each>
    </ul>
  </xsl:template>
</xsl:stylesheet>
