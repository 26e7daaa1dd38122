<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: AGPL-3.0-or-later -->
<!--
  layout.xsl - the page shell every page stylesheet imports: document
  language, skip link, header with the active context and the language
  switch, the main landmark, the footer with the request reference.
  A page stylesheet provides <xsl:template match="page" mode="title"> and
  <xsl:template match="page" mode="content">.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:g="urn:guichet:xslt"
    extension-element-prefixes="g"
    exclude-result-prefixes="g">

  <xsl:output method="html" encoding="UTF-8" indent="no"
              doctype-system="about:legacy-compat"/>

  <xsl:template match="/">
    <xsl:apply-templates select="page"/>
  </xsl:template>

  <xsl:template match="page">
    <html lang="{@lang}">
      <head>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title>
          <xsl:apply-templates select="." mode="title"/>
          <xsl:text> – </xsl:text>
          <xsl:value-of select="g:msg('portal.name')"/>
        </title>
        <link rel="stylesheet" href="/assets/guichet.css"/>
      </head>
      <body>
        <a class="skip" href="#main"><xsl:value-of select="g:msg('ui.skip')"/></a>
        <header class="top">
          <div class="wrap">
            <a class="brand" href="/"><xsl:value-of select="g:msg('portal.name')"/></a>
            <xsl:apply-templates select="user" mode="header"/>
            <nav class="langs" aria-label="{g:msg('ui.language')}">
              <xsl:call-template name="lang-link"><xsl:with-param name="code" select="'fr'"/><xsl:with-param name="label" select="'Français'"/></xsl:call-template>
              <xsl:call-template name="lang-link"><xsl:with-param name="code" select="'de'"/><xsl:with-param name="label" select="'Deutsch'"/></xsl:call-template>
              <xsl:call-template name="lang-link"><xsl:with-param name="code" select="'en'"/><xsl:with-param name="label" select="'English'"/></xsl:call-template>
            </nav>
          </div>
        </header>
        <main id="main" class="wrap" tabindex="-1">
          <xsl:apply-templates select="flash"/>
          <xsl:apply-templates select="." mode="content"/>
        </main>
        <xsl:apply-templates select="user" mode="logout"/>
        <footer class="bottom">
          <div class="wrap">
            <p><xsl:value-of select="g:msg('portal.footer')"/></p>
            <xsl:if test="not(error)">
              <p class="ref"><xsl:value-of select="g:msg('ui.request_ref')"/><xsl:text> </xsl:text><code><xsl:value-of select="@request-id"/></code></p>
            </xsl:if>
          </div>
        </footer>
      </body>
    </html>
  </xsl:template>

  <xsl:template name="lang-link">
    <xsl:param name="code"/>
    <xsl:param name="label"/>
    <xsl:choose>
      <xsl:when test="/page/@lang = $code">
        <span aria-current="true" lang="{$code}"><xsl:value-of select="$label"/></span>
      </xsl:when>
      <xsl:otherwise>
        <a href="{/page/@path}?lang={$code}" lang="{$code}" hreflang="{$code}"><xsl:value-of select="$label"/></a>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- who is logged in, for whom they act, and how to switch or leave -->
  <xsl:template match="user" mode="header">
    <div class="who">
      <span class="context">
        <xsl:value-of select="@name"/>
        <xsl:text>, </xsl:text>
        <xsl:choose>
          <xsl:when test="../context/@kind = 'entity'">
            <xsl:value-of select="g:msg('ctx.for')"/><xsl:text> </xsl:text><xsl:value-of select="../context/@name"/>
          </xsl:when>
          <xsl:otherwise><xsl:value-of select="g:msg('ctx.self')"/></xsl:otherwise>
        </xsl:choose>
      </span>
      <xsl:if test="../contexts/context[2]">
        <a href="/context"><xsl:value-of select="g:msg('ctx.switch')"/></a>
      </xsl:if>
      <a href="/account"><xsl:value-of select="g:msg('account.nav')"/></a>
      <a href="/catalogue"><xsl:value-of select="g:msg('catalogue.title')"/></a>
      <xsl:if test="@agent = 'yes'">
        <a href="/agent"><xsl:value-of select="g:msg('header.agent')"/></a>
      </xsl:if>
      <xsl:if test="@third-party = 'yes'">
        <a href="/counter"><xsl:value-of select="g:msg('counter.nav')"/></a>
      </xsl:if>
      <!-- unread notifications (engine/message.c, counted with the session,
           at most 100) -->
      <a class="notes-link" href="/notifications">
        <xsl:variable name="n">
          <xsl:call-template name="unread-count">
            <xsl:with-param name="n" select="@unread"/>
          </xsl:call-template>
        </xsl:variable>
        <xsl:value-of select="g:msg('notes.header', string($n))"/>
      </a>
    </div>
  </xsl:template>

  <!-- A count of unread notifications as shown: counts stop at 100
       (sql/0039_notes_inbox.sql), so beyond 99 it is "99+". -->
  <xsl:template name="unread-count">
    <xsl:param name="n"/>
    <xsl:choose>
      <xsl:when test="$n &gt; 99">99+</xsl:when>
      <xsl:otherwise><xsl:value-of select="$n"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- Logging out is a POST (with the CSRF token) placed after the main
       content in the document, so that it is not the page's first submit
       button (where Enter-to-submit habits, keyboard users and screen
       readers' "next button" land); the stylesheet shows it in the
       header band all the same. -->
  <xsl:template match="user" mode="logout">
    <div class="logout">
      <div class="wrap">
        <form method="post" action="/auth/logout">
          <input type="hidden" name="csrf" value="{../@csrf}"/>
          <button type="submit"><xsl:value-of select="g:msg('auth.logout')"/></button>
        </form>
      </div>
    </div>
  </xsl:template>

  <xsl:template match="flash">
    <div class="flash flash-{@kind}" role="status"><xsl:value-of select="."/></div>
  </xsl:template>

  <!-- the hidden CSRF field every POST form carries -->
  <xsl:template name="csrf">
    <input type="hidden" name="csrf" value="{/page/@csrf}"/>
  </xsl:template>

</xsl:stylesheet>
