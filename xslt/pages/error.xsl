<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: AGPL-3.0-or-later -->
<!-- error.xsl - every error page: a title by status, the message, what to
     do next, and the request reference to quote to support. -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:g="urn:guichet:xslt"
    extension-element-prefixes="g"
    exclude-result-prefixes="g">
  <xsl:import href="../layout.xsl"/>

  <xsl:template match="page" mode="title">
    <xsl:value-of select="g:msg(concat('err.title.', error/@status))"/>
  </xsl:template>

  <xsl:template match="page" mode="content">
    <section class="error" aria-labelledby="err-title">
      <h1 id="err-title"><xsl:value-of select="g:msg(concat('err.title.', error/@status))"/></h1>
      <p class="lead"><xsl:value-of select="g:msg(error/@key)"/></p>
      <xsl:if test="error/detail">
        <p class="detail"><xsl:value-of select="error/detail"/></p>
      </xsl:if>
      <xsl:if test="error/@key = 'authz.wrong_context' or error/@key = 'authz.switch_to_self'
                    or error/@key = 'authz.professional_only' or error/@key = 'authz.personal_only'">
        <xsl:apply-templates select="contexts[context[not(@active = 'yes')]]" mode="switch"/>
      </xsl:if>
      <xsl:if test="error/@back">
        <p><a href="{error/@back}"><xsl:value-of select="g:msg('form.too_large.back')"/></a></p>
      </xsl:if>
      <p><a href="/"><xsl:value-of select="g:msg('ui.back_home')"/></a></p>
      <p class="ref"><xsl:value-of select="g:msg('err.quote_ref')"/><xsl:text> </xsl:text><code><xsl:value-of select="@request-id"/></code></p>
    </section>
  </xsl:template>

  <!-- The refusal says "choose ... with Changer de contexte": one button
       per other context of the person (the layout's list, from
       session_render_hook), each switching and coming back here; a step
       (a POST to .../fire/<step>) comes back to its demand's page. -->
  <xsl:template match="contexts" mode="switch">
    <xsl:variable name="path" select="/page/@path"/>
    <xsl:variable name="back">
      <xsl:choose>
        <xsl:when test="contains($path, '/fire/')"><xsl:value-of select="substring-before($path, '/fire/')"/></xsl:when>
        <xsl:otherwise><xsl:value-of select="$path"/></xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <section class="switch" aria-labelledby="switch-title">
      <h2 id="switch-title"><xsl:value-of select="g:msg('ctx.switch')"/></h2>
      <ul class="actions">
        <xsl:for-each select="context[not(@active = 'yes')]">
          <li>
            <form method="post" action="/context">
              <xsl:call-template name="csrf"/>
              <input type="hidden" name="space" value="{@space}"/>
              <input type="hidden" name="return_to" value="{$back}"/>
              <button type="submit">
                <xsl:choose>
                  <xsl:when test="@kind = 'entity'">
                    <xsl:value-of select="g:msg('ctx.act', concat(g:msg('ctx.for'), ' ', @name))"/>
                  </xsl:when>
                  <xsl:otherwise><xsl:value-of select="g:msg('ctx.act', g:msg('ctx.self'))"/></xsl:otherwise>
                </xsl:choose>
              </button>
            </form>
          </li>
        </xsl:for-each>
      </ul>
    </section>
  </xsl:template>
</xsl:stylesheet>
