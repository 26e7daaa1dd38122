<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: AGPL-3.0-or-later -->
<!-- admin.xsl - the administrators' home: the tools that exist (the
     published procedures) and what the portal holds (counts).
     Input: /page/counts/count[@key, @value]. -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:g="urn:guichet:xslt"
    extension-element-prefixes="g"
    exclude-result-prefixes="g">
  <xsl:import href="../layout.xsl"/>

  <xsl:template match="page" mode="title">
    <xsl:value-of select="g:msg('admin.title')"/>
  </xsl:template>

  <xsl:template match="page" mode="content">
    <h1><xsl:value-of select="g:msg('admin.title')"/></h1>
    <p class="lead"><xsl:value-of select="g:msg('admin.lead')"/></p>
    <section aria-labelledby="admin-tools">
      <h2 id="admin-tools"><a href="/admin/procedures"><xsl:value-of select="g:msg('admin.home.procedures')"/></a></h2>
      <p><xsl:value-of select="g:msg('admin.home.procedures_hint')"/></p>
    </section>
    <section aria-labelledby="admin-services">
      <h2 id="admin-services"><a href="/admin/service-accounts"><xsl:value-of select="g:msg('api.admin.title')"/></a></h2>
      <p><xsl:value-of select="g:msg('api.admin.home_hint')"/></p>
    </section>
    <section aria-labelledby="admin-incidents">
      <h2 id="admin-incidents"><a href="/admin/incidents"><xsl:value-of select="g:msg('ops.title')"/></a></h2>
      <p><xsl:value-of select="g:msg('ops.home_hint')"/></p>
    </section>
    <section aria-labelledby="admin-counts">
      <h2 id="admin-counts"><xsl:value-of select="g:msg('admin.counts')"/></h2>
      <dl class="counts">
        <xsl:for-each select="counts/count">
          <dt><xsl:value-of select="g:msg(@key)"/></dt>
          <dd><xsl:value-of select="@value"/></dd>
        </xsl:for-each>
      </dl>
    </section>
  </xsl:template>
</xsl:stylesheet>
