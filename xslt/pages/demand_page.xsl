<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: AGPL-3.0-or-later -->
<!--
  demand_page.xsl - one page of a demand's form: "Étape 2 sur 5", the list
  of steps, the page's fields, and the buttons (next first, so that Enter
  goes on; previous and "save the draft" save too).  Refused with 422: the
  error summary on top, each message by its field, what was typed kept.
  Input (engine/h_demand.c): /page/demand, /page/steps/step,
  /page/form-page/field, /page/errors, /page/saved.
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
    <xsl:value-of select="form-page/@title"/>
    <xsl:text> (</xsl:text>
    <xsl:value-of select="g:msg('demand.step_of', concat(steps/@current, '/', steps/@count))"/>
    <xsl:text>) – </xsl:text>
    <xsl:value-of select="demand/@title"/>
  </xsl:template>

  <xsl:template match="page" mode="content">
    <xsl:call-template name="error-summary"/>
    <xsl:if test="saved">
      <div class="flash flash-ok" role="status"><xsl:value-of select="g:msg('demand.saved')"/></div>
    </xsl:if>
    <h1><xsl:value-of select="demand/@title"/></h1>
    <xsl:for-each select="demand"><xsl:call-template name="demand-head"/></xsl:for-each>

    <p class="step-status" id="step-status">
      <strong>
        <xsl:value-of select="g:msg('demand.step')"/>
        <xsl:text> </xsl:text>
        <xsl:value-of select="steps/@current"/>
        <xsl:text> </xsl:text>
        <xsl:value-of select="g:msg('demand.of')"/>
        <xsl:text> </xsl:text>
        <xsl:value-of select="steps/@count"/>
      </strong>
      <xsl:value-of select="g:msg('punct.colon')"/>
      <xsl:value-of select="form-page/@title"/>
    </p>
    <ol class="steps" aria-label="{g:msg('demand.steps')}">
      <xsl:for-each select="steps/step">
        <li>
          <xsl:if test="@current"><xsl:attribute name="aria-current">step</xsl:attribute></xsl:if>
          <xsl:choose>
            <xsl:when test="@current"><strong><xsl:value-of select="@title"/></strong></xsl:when>
            <xsl:otherwise><xsl:value-of select="@title"/></xsl:otherwise>
          </xsl:choose>
          <xsl:if test="@done">
            <xsl:text> (</xsl:text><xsl:value-of select="g:msg('demand.step_done')"/><xsl:text>)</xsl:text>
          </xsl:if>
        </li>
      </xsl:for-each>
    </ol>

    <xsl:apply-templates select="form-page"/>
    <p>
      <a href="/demands/{demand/@id}"><xsl:value-of select="g:msg('demand.back_to_demand')"/></a>
    </p>
  </xsl:template>

  <xsl:template match="form-page">
    <form method="post" action="{@action}" novalidate="novalidate" aria-labelledby="page-title"
          data-autosave-partial="{g:msg('autosave.partial')}"
          data-autosave-failed="{g:msg('autosave.failed')}">
      <xsl:attribute name="data-autosave-saved"><xsl:value-of select="g:msg('autosave.saved', '{arg}')"/></xsl:attribute>
      <xsl:if test="@multipart = 'yes'"><xsl:attribute name="enctype">multipart/form-data</xsl:attribute></xsl:if>
      <xsl:call-template name="csrf"/>
      <h2 id="page-title"><xsl:value-of select="@title"/></h2>
      <xsl:if test="help"><p class="help"><xsl:value-of select="help"/></p></xsl:if>
      <p class="help"><xsl:value-of select="g:msg('demand.required_note')"/></p>
      <!-- Enter in a field goes on, never "Retirer" (the first submit button) -->
      <xsl:if test="group">
        <button type="submit" name="nav" value="next" class="default-submit" tabindex="-1" aria-hidden="true">
          <xsl:value-of select="g:msg('demand.next')"/>
        </button>
      </xsl:if>
      <xsl:apply-templates select="field|group|filled"/>
      <p class="buttons">
        <button type="submit" name="nav" value="next">
          <xsl:choose>
            <xsl:when test="@last"><xsl:value-of select="g:msg('demand.review')"/></xsl:when>
            <xsl:otherwise><xsl:value-of select="g:msg('demand.next')"/></xsl:otherwise>
          </xsl:choose>
        </button>
        <xsl:text> </xsl:text>
        <xsl:if test="not(@first)">
          <button type="submit" name="nav" value="prev" class="secondary"><xsl:value-of select="g:msg('demand.prev')"/></button>
          <xsl:text> </xsl:text>
        </xsl:if>
        <button type="submit" name="nav" value="save" class="secondary"><xsl:value-of select="g:msg('demand.save')"/></button>
      </p>
      <!-- autosave (assets/autosave.js, with JavaScript only) says here when it saved -->
      <p id="autosave-status" class="help autosave-status" role="status" aria-live="polite"></p>
    </form>
    <script src="/assets/autosave.js" defer="defer"></script>
  </xsl:template>
</xsl:stylesheet>
