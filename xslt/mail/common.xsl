<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: AGPL-3.0-or-later -->
<!--
  common.xsl - the frame every mail template imports.

  Input (built by engine/mailer.c from an outbox row):
    <mail template="..." lang="fr" base="https://...">
      <recipient name="Jeanne Dupont"/>
      <reference>2026-000123</reference>   <workflow>title in lang</workflow>
      <state>state label in lang</state>    <comment>agent's comment</comment>
      <demand>uuid</demand>  (link: @base/demands/uuid, or <link> when given)
      ... (whatever the row's data holds)
    </mail>
  Most mails are xslt/mail/generic.xsl (the words from the catalogue by
  the template's name); a mail of its own (xslt/mail/<template>.xsl,
  which the mailer prefers when it exists) imports this frame too.
  A template provides <xsl:template match="mail" mode="subject"> (one line)
  and <xsl:template match="mail" mode="body"> (a sequence of <p> and
  <quote> elements); this frame turns them into
    <message><subject/><text/><html><html>...</html></html></message>
  which the mailer makes into a multipart/alternative mail.  The footer
  links to the recipient's notification preferences (/account/preferences).
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:g="urn:guichet:xslt"
    xmlns:exsl="http://exslt.org/common"
    extension-element-prefixes="g exsl"
    exclude-result-prefixes="g exsl">

  <xsl:output method="xml" encoding="UTF-8" indent="no"/>

  <xsl:variable name="nl" select="'&#10;'"/>

  <xsl:template match="/">
    <xsl:apply-templates select="mail"/>
  </xsl:template>

  <!-- the subject most templates use: "What happened - Workflow (2026-000123)" -->
  <xsl:template name="subject">
    <xsl:param name="key"/>
    <xsl:value-of select="g:msg($key)"/>
    <xsl:if test="normalize-space(workflow)">
      <xsl:text> – </xsl:text>
      <xsl:value-of select="normalize-space(workflow)"/>
    </xsl:if>
    <xsl:if test="normalize-space(reference)">
      <xsl:text> (</xsl:text>
      <xsl:value-of select="normalize-space(reference)"/>
      <xsl:text>)</xsl:text>
    </xsl:if>
  </xsl:template>

  <xsl:template match="mail">
    <xsl:variable name="subject-rtf"><xsl:apply-templates select="." mode="subject"/></xsl:variable>
    <xsl:variable name="subject" select="normalize-space($subject-rtf)"/>
    <xsl:variable name="body-rtf"><xsl:apply-templates select="." mode="body"/></xsl:variable>
    <xsl:variable name="body" select="exsl:node-set($body-rtf)/*"/>
    <!-- where to follow the demand: the row's link, else the demand's page -->
    <xsl:variable name="link">
      <xsl:choose>
        <xsl:when test="starts-with(normalize-space(link), '/')">
          <xsl:value-of select="concat(@base, normalize-space(link))"/>
        </xsl:when>
        <xsl:when test="normalize-space(link)"><xsl:value-of select="normalize-space(link)"/></xsl:when>
        <xsl:when test="normalize-space(demand)">
          <xsl:value-of select="concat(@base, '/demands/', normalize-space(demand))"/>
        </xsl:when>
      </xsl:choose>
    </xsl:variable>
    <xsl:variable name="hello">
      <xsl:choose>
        <xsl:when test="normalize-space(recipient/@name)">
          <xsl:value-of select="g:msg('mail.hello', normalize-space(recipient/@name))"/>
        </xsl:when>
        <xsl:otherwise><xsl:value-of select="g:msg('mail.hello.anonymous')"/></xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <message>
      <subject><xsl:value-of select="$subject"/></subject>
      <text>
        <xsl:value-of select="$hello"/>
        <xsl:value-of select="concat($nl, $nl)"/>
        <xsl:for-each select="$body">
          <xsl:choose>
            <xsl:when test="self::quote">
              <xsl:text>    </xsl:text>
              <xsl:value-of select="g:msg('punct.quote.open')"/>
              <xsl:value-of select="normalize-space(.)"/>
              <xsl:value-of select="g:msg('punct.quote.close')"/>
            </xsl:when>
            <xsl:otherwise><xsl:value-of select="normalize-space(.)"/></xsl:otherwise>
          </xsl:choose>
          <xsl:value-of select="concat($nl, $nl)"/>
        </xsl:for-each>
        <xsl:if test="normalize-space(reference)">
          <xsl:value-of select="g:msg('mail.reference')"/>
          <xsl:text> </xsl:text>
          <xsl:value-of select="normalize-space(reference)"/>
          <xsl:value-of select="$nl"/>
        </xsl:if>
        <xsl:if test="$link != ''">
          <xsl:value-of select="g:msg('mail.follow')"/>
          <xsl:value-of select="$nl"/>
          <xsl:value-of select="$link"/>
          <xsl:value-of select="$nl"/>
        </xsl:if>
        <xsl:value-of select="concat($nl, '-- ', $nl)"/>
        <xsl:value-of select="g:msg('portal.name')"/>
        <xsl:value-of select="$nl"/>
        <xsl:value-of select="g:msg('mail.automatic')"/>
        <xsl:value-of select="$nl"/>
        <xsl:value-of select="g:msg('mail.preferences')"/>
        <xsl:value-of select="$nl"/>
        <xsl:value-of select="concat(@base, '/account/preferences')"/>
        <xsl:value-of select="$nl"/>
      </text>
      <html>
        <html lang="{@lang}">
          <head>
            <meta http-equiv="Content-Type" content="text/html; charset=UTF-8"/>
            <title><xsl:value-of select="$subject"/></title>
          </head>
          <body style="margin:0;padding:0;background:#f4f4f4;font-family:Arial,Helvetica,sans-serif;color:#1a1a1a;">
            <div style="max-width:600px;margin:0 auto;background:#ffffff;padding:24px;">
              <p style="font-size:13px;color:#555555;margin:0 0 16px 0;"><xsl:value-of select="g:msg('portal.name')"/></p>
              <p style="font-size:16px;line-height:1.5;"><xsl:value-of select="$hello"/></p>
              <xsl:for-each select="$body">
                <xsl:choose>
                  <xsl:when test="self::quote">
                    <blockquote style="margin:0 0 16px 0;padding:8px 16px;border-left:4px solid #c0c0c0;font-size:16px;line-height:1.5;"><xsl:value-of select="normalize-space(.)"/></blockquote>
                  </xsl:when>
                  <xsl:otherwise>
                    <p style="font-size:16px;line-height:1.5;"><xsl:value-of select="normalize-space(.)"/></p>
                  </xsl:otherwise>
                </xsl:choose>
              </xsl:for-each>
              <xsl:if test="normalize-space(reference)">
                <p style="font-size:16px;line-height:1.5;">
                  <xsl:value-of select="g:msg('mail.reference')"/>
                  <xsl:text> </xsl:text>
                  <strong><xsl:value-of select="normalize-space(reference)"/></strong>
                </p>
              </xsl:if>
              <xsl:if test="$link != ''">
                <p style="margin:24px 0;">
                  <a href="{$link}" style="display:inline-block;background:#0b5394;color:#ffffff;padding:12px 20px;text-decoration:none;font-size:16px;"><xsl:value-of select="g:msg('mail.open')"/></a>
                </p>
              </xsl:if>
              <p style="font-size:13px;color:#555555;border-top:1px solid #dddddd;padding-top:12px;">
                <xsl:value-of select="g:msg('mail.automatic')"/>
                <xsl:text> </xsl:text>
                <a href="{@base}/account/preferences" style="color:#0b5394;"><xsl:value-of select="g:msg('mail.preferences')"/></a>
              </p>
            </div>
          </body>
        </html>
      </html>
    </message>
  </xsl:template>

  <!-- the agent's comment, when there is one -->
  <xsl:template name="comment">
    <xsl:if test="normalize-space(comment)">
      <p><xsl:value-of select="g:msg('mail.comment')"/></p>
      <quote><xsl:value-of select="comment"/></quote>
    </xsl:if>
  </xsl:template>
</xsl:stylesheet>
