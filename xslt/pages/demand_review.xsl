<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: AGPL-3.0-or-later -->
<!--
  demand_review.xsl - the review before sending a form: the list of steps,
  every answer page by page with its "Modifier" link, and the step that
  sends the form (submit, resubmit), so that nothing is submitted unseen.
  Input (engine/h_form.c, review_get): /page/demand, /page/steps/step,
  /page/data (demand.xsl's template), /page/actions/action (demand.xsl's).
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:g="urn:guichet:xslt"
    extension-element-prefixes="g"
    exclude-result-prefixes="g">
  <xsl:import href="demand.xsl"/>

  <xsl:template match="page" mode="title">
    <xsl:value-of select="g:msg('form.review.title')"/>
    <xsl:text> – </xsl:text>
    <xsl:value-of select="demand/@title"/>
  </xsl:template>

  <xsl:template match="page" mode="content">
    <h1><xsl:value-of select="demand/@title"/></h1>
    <xsl:for-each select="demand"><xsl:call-template name="demand-head"/></xsl:for-each>
    <p class="step-status" id="step-status">
      <strong><xsl:value-of select="g:msg('form.review.title')"/></strong>
    </p>
    <ol class="steps" aria-label="{g:msg('demand.steps')}">
      <xsl:for-each select="steps/step">
        <li>
          <a href="{@href}"><xsl:value-of select="@title"/></a>
          <xsl:choose>
            <xsl:when test="@done">
              <xsl:text> (</xsl:text><xsl:value-of select="g:msg('demand.step_done')"/><xsl:text>)</xsl:text>
            </xsl:when>
            <xsl:otherwise>
              <xsl:text> (</xsl:text><xsl:value-of select="g:msg('form.step_not_visited')"/><xsl:text>)</xsl:text>
            </xsl:otherwise>
          </xsl:choose>
        </li>
      </xsl:for-each>
      <li aria-current="step"><strong><xsl:value-of select="g:msg('form.review.step')"/></strong></li>
    </ol>
    <p class="help"><xsl:value-of select="g:msg('form.review.help')"/></p>
    <xsl:apply-templates select="data"/>
    <section id="actions" aria-labelledby="actions-title" tabindex="-1">
      <h2 id="actions-title"><xsl:value-of select="g:msg('form.review.send')"/></h2>
      <xsl:choose>
        <xsl:when test="actions/action">
          <xsl:apply-templates select="actions/action"/>
        </xsl:when>
        <xsl:otherwise>
          <p><xsl:value-of select="g:msg('form.review.nothing_to_send')"/></p>
        </xsl:otherwise>
      </xsl:choose>
    </section>
    <p>
      <a href="/demands/{demand/@id}"><xsl:value-of select="g:msg('demand.back_to_demand')"/></a>
    </p>
  </xsl:template>
</xsl:stylesheet>
