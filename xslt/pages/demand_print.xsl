<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: AGPL-3.0-or-later -->
<!--
  demand_print.xsl - the printable copy of a demand: the procedure, its
  reference, the applicant, every page of the form with its values, the
  documents, the history.  No steps and no edit links; the print CSS
  (assets/guichet.css, @media print) hides the header, the language
  switch, the logout and the footer.
  Input: the demand page's (engine/h_demand_view.c, print mode).
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:g="urn:guichet:xslt"
    extension-element-prefixes="g"
    exclude-result-prefixes="g">
  <xsl:import href="demand.xsl"/>

  <xsl:template match="page" mode="title">
    <xsl:value-of select="g:msg('print.title')"/>
    <xsl:text> – </xsl:text>
    <xsl:value-of select="demand/@reference"/>
  </xsl:template>

  <xsl:template match="page" mode="content">
    <div class="print-copy">
      <p class="no-print">
        <xsl:value-of select="g:msg('print.hint')"/>
        <xsl:text> </xsl:text>
        <a href="/demands/{demand/@id}"><xsl:value-of select="g:msg('print.back')"/></a>
      </p>
      <p class="print-mark"><xsl:value-of select="g:msg('print.title')"/></p>
      <xsl:apply-templates select="demand"/>
      <xsl:apply-templates select="data"/>
      <section aria-labelledby="docs-title">
        <h2 id="docs-title"><xsl:value-of select="g:msg('demand.documents')"/></h2>
        <xsl:choose>
          <xsl:when test="data//item[@document] or documents/document">
            <ul>
              <xsl:for-each select="data//item[@document]">
                <li>
                  <xsl:value-of select="@label"/>
                  <xsl:value-of select="g:msg('punct.colon')"/>
                  <xsl:value-of select="@value"/>
                  <xsl:text> (</xsl:text><xsl:value-of select="@size-kb"/><xsl:value-of select="g:msg('unit.kb')"/><xsl:text>)</xsl:text>
                </li>
              </xsl:for-each>
              <xsl:for-each select="documents/document">
                <li>
                  <xsl:value-of select="@label"/>
                  <xsl:value-of select="g:msg('punct.colon')"/>
                  <xsl:value-of select="@filename"/>
                  <xsl:text> (</xsl:text><xsl:value-of select="@size-kb"/><xsl:value-of select="g:msg('unit.kb')"/><xsl:text>, </xsl:text>
                  <xsl:value-of select="@at"/><xsl:text>)</xsl:text>
                </li>
              </xsl:for-each>
            </ul>
          </xsl:when>
          <xsl:otherwise><p><xsl:value-of select="g:msg('print.no_documents')"/></p></xsl:otherwise>
        </xsl:choose>
      </section>
      <xsl:apply-templates select="history"/>
    </div>
  </xsl:template>
</xsl:stylesheet>
