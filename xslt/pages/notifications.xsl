<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: AGPL-3.0-or-later -->
<!--
  notifications.xsl - what is new on the demands the person follows: new
  messages and steps taken by somebody else, newest first, each a link to
  its demand (opening it marks its items read); "tout marquer comme lu".
  Input (engine/h_notes.c): /page/items/item[@kind,@href,@reference,
  @workflow,@at,@iso,@author,@label,@to], /page/marked.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:g="urn:guichet:xslt"
    extension-element-prefixes="g"
    exclude-result-prefixes="g">
  <xsl:import href="../layout.xsl"/>

  <xsl:template match="page" mode="title">
    <xsl:value-of select="g:msg('notes.title')"/>
  </xsl:template>

  <xsl:template match="page" mode="content">
    <h1><xsl:value-of select="g:msg('notes.title')"/></h1>
    <xsl:if test="marked">
      <div class="flash flash-ok" role="status"><xsl:value-of select="g:msg('notes.marked')"/></div>
    </xsl:if>
    <xsl:choose>
      <xsl:when test="items/item">
        <xsl:variable name="n">
          <xsl:call-template name="unread-count">
            <xsl:with-param name="n" select="count(items/item)"/>
          </xsl:call-template>
        </xsl:variable>
        <p class="lead"><xsl:value-of select="g:msg('notes.lead', string($n))"/></p>
        <ul class="notes">
          <xsl:for-each select="items/item">
            <li>
              <a href="{@href}">
                <xsl:value-of select="@workflow"/>
                <xsl:text> – </xsl:text>
                <xsl:value-of select="@reference"/>
              </a>
              <br/>
              <xsl:choose>
                <xsl:when test="@kind = 'message'">
                  <xsl:value-of select="g:msg('notes.message', string(@author))"/>
                </xsl:when>
                <xsl:otherwise>
                  <xsl:value-of select="@label"/>
                  <xsl:if test="@to">
                    <xsl:text> → </xsl:text><xsl:value-of select="@to"/>
                  </xsl:if>
                  <xsl:if test="@author">
                    <xsl:text> (</xsl:text><xsl:value-of select="@author"/><xsl:text>)</xsl:text>
                  </xsl:if>
                </xsl:otherwise>
              </xsl:choose>
              <xsl:text> – </xsl:text>
              <time datetime="{@iso}"><xsl:value-of select="@at"/></time>
            </li>
          </xsl:for-each>
        </ul>
        <form method="post" action="/notifications/read">
          <xsl:call-template name="csrf"/>
          <p><button type="submit" class="secondary"><xsl:value-of select="g:msg('notes.mark_all')"/></button></p>
        </form>
      </xsl:when>
      <xsl:otherwise>
        <p><xsl:value-of select="g:msg('notes.none')"/></p>
      </xsl:otherwise>
    </xsl:choose>
    <p><a href="/dashboard"><xsl:value-of select="g:msg('demand.back_dashboard')"/></a></p>
  </xsl:template>
</xsl:stylesheet>
