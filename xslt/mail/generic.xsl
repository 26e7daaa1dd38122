<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: AGPL-3.0-or-later -->
<!--
  generic.xsl - every notification mail whose words alone differ.  The
  mailer (engine/mailer.c) uses it when xslt/mail/<template>.xsl does not
  exist; the outbox row's template name T picks the catalogue keys
  (xslt/i18n/mail.xml):

    mail.T.subject   the subject, before "– procedure (reference)"
    mail.T.body      the first paragraph; {arg} is the procedure's title
    mail.T.state     (if present) a paragraph; {arg} is the new state
    then the agent's comment, when the row carries one (common.xsl)
    mail.T.next      (if present) the last paragraph: what to do next

  A template name without a subject in the catalogue gives no subject, so
  the mailer refuses the row (logged, retried, then failed) rather than
  sending a key to a citizen.  A mail whose body really differs gets its
  own file, importing common.xsl like this one.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:g="urn:guichet:xslt"
    extension-element-prefixes="g"
    exclude-result-prefixes="g">
  <xsl:import href="common.xsl"/>

  <xsl:variable name="prefix" select="concat('mail.', /mail/@template, '.')"/>

  <!-- a catalogue text, or nothing when the key is absent (g:msg answers
       with the key itself then) -->
  <xsl:template name="optional-msg">
    <xsl:param name="key"/>
    <xsl:param name="arg" select="''"/>
    <xsl:if test="g:msg($key) != $key">
      <p><xsl:value-of select="g:msg($key, $arg)"/></p>
    </xsl:if>
  </xsl:template>

  <xsl:template match="mail" mode="subject">
    <xsl:if test="g:msg(concat($prefix, 'subject')) != concat($prefix, 'subject')">
      <xsl:call-template name="subject">
        <xsl:with-param name="key" select="concat($prefix, 'subject')"/>
      </xsl:call-template>
    </xsl:if>
  </xsl:template>

  <xsl:template match="mail" mode="body">
    <p><xsl:value-of select="g:msg(concat($prefix, 'body'), normalize-space(workflow))"/></p>
    <xsl:if test="normalize-space(state)">
      <xsl:call-template name="optional-msg">
        <xsl:with-param name="key" select="concat($prefix, 'state')"/>
        <xsl:with-param name="arg" select="normalize-space(state)"/>
      </xsl:call-template>
    </xsl:if>
    <xsl:call-template name="comment"/>
    <xsl:call-template name="optional-msg">
      <xsl:with-param name="key" select="concat($prefix, 'next')"/>
    </xsl:call-template>
  </xsl:template>
</xsl:stylesheet>
