<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: AGPL-3.0-or-later -->
<!-- login.xsl - choosing the identity provider when there are several
     (/page/providers/provider/@name|@label), with the page the person was
     going to (/page/@return-to, url-encoded in @return-to-enc) and why they are here (/page/@reason). -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:g="urn:guichet:xslt"
    extension-element-prefixes="g"
    exclude-result-prefixes="g">
  <xsl:import href="../layout.xsl"/>

  <xsl:template match="page" mode="title">
    <xsl:value-of select="g:msg('login.title')"/>
  </xsl:template>

  <xsl:template match="page" mode="content">
    <h1><xsl:value-of select="g:msg('login.title')"/></h1>
    <xsl:if test="@reason = 'expired'">
      <p class="flash" role="status"><xsl:value-of select="g:msg('login.expired')"/></p>
    </xsl:if>
    <xsl:if test="@unknown = 'yes'">
      <p class="flash flash-error" role="alert"><xsl:value-of select="g:msg('login.unknown')"/></p>
    </xsl:if>
    <p class="lead"><xsl:value-of select="g:msg('login.lead')"/></p>
    <nav aria-labelledby="providers-title">
      <h2 id="providers-title"><xsl:value-of select="g:msg('login.providers')"/></h2>
      <ul class="providers">
        <xsl:for-each select="providers/provider">
          <li>
            <a class="button" href="/auth/login?idp={@name}&amp;return_to={/page/@return-to-enc}">
              <xsl:value-of select="g:msg('login.with', @label)"/>
            </a>
          </li>
        </xsl:for-each>
      </ul>
    </nav>
  </xsl:template>
</xsl:stylesheet>
