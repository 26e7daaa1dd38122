<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: AGPL-3.0-or-later -->
<!-- home.xsl - the portal's public entrance (and, on the demo stack, its accounts). -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:g="urn:guichet:xslt"
    extension-element-prefixes="g"
    exclude-result-prefixes="g">
  <xsl:import href="../layout.xsl"/>

  <xsl:template match="page" mode="title">
    <xsl:value-of select="g:msg('home.title')"/>
  </xsl:template>

  <xsl:template match="page" mode="content">
    <h1><xsl:value-of select="g:msg('home.title')"/></h1>
    <p class="lead"><xsl:value-of select="g:msg('home.lead')"/></p>
    <xsl:choose>
      <xsl:when test="user">
        <p><a class="button" href="/dashboard"><xsl:value-of select="g:msg('home.dashboard')"/></a></p>
      </xsl:when>
      <xsl:otherwise>
        <p><a class="button" href="/auth/login"><xsl:value-of select="g:msg('auth.login')"/></a></p>
      </xsl:otherwise>
    </xsl:choose>
    <xsl:apply-templates select="demo"/>
  </xsl:template>

  <!-- the demo stack only (config demo = yes): who to log in as -->
  <xsl:template match="demo">
    <section class="demo-accounts" aria-labelledby="demo-accounts">
      <h2 id="demo-accounts"><xsl:value-of select="g:msg('home.demo.title')"/></h2>
      <p><xsl:value-of select="g:msg('home.demo.lead')"/></p>
      <table>
        <thead>
          <tr>
            <th scope="col"><xsl:value-of select="g:msg('home.demo.login')"/></th>
            <th scope="col"><xsl:value-of select="g:msg('home.demo.role')"/></th>
            <th scope="col"><xsl:value-of select="g:msg('home.demo.try')"/></th>
          </tr>
        </thead>
        <tbody>
          <xsl:for-each select="account">
            <tr>
              <th scope="row"><code><xsl:value-of select="@login"/></code><br/><xsl:value-of select="@name"/></th>
              <td><xsl:value-of select="@role"/></td>
              <td><xsl:value-of select="@try"/></td>
            </tr>
          </xsl:for-each>
        </tbody>
      </table>
    </section>
  </xsl:template>
</xsl:stylesheet>
