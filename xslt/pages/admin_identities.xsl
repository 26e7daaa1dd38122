<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: AGPL-3.0-or-later -->
<!-- admin_identities.xsl - find a person by e-mail or name and see the
     login identities (provider, subject) tied to them; move one identity
     to the person it really belongs to (two accounts of one person).
     Input (engine/h_admin_groups.c): /page[@q]/people/person[@id, @name,
     @email, @assurance]/identity[@n, @issuer, @subject, @idp, @last_login]
     /page/outcome[@form, @key, @ok]/typed[@name, @value] -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:g="urn:guichet:xslt"
    extension-element-prefixes="g"
    exclude-result-prefixes="g">
  <xsl:import href="../layout.xsl"/>

  <xsl:template match="page" mode="title">
    <xsl:if test="outcome[@ok = 'no']">
      <xsl:value-of select="g:msg('demand.errors.title_prefix')"/>
      <xsl:text> </xsl:text>
    </xsl:if>
    <xsl:value-of select="g:msg('groups.identities')"/>
  </xsl:template>

  <xsl:template match="page" mode="content">
    <p><a href="/admin/groups"><xsl:value-of select="g:msg('groups.back')"/></a></p>
    <h1><xsl:value-of select="g:msg('groups.identities')"/></h1>
    <p class="lead"><xsl:value-of select="g:msg('groups.identities_lead')"/></p>
    <xsl:for-each select="outcome[@ok = 'yes' or not(/page/people/person/identity[concat('link-', @n) = current()/@form])]">
      <p role="status">
        <xsl:attribute name="class"><xsl:choose><xsl:when test="@ok = 'yes'">flash flash-ok</xsl:when><xsl:otherwise>flash flash-error</xsl:otherwise></xsl:choose></xsl:attribute>
        <xsl:value-of select="g:msg(@key)"/>
      </p>
    </xsl:for-each>
    <form method="get" action="/admin/identities" role="search">
      <p><label for="id-q"><xsl:value-of select="g:msg('groups.search')"/></label></p>
      <input type="search" id="id-q" name="q" value="{@q}" maxlength="200"/>
      <button type="submit"><xsl:value-of select="g:msg('groups.search_go')"/></button>
    </form>
    <xsl:if test="string(@q) and not(people/person)">
      <p role="status"><xsl:value-of select="g:msg('groups.search_none')"/></p>
    </xsl:if>
    <xsl:for-each select="people/person">
      <section class="group" aria-labelledby="person-{@id}">
        <h2 id="person-{@id}">
          <xsl:value-of select="@name"/>
          <xsl:if test="@email"><xsl:text> – </xsl:text><span class="email"><xsl:value-of select="@email"/></span></xsl:if>
        </h2>
        <p><xsl:value-of select="g:msg(concat('assurance.', @assurance))"/></p>
        <xsl:if test="not(identity)"><p><xsl:value-of select="g:msg('groups.no_identity')"/></p></xsl:if>
        <xsl:for-each select="identity">
          <xsl:variable name="form" select="concat('link-', @n)"/>
          <xsl:variable name="bad" select="/page/outcome[@form = $form and @ok = 'no']"/>
          <article class="identity" aria-labelledby="{$form}-title">
            <h3 id="{$form}-title"><code><xsl:value-of select="concat(@idp, ' · ', @subject)"/></code></h3>
            <p class="email"><xsl:value-of select="@issuer"/></p>
            <p><xsl:value-of select="g:msg('groups.last_login', @last_login)"/></p>
            <xsl:for-each select="$bad">
              <p role="alert" class="error-msg" id="{$form}-error"><xsl:value-of select="g:msg(@key)"/></p>
            </xsl:for-each>
            <form method="post" action="/admin/identities/link" class="add-member">
              <xsl:call-template name="csrf"/>
              <input type="hidden" name="issuer" value="{@issuer}"/>
              <input type="hidden" name="subject" value="{@subject}"/>
              <input type="hidden" name="n" value="{@n}"/>
              <input type="hidden" name="q" value="{/page/@q}"/>
              <label for="{$form}-to"><xsl:value-of select="g:msg('groups.link_to')"/></label>
              <input type="email" id="{$form}-to" name="to" autocomplete="off"
                     value="{$bad/typed[@name = 'to']/@value}">
                <xsl:if test="$bad">
                  <xsl:attribute name="aria-invalid">true</xsl:attribute>
                  <xsl:attribute name="aria-describedby"><xsl:value-of select="concat($form, '-error')"/></xsl:attribute>
                </xsl:if>
              </input>
              <button type="submit"><xsl:value-of select="g:msg('groups.link')"/></button>
            </form>
          </article>
        </xsl:for-each>
      </section>
    </xsl:for-each>
  </xsl:template>
</xsl:stylesheet>
