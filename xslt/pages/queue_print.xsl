<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: AGPL-3.0-or-later -->
<!--
  queue_print.xsl - the queue's current list for paper (GET
  /agent/<group>/print, engine/h_queue.c): what the filters say, the
  table without buttons, up to 1000 rows; the layout's print CSS leaves
  the header and footer out.  Input: agent_queue.xsl's.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:g="urn:guichet:xslt"
    extension-element-prefixes="g"
    exclude-result-prefixes="g">
  <xsl:import href="agent_queue.xsl"/>

  <xsl:template match="page" mode="content">
    <h1><xsl:value-of select="group/@name"/></h1>
    <p class="lead"><xsl:value-of select="g:msg('queue.matching', queue/@total)"/>
      <xsl:if test="queue/@next">
        <xsl:text> </xsl:text><xsl:value-of select="g:msg('queue.print_cut', queue/@shown)"/>
      </xsl:if>
    </p>
    <p class="no-print"><a href="/agent/{group/@id}?{query/@qs}"><xsl:value-of select="g:msg('queue.back')"/></a></p>
    <section aria-labelledby="print-title">
      <h2 id="print-title"><xsl:value-of select="g:msg('queue.print_title')"/></h2>
      <div class="table-scroll" role="region" tabindex="0" aria-labelledby="print-title">
        <xsl:apply-templates select="queue" mode="table">
          <xsl:with-param name="print" select="true()"/>
        </xsl:apply-templates>
      </div>
    </section>
  </xsl:template>
</xsl:stylesheet>
