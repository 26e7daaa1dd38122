<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: AGPL-3.0-or-later -->
<!--
  catalogue.xsl - "Effectuer une démarche": every procedure published,
  its description and what it needs; "Commencer" for those the active
  context may file, else the reason and the way to get there (switch
  context, get verified, ask the référent).
  Input (engine/h_catalogue.c): /page/procedures/procedure[@key @title
  @available @reason-key @way] with description, reason, needs[@space
  @assurance @grant]/kind[@key]; /page/@has-spaces.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:g="urn:guichet:xslt"
    extension-element-prefixes="g"
    exclude-result-prefixes="g">
  <xsl:import href="../layout.xsl"/>

  <xsl:template match="page" mode="title">
    <xsl:value-of select="g:msg('catalogue.title')"/>
  </xsl:template>

  <xsl:template match="page" mode="content">
    <h1><xsl:value-of select="g:msg('catalogue.title')"/></h1>
    <p class="lead"><xsl:value-of select="g:msg('catalogue.lead')"/></p>
    <xsl:choose>
      <xsl:when test="procedures/procedure">
        <ul class="procedures catalogue">
          <xsl:apply-templates select="procedures/procedure"/>
        </ul>
      </xsl:when>
      <xsl:otherwise>
        <p><xsl:value-of select="g:msg('catalogue.none')"/></p>
      </xsl:otherwise>
    </xsl:choose>
    <p><a href="/dashboard"><xsl:value-of select="g:msg('demand.back_dashboard')"/></a></p>
  </xsl:template>

  <xsl:template match="procedure">
    <li class="procedure" id="p-{@key}">
      <h2><xsl:value-of select="@title"/></h2>
      <xsl:if test="description"><p><xsl:value-of select="description"/></p></xsl:if>
      <xsl:apply-templates select="needs"/>
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
          <xsl:choose>
            <xsl:when test="@way = 'switch' and /page/@has-spaces = 'yes'">
              <p><a class="button secondary" href="/context?return_to=/catalogue"><xsl:value-of select="g:msg('ctx.switch')"/></a></p>
            </xsl:when>
            <xsl:when test="@way = 'switch'">
              <p class="help"><xsl:value-of select="g:msg('catalogue.way.no_space')"/></p>
              <xsl:if test="//procedure[@key = 'space_join' and @available = 'yes']">
                <p><a href="#p-space_join"><xsl:value-of select="g:msg('spaceprocs.way.join')"/></a></p>
              </xsl:if>
            </xsl:when>
            <xsl:when test="@way = 'verify'">
              <p class="help"><xsl:value-of select="g:msg('catalogue.way.verify')"/></p>
            </xsl:when>
            <xsl:when test="@way = 'grant'">
              <p class="help"><xsl:value-of select="g:msg('catalogue.way.grant')"/></p>
              <xsl:if test="//procedure[@key = 'service_access' and @available = 'yes']">
                <p><a href="#p-service_access"><xsl:value-of select="g:msg('spaceprocs.way.access')"/></a></p>
              </xsl:if>
            </xsl:when>
          </xsl:choose>
        </xsl:otherwise>
      </xsl:choose>
    </li>
  </xsl:template>

  <xsl:template match="needs">
    <h3 class="needs-title"><xsl:value-of select="g:msg('catalogue.needs')"/></h3>
    <ul class="needs">
      <li>
        <xsl:value-of select="g:msg(concat('catalogue.space.', @space))"/>
        <xsl:if test="kind">
          <xsl:value-of select="g:msg('punct.colon')"/>
          <xsl:for-each select="kind">
            <xsl:if test="position() > 1"><xsl:text>, </xsl:text></xsl:if>
            <xsl:value-of select="g:msg(concat('catalogue.kind.', @key))"/>
          </xsl:for-each>
        </xsl:if>
      </li>
      <li><xsl:value-of select="g:msg(concat('catalogue.assurance.', @assurance))"/></li>
      <xsl:if test="@grant = 'yes'">
        <li><xsl:value-of select="g:msg('catalogue.grant')"/></li>
      </xsl:if>
    </ul>
  </xsl:template>
</xsl:stylesheet>
