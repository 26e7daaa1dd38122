<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: AGPL-3.0-or-later -->
<!-- auth_error.xsl - a login that did not succeed: what happened in words
     the person can act on (/page/auth-error/@key), the provider's error
     code when it sent one, a way to try again, the reference to quote. -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:g="urn:guichet:xslt"
    extension-element-prefixes="g"
    exclude-result-prefixes="g">
  <xsl:import href="../layout.xsl"/>

  <xsl:template match="page" mode="title">
    <xsl:value-of select="g:msg('auth.err.title')"/>
  </xsl:template>

  <xsl:template match="page" mode="content">
    <section class="error" aria-labelledby="err-title">
      <h1 id="err-title"><xsl:value-of select="g:msg('auth.err.title')"/></h1>
      <p class="lead" role="alert"><xsl:value-of select="g:msg(auth-error/@key)"/></p>
      <xsl:if test="auth-error/@code">
        <p class="detail"><xsl:value-of select="g:msg('auth.err.provider_code')"/><xsl:text> </xsl:text><code><xsl:value-of select="auth-error/@code"/></code></p>
      </xsl:if>
      <xsl:if test="auth-error/@key != 'auth.err.none'">
        <p><a class="button" href="/auth/login"><xsl:value-of select="g:msg('auth.retry')"/></a></p>
      </xsl:if>
      <p><a href="/"><xsl:value-of select="g:msg('ui.back_home')"/></a></p>
      <p class="ref"><xsl:value-of select="g:msg('err.quote_ref')"/><xsl:text> </xsl:text><code><xsl:value-of select="@request-id"/></code></p>
    </section>
  </xsl:template>
</xsl:stylesheet>
