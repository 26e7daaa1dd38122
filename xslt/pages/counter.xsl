<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: AGPL-3.0-or-later -->
<!--
  counter.xsl - a trusted third party's counters: each authority (third-
  party group) they serve, with its open identification demands.
  Input (engine/h_counter.c): /page/groups/group (@id, @name, @open).
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:g="urn:guichet:xslt"
    extension-element-prefixes="g"
    exclude-result-prefixes="g">
  <xsl:import href="../layout.xsl"/>

  <xsl:template match="page" mode="title">
    <xsl:value-of select="g:msg('counter.title')"/>
  </xsl:template>

  <xsl:template match="page" mode="content">
    <h1><xsl:value-of select="g:msg('counter.title')"/></h1>
    <p class="lead"><xsl:value-of select="g:msg('counter.lead')"/></p>
    <ul class="buckets">
      <xsl:for-each select="groups/group">
        <li>
          <a href="/counter/{@id}">
            <span class="count"><xsl:value-of select="@open"/></span>
            <xsl:value-of select="@name"/>
          </a>
          <br/>
          <span class="help"><xsl:value-of select="g:msg('counter.open_count', @open)"/></span>
        </li>
      </xsl:for-each>
    </ul>
  </xsl:template>
</xsl:stylesheet>
