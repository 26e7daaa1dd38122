<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: AGPL-3.0-or-later -->
<!-- account.xsl - "Gérer mon compte": the personal data from the identity
     provider (read-only, and where to change it), the contact e-mail per
     context (a form; a refused address comes back under its field), the
     export of one's data, and links to the preferences, the relations and
     the deletion.  Input: /page/account, /page/contacts/field,
     /page/errors (engine/h_account.c). -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:g="urn:guichet:xslt"
    extension-element-prefixes="g"
    exclude-result-prefixes="g">
  <xsl:import href="../layout.xsl"/>
  <xsl:import href="../form.xsl"/>

  <xsl:template match="page" mode="title">
    <xsl:value-of select="g:msg('account.title')"/>
  </xsl:template>

  <xsl:template match="page" mode="content">
    <xsl:variable name="a" select="account"/>
    <h1><xsl:value-of select="g:msg('account.title')"/></h1>
    <xsl:call-template name="error-summary"/>
    <xsl:if test="$a/@done = 'contacts'">
      <div class="flash flash-ok" role="status"><xsl:value-of select="g:msg('account.done.contacts')"/></div>
    </xsl:if>

    <section aria-labelledby="identity-title">
      <h2 id="identity-title"><xsl:value-of select="g:msg('account.identity.title')"/></h2>
      <p><xsl:value-of select="g:msg('account.identity.from_provider', $a/@providers)"/></p>
      <xsl:if test="$a/@assurance = 'verified' or $a/@assurance = 'strong'">
        <p><xsl:value-of select="g:msg('account.identity.verified')"/></p>
      </xsl:if>
      <dl class="facts">
        <xsl:call-template name="fact"><xsl:with-param name="key" select="'account.field.name'"/><xsl:with-param name="value" select="$a/@display-name"/></xsl:call-template>
        <xsl:call-template name="fact"><xsl:with-param name="key" select="'account.field.given'"/><xsl:with-param name="value" select="$a/@given-name"/></xsl:call-template>
        <xsl:call-template name="fact"><xsl:with-param name="key" select="'account.field.family'"/><xsl:with-param name="value" select="$a/@family-name"/></xsl:call-template>
        <xsl:call-template name="fact"><xsl:with-param name="key" select="'account.field.email'"/><xsl:with-param name="value" select="$a/@email"/></xsl:call-template>
        <xsl:call-template name="fact"><xsl:with-param name="key" select="'account.field.assurance'"/><xsl:with-param name="value" select="g:msg(concat('account.assurance.', $a/@assurance))"/></xsl:call-template>
        <xsl:call-template name="fact"><xsl:with-param name="key" select="'account.field.since'"/><xsl:with-param name="value" select="$a/@since"/></xsl:call-template>
      </dl>
    </section>

    <section aria-labelledby="contacts-title">
      <h2 id="contacts-title"><xsl:value-of select="g:msg('account.contacts.title')"/></h2>
      <p><xsl:value-of select="g:msg('account.contacts.intro')"/></p>
      <form method="post" action="/account/contacts" novalidate="novalidate">
        <xsl:call-template name="csrf"/>
        <xsl:apply-templates select="contacts/field"/>
        <p><button type="submit"><xsl:value-of select="g:msg('account.contacts.save')"/></button></p>
      </form>
    </section>

    <section aria-labelledby="export-title">
      <h2 id="export-title"><xsl:value-of select="g:msg('account.export.title')"/></h2>
      <p><xsl:value-of select="g:msg('account.export.intro')"/></p>
      <form method="post" action="/account/export">
        <xsl:call-template name="csrf"/>
        <p><button type="submit"><xsl:value-of select="g:msg('account.export.button')"/></button></p>
      </form>
    </section>

    <section aria-labelledby="more-title">
      <h2 id="more-title"><xsl:value-of select="g:msg('account.more.title')"/></h2>
      <ul>
        <li><a href="/account/preferences"><xsl:value-of select="g:msg('account.link.prefs')"/></a></li>
        <li><a href="/relations"><xsl:value-of select="g:msg('account.link.relations')"/></a></li>
        <li><a href="/account/delete"><xsl:value-of select="g:msg('account.link.delete')"/></a></li>
      </ul>
    </section>
  </xsl:template>

  <xsl:template name="fact">
    <xsl:param name="key"/>
    <xsl:param name="value"/>
    <dt><xsl:value-of select="g:msg($key)"/></dt>
    <dd>
      <xsl:choose>
        <xsl:when test="normalize-space($value)"><xsl:value-of select="$value"/></xsl:when>
        <xsl:otherwise><xsl:value-of select="g:msg('account.field.none')"/></xsl:otherwise>
      </xsl:choose>
    </dd>
  </xsl:template>
</xsl:stylesheet>
