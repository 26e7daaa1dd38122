<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: AGPL-3.0-or-later -->
<!--
  queue_bulk.xsl - what a bulk action did (POST /agent/<group>/bulk,
  engine/h_queue.c): how many succeeded and failed, then each demand,
  those refused first with the reason (changed meanwhile, a guard, a
  required comment...).  Input: /page/group, /page/results/demand.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:g="urn:guichet:xslt"
    extension-element-prefixes="g"
    exclude-result-prefixes="g">
  <xsl:import href="../layout.xsl"/>

  <xsl:template match="page" mode="title">
    <xsl:value-of select="g:msg('queue.bulk_result')"/>
    <xsl:text> – </xsl:text>
    <xsl:value-of select="group/@name"/>
  </xsl:template>

  <xsl:template match="page" mode="content">
    <h1><xsl:value-of select="g:msg('queue.bulk_result')"/></h1>
    <p role="status">
      <xsl:attribute name="class">
        <xsl:choose>
          <xsl:when test="results/@failed != '0'">flash flash-error</xsl:when>
          <xsl:otherwise>flash flash-ok</xsl:otherwise>
        </xsl:choose>
      </xsl:attribute>
      <span class="done-count"><xsl:value-of select="g:msg('queue.bulk_done', results/@done)"/></span>
      <xsl:text> </xsl:text>
      <span class="failed-count"><xsl:value-of select="g:msg('queue.bulk_failed', results/@failed)"/></span>
    </p>
    <xsl:if test="results/demand[not(@done)]">
      <section aria-labelledby="failed-h">
        <h2 id="failed-h"><xsl:value-of select="g:msg('queue.bulk_failed_list')"/></h2>
        <ul class="bulk-failed">
          <xsl:for-each select="results/demand[not(@done)]">
            <li data-key="{@key}"><a href="/demands/{@id}"><xsl:value-of select="@reference"/></a>
              <xsl:value-of select="g:msg('punct.colon')"/>
              <xsl:value-of select="@why"/>
              <xsl:if test="@field-key">
                <xsl:text> </xsl:text><xsl:value-of select="g:msg(@field-key)"/>
              </xsl:if>
            </li>
          </xsl:for-each>
        </ul>
      </section>
    </xsl:if>
    <xsl:if test="results/demand[@done]">
      <section aria-labelledby="done-h">
        <h2 id="done-h"><xsl:value-of select="g:msg('queue.bulk_done_list')"/></h2>
        <ul class="bulk-done">
          <xsl:for-each select="results/demand[@done]">
            <li><a href="/demands/{@id}"><xsl:value-of select="@reference"/></a></li>
          </xsl:for-each>
        </ul>
      </section>
    </xsl:if>
    <p><a href="{group/@back}"><xsl:value-of select="g:msg('queue.back')"/></a></p>
  </xsl:template>
</xsl:stylesheet>
