<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: AGPL-3.0-or-later -->
<!-- relations.xsl - "Mes relations": what relations are for, the legal
     persons recorded (each with its remove button), and the form to add
     one (name, IDE number optional, address).  Input: /page/relations,
     /page/add/field, /page/errors (engine/h_account.c). -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:g="urn:guichet:xslt"
    extension-element-prefixes="g"
    exclude-result-prefixes="g">
  <xsl:import href="../layout.xsl"/>
  <xsl:import href="../form.xsl"/>

  <xsl:template match="page" mode="title">
    <xsl:value-of select="g:msg('account.relations.title')"/>
  </xsl:template>

  <xsl:template match="page" mode="content">
    <h1><xsl:value-of select="g:msg('account.relations.title')"/></h1>
    <xsl:call-template name="error-summary"/>
    <xsl:if test="relations/@done">
      <div class="flash flash-ok" role="status"><xsl:value-of select="g:msg(concat('account.relations.done.', relations/@done))"/></div>
    </xsl:if>
    <p><xsl:value-of select="g:msg('account.relations.intro')"/></p>
    <p><xsl:value-of select="g:msg('account.relations.no_procedure')"/></p>

    <h2><xsl:value-of select="g:msg('account.relations.list')"/></h2>
    <xsl:choose>
      <xsl:when test="relations/relation">
        <ul class="relations">
          <xsl:for-each select="relations/relation">
            <li>
              <strong><xsl:value-of select="@name"/></strong>
              <xsl:if test="normalize-space(@ide)">
                <xsl:text> – </xsl:text><xsl:value-of select="@ide"/>
              </xsl:if>
              <br/>
              <xsl:value-of select="@street"/><xsl:text>, </xsl:text>
              <xsl:value-of select="@postcode"/><xsl:text> </xsl:text><xsl:value-of select="@locality"/>
              <form method="post" action="/relations/{@id}/remove" class="inline">
                <xsl:call-template name="csrf"/>
                <button type="submit"><xsl:value-of select="g:msg('account.relations.remove', @name)"/></button>
              </form>
            </li>
          </xsl:for-each>
        </ul>
      </xsl:when>
      <xsl:otherwise><p><xsl:value-of select="g:msg('account.relations.none')"/></p></xsl:otherwise>
    </xsl:choose>

    <h2 id="add-title"><xsl:value-of select="g:msg('account.relations.add')"/></h2>
    <form method="post" action="/relations" novalidate="novalidate" aria-labelledby="add-title">
      <xsl:call-template name="csrf"/>
      <xsl:apply-templates select="add/field"/>
      <p><button type="submit"><xsl:value-of select="g:msg('account.relations.add_button')"/></button></p>
    </form>
    <p><a href="/account"><xsl:value-of select="g:msg('account.back')"/></a></p>
  </xsl:template>
</xsl:stylesheet>
