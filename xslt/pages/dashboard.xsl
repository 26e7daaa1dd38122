<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: AGPL-3.0-or-later -->
<!--
  dashboard.xsl - "Avancement des démarches": the active context's demands
  by bucket (counts first, as links to each list), each with its
  procedure, reference, state, progress and last change; then the
  procedures this context may start, or why not; the agent's services.
  Input (engine/h_demand.c): /page/buckets/bucket[@name,@count]/demand,
  /page/procedures/procedure, /page/agent-groups/group.
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
    <xsl:value-of select="g:msg('dashboard.title')"/>
  </xsl:template>

  <xsl:template match="page" mode="content">
    <h1><xsl:value-of select="g:msg('dashboard.title')"/></h1>
    <p class="lead">
      <xsl:choose>
        <xsl:when test="context/@kind = 'entity'">
          <xsl:value-of select="g:msg('dashboard.for_entity', context/@name)"/>
        </xsl:when>
        <xsl:otherwise><xsl:value-of select="g:msg('dashboard.for_self')"/></xsl:otherwise>
      </xsl:choose>
    </p>
    <p><a href="/wallet"><xsl:value-of select="g:msg('wallet.link')"/></a></p>

    <nav aria-labelledby="summary-title">
      <h2 id="summary-title"><xsl:value-of select="g:msg('dashboard.summary')"/></h2>
      <ul class="buckets">
        <xsl:for-each select="buckets/bucket">
          <li>
            <a href="#b-{@name}">
              <span class="count"><xsl:value-of select="@count"/></span>
              <xsl:value-of select="g:msg(concat('bucket.', @name))"/>
            </a>
          </li>
        </xsl:for-each>
      </ul>
    </nav>

    <xsl:apply-templates select="buckets/bucket"/>

    <section aria-labelledby="start-title">
      <h2 id="start-title"><xsl:value-of select="g:msg('dashboard.start')"/></h2>
      <xsl:choose>
        <xsl:when test="procedures/procedure">
          <ul class="procedures">
            <xsl:apply-templates select="procedures/procedure"/>
          </ul>
        </xsl:when>
        <xsl:otherwise><p><xsl:value-of select="g:msg('dashboard.no_procedure')"/></p></xsl:otherwise>
      </xsl:choose>
    </section>

    <xsl:if test="agent-groups/group">
      <section aria-labelledby="agent-title">
        <h2 id="agent-title"><xsl:value-of select="g:msg('agent.title')"/></h2>
        <ul>
          <xsl:for-each select="agent-groups/group">
            <li><a href="/agent/{@id}"><xsl:value-of select="@name"/></a></li>
          </xsl:for-each>
        </ul>
      </section>
    </xsl:if>
  </xsl:template>

  <xsl:template match="bucket">
    <section class="bucket" aria-labelledby="b-{@name}">
      <h2 id="b-{@name}" tabindex="-1">
        <xsl:value-of select="g:msg(concat('bucket.', @name))"/>
        <xsl:text> (</xsl:text><xsl:value-of select="@count"/><xsl:text>)</xsl:text>
      </h2>
      <xsl:choose>
        <xsl:when test="demand">
          <ul class="demands">
            <xsl:apply-templates select="demand" mode="card">
              <xsl:with-param name="view" select="'owner'"/>
            </xsl:apply-templates>
          </ul>
          <xsl:if test="@count > count(demand)">
            <p><a href="/dashboard/{@name}"><xsl:value-of select="g:msg('dashboard.see_all', @count)"/><span class="sr-context"><xsl:value-of select="g:msg('punct.colon')"/><xsl:value-of select="g:msg(concat('bucket.', @name))"/></span></a></p>
          </xsl:if>
        </xsl:when>
        <xsl:otherwise>
          <p class="help"><xsl:value-of select="g:msg(concat('bucket.', @name, '.empty'))"/></p>
        </xsl:otherwise>
      </xsl:choose>
    </section>
  </xsl:template>

  <xsl:template match="procedure">
    <li class="procedure">
      <h3><xsl:value-of select="@title"/></h3>
      <xsl:if test="description">
        <p><xsl:value-of select="description"/></p>
      </xsl:if>
      <xsl:choose>
        <xsl:when test="@available = 'yes'">
          <form method="post" action="/demands">
            <xsl:call-template name="csrf"/>
            <input type="hidden" name="workflow" value="{@key}"/>
            <button type="submit">
              <xsl:value-of select="g:msg('dashboard.start_button')"/>
              <span class="sr-context"><xsl:value-of select="g:msg('punct.colon')"/><xsl:value-of select="@title"/></span>
            </button>
          </form>
        </xsl:when>
        <xsl:otherwise>
          <p class="unavailable">
            <strong><xsl:value-of select="g:msg('dashboard.unavailable')"/></strong>
            <xsl:text> </xsl:text>
            <xsl:choose>
              <xsl:when test="reason"><xsl:value-of select="reason"/></xsl:when>
              <xsl:otherwise><xsl:value-of select="g:msg(@reason-key)"/></xsl:otherwise>
            </xsl:choose>
          </p>
          <xsl:if test="/page/@has-spaces = 'yes'">
            <p><a href="/context?return_to=/dashboard"><xsl:value-of select="g:msg('ctx.switch')"/></a></p>
          </xsl:if>
        </xsl:otherwise>
      </xsl:choose>
    </li>
  </xsl:template>
</xsl:stylesheet>
