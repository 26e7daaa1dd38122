<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: AGPL-3.0-or-later -->
<!-- account_delete.xsl - "Supprimer mon compte": what goes, what the law
     keeps, a box to tick and the button (/page/delete); once done, the
     confirmation, logged out (/page/deleted). -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:g="urn:guichet:xslt"
    extension-element-prefixes="g"
    exclude-result-prefixes="g">
  <xsl:import href="../layout.xsl"/>
  <xsl:import href="../form.xsl"/>

  <xsl:template match="page" mode="title">
    <xsl:choose>
      <xsl:when test="deleted"><xsl:value-of select="g:msg('account.delete.done.title')"/></xsl:when>
      <xsl:otherwise><xsl:value-of select="g:msg('account.delete.title')"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="page[deleted]" mode="content">
    <h1><xsl:value-of select="g:msg('account.delete.done.title')"/></h1>
    <div class="flash flash-ok" role="status"><xsl:value-of select="g:msg('account.delete.done.text', deleted/@drafts)"/></div>
    <p><xsl:value-of select="g:msg('account.delete.kept.text', deleted/@kept)"/></p>
    <p><xsl:value-of select="g:msg('account.delete.again')"/></p>
  </xsl:template>

  <xsl:template match="page" mode="content">
    <h1><xsl:value-of select="g:msg('account.delete.title')"/></h1>
    <xsl:call-template name="error-summary"/>
    <h2><xsl:value-of select="g:msg('account.delete.gone.title')"/></h2>
    <ul>
      <li><xsl:value-of select="g:msg('account.delete.gone.drafts', delete/@drafts)"/></li>
      <li><xsl:value-of select="g:msg('account.delete.gone.wallet')"/></li>
      <li><xsl:value-of select="g:msg('account.delete.gone.data')"/></li>
      <li><xsl:value-of select="g:msg('account.delete.gone.login')"/></li>
    </ul>
    <h2><xsl:value-of select="g:msg('account.delete.kept.title')"/></h2>
    <p><xsl:value-of select="g:msg('account.delete.kept.text', delete/@filed)"/></p>
    <p><xsl:value-of select="g:msg('account.delete.again')"/></p>
    <form method="post" action="/account/delete">
      <xsl:call-template name="csrf"/>
      <xsl:apply-templates select="delete/field"/>
      <p><button type="submit"><xsl:value-of select="g:msg('account.delete.button')"/></button></p>
    </form>
    <p><a href="/account"><xsl:value-of select="g:msg('account.back')"/></a></p>
  </xsl:template>
</xsl:stylesheet>
