<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: AGPL-3.0-or-later -->
<!--
  decide_queue.xsl - a trusted third party's items (<decide>): for each of
  their groups, the demands whose item names it, open ones first, each a
  link to the item page; the filter "à traiter / traitées / toutes" is a
  plain GET form.  A list, not a table: it reads on a phone.
  Input (engine/h_decide.c): /page/@which, /page/answered,
  /page/group[@id,@name,@open,@shown]/item[@href,@reference,@workflow,@decide,
  @applicant,@opened,@key,@outcome] (@shown: the list goes on, only that
  many are given).
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:g="urn:guichet:xslt"
    extension-element-prefixes="g"
    exclude-result-prefixes="g">
  <xsl:import href="../layout.xsl"/>

  <xsl:template match="page" mode="title">
    <xsl:value-of select="g:msg('decide.queue.title')"/>
  </xsl:template>

  <xsl:template match="page" mode="content">
    <h1><xsl:value-of select="g:msg('decide.queue.title')"/></h1>
    <xsl:if test="answered">
      <div class="flash flash-ok" role="status"><xsl:value-of select="g:msg('decide.queue.answered')"/></div>
    </xsl:if>
    <p class="lead"><xsl:value-of select="g:msg('decide.queue.lead')"/></p>
    <form method="get" action="/verify" class="filter">
      <label for="which"><xsl:value-of select="g:msg('decide.queue.filter')"/></label>
      <select id="which" name="which">
        <option value="open">
          <xsl:if test="/page/@which = 'open'"><xsl:attribute name="selected">selected</xsl:attribute></xsl:if>
          <xsl:value-of select="g:msg('decide.queue.open')"/>
        </option>
        <option value="done">
          <xsl:if test="/page/@which = 'done'"><xsl:attribute name="selected">selected</xsl:attribute></xsl:if>
          <xsl:value-of select="g:msg('decide.queue.done')"/>
        </option>
        <option value="all">
          <xsl:if test="/page/@which = 'all'"><xsl:attribute name="selected">selected</xsl:attribute></xsl:if>
          <xsl:value-of select="g:msg('decide.queue.all')"/>
        </option>
      </select>
      <xsl:text> </xsl:text>
      <button type="submit" class="secondary"><xsl:value-of select="g:msg('agent.filter_button')"/></button>
    </form>
    <xsl:for-each select="group">
      <section aria-labelledby="g-{@id}">
        <h2 id="g-{@id}">
          <xsl:value-of select="@name"/>
          <xsl:text> (</xsl:text><xsl:value-of select="g:msg('decide.queue.open_count', @open)"/><xsl:text>)</xsl:text>
        </h2>
        <xsl:choose>
          <xsl:when test="item">
            <ul class="demands queue">
              <xsl:for-each select="item">
                <li class="card">
                  <p>
                    <a href="{@href}">
                      <xsl:value-of select="@reference"/>
                      <xsl:text> – </xsl:text>
                      <xsl:value-of select="@applicant"/>
                    </a>
                  </p>
                  <p>
                    <xsl:value-of select="@workflow"/>
                    <xsl:text> – </xsl:text>
                    <xsl:value-of select="@decide"/>
                  </p>
                  <p>
                    <xsl:value-of select="g:msg('decide.col.date')"/>
                    <xsl:value-of select="g:msg('punct.colon')"/>
                    <xsl:value-of select="@opened"/>
                    <xsl:text> – </xsl:text>
                    <xsl:value-of select="g:msg('decide.col.answer')"/>
                    <xsl:value-of select="g:msg('punct.colon')"/>
                    <xsl:choose>
                      <xsl:when test="@outcome"><xsl:value-of select="g:msg(concat('decide.outcome.', @outcome))"/></xsl:when>
                      <xsl:otherwise><xsl:value-of select="g:msg('decide.no_answer')"/></xsl:otherwise>
                    </xsl:choose>
                  </p>
                </li>
              </xsl:for-each>
            </ul>
            <!-- the list goes on (sql/0052): the page shows a bounded part -->
            <xsl:if test="@shown">
              <p><xsl:value-of select="g:msg(concat('decide.queue.shown_', /page/@which), @shown)"/></p>
            </xsl:if>
          </xsl:when>
          <xsl:otherwise><p><xsl:value-of select="g:msg('decide.queue.none')"/></p></xsl:otherwise>
        </xsl:choose>
      </section>
    </xsl:for-each>
  </xsl:template>
</xsl:stylesheet>
