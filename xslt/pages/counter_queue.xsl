<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: AGPL-3.0-or-later -->
<!--
  counter_queue.xsl - one authority's identification demands: open,
  invalidated or all (date, number, first name, last name), and the search
  by name and birth date or by reference (plain GET forms: every list has
  its own address).  Input (engine/h_counter.c): /page/group, /page/search
  (@show @name @birth @reference @open @invalidated @all, @invalidated-more
  @all-more: yes when that count stopped at its bound), /page/queue/demand,
  /page/errors.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:g="urn:guichet:xslt"
    extension-element-prefixes="g"
    exclude-result-prefixes="g">
  <xsl:import href="../layout.xsl"/>
  <xsl:import href="../form.xsl"/>

  <xsl:template match="page" mode="title">
    <xsl:call-template name="title-prefix"/>
    <xsl:value-of select="g:msg('counter.queue')"/>
    <xsl:text> – </xsl:text>
    <xsl:value-of select="group/@name"/>
  </xsl:template>

  <xsl:template name="tab">
    <xsl:param name="show"/>
    <xsl:param name="count"/>
    <xsl:param name="more" select="false()"/>
    <li>
      <a href="/counter/{/page/group/@id}?show={$show}">
        <xsl:if test="/page/search/@show = $show"><xsl:attribute name="aria-current">page</xsl:attribute></xsl:if>
        <xsl:choose>
          <!-- the history is counted up to a bound (sql/0051) -->
          <xsl:when test="$more"><xsl:value-of select="g:msg(concat('counter.show.', $show, '_more'), $count)"/></xsl:when>
          <xsl:otherwise><xsl:value-of select="g:msg(concat('counter.show.', $show), $count)"/></xsl:otherwise>
        </xsl:choose>
      </a>
    </li>
  </xsl:template>

  <xsl:template name="search-field">
    <xsl:param name="name"/>
    <xsl:param name="value"/>
    <xsl:param name="hint" select="''"/>
    <xsl:variable name="err" select="/page/errors/error[@field = $name]"/>
    <div class="field" id="s-{$name}-field">
      <xsl:if test="$err"><xsl:attribute name="class">field field-error</xsl:attribute></xsl:if>
      <label for="s-{$name}"><xsl:value-of select="g:msg(concat('counter.search.', $name))"/></label>
      <xsl:if test="$hint != ''">
        <p class="help" id="s-{$name}-hint"><xsl:value-of select="g:msg($hint)"/></p>
      </xsl:if>
      <xsl:if test="$err">
        <p class="error-msg" id="s-{$name}-error">
          <xsl:value-of select="g:msg('demand.error_prefix')"/>
          <xsl:text> </xsl:text>
          <xsl:value-of select="g:msg($err/@key, string($err/@arg))"/>
        </p>
      </xsl:if>
      <input type="text" id="s-{$name}" name="{$name}" value="{$value}">
        <xsl:if test="$err">
          <xsl:attribute name="aria-invalid">true</xsl:attribute>
          <xsl:attribute name="aria-describedby"><xsl:value-of select="concat('s-', $name, '-error')"/></xsl:attribute>
        </xsl:if>
        <xsl:if test="not($err) and $hint != ''">
          <xsl:attribute name="aria-describedby"><xsl:value-of select="concat('s-', $name, '-hint')"/></xsl:attribute>
        </xsl:if>
      </input>
    </div>
  </xsl:template>

  <xsl:template match="page" mode="content">
    <xsl:call-template name="error-summary"/>
    <h1><xsl:value-of select="group/@name"/></h1>
    <p class="lead"><xsl:value-of select="g:msg('counter.queue_lead')"/></p>
    <nav aria-label="{g:msg('counter.lists')}">
      <ul class="tabs">
        <xsl:call-template name="tab">
          <xsl:with-param name="show" select="'open'"/>
          <xsl:with-param name="count" select="search/@open"/>
        </xsl:call-template>
        <xsl:call-template name="tab">
          <xsl:with-param name="show" select="'invalidated'"/>
          <xsl:with-param name="count" select="search/@invalidated"/>
          <xsl:with-param name="more" select="search/@invalidated-more = 'yes'"/>
        </xsl:call-template>
        <xsl:call-template name="tab">
          <xsl:with-param name="show" select="'all'"/>
          <xsl:with-param name="count" select="search/@all"/>
          <xsl:with-param name="more" select="search/@all-more = 'yes'"/>
        </xsl:call-template>
      </ul>
    </nav>
    <section aria-labelledby="search-title">
      <h2 id="search-title"><xsl:value-of select="g:msg('counter.search')"/></h2>
      <form method="get" action="/counter/{group/@id}" class="filter" novalidate="novalidate">
        <input type="hidden" name="show" value="{search/@show}"/>
        <xsl:call-template name="search-field">
          <xsl:with-param name="name" select="'name'"/>
          <xsl:with-param name="value" select="search/@name"/>
        </xsl:call-template>
        <xsl:call-template name="search-field">
          <xsl:with-param name="name" select="'birth'"/>
          <xsl:with-param name="value" select="search/@birth"/>
          <xsl:with-param name="hint" select="'demand.hint.date'"/>
        </xsl:call-template>
        <xsl:call-template name="search-field">
          <xsl:with-param name="name" select="'reference'"/>
          <xsl:with-param name="value" select="search/@reference"/>
          <xsl:with-param name="hint" select="'counter.search.reference_hint'"/>
        </xsl:call-template>
        <p>
          <button type="submit"><xsl:value-of select="g:msg('counter.search.button')"/></button>
          <xsl:if test="search/@active = 'yes'">
            <xsl:text> </xsl:text>
            <a href="/counter/{group/@id}?show={search/@show}"><xsl:value-of select="g:msg('counter.search.clear')"/></a>
          </xsl:if>
        </p>
      </form>
    </section>
    <section aria-labelledby="queue-title">
      <h2 id="queue-title">
        <xsl:value-of select="g:msg(concat('counter.list.', search/@show), queue/@count)"/>
      </h2>
      <xsl:choose>
        <xsl:when test="queue/demand">
          <div class="table-scroll" tabindex="0" role="region" aria-labelledby="queue-title">
            <table class="counter">
              <thead>
                <tr>
                  <th scope="col"><xsl:value-of select="g:msg('counter.col.date')"/></th>
                  <th scope="col"><xsl:value-of select="g:msg('counter.col.number')"/></th>
                  <th scope="col"><xsl:value-of select="g:msg('counter.col.first_name')"/></th>
                  <th scope="col"><xsl:value-of select="g:msg('counter.col.last_name')"/></th>
                </tr>
              </thead>
              <tbody>
                <xsl:for-each select="queue/demand">
                  <tr>
                    <td><time datetime="{@iso}"><xsl:value-of select="@date"/></time></td>
                    <td><a href="/counter/{/page/group/@id}/demands/{@id}"><xsl:value-of select="@reference"/></a></td>
                    <td><xsl:value-of select="@first-name"/></td>
                    <td><xsl:value-of select="@last-name"/></td>
                  </tr>
                </xsl:for-each>
              </tbody>
            </table>
          </div>
        </xsl:when>
        <xsl:otherwise><p><xsl:value-of select="g:msg('counter.empty')"/></p></xsl:otherwise>
      </xsl:choose>
    </section>
  </xsl:template>
</xsl:stylesheet>
