<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: AGPL-3.0-or-later -->
<!-- admin_procedures.xsl - the administrators' list of published
     procedures: each with its versions (date, sha256) and its demands per
     state per version.  Input (engine/h_admin.c):
     /page/procedures/procedure[@key, @title, @current]/version[@n,
     @sha256, @published, @running, @total, @current]/count[@state, @label,
     @n, @final]. -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:g="urn:guichet:xslt"
    extension-element-prefixes="g"
    exclude-result-prefixes="g">
  <xsl:import href="../layout.xsl"/>
  <xsl:import href="parts/admin_versions.xsl"/>

  <xsl:template match="page" mode="title">
    <xsl:value-of select="g:msg('admin.procs.title')"/>
  </xsl:template>

  <xsl:template match="page" mode="content">
    <p><a href="/admin"><xsl:value-of select="g:msg('admin.procs.back')"/></a></p>
    <h1><xsl:value-of select="g:msg('admin.procs.title')"/></h1>
    <p class="lead"><xsl:value-of select="g:msg('admin.procs.lead')"/></p>
    <xsl:if test="not(procedures/procedure)">
      <p><xsl:value-of select="g:msg('admin.procs.none')"/></p>
    </xsl:if>
    <xsl:for-each select="procedures/procedure">
      <section aria-labelledby="proc-{@key}">
        <h2 id="proc-{@key}">
          <a href="/admin/procedures/{@key}"><xsl:value-of select="@title"/></a>
        </h2>
        <p>
          <xsl:value-of select="g:msg('admin.proc.key')"/>
          <xsl:value-of select="g:msg('punct.colon')"/>
          <code><xsl:value-of select="@key"/></code>
          <xsl:text> – </xsl:text>
          <xsl:value-of select="g:msg('admin.proc.current')"/>
          <xsl:value-of select="g:msg('punct.colon')"/>
          <xsl:value-of select="@current"/>
        </p>
        <xsl:call-template name="admin-versions"/>
      </section>
    </xsl:for-each>
  </xsl:template>
</xsl:stylesheet>
