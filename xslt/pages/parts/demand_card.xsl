<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: AGPL-3.0-or-later -->
<!--
  parts/demand_card.xsl - one demand in a list, written once for the
  dashboard (dashboard.xsl, the owner's view) and the agents' queue
  (agent_queue.xsl).  Input: a <demand> of engine/demand_view.c
  (dv_demand_summary).  Imported after ../../form.xsl (progress).

    <xsl:apply-templates select="demand" mode="card">
      <xsl:with-param name="view" select="'owner'"/>   or 'agent'
    </xsl:apply-templates>

  Both views: a heading linking to the demand, the state.  The owner's
  view ("procedure – reference") adds the progress bar and the last
  change; the agent's ("reference – procedure") the applicant, since when
  the demand waits in its state, and when it was submitted.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:g="urn:guichet:xslt"
    extension-element-prefixes="g"
    exclude-result-prefixes="g">

  <xsl:template match="demand" mode="card">
    <xsl:param name="view" select="'owner'"/>
    <li class="demand">
      <h3>
        <a href="/demands/{@id}">
          <xsl:choose>
            <xsl:when test="$view = 'agent'">
              <xsl:value-of select="@reference"/>
              <xsl:text> – </xsl:text>
              <xsl:value-of select="@title"/>
            </xsl:when>
            <xsl:otherwise>
              <xsl:value-of select="@title"/>
              <xsl:text> – </xsl:text>
              <xsl:value-of select="@reference"/>
            </xsl:otherwise>
          </xsl:choose>
        </a>
      </h3>
      <xsl:if test="$view = 'agent'">
        <p>
          <xsl:value-of select="g:msg('agent.applicant')"/>
          <xsl:value-of select="g:msg('punct.colon')"/>
          <xsl:value-of select="@applicant"/>
        </p>
      </xsl:if>
      <p>
        <xsl:value-of select="g:msg('demand.state')"/>
        <xsl:value-of select="g:msg('punct.colon')"/>
        <strong><xsl:value-of select="@state-label"/></strong>
        <xsl:if test="$view = 'agent'">
          <xsl:text>, </xsl:text>
          <xsl:value-of select="g:msg('agent.since')"/>
          <xsl:text> </xsl:text>
          <time datetime="{@since-iso}"><xsl:value-of select="@since"/></time>
        </xsl:if>
      </p>
      <xsl:choose>
        <xsl:when test="$view = 'agent'">
          <xsl:if test="@submitted">
            <p class="help">
              <xsl:value-of select="g:msg('demand.submitted')"/>
              <xsl:text> </xsl:text>
              <xsl:value-of select="@submitted"/>
            </p>
          </xsl:if>
        </xsl:when>
        <xsl:otherwise>
          <xsl:if test="@counter = 'yes'">
            <p class="counter-filed"><xsl:value-of select="g:msg('desk.dashboard')"/></p>
          </xsl:if>
          <xsl:call-template name="progress"/>
          <p class="help">
            <xsl:value-of select="g:msg('demand.updated')"/>
            <xsl:text> </xsl:text>
            <time datetime="{@updated-iso}"><xsl:value-of select="@updated"/></time>
          </p>
        </xsl:otherwise>
      </xsl:choose>
    </li>
  </xsl:template>
</xsl:stylesheet>
