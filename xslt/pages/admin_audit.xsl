<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: AGPL-3.0-or-later -->
<!-- admin_audit.xsl - the administrators' audit search, read-only: one
     field (a demand's reference, an IDE number or an e-mail address) and
     two dates; the entries newest first.  Input (engine/h_admin_audit.c):
     /page[@q, @from, @to, @kind, @found]/error[@field]
     /page/entries/entry[@at, @trail, @action, @actor, @whom, @what,
       @reference, @demand]/detail[@key] -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:g="urn:guichet:xslt"
    extension-element-prefixes="g"
    exclude-result-prefixes="g">
  <xsl:import href="../layout.xsl"/>

  <xsl:template match="page" mode="title">
    <xsl:if test="error">
      <xsl:value-of select="g:msg('demand.errors.title_prefix')"/>
      <xsl:text> </xsl:text>
    </xsl:if>
    <xsl:value-of select="g:msg('audit.title')"/>
  </xsl:template>

  <xsl:template name="input">
    <xsl:param name="name"/>
    <xsl:param name="type" select="'text'"/>
    <xsl:param name="value"/>
    <xsl:variable name="bad" select="/page/error[@field = $name]"/>
    <div>
      <xsl:if test="$bad"><xsl:attribute name="class">field-error</xsl:attribute></xsl:if>
      <p><label for="audit-{$name}"><xsl:value-of select="g:msg(concat('audit.', $name))"/></label></p>
      <xsl:if test="$name = 'q'">
        <p class="help" id="audit-q-help"><xsl:value-of select="g:msg('audit.q_help')"/></p>
      </xsl:if>
      <xsl:if test="$bad">
        <p class="error-msg" id="audit-{$name}-error"><xsl:value-of select="g:msg(concat('audit.bad_', $name))"/></p>
      </xsl:if>
      <input type="{$type}" id="audit-{$name}" name="{$name}" value="{$value}">
        <xsl:variable name="ids">
          <xsl:if test="$name = 'q'">audit-q-help </xsl:if>
          <xsl:if test="$bad"><xsl:value-of select="concat('audit-', $name, '-error')"/></xsl:if>
        </xsl:variable>
        <xsl:if test="normalize-space($ids)">
          <xsl:attribute name="aria-describedby"><xsl:value-of select="normalize-space($ids)"/></xsl:attribute>
        </xsl:if>
        <xsl:if test="$bad"><xsl:attribute name="aria-invalid">true</xsl:attribute></xsl:if>
      </input>
    </div>
  </xsl:template>

  <xsl:template match="page" mode="content">
    <p><a href="/admin"><xsl:value-of select="g:msg('admin.procs.back')"/></a></p>
    <h1><xsl:value-of select="g:msg('audit.title')"/></h1>
    <p class="lead"><xsl:value-of select="g:msg('audit.lead')"/></p>
    <form method="get" action="/admin/audit" role="search" class="audit-search">
      <xsl:call-template name="input">
        <xsl:with-param name="name" select="'q'"/>
        <xsl:with-param name="value" select="@q"/>
      </xsl:call-template>
      <xsl:call-template name="input">
        <xsl:with-param name="name" select="'from'"/>
        <xsl:with-param name="type" select="'date'"/>
        <xsl:with-param name="value" select="@from"/>
      </xsl:call-template>
      <xsl:call-template name="input">
        <xsl:with-param name="name" select="'to'"/>
        <xsl:with-param name="type" select="'date'"/>
        <xsl:with-param name="value" select="@to"/>
      </xsl:call-template>
      <p><button type="submit"><xsl:value-of select="g:msg('audit.search')"/></button></p>
    </form>
    <xsl:if test="@kind">
      <section aria-labelledby="audit-results">
        <h2 id="audit-results"><xsl:value-of select="g:msg(concat('audit.results.', @kind))"/></h2>
        <xsl:choose>
          <xsl:when test="@found = 'no'"><p role="status"><xsl:value-of select="g:msg(concat('audit.unknown.', @kind))"/></p></xsl:when>
          <xsl:when test="not(entries/entry)"><p role="status"><xsl:value-of select="g:msg('audit.none')"/></p></xsl:when>
          <xsl:otherwise>
            <ol class="audit">
              <xsl:for-each select="entries/entry">
                <li>
                  <p>
                    <strong><xsl:value-of select="@at"/></strong>
                    <xsl:text> – </xsl:text>
                    <xsl:value-of select="g:msg(concat('audit.trail.', @trail))"/>
                    <xsl:text> – </xsl:text>
                    <code><xsl:value-of select="@action"/></code>
                  </p>
                  <p>
                    <xsl:value-of select="g:msg('audit.by', @actor)"/>
                    <xsl:if test="@whom"><xsl:text>, </xsl:text><xsl:value-of select="g:msg('audit.for', @whom)"/></xsl:if>
                  </p>
                  <xsl:if test="@what or @reference">
                    <p>
                      <xsl:if test="@reference">
                        <a href="/demands/{@demand}"><xsl:value-of select="@reference"/></a>
                        <xsl:text> </xsl:text>
                      </xsl:if>
                      <xsl:value-of select="@what"/>
                    </p>
                  </xsl:if>
                  <xsl:if test="detail">
                    <ul class="detail">
                      <xsl:for-each select="detail">
                        <li><xsl:value-of select="@key"/><xsl:value-of select="g:msg('punct.colon')"/><xsl:value-of select="."/></li>
                      </xsl:for-each>
                    </ul>
                  </xsl:if>
                </li>
              </xsl:for-each>
            </ol>
          </xsl:otherwise>
        </xsl:choose>
      </section>
    </xsl:if>
  </xsl:template>
</xsl:stylesheet>
