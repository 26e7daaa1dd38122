<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: AGPL-3.0-or-later -->
<!-- members.xsl - "Administrer l'espace professionnel": the entity, its
     members with their function, since when, delegated duties and access
     grants.  Input: /page/space with member children. -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:g="urn:guichet:xslt"
    extension-element-prefixes="g"
    exclude-result-prefixes="g">
  <xsl:import href="../layout.xsl"/>

  <xsl:template match="page" mode="title">
    <xsl:value-of select="g:msg('members.title')"/>
    <xsl:text> – </xsl:text>
    <xsl:value-of select="space/@name"/>
  </xsl:template>

  <xsl:template match="page" mode="content">
    <h1><xsl:value-of select="g:msg('members.title')"/></h1>
    <xsl:apply-templates select="space"/>
  </xsl:template>

  <xsl:template match="space">
    <section class="entity" aria-labelledby="entity-name">
      <h2 id="entity-name"><xsl:value-of select="@name"/></h2>
      <dl>
        <dt><xsl:value-of select="g:msg('space.ide')"/></dt>
        <dd><xsl:value-of select="@ide"/></dd>
        <dt><xsl:value-of select="g:msg('space.legal_form')"/></dt>
        <dd><xsl:value-of select="g:msg(concat('legal_form.', @legal-form))"/></dd>
        <dt><xsl:value-of select="g:msg('space.address')"/></dt>
        <dd>
          <xsl:value-of select="@street"/>
          <xsl:if test="@house-number != ''"><xsl:text> </xsl:text><xsl:value-of select="@house-number"/></xsl:if>
          <xsl:text>, </xsl:text>
          <xsl:value-of select="@postcode"/><xsl:text> </xsl:text><xsl:value-of select="@locality"/>
        </dd>
        <dt><xsl:value-of select="g:msg('space.status')"/></dt>
        <dd><xsl:value-of select="g:msg(concat('space.status.', @status))"/></dd>
      </dl>
    </section>
    <section aria-labelledby="members-title">
      <h2 id="members-title"><xsl:value-of select="g:msg('members.list')"/></h2>
      <!-- five columns do not fit a phone: the table scrolls inside its own
           region (named apart from the section around it, focusable so that
           a keyboard can scroll it) instead of widening the page -->
      <div class="table-scroll" role="region" aria-label="{g:msg('members.table')}" tabindex="0">
      <table class="members">
        <thead>
          <tr>
            <th scope="col"><xsl:value-of select="g:msg('members.name')"/></th>
            <th scope="col"><xsl:value-of select="g:msg('members.function')"/></th>
            <th scope="col"><xsl:value-of select="g:msg('members.since')"/></th>
            <th scope="col"><xsl:value-of select="g:msg('members.duties')"/></th>
            <th scope="col"><xsl:value-of select="g:msg('members.grants')"/></th>
          </tr>
        </thead>
        <tbody>
          <xsl:for-each select="member">
            <tr>
              <th scope="row">
                <xsl:value-of select="@name"/>
                <xsl:if test="@referent = 'yes'">
                  <xsl:text> </xsl:text>
                  <strong class="badge"><xsl:value-of select="g:msg('members.referent')"/></strong>
                </xsl:if>
                <xsl:if test="@email != ''">
                  <br/><span class="hint"><xsl:value-of select="@email"/></span>
                </xsl:if>
              </th>
              <td><xsl:value-of select="@function"/></td>
              <td><xsl:value-of select="@since"/></td>
              <td>
                <xsl:choose>
                  <xsl:when test="@referent = 'yes'"><xsl:value-of select="g:msg('members.all_duties')"/></xsl:when>
                  <xsl:when test="duty">
                    <xsl:for-each select="duty">
                      <xsl:if test="position() > 1"><xsl:text>, </xsl:text></xsl:if>
                      <xsl:value-of select="g:msg(concat('duty.', @name))"/>
                    </xsl:for-each>
                    <xsl:if test="@duties-until">
                      <xsl:text> </xsl:text>
                      <span class="hint">(<xsl:value-of select="g:msg('members.until')"/><xsl:text> </xsl:text><xsl:value-of select="@duties-until"/>)</span>
                    </xsl:if>
                  </xsl:when>
                  <xsl:otherwise>–</xsl:otherwise>
                </xsl:choose>
              </td>
              <td>
                <xsl:choose>
                  <xsl:when test="@referent = 'yes'"><xsl:value-of select="g:msg('members.all_services')"/></xsl:when>
                  <xsl:when test="grant">
                    <ul class="grants">
                      <xsl:for-each select="grant"><li><code><xsl:value-of select="@workflow"/></code></li></xsl:for-each>
                    </ul>
                  </xsl:when>
                  <xsl:otherwise>–</xsl:otherwise>
                </xsl:choose>
              </td>
            </tr>
          </xsl:for-each>
        </tbody>
      </table>
      </div>
      <p class="hint"><xsl:value-of select="g:msg('members.hint')"/></p>
    </section>
  </xsl:template>
</xsl:stylesheet>
