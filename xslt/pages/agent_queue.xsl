<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: AGPL-3.0-or-later -->
<!--
  agent_queue.xsl - a service's queue: the demands waiting for one of its
  agents, oldest first, with the filter by procedure and state (a plain
  GET form: the filtered list has its own address).
  Input (engine/h_agent.c): /page/group, /page/filter/option,
  /page/queue/demand.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:g="urn:guichet:xslt"
    extension-element-prefixes="g"
    exclude-result-prefixes="g">
  <xsl:import href="../layout.xsl"/>
  <xsl:import href="../form.xsl"/>
  <xsl:import href="parts/demand_card.xsl"/>

  <xsl:template match="page" mode="title">
    <xsl:value-of select="g:msg('agent.queue')"/>
    <xsl:text> – </xsl:text>
    <xsl:value-of select="group/@name"/>
  </xsl:template>

  <xsl:template match="page" mode="content">
    <h1><xsl:value-of select="group/@name"/></h1>
    <p class="lead"><xsl:value-of select="g:msg('agent.queue_lead', filter/@total)"/></p>
    <form method="get" action="/agent/{group/@id}" class="filter">
      <label for="state-filter"><xsl:value-of select="g:msg('agent.filter')"/></label>
      <select id="state-filter" name="state">
        <option value=""><xsl:value-of select="g:msg('agent.filter_all', filter/@total)"/></option>
        <xsl:for-each select="filter/option">
          <option value="{@value}">
            <xsl:if test="@selected"><xsl:attribute name="selected">selected</xsl:attribute></xsl:if>
            <xsl:value-of select="@title"/>
            <xsl:text> – </xsl:text>
            <xsl:value-of select="@state-label"/>
            <xsl:text> (</xsl:text><xsl:value-of select="@count"/><xsl:text>)</xsl:text>
          </option>
        </xsl:for-each>
      </select>
      <xsl:text> </xsl:text>
      <button type="submit" class="secondary"><xsl:value-of select="g:msg('agent.filter_button')"/></button>
    </form>
    <section aria-labelledby="queue-title">
      <h2 id="queue-title"><xsl:value-of select="g:msg('agent.queue_list', queue/@count)"/></h2>
      <xsl:choose>
        <xsl:when test="queue/demand">
          <ol class="demands queue">
            <xsl:apply-templates select="queue/demand" mode="card">
              <xsl:with-param name="view" select="'agent'"/>
            </xsl:apply-templates>
          </ol>
        </xsl:when>
        <xsl:otherwise><p><xsl:value-of select="g:msg('agent.queue_empty')"/></p></xsl:otherwise>
      </xsl:choose>
    </section>
  </xsl:template>
</xsl:stylesheet>
