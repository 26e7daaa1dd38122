<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: AGPL-3.0-or-later -->
<!--
  letters.xsl - the print queue (engine/h_letters.c): the letters not yet
  posted, oldest first, each with its PDF; one PDF of every ready letter to
  print in one go; "marquer comme envoyée" for one letter (its own button,
  formaction) or for the ticked ones.  One form, no script.
  Input: /page/notice[@sent], /page/letters[@count,@rendered]/letter[@id,
  @reference,@demand,@template,@recipient,@locality,@created,@rendered,
  @status,@attempts,@error].  Texts: xslt/i18n/letters.xml.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:g="urn:guichet:xslt"
    extension-element-prefixes="g"
    exclude-result-prefixes="g">
  <xsl:import href="../layout.xsl"/>

  <xsl:template match="page" mode="title">
    <xsl:value-of select="g:msg('letters.title')"/>
  </xsl:template>

  <xsl:template match="page" mode="content">
    <h1><xsl:value-of select="g:msg('letters.title')"/></h1>
    <xsl:if test="notice">
      <div class="flash flash-ok" role="status">
        <xsl:value-of select="g:msg('letters.notice.sent', string(notice/@sent))"/>
      </div>
    </xsl:if>
    <p class="lead"><xsl:value-of select="g:msg('letters.lead')"/></p>
    <p>
      <xsl:choose>
        <xsl:when test="letters/@rendered &gt; 0">
          <a class="button" href="/agent/letters/print.pdf">
            <xsl:value-of select="g:msg('letters.print_run', string(letters/@rendered))"/>
          </a>
        </xsl:when>
        <xsl:otherwise><xsl:value-of select="g:msg('letters.print_none')"/></xsl:otherwise>
      </xsl:choose>
    </p>
    <section aria-labelledby="letters-title">
      <h2 id="letters-title"><xsl:value-of select="g:msg('letters.list', string(letters/@count))"/></h2>
      <xsl:choose>
        <xsl:when test="letters/letter">
          <form method="post" action="/agent/letters/sent">
            <xsl:call-template name="csrf"/>
            <ul class="demands letters">
              <xsl:apply-templates select="letters/letter"/>
            </ul>
            <xsl:if test="letters/letter[@status = 'rendered']">
              <p><button type="submit"><xsl:value-of select="g:msg('letters.mark_selected')"/></button></p>
            </xsl:if>
          </form>
        </xsl:when>
        <xsl:otherwise><p><xsl:value-of select="g:msg('letters.empty')"/></p></xsl:otherwise>
      </xsl:choose>
    </section>
  </xsl:template>

  <xsl:template match="letter">
    <xsl:variable name="key" select="concat('letters.template.', @template)"/>
    <xsl:variable name="kind">
      <xsl:choose>
        <xsl:when test="g:msg($key) != $key"><xsl:value-of select="g:msg($key)"/></xsl:when>
        <xsl:otherwise><xsl:value-of select="@template"/></xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <li id="letter-{@id}">
      <xsl:choose>
        <xsl:when test="@status = 'rendered'">
          <div class="choice">
            <input type="checkbox" name="letter" value="{@id}" id="pick-{@id}"/>
            <label class="inline" for="pick-{@id}">
              <strong><xsl:value-of select="@reference"/></strong>
              <xsl:text> – </xsl:text>
              <xsl:value-of select="$kind"/>
            </label>
          </div>
        </xsl:when>
        <xsl:otherwise>
          <p><strong><xsl:value-of select="@reference"/></strong><xsl:text> – </xsl:text><xsl:value-of select="$kind"/></p>
        </xsl:otherwise>
      </xsl:choose>
      <p class="help">
        <xsl:value-of select="g:msg('letters.recipient')"/>
        <xsl:value-of select="g:msg('punct.colon')"/>
        <xsl:value-of select="@recipient"/>
        <xsl:text>, </xsl:text>
        <xsl:value-of select="@locality"/>
        <br/>
        <xsl:value-of select="g:msg('letters.created')"/>
        <xsl:text> </xsl:text>
        <xsl:value-of select="@created"/>
        <xsl:text> · </xsl:text>
        <xsl:value-of select="g:msg('letters.status')"/>
        <xsl:value-of select="g:msg('punct.colon')"/>
        <xsl:value-of select="g:msg(concat('letters.status.', @status))"/>
      </p>
      <xsl:if test="@status = 'failed' or (@status = 'queued' and @error)">
        <p class="error-msg">
          <xsl:value-of select="g:msg('letters.error', string(@attempts))"/>
          <xsl:value-of select="g:msg('punct.colon')"/>
          <xsl:value-of select="@error"/>
        </p>
      </xsl:if>
      <xsl:if test="@status = 'rendered'">
        <p class="buttons">
          <a href="/agent/letters/{@id}/pdf"><xsl:value-of select="g:msg('letters.pdf', string(@reference))"/></a>
          <xsl:text> </xsl:text>
          <button type="submit" class="secondary" formaction="/agent/letters/{@id}/sent"
                  aria-label="{g:msg('letters.mark_one')} – {@reference}">
            <xsl:value-of select="g:msg('letters.mark_one')"/>
          </button>
        </p>
      </xsl:if>
    </li>
  </xsl:template>
</xsl:stylesheet>
